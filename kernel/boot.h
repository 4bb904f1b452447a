/*
 * kernel/boot.h - the kernel as the host program sees it: configure, boot,
 * start processes from a boot table, run until the machine halts, tear down.
 *
 * Used by cli/ (kip run, kip bench) and by the tests.  One kernel at a time
 * per host process; kernel_halt frees everything so another can boot.
 */
#ifndef KIP_KERNEL_BOOT_H
#define KIP_KERNEL_BOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kip/endpoint.h"
#include "sim/ctx.h"

enum {
	KIP_TRACE_IPC = 1 << 0
};

struct kip_config {
	uint64_t seed;
	uint64_t epoch;	      /* host ns at boot; recorded in the trace header */
	size_t mem_bytes;     /* physical memory */
	enum ctx_impl impl;   /* context switch */
	unsigned trace;	      /* KIP_TRACE_* */
	unsigned watchdog_ms; /* host CPU ms a process may run without trapping */
	uint64_t quantum_ns;  /* scheduling quantum (virtual) */
	FILE *console;	      /* where SYS_PRINT goes */
	FILE *trace_out;      /* where the trace goes */
};

/* Defaults: seed 1, epoch = host time now, 64 MiB, the build's switch,
 * no trace, watchdog 2000 ms, quantum 10 ms, stdout for both. */
void kernel_default_config(struct kip_config *cfg);

/* Boot a fresh kernel.  Returns 0 or a negative error. */
int kernel_boot(const struct kip_config *cfg);

/* Flags for kernel_spawn. */
enum {
	SPAWN_INIT = 1 << 0,	/* the machine halts when it exits */
	SPAWN_MANAGER = 1 << 1, /* it is told of deaths and faults */
};

/* Start registered program `program` from the boot table (name NULL = the
 * program's name, priority -1 = its default).  Returns the endpoint or a
 * negative error. */
endpoint_t kernel_spawn(const char *program, const char *name, int priority, uint64_t arg,
			unsigned flags);

/* Run until the machine halts.  Returns the exit status: the init
 * process's, or 0 when every process finished or sits idle in RECEIVE(ANY),
 * or 1 after a deadlock report. */
int kernel_run(void);

/* Host edges (terminal, FUSE).  While one is open, a machine with nothing
 * to run sleeps for host input instead of halting.  CPU thread only. */
void kernel_host_edge_open(void);
void kernel_host_edge_close(void);
/* From any host thread: run fn(arg) on the CPU thread, in the kernel
 * context, between two turns of the kernel loop.  0 or -ENOMEM. */
int kernel_host_post(void (*fn)(void *arg), void *arg);
/* Kernel context only (e.g. from a posted callback): a HARDWARE
 * notification to dst.  0 or -EDEADSRCDST. */
int kernel_notify(endpoint_t dst);

/* Free everything the kernel holds. */
void kernel_halt(void);

/* Statistics of the current (or last) run. */
struct kernel_stats {
	uint64_t now_ns, messages, switches, traps, kcalls;
	unsigned watchdog_fired;
};
void kernel_get_stats(struct kernel_stats *st);

#endif
