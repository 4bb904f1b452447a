/*
 * tests/kernel/test_deadlock.c - pins deadlock detection and the deadlock
 * report of kernel/deadlock.c (suite `deadlock`).
 *
 *   A SEND or SENDREC that would close a cycle of blocked processes fails
 *   with -ELOCKED (cycles of 2 and 3), and so does a RECEIVE(src) that
 *   would close one; the processes already blocked are unharmed and finish.
 *   The ordinary request/reply pair, and a chain that does not loop back,
 *   are not refused.
 *   When nothing can ever run again, kernel_run returns 1 and prints who
 *   waits on whom on stderr.
 *
 * Every process here is one program, dl_actor, running a script: a list of
 * steps (send to a role, sendrec, receive from a role or ANY) set by the
 * test.  Priorities fix the order: a runnable process of higher priority
 * (lower number) runs first, so "A (2) sends to B (3)" means A blocks
 * before B has ever run.  Each step's result and message are recorded;
 * the test asserts after kt_run().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kip/error.h"
#include "kip/ipc.h"
#include "kip/program.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

enum dl_role {
	A,
	B,
	C,
	D,
	DL_ROLES
};

enum dl_op {
	DL_END,
	DL_SEND,
	DL_SENDREC,
	DL_RECV,
};

#define DL_ANY (-1) /* peer of a DL_RECV: KIP_ANY */

enum {
	DL_STEPS = 4,
	NOT_RUN = 12345,
};

struct dl_step {
	enum dl_op op;
	int peer; /* a role, or DL_ANY */
};

static struct {
	struct dl_step script[DL_ROLES][DL_STEPS];
	endpoint_t ep[DL_ROLES];
	int res[DL_ROLES][DL_STEPS];
	message got[DL_ROLES][DL_STEPS];
	int done[DL_ROLES]; /* when the role finished its script (1, 2, ...), or 0 */
	int clock;
} dl;

static void dl_reset(void)
{
	memset(&dl, 0, sizeof(dl));
	for (int r = 0; r < DL_ROLES; r++)
		for (int s = 0; s < DL_STEPS; s++)
			dl.res[r][s] = NOT_RUN;
	kt_boot(0);
}

/* Start role `role` at `priority` running `steps` (ended by DL_END). */
static void dl_spawn(enum dl_role role, int priority, unsigned flags, const struct dl_step *steps)
{
	static const char *const names[DL_ROLES] = {"dl_A", "dl_B", "dl_C", "dl_D"};
	for (int s = 0; s < DL_STEPS && steps[s].op != DL_END; s++)
		dl.script[role][s] = steps[s];
	dl.ep[role] = kernel_spawn("dl_actor", names[role], priority, role, flags);
	CU_ASSERT_FATAL(dl.ep[role] >= 0);
}

static int actor_main(uint64_t arg)
{
	int role = (int)arg;
	for (int s = 0; s < DL_STEPS; s++) {
		const struct dl_step *st = &dl.script[role][s];
		message *m = &dl.got[role][s];
		endpoint_t peer = st->peer == DL_ANY ? KIP_ANY : dl.ep[st->peer];
		kip_msg_init(m, TEST_DATA);
		m->m_demo.value = role * 10 + s;
		switch (st->op) {
		case DL_SEND:
			dl.res[role][s] = kip_send(peer, m);
			break;
		case DL_SENDREC:
			dl.res[role][s] = kip_sendrec(peer, m);
			break;
		case DL_RECV:
			dl.res[role][s] = kip_receive(peer, m);
			break;
		case DL_END:
			dl.done[role] = ++dl.clock;
			return 0;
		}
	}
	dl.done[role] = ++dl.clock;
	return 0;
}
KIP_PROGRAM(dl_actor, actor_main, 3, KIP_PROG_SYSTEM);

static const struct dl_step END = {DL_END, 0};

static void test_two_cycle_send_is_elocked(void)
{
	/* A sends to B; B's send to A would close A->B->A. */
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_SEND, B}, END});
	dl_spawn(B, 3, SPAWN_INIT, (struct dl_step[]){{DL_SEND, A}, {DL_RECV, A}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[B][0], -ELOCKED);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.got[B][1].m_source, dl.ep[A]);
	CU_ASSERT_EQUAL(dl.got[B][1].m_demo.value, A * 10 + 0);
	/* A was not disturbed: its send completed and it finished. */
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT(dl.done[A] > 0);
}

