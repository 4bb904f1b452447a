/*
 * tests/kernel/harness.h - booting a kernel inside a CUnit test.
 *
 * A test registers its processes with KIP_PROGRAM (names must be unique in
 * the whole test binary: prefix them with the file's topic), then:
 *
 *     kt_boot(0);                               // or KT_TRACE
 *     kt_spawn("ipc_receiver", 0, 0);
 *     kt_spawn("ipc_main", 0, SPAWN_INIT);
 *     CU_ASSERT_EQUAL(kt_run(), 0);             // runs, halts, frees
 *     CU_ASSERT_PTR_NOT_NULL(strstr(kt_trace(), "ECHO_REQUEST"));
 *
 * Processes report what they saw through variables of the test file (the
 * test binary is not a server: globals are fine here) or their exit status.
 * Console output and the trace are captured in memory, not printed;
 * kt_last_run tells what the machine looked like when it halted.
 */
#ifndef KIP_TESTS_KERNEL_HARNESS_H
#define KIP_TESTS_KERNEL_HARNESS_H

#include <CUnit/CUnit.h>

#include "kernel/boot.h"
#include "kip/message.h"

enum {
	KT_TRACE = 1 << 0
};

/* Boot with epoch 0, seed 1, 16 MiB, watchdog off, the default switch.
 * Asserts (CUnit) that boot worked; returns 0 or the error. */
int kt_boot(unsigned flags);
/* Same, with a config the test adjusted (after kt_default_config). */
void kt_default_config(struct kip_config *cfg, unsigned flags);
int kt_boot_config(struct kip_config *cfg);

endpoint_t kt_spawn(const char *program, uint64_t arg, unsigned flags);

/* Run until the machine halts, halt the kernel, return the exit status. */
int kt_run(void);

/* The machine as the last run left it, recorded by kt_run just before
 * teardown (the kernel itself is gone by the time a test asserts). */
struct kt_end {
	struct kernel_stats stats;
	size_t free_pages, total_pages; /* physical memory */
	int live_procs;			/* processes still in the table */
};
const struct kt_end *kt_last_run(void);

/* What the last run printed (valid until the next kt_boot). */
const char *kt_trace(void);
const char *kt_console(void);
/* Run a host-side command function (e.g. cli_mkfs) with argv (NULL-ended),
 * stdout and stderr silenced; returns its exit status. */
int kt_quiet(int (*fn)(int, char **), char **argv);

/* Count occurrences of `needle` in the trace. */
int kt_trace_count(const char *needle);

/* In a kip process: make the stores before this point happen before the
 * accesses after it - call it before a deliberate fault, or the compiler may
 * sink an observation past the access that never returns. */
#define kt_barrier() __asm__ __volatile__("" ::: "memory")

/* In a kip process: wait for the next process event (exit, kill, fault,
 * hang) the kernel posts to the caller, receiving SYSTEM notifications
 * until one is queued.  Returns 0 or the receive's error. */
int kt_wait_event(struct kcall_event *ev);

#endif
