/*
 * tests/kernel/test_fault_point.c - fault points: off by default, and when
 * armed they fire on exactly the hit asked for, as many times as asked,
 * making the operation fail as if it had failed by itself.
 */
#include "kip/fault_point.h"
#include "kip/ipc.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kip_test.h"
#include "tests/kernel/harness.h"

static volatile int fp_results[6];
static volatile int fp_alloc_ok[4];

static int fp_sink_main(uint64_t arg)
{
	(void)arg;
	message m;
	for (;;)
		kip_receive(KIP_ANY, &m);
	return 0;
}

KIP_PROGRAM(fp_sink, fp_sink_main, 1, KIP_PROG_SYSTEM);

/* Sends to the sink (which always waits) six times. */
static int fp_sender_main(uint64_t sink)
{
	message m;
	for (int i = 0; i < 6; i++) {
		kip_msg_init(&m, TEST_PING);
		fp_results[i] = kip_send((endpoint_t)sink, &m);
	}
	return 0;
}

KIP_PROGRAM(fp_sender, fp_sender_main, 2, KIP_PROG_SYSTEM);

static int fp_alloc_main(uint64_t arg)
{
	(void)arg;
	for (int i = 0; i < 4; i++)
		fp_alloc_ok[i] = kip_page_alloc(1) != NULL;
	return 0;
}

KIP_PROGRAM(fp_alloc, fp_alloc_main, 2, KIP_PROG_SYSTEM);

static void test_deliver_point_fires_on_the_nth_hit(void)
{
	kt_boot(0);
	endpoint_t sink = kt_spawn("fp_sink", 0, 0);
	kt_spawn("fp_sender", (uint64_t)sink, SPAWN_INIT);
	/* The 3rd and 4th deliveries from now fail. */
	CU_ASSERT_EQUAL(kip_fault_arm(FP_IPC_DELIVER, 3, 2), 0);
	kt_run();
	kip_fault_disarm_all();
	CU_ASSERT_EQUAL(fp_results[0], 0);
	CU_ASSERT_EQUAL(fp_results[1], 0);
	CU_ASSERT_EQUAL(fp_results[2], -EIO);
	CU_ASSERT_EQUAL(fp_results[3], -EIO);
	CU_ASSERT_EQUAL(fp_results[4], 0);
	CU_ASSERT_EQUAL(fp_results[5], 0);
}

static void test_page_alloc_point(void)
{
	kt_boot(0);
	kt_spawn("fp_alloc", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kip_fault_arm(FP_PAGE_ALLOC, 2, 1), 0);
	kt_run();
	CU_ASSERT_EQUAL(kip_fault_hits(FP_PAGE_ALLOC), 4);
	kip_fault_disarm_all();
	CU_ASSERT_TRUE(fp_alloc_ok[0]);
	CU_ASSERT_FALSE(fp_alloc_ok[1]);
	CU_ASSERT_TRUE(fp_alloc_ok[2]);
	CU_ASSERT_TRUE(fp_alloc_ok[3]);
}

static void test_unarmed_and_bad_ids(void)
{
	kip_fault_disarm_all();
	CU_ASSERT_EQUAL(kip_fault_armed, 0);
	CU_ASSERT_EQUAL(fault_point(FP_DISK_READ), 0);
	CU_ASSERT_EQUAL(kip_fault_arm(0, 1, 1), -EINVAL);
	CU_ASSERT_EQUAL(kip_fault_arm(FP_MAX, 1, 1), -EINVAL);
	CU_ASSERT_EQUAL(kip_fault_arm(FP_KCALL, 0, 1), -EINVAL);
	CU_ASSERT_STRING_EQUAL(kip_fault_point_name(FP_DISK_WRITE), "FP_DISK_WRITE");
	CU_ASSERT_PTR_NULL(kip_fault_point_name(63));
}

static const struct kip_test fault_point_tests[] = {
	{"an armed delivery point fails exactly the nth and next hits",
	 test_deliver_point_fires_on_the_nth_hit},
	{"an armed page-allocation point makes one allocation fail", test_page_alloc_point},
	{"unarmed points never fire; bad ids are refused", test_unarmed_and_bad_ids},
	{NULL, NULL},
};

KIP_TEST_SUITE(fault_point, fault_point_tests);
