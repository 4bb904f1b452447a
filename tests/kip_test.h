/*
 * tests/kip_test.h - how a CUnit test file registers its suite.
 *
 *   static const struct kip_test ipc_tests[] = {
 *           {"send blocks until received", test_send_rendezvous},
 *           {NULL, NULL},
 *   };
 *   KIP_TEST_SUITE(ipc, ipc_tests);
 *
 * tests/main/main.c runs every registered suite (or those named on its
 * command line) and exits non-zero if any assertion failed.
 */
#ifndef KIP_TESTS_KIP_TEST_H
#define KIP_TESTS_KIP_TEST_H

#include <CUnit/CUnit.h>

struct kip_test {
	const char *name;
	void (*fn)(void);
};

struct kip_test_suite {
	const char *name;
	const struct kip_test *tests;
	struct kip_test_suite *next;
};

void kip_test_suite_add(struct kip_test_suite *s);

#define KIP_TEST_SUITE(sname, array)                                                               \
	static struct kip_test_suite kip_suite_##sname = {#sname, array, 0};                       \
	__attribute__((constructor)) static void kip_suite_register_##sname(void)                  \
	{                                                                                          \
		kip_test_suite_add(&kip_suite_##sname);                                            \
	}

/* Nonzero when KIP_TEST_SCALE=small (the memcheck tier): shrink workloads. */
int kip_test_small(void);

#endif
