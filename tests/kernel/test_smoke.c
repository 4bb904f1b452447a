/*
 * tests/kernel/test_smoke.c - the harness itself: boot, run the demo, halt.
 */
#include <string.h>

#include "tests/kip_test.h"
#include "tests/kernel/harness.h"

static void test_demo_runs(void)
{
	kt_boot(KT_TRACE);
	kt_spawn("init", 1, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_console(), "3 of 3 programs ended as expected"));
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_trace(), "ECHO_UPPER"));
	CU_ASSERT_EQUAL(kt_trace_count("faults: SIGSEGV"), 1);
	/* ECHO_SLOW is answered later, when the server's 1 ms alarm rings. */
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_console(), "slow echo answered after 1001 us"));
	CU_ASSERT_EQUAL(kt_trace_count("CLOCK(-5) -> echo(32769)  NOTIFY_MESSAGE  ok"), 1);
}

static const struct kip_test smoke_tests[] = {
	{"the demo boots, runs and halts with status 0", test_demo_runs},
	{NULL, NULL},
};

KIP_TEST_SUITE(smoke, smoke_tests);
