/*
 * tests/kernel/bridge_harness.h - the bridge tests' scaffolding
 * (tests/kernel/test_bridge.c): an image made by `kip mkfs`, a kernel
 * booted on it with the bridge device, the disk driver, MFS, VFS and
 * fused, a host thread running the test's body beside the CPU thread, and
 * the checks host threads make.
 *
 *     br_image("4M", "1024");                   // the image, in br.image
 *     CU_ASSERT_EQUAL(br_run(body, 0), 0);      // body(b) on a host thread
 *     CU_ASSERT_EQUAL(br.shutdown, 0);
 *     br_judge(true);                           // checks, kip fsck, fsck.minix
 *     unlink(br.image);
 *
 * br_run boots, starts the stack (fused too unless br.fused_at_boot was
 * cleared, br_starter if br.starter_at_boot was set), opens the host edge
 * and starts the host thread, which waits for READY (into br.ready), runs
 * body(b), then sends BRIDGE_SHUTDOWN (its reply in br.shutdown); if that
 * finds nobody (EIO) it closes the edge so the idle machine halts.  The
 * CPU thread runs the kernel meanwhile; the host thread is joined before
 * the kernel is freed (a host thread may use the bridge until then).
 *
 * Host threads have no CUnit: BR_IS and BR_CHECK record every check and
 * the first that failed (under br_lock), and br_judge reports them.
 * Functions that run on host threads are BC_HOST (bridge_client.h).
 */
#ifndef KIP_TESTS_KERNEL_BRIDGE_HARNESS_H
#define KIP_TESTS_KERNEL_BRIDGE_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/kernel/bridge_client.h"
#include "tests/kernel/harness.h"

#define BR_EVENTS_CAP 64

/* Everything a run records; reset by br_image.  Fields the host threads
 * write while others may read are under br_lock. */
struct br_state {
	char image[64];
	struct kip_bridge *bridge;
	endpoint_t vfs, starter;
	endpoint_t mfs;		 /* the file server br_run started */
	int shutdown_timeout_ms; /* the final SHUTDOWN's, 0: BC_TIMEOUT_MS */
	FILE *trace;		 /* where the kernel's trace goes (br_mark writes there) */
	bool fused_at_boot, starter_at_boot;
	void (*body)(struct kip_bridge *b);
	int checks, fail_line; /* the first failed check */
	const char *fail_file;
	long fail_got;
	int ready, shutdown; /* READY's value, SHUTDOWN's reply */
	int user_status;     /* br_user's exit status, via br_starter */
	struct vfs_event events[BR_EVENTS_CAP];
	unsigned nevents, event_calls;
};
extern struct br_state br;
extern pthread_mutex_t br_lock;
extern pthread_cond_t br_cv; /* broadcast when br changes (and by br_on_cpu) */

/* Any thread: record a check that `got` is `want`. */
BC_HOST void br_is(const char *file, int line, long got, long want);
#define BR_IS(got, want) br_is(__FILE__, __LINE__, (long)(got), (long)(want))
#define BR_CHECK(cond) BR_IS(!!(cond), 1)

/* The test data: byte `pos` of stream `seed`. */
BC_HOST uint8_t br_pat(unsigned seed, uint64_t pos);

/* From a host thread: run fn(arg) on the CPU thread, between two turns of
 * the kernel loop, and wait until it has run (at most a minute). */
BC_HOST void br_on_cpu(void (*fn)(void *arg), void *arg);
/* Jobs for br_on_cpu: write the text into the trace; start fused; give
 * br_starter its HARDWARE notification. */
BC_HOST void br_mark(void *text);
BC_HOST void br_spawn_fused(void *arg);
BC_HOST void br_wake_starter(void *arg);

/* CPU thread (the test): a fresh image of `size` with `block` bytes per
 * block, in br.image; br reset, fused_at_boot set. */
void br_image(const char *size, const char *block);
/* Boot, run body on a host thread, halt.  The machine's exit status. */
int br_run(void (*body)(struct kip_bridge *b), unsigned flags);
/* Every host check passed; the image passes `kip fsck` (and fsck.minix -f
 * when minix_fsck). */
void br_judge(bool minix_fsck);

#endif