static void test_two_cycle_sendrec_is_elocked(void)
{
	/* A's SENDREC to B blocks; B's SENDREC to A would close the cycle.
	 * B then serves A's request and A gets the reply. */
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_SENDREC, B}, END});
	dl_spawn(B, 3, SPAWN_INIT,
		 (struct dl_step[]){{DL_SENDREC, A}, {DL_RECV, A}, {DL_SEND, A}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[B][0], -ELOCKED);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.res[B][2], 0);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT_EQUAL(dl.got[A][0].m_source, dl.ep[B]);
	CU_ASSERT_EQUAL(dl.got[A][0].m_demo.value, B * 10 + 2); /* the reply */
	CU_ASSERT(dl.done[A] > 0);
}

static void test_three_cycle_send_is_elocked(void)
{
	/* A->B and B->C block; C->A would close A->B->C->A. */
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_SEND, B}, END});
	dl_spawn(B, 3, 0, (struct dl_step[]){{DL_SEND, C}, {DL_RECV, A}, END});
	dl_spawn(C, 4, SPAWN_INIT, (struct dl_step[]){{DL_SEND, A}, {DL_RECV, B}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[C][0], -ELOCKED);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT_EQUAL(dl.res[B][0], 0);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.res[C][1], 0);
	CU_ASSERT(dl.done[A] > 0 && dl.done[B] > 0);
}

static void test_three_cycle_sendrec_is_elocked(void)
{
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_SENDREC, B}, END});
	dl_spawn(B, 3, 0, (struct dl_step[]){{DL_SENDREC, C}, {DL_RECV, A}, {DL_SEND, A}, END});
	dl_spawn(C, 4, SPAWN_INIT,
		 (struct dl_step[]){{DL_SENDREC, A}, {DL_RECV, B}, {DL_SEND, B}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[C][0], -ELOCKED);
	CU_ASSERT_EQUAL(dl.res[B][0], 0);
	CU_ASSERT_EQUAL(dl.got[B][0].m_source, dl.ep[C]);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT_EQUAL(dl.got[A][0].m_source, dl.ep[B]);
	CU_ASSERT(dl.done[A] > 0 && dl.done[B] > 0);
}

static void test_receive_closing_two_cycle_is_elocked(void)
{
	/* A waits for a message from B; B waiting for one from A would leave
	 * both waiting forever. */
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_RECV, B}, END});
	dl_spawn(B, 3, SPAWN_INIT, (struct dl_step[]){{DL_RECV, A}, {DL_SEND, A}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[B][0], -ELOCKED);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT_EQUAL(dl.got[A][0].m_source, dl.ep[B]);
	CU_ASSERT(dl.done[A] > 0);
}

static void test_receive_closing_three_cycle_is_elocked(void)
{
	/* A sends to B (blocked: B waits for C); C waiting for A would close
	 * A->B->C->A. */
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_SEND, B}, END});
	dl_spawn(B, 3, 0, (struct dl_step[]){{DL_RECV, C}, {DL_RECV, A}, END});
	dl_spawn(C, 4, SPAWN_INIT, (struct dl_step[]){{DL_RECV, A}, {DL_SEND, B}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[C][0], -ELOCKED);
	CU_ASSERT_EQUAL(dl.res[C][1], 0);
	CU_ASSERT_EQUAL(dl.res[B][0], 0);
	CU_ASSERT_EQUAL(dl.got[B][0].m_source, dl.ep[C]);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.got[B][1].m_source, dl.ep[A]);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT(dl.done[A] > 0 && dl.done[B] > 0);
}

/* A client SENDRECs to a server that replies; `server_first` makes the
 * server wait (in RECEIVE(from)) before the client asks. */
static void run_request_reply(bool server_first, int from)
{
	int srv = server_first ? 2 : 3, cli = server_first ? 3 : 2;
	dl_reset();
	dl_spawn(B, srv, server_first ? 0 : SPAWN_INIT,
		 (struct dl_step[]){{DL_RECV, from}, {DL_SEND, A}, END});
	dl_spawn(A, cli, server_first ? SPAWN_INIT : 0, (struct dl_step[]){{DL_SENDREC, B}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[B][0], 0);
	CU_ASSERT_EQUAL(dl.got[B][0].m_source, dl.ep[A]);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT_EQUAL(dl.got[A][0].m_source, dl.ep[B]);
	CU_ASSERT_EQUAL(dl.got[A][0].m_demo.value, B * 10 + 1);
}

static void test_sendrec_to_server_receiving_from_client_works(void)
{
	run_request_reply(true, A);
}

static void test_sendrec_to_server_receiving_any_works(void)
{
	run_request_reply(true, DL_ANY);
}

static void test_server_receiving_from_blocked_client_works(void)
{
	run_request_reply(false, A);
}

static void test_chain_that_does_not_loop_back_is_not_refused(void)
{
	/* A->B, B->C and D->A all block, but nobody waits on D: D must be
	 * let to wait.  C then receives B, B receives A, A receives D. */
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_SEND, B}, {DL_RECV, D}, END});
	dl_spawn(B, 3, 0, (struct dl_step[]){{DL_SEND, C}, {DL_RECV, A}, END});
	dl_spawn(D, 4, 0, (struct dl_step[]){{DL_SEND, A}, END});
	dl_spawn(C, 5, SPAWN_INIT, (struct dl_step[]){{DL_RECV, B}, END});
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(dl.res[D][0], 0);
	CU_ASSERT_EQUAL(dl.res[A][0], 0);
	CU_ASSERT_EQUAL(dl.res[A][1], 0);
	CU_ASSERT_EQUAL(dl.got[A][1].m_source, dl.ep[D]);
	CU_ASSERT_EQUAL(dl.res[B][0], 0);
	CU_ASSERT_EQUAL(dl.res[B][1], 0);
	CU_ASSERT_EQUAL(dl.res[C][0], 0);
	CU_ASSERT(dl.done[D] > 0);
}

