/*
 * tests/libposix/test_tls.c - the per-process TLS word: SYS_SETTLS
 * (kernel/kcall_tls.c) and kip_tls() (kip/tls.h), which the plain POSIX
 * names of libposix stand on (suite `tls`).
 *
 * Pins: a process starts with NULL; after kip_settls it reads its own word
 * with kip_tls(), and keeps reading it while another process with another
 * word runs between its steps (user and system processes alike); the reply
 * carries the previous word; a process in a reused slot starts with NULL
 * again; a user process whose privileges lack SYS_SETTLS gets ECALLDENIED
 * and keeps NULL; outside any process (the kernel loop, the host) the view
 * reads NULL.
 */
#include <stdint.h>
#include <string.h>

#include "kip/error.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "kip/tls.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define TLS_STEPS 6

static struct {
	int bad;		     /* first failed check's line */
	int started_null[2];	     /* kip_tls() was NULL at start */
	int seen_own[2];	     /* steps at which it read its own word */
	char log[2 * TLS_STEPS + 1]; /* 'A'/'B' per step, in the order they ran */
	int nlog;
	uint64_t previous;	   /* SYS_SETTLS's previous, on the second call */
	endpoint_t first, heir;	   /* reused-slot test */
	int heir_null;		   /* the heir started with NULL */
	int denied_r, denied_null; /* the unprivileged process */
} tt;

#define TT_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond) && !tt.bad)                                                            \
			tt.bad = __LINE__;                                                         \
	} while (0)

/* Set a word of its own, then step with the other process in between,
 * checking the word each time. */
static int tls_stepper(uint64_t id)
{
	void *word = (void *)(uintptr_t)(0x1000 * (id + 1) + 0x42);
	tt.started_null[id] = kip_tls() == NULL;
	TT_CHECK(kip_settls(word) == 0);
	for (int i = 0; i < TLS_STEPS; i++) {
		tt.seen_own[id] += kip_tls() == word;
		tt.log[tt.nlog++] = (char)('A' + id);
		kip_yield();
	}
	return 0;
}

static int tls_user_main(uint64_t id)
{
	return tls_stepper(id);
}
KIP_PROGRAM(tls_user, tls_user_main, 8, KIP_PROG_USER);

static int tls_sys_main(uint64_t id)
{
	return tls_stepper(id);
}
KIP_PROGRAM(tls_sys, tls_sys_main, 8, KIP_PROG_SYSTEM);

static void tls_reset(void)
{
	memset(&tt, 0, sizeof(tt));
}

/* Two processes alternate; each always reads its own word. */
static void run_two(const char *program)
{
	tls_reset();
	kt_boot(0);
	kt_spawn(program, 0, 0);
	kt_spawn(program, 1, 0);
	CU_ASSERT_PTR_NULL(kip_tls()); /* the host, before the run */
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_PTR_NULL(kip_tls()); /* and after it */
	CU_ASSERT_EQUAL(tt.bad, 0);
	CU_ASSERT(tt.started_null[0] && tt.started_null[1]);
	CU_ASSERT_EQUAL(tt.seen_own[0], TLS_STEPS);
	CU_ASSERT_EQUAL(tt.seen_own[1], TLS_STEPS);
	/* They did interleave: the log alternates. */
	int changes = 0;
	for (int i = 1; i < tt.nlog; i++)
		changes += tt.log[i] != tt.log[i - 1];
	CU_ASSERT_EQUAL(tt.nlog, 2 * TLS_STEPS);
	CU_ASSERT(changes >= TLS_STEPS);
}

static void test_user_processes_keep_own_word(void)
{
	run_two("tls_user");
}

static void test_system_processes_keep_own_word(void)
{
	run_two("tls_sys");
}

/* The reply's previous; a new process in the same slot starts with NULL. */
static int tls_first_main(uint64_t arg)
{
	(void)arg;
	TT_CHECK(kip_settls((void *)0x1234) == 0);
	message m;
	kip_msg_init(&m, SYS_SETTLS);
	m.m_tls.word = 0x5678;
	TT_CHECK(kip_kcall(SYS_SETTLS, &m) == 0);
	tt.previous = m.m_tls.previous;
	TT_CHECK(kip_tls() == (void *)0x5678);
	return 0;
}
KIP_PROGRAM(tls_first, tls_first_main, 8, KIP_PROG_USER);

static int tls_heir_main(uint64_t arg)
{
	(void)arg;
	tt.heir_null = kip_tls() == NULL;
	return 0;
}
KIP_PROGRAM(tls_heir, tls_heir_main, 8, KIP_PROG_USER);

static uint64_t tls_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

static int tls_denied_main(uint64_t arg)
{
	(void)arg;
	tt.denied_r = kip_settls((void *)0x99);
	tt.denied_null = kip_tls() == NULL;
	return 0;
}
KIP_PROGRAM(tls_denied, tls_denied_main, 8, KIP_PROG_USER);

/* Start `program` and wait for its exit; its endpoint. */
static endpoint_t tls_start(const char *program, int no_settls)
{
	endpoint_t ep = kip_create(program, NULL, -1, 0);
	if (ep < 0)
		return ep;
	if (no_settls) {
		struct kcall_privctl pc = {0};
		pc.endpoint = ep;
		pc.trap_mask = 1u << IPC_SENDREC;
		pc.kcall_mask = ~0ull & ~tls_kbit(SYS_SETTLS);
		TT_CHECK(kip_privctl(&pc) == 0);
	}
	struct kcall_event ev = {0};
	do
		TT_CHECK(kt_wait_event(&ev) == 0);
	while (ev.endpoint != ep && !tt.bad);
	TT_CHECK(ev.kind == KIP_EV_EXIT && ev.status == 0);
	return ep;
}

static int tls_init_main(uint64_t arg)
{
	(void)arg;
	tt.first = tls_start("tls_first", 0);
	tt.heir = tls_start("tls_heir", 0);
	tls_start("tls_denied", 1);
	return 0;
}
KIP_PROGRAM(tls_init, tls_init_main, 1, KIP_PROG_SYSTEM);

static void test_previous_reuse_and_privilege(void)
{
	tls_reset();
	kt_boot(0);
	kt_spawn("tls_init", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(tt.bad, 0);
	CU_ASSERT_EQUAL(tt.previous, 0x1234);
	CU_ASSERT_EQUAL(kip_ep_slot(tt.first), kip_ep_slot(tt.heir));
	CU_ASSERT_NOT_EQUAL(tt.first, tt.heir);
	CU_ASSERT(tt.heir_null);
	CU_ASSERT_EQUAL(tt.denied_r, -ECALLDENIED);
	CU_ASSERT(tt.denied_null);
}

static const struct kip_test tls_tests[] = {
	{"user processes each read their own word", test_user_processes_keep_own_word},
	{"system processes each read their own word", test_system_processes_keep_own_word},
	{"previous word; a reused slot starts NULL; ECALLDENIED",
	 test_previous_reuse_and_privilege},
	{NULL, NULL},
};
KIP_TEST_SUITE(tls, tls_tests);
