/*
 * tests/kernel/bridge_harness.c - booting the FUSE bridge's inside for the
 * bridge tests, and the checks host threads record (bridge_harness.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tests/kernel/bridge_harness.h"

pthread_mutex_t br_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t br_cv = PTHREAD_COND_INITIALIZER;
struct br_state br;

BC_HOST void br_is(const char *file, int line, long got, long want)
{
	pthread_mutex_lock(&br_lock);
	br.checks++;
	if (got != want && !br.fail_line) {
		br.fail_file = file;
		br.fail_line = line;
		br.fail_got = got;
	}
	pthread_mutex_unlock(&br_lock);
}

BC_HOST uint8_t br_pat(unsigned seed, uint64_t pos)
{
	return (uint8_t)(pos * 31 + seed * 101 + pos / 251);
}

/* ------------------------------------------------- the CPU thread's jobs */

struct br_job {
	void (*fn)(void *arg);
	void *arg;
	bool done;
};

BC_HOST static void br_job_run(void *p)
{
	struct br_job *j = p;
	j->fn(j->arg);
	pthread_mutex_lock(&br_lock);
	j->done = true;
	pthread_cond_broadcast(&br_cv);
	pthread_mutex_unlock(&br_lock);
}

/* From a host thread: run fn(arg) on the CPU thread, between two turns of
 * the kernel loop, and wait until it has run (at most a minute). */
BC_HOST void br_on_cpu(void (*fn)(void *arg), void *arg)
{
	struct br_job j = {fn, arg, false};
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	BR_IS(kernel_host_post(br_job_run, &j), 0);
	pthread_mutex_lock(&br_lock);
	while (!j.done)
		if (pthread_cond_timedwait(&br_cv, &br_lock, &until) != 0)
			break;
	bool done = j.done;
	pthread_mutex_unlock(&br_lock);
	BR_CHECK(done);
	if (!done)
		abort(); /* j is on this stack: the CPU thread may still run it */
}

BC_HOST void br_mark(void *text)
{
	fprintf(br.trace, "%s\n", (const char *)text);
}

BC_HOST static void br_edge_close(void *arg)
{
	(void)arg;
	kernel_host_edge_close();
}

BC_HOST void br_spawn_fused(void *arg)
{
	(void)arg;
	BR_CHECK(kernel_spawn_driver_peer("fused", "bridge", br.vfs) >= 0);
}

BC_HOST void br_wake_starter(void *arg)
{
	(void)arg;
	BR_IS(kernel_notify(br.starter), 0);
}

/* ------------------------------------------------------------ booting */

/* A fresh image of `size` with `block` bytes per block; the test's. */
void br_image(const char *size, const char *block)
{
	memset(&br, 0, sizeof(br));
	strcpy(br.image, "/tmp/kip-bridge-XXXXXX");
	int fd = mkstemp(br.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs",		br.image,      "--size",  (char *)size,
			"--block-size", (char *)block, "--force", NULL};
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
	br.fused_at_boot = true;
}

/* The host's side of a run: wait for READY (fused started at boot), the
 * test's body, then SHUTDOWN - or, when nobody answers it, let the
 * machine idle out. */
BC_HOST static void *br_host_main(void *arg)
{
	struct kip_bridge *b = arg;
	if (br.fused_at_boot)
		br.ready = kip_bridge_wait_ready(b, BC_TIMEOUT_MS);
	br.body(b);
	struct bc c = bc_new(b, &bc_root);
	if (br.shutdown_timeout_ms)
		c.timeout_ms = br.shutdown_timeout_ms;
	br.shutdown = bc_shutdown(&c);
	if (br.shutdown == -EIO)
		kernel_host_post(br_edge_close, NULL);
	return NULL;
}

/* Boot the disk driver, MFS, VFS and (if asked) fused and br_starter on
 * the image, run `body` on a host thread while the CPU thread runs the
 * kernel; halt.  The machine's exit status. */
int br_run(void (*body)(struct kip_bridge *b), unsigned flags)
{
	struct kip_config cfg;
	kt_default_config(&cfg, flags);
	cfg.disk_image = br.image;
	cfg.bridge = true;
	kt_boot_config(&cfg);
	br.trace = cfg.trace_out;
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(driver >= 0);
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	CU_ASSERT_FATAL(mfs >= 0);
	br.mfs = mfs;
	br.vfs = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs, 0);
	CU_ASSERT_FATAL(br.vfs >= 0);
	if (br.fused_at_boot)
		CU_ASSERT_FATAL(kernel_spawn_driver_peer("fused", "bridge", br.vfs) >= 0);
	if (br.starter_at_boot)
		br.starter = kt_spawn("br_starter", (uint64_t)(uint32_t)br.vfs, 0);
	br.bridge = kip_bridge_get();
	CU_ASSERT_FATAL(br.bridge != NULL);
	br.body = body;
	kernel_host_edge_open();
	pthread_t t;
	CU_ASSERT_FATAL(pthread_create(&t, NULL, br_host_main, br.bridge) == 0);
	/* Not kt_run: the host thread may still post or call until it is
	 * joined, so the kernel is freed only after that. */
	int status = kernel_run();
	pthread_join(t, NULL);
	kernel_halt();
	return status;
}

/* Every host check passed; the image is sound. */
void br_judge(bool minix_fsck)
{
	CU_ASSERT_EQUAL(br.fail_line, 0);
	if (br.fail_line)
		fprintf(stderr, "\n  bridge: check at %s:%d failed (got %ld)\n", br.fail_file,
			br.fail_line, br.fail_got);
	CU_ASSERT(br.checks >= 3);
	char *argv[] = {"fsck", br.image, NULL};
	CU_ASSERT_EQUAL(kt_quiet(cli_fsck, argv), 0);
	if (minix_fsck) {
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", br.image);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
}
