/*
 * tests/main/main.c - the CUnit runner for every suite in tests/.
 *
 * Usage: test_kip [SUITE...]   (no argument: all suites)
 * Exit status: 0 when every test passed, 1 otherwise, 2 for a suite name
 * that no file registers (a typo would otherwise run nothing, silently).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/kip_test.h"

static struct kip_test_suite *suites;

void kip_test_suite_add(struct kip_test_suite *s)
{
	/* Keep registration order stable: append. */
	struct kip_test_suite **pp = &suites;
	while (*pp)
		pp = &(*pp)->next;
	s->next = NULL;
	*pp = s;
}

int kip_test_small(void)
{
	const char *s = getenv("KIP_TEST_SCALE");
	return s && strcmp(s, "small") == 0;
}

static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

/* 0 if every name on the command line is a registered suite. */
static int check_names(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		const struct kip_test_suite *s = suites;
		while (s && strcmp(s->name, argv[i]) != 0)
			s = s->next;
		if (!s) {
			fprintf(stderr, "test_kip: no suite named '%s'\n", argv[i]);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (check_names(argc, argv))
		return 2;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (struct kip_test_suite *s = suites; s; s = s->next) {
		if (!wanted(s->name, argc, argv))
			continue;
		CU_pSuite suite = CU_add_suite(s->name, NULL, NULL);
		if (!suite)
			return 2;
		for (const struct kip_test *t = s->tests; t->name; t++)
			if (!CU_add_test(suite, t->name, t->fn))
				return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (run == 0) {
		fprintf(stderr, "test_kip: no test ran\n");
		return 1;
	}
	return failed ? 1 : 0;
}