/* kt_run() with stderr sent to a temporary file, read back into buf. */
static int run_capturing_stderr(char *buf, size_t size)
{
	fflush(stderr);
	FILE *tmp = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	int saved = dup(STDERR_FILENO);
	CU_ASSERT_FATAL(saved >= 0);
	dup2(fileno(tmp), STDERR_FILENO);
	int status = kt_run();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return status;
}

static void test_deadlock_is_reported_with_who_waits_on_whom(void)
{
	/* B waits for anyone, A for B: no cycle to refuse, yet nothing can
	 * ever run again. */
	char err[4096], line[128];
	dl_reset();
	dl_spawn(B, 2, 0, (struct dl_step[]){{DL_RECV, DL_ANY}, END});
	dl_spawn(A, 3, SPAWN_INIT, (struct dl_step[]){{DL_RECV, B}, END});
	CU_ASSERT_EQUAL(run_capturing_stderr(err, sizeof(err)), 1);
	CU_ASSERT_EQUAL(dl.res[A][0], NOT_RUN);
	CU_ASSERT_EQUAL(dl.res[B][0], NOT_RUN);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "deadlock"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dl_A"));
	snprintf(line, sizeof(line), "(ep %d) receiving from dl_B (ep %d)", dl.ep[A], dl.ep[B]);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, line));
	snprintf(line, sizeof(line), "(ep %d) receiving from ANY", dl.ep[B]);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, line));
}

static void test_idle_servers_are_not_a_deadlock(void)
{
	/* The contrast: everyone left waits in RECEIVE(ANY) - a clean halt,
	 * status 0, nothing on stderr. */
	char err[4096];
	dl_reset();
	dl_spawn(A, 2, 0, (struct dl_step[]){{DL_RECV, DL_ANY}, END});
	dl_spawn(B, 3, 0, (struct dl_step[]){{DL_RECV, DL_ANY}, END});
	CU_ASSERT_EQUAL(run_capturing_stderr(err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(strstr(err, "deadlock"));
}

static const struct kip_test deadlock_tests[] = {
	{"a SEND closing a 2-cycle is ELOCKED", test_two_cycle_send_is_elocked},
	{"a SENDREC closing a 2-cycle is ELOCKED", test_two_cycle_sendrec_is_elocked},
	{"a SEND closing a 3-cycle is ELOCKED", test_three_cycle_send_is_elocked},
	{"a SENDREC closing a 3-cycle is ELOCKED", test_three_cycle_sendrec_is_elocked},
	{"a RECEIVE closing a 2-cycle is ELOCKED", test_receive_closing_two_cycle_is_elocked},
	{"a RECEIVE closing a 3-cycle is ELOCKED", test_receive_closing_three_cycle_is_elocked},
	{"SENDREC to a server in RECEIVE(client) works",
	 test_sendrec_to_server_receiving_from_client_works},
	{"SENDREC to a server in RECEIVE(ANY) works", test_sendrec_to_server_receiving_any_works},
	{"a server's RECEIVE(client) of a blocked SENDREC works",
	 test_server_receiving_from_blocked_client_works},
	{"a chain that does not loop back is not refused",
	 test_chain_that_does_not_loop_back_is_not_refused},
	{"a deadlock is reported: status 1, who waits on whom",
	 test_deadlock_is_reported_with_who_waits_on_whom},
	{"idle servers are not a deadlock", test_idle_servers_are_not_a_deadlock},
	{NULL, NULL},
};

KIP_TEST_SUITE(deadlock, deadlock_tests);
