/*
 * tests/kernel/test_hostq.c - host edges: with an edge open, a machine that
 * has nothing to run sleeps for host input instead of halting, and work a
 * host thread posts runs on the CPU thread, in order.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "kip/ipc.h"
#include "kip/program.h"
#include "tests/kip_test.h"
#include "tests/kernel/harness.h"

static endpoint_t hq_waiter;
static int hq_order[4], hq_ran;

/* Waits for one HARDWARE notification, then ends the run with status 7. */
static int hq_waiter_main(uint64_t arg)
{
	(void)arg;
	message m;
	if (kip_receive(KIP_ANY, &m) < 0 || m.m_source != KIP_HARDWARE)
		return 1;
	return 7;
}

KIP_PROGRAM(hq_waiter, hq_waiter_main, 2, KIP_PROG_SYSTEM);

static void hq_record(void *arg)
{
	hq_order[hq_ran++] = (int)(intptr_t)arg;
}

static void hq_wake(void *arg)
{
	(void)arg;
	hq_order[hq_ran++] = 3;
	kernel_notify(hq_waiter);
	kernel_host_edge_close();
}

static void *hq_host_thread(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL); /* the CPU thread is asleep by now (or soon) */
	kernel_host_post(hq_record, (void *)1);
	kernel_host_post(hq_record, (void *)2);
	kernel_host_post(hq_wake, NULL);
	return NULL;
}

static void test_sleeps_for_host_input(void)
{
	pthread_t t;
	hq_ran = 0;
	memset(hq_order, 0, sizeof(hq_order));
	kt_boot(0);
	hq_waiter = kt_spawn("hq_waiter", 0, SPAWN_INIT);
	kernel_host_edge_open();
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, hq_host_thread, NULL), 0);
	int status = kt_run();
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(status, 7);
	CU_ASSERT_EQUAL(hq_ran, 3);
	CU_ASSERT_EQUAL(hq_order[0], 1);
	CU_ASSERT_EQUAL(hq_order[1], 2);
	CU_ASSERT_EQUAL(hq_order[2], 3);
}

/* host_clock: the waiter reads the virtual clock after a host thread woke it
 * 60 ms (host) after boot; without host_clock the clock stood still. */
static volatile uint64_t hq_seen_ns;

static int hq_clock_main(uint64_t arg)
{
	(void)arg;
	message m;
	if (kip_receive(KIP_ANY, &m) < 0 || m.m_source != KIP_HARDWARE)
		return 1;
	kip_msg_init(&m, SYS_TIMES);
	if (kip_kcall(SYS_TIMES, &m) < 0)
		return 2;
	hq_seen_ns = m.m_time.now;
	return 7;
}
KIP_PROGRAM(hq_clock, hq_clock_main, 2, KIP_PROG_SYSTEM);

static void *hq_late_thread(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 60 * 1000 * 1000};
	nanosleep(&ts, NULL);
	kernel_host_post(hq_wake, NULL);
	return NULL;
}

static uint64_t hq_clock_run(bool host_clock)
{
	pthread_t t;
	struct kip_config cfg;
	hq_ran = 0;
	hq_seen_ns = 0;
	kt_default_config(&cfg, 0);
	cfg.host_clock = host_clock;
	kt_boot_config(&cfg);
	hq_waiter = kt_spawn("hq_clock", 0, SPAWN_INIT);
	kernel_host_edge_open();
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, hq_late_thread, NULL), 0);
	CU_ASSERT_EQUAL(kt_run(), 7);
	pthread_join(t, NULL);
	return hq_seen_ns;
}

static void test_host_clock(void)
{
	CU_ASSERT(hq_clock_run(true) >= 60ull * 1000 * 1000);
	CU_ASSERT(hq_clock_run(false) < 60ull * 1000 * 1000); /* virtual time alone */
}

static void test_halts_without_edges(void)
{
	/* The same machine with no edge open halts at once: the waiter is an
	 * idle receiver, so the halt is clean (0), and it never saw a notify. */
	kt_boot(0);
	kt_spawn("hq_waiter", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
}

static const struct kip_test hostq_tests[] = {
	{"with a host edge open, idle means sleeping for host work", test_sleeps_for_host_input},
	{"with no host edge, an idle machine halts", test_halts_without_edges},
	{"host_clock: waiting for the host moves the clock with it", test_host_clock},
	{NULL, NULL},
};

KIP_TEST_SUITE(hostq, hostq_tests);
