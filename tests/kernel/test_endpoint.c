/*
 * tests/kernel/test_endpoint.c - pins what endpoints promise across process
 * death and slot reuse (kip/endpoint.h, kernel/proc.c) (suite `endpoint`).
 *
 *   An endpoint is slot + generation: once its process is gone, every
 *   primitive naming it fails with -EDEADSRCDST - also after the slot holds
 *   a new process, whose endpoint differs and works.
 *   Processes blocked on a dying process (sending to it, in SENDREC before
 *   or after it took the request, receiving from it) wake with
 *   -EDEADSRCDST.
 *   A dying process leaves nothing behind: its queued message is withdrawn
 *   and its pending notifies are dropped (not credited to its successor).
 *   The parent gets KIP_EV_EXIT with the status, or KIP_EV_KILLED.
 *
 * Processes record what they see in `obs`; asserts run after kt_run().
 */
#include <string.h>

#include "kip/error.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

enum {
	NOT_RUN = 12345,
	EP_RESULTS = 8,
	EP_EVENTS = 8,
	EP_GOT = 4,
	KILLED_STATUS = 128 + 9,
};

/* What each ep_waiter does to obs.target. */
enum waiter_kind {
	W_SENDREC_TAKEN,  /* SENDREC, and the target takes the request */
	W_SEND,		  /* SEND, queued */
	W_SENDREC_QUEUED, /* SENDREC, queued */
	W_RECEIVE,	  /* RECEIVE(target) */
	W_KINDS
};

static struct {
	endpoint_t main, target, old, fresh;
	endpoint_t waiter[W_KINDS];
	int r[EP_RESULTS];		  /* the main process's results */
	int w[W_KINDS];			  /* each waiter's result */
	struct kcall_event ev[EP_EVENTS]; /* events, in order */
	int nev;
	message got[EP_GOT]; /* what the collector received */
	int ngot;
	message reply;
} obs;

static void obs_reset(void)
{
	memset(&obs, 0, sizeof(obs));
	for (int i = 0; i < EP_RESULTS; i++)
		obs.r[i] = NOT_RUN;
	for (int i = 0; i < W_KINDS; i++)
		obs.w[i] = NOT_RUN;
	kt_boot(0);
}

static void data_msg(message *m, int type, int64_t value)
{
	kip_msg_init(m, type);
	m->m_demo.value = value;
}

static void park(void)
{
	message m;
	for (;;)
		kip_receive(KIP_ANY, &m);
}

/* Record SYSTEM events until `n` have come (or an error). */
static void await_events(int n)
{
	message m;
	while (obs.nev < n && obs.nev < EP_EVENTS) {
		if (kip_receive(KIP_SYSTEM, &m) < 0)
			return;
		while (obs.nev < EP_EVENTS && kip_get_event(&obs.ev[obs.nev]) == 0)
			obs.nev++;
	}
}

/* ---- shared processes ---- */

static int idle_main(uint64_t arg)
{
	(void)arg;
	park();
	return 0;
}
KIP_PROGRAM(ep_idle, idle_main, 2, KIP_PROG_SYSTEM);

/* Answers every TEST_PING with TEST_PONG carrying value + 1. */
static int echo_main(uint64_t arg)
{
	message m;
	(void)arg;
	for (;;) {
		if (kip_receive(KIP_ANY, &m) < 0)
			return 1;
		endpoint_t to = m.m_source;
		data_msg(&m, TEST_PONG, m.m_demo.value + 1);
		kip_send(to, &m);
	}
}
KIP_PROGRAM(ep_echo, echo_main, 2, KIP_PROG_SYSTEM);

/* Records what it receives; answers TEST_PING (and then stops). */
static int collector_main(uint64_t arg)
{
	message m;
	(void)arg;
	while (obs.ngot < EP_GOT) {
		if (kip_receive(KIP_ANY, &m) < 0)
			return 1;
		obs.got[obs.ngot++] = m;
		if (m.m_type == TEST_PING) {
			endpoint_t to = m.m_source;
			data_msg(&m, TEST_PONG, 0);
			kip_send(to, &m);
			break;
		}
	}
	park();
	return 0;
}
KIP_PROGRAM(ep_collector, collector_main, 4, KIP_PROG_SYSTEM);

/* ---- a dead endpoint, and its slot reused ---- */

/* Every primitive naming `dead` into r[from..from+4]. */
static void use_dead(endpoint_t dead, int from)
{
	message m;
	data_msg(&m, TEST_DATA, 1);
	obs.r[from] = kip_send(dead, &m);
	obs.r[from + 1] = kip_sendrec(dead, &m);
	obs.r[from + 2] = kip_sendnb(dead, &m);
	obs.r[from + 3] = kip_notify(dead);
	obs.r[from + 4] = kip_receive(dead, &m);
}

static int dead_main(uint64_t arg)
{
	(void)arg;
	obs.old = kip_create("ep_idle", NULL, 2, 0); /* runs, waits in RECEIVE */
	obs.r[0] = kip_kill(obs.old);
	use_dead(obs.old, 1);
	obs.r[6] = kip_kill(obs.old);
	return 0;
}
KIP_PROGRAM(ep_dead_main, dead_main, 3, KIP_PROG_SYSTEM);

static void test_killed_process_endpoint_is_dead(void)
{
	obs_reset();
	kt_spawn("ep_dead_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(obs.old >= 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	for (int i = 1; i <= 6; i++)
		CU_ASSERT_EQUAL(obs.r[i], -EDEADSRCDST);
}

static int reuse_main(uint64_t arg)
{
	message m;
	(void)arg;
	obs.old = kip_create("ep_idle", NULL, 2, 0);
	obs.r[0] = kip_kill(obs.old);
	obs.fresh = kip_create("ep_echo", NULL, 2, 0); /* the lowest free slot: old's */
	data_msg(&m, TEST_DATA, 1);
	obs.r[1] = kip_send(obs.old, &m);
	obs.r[2] = kip_notify(obs.old);
	data_msg(&m, TEST_PING, 6);
	obs.r[3] = kip_sendrec(obs.fresh, &m);
	obs.reply = m;
	return 0;
}
KIP_PROGRAM(ep_reuse_main, reuse_main, 3, KIP_PROG_SYSTEM);

static void test_reused_slot_does_not_revive_old_endpoint(void)
{
	obs_reset();
	kt_spawn("ep_reuse_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(obs.old >= 0 && obs.fresh >= 0);
	CU_ASSERT_EQUAL(kip_ep_slot(obs.fresh), kip_ep_slot(obs.old));
	CU_ASSERT_NOT_EQUAL(obs.fresh, obs.old);
	CU_ASSERT(kip_ep_gen(obs.fresh) > kip_ep_gen(obs.old));
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.r[1], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.r[2], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.r[3], 0);
	CU_ASSERT_EQUAL(obs.reply.m_type, TEST_PONG);
	CU_ASSERT_EQUAL(obs.reply.m_source, obs.fresh);
	CU_ASSERT_EQUAL(obs.reply.m_demo.value, 7);
}

/* ---- processes blocked on a dying process ---- */

/* Takes one request (leaving its sender waiting for the reply), then
 * waits for a message from the main process that never comes. */
static int target_main(uint64_t arg)
{
	message m;
	(void)arg;
	kip_receive(KIP_ANY, &m);
	kip_receive(obs.main, &m);
	return 0;
}
KIP_PROGRAM(ep_target, target_main, 2, KIP_PROG_SYSTEM);

static int waiter_main(uint64_t kind)
{
	message m;
	data_msg(&m, TEST_DATA, (int64_t)kind);
	switch (kind) {
	case W_SENDREC_TAKEN:
	case W_SENDREC_QUEUED:
		obs.w[kind] = kip_sendrec(obs.target, &m);
		break;
	case W_SEND:
		obs.w[kind] = kip_send(obs.target, &m);
		break;
	case W_RECEIVE:
		obs.w[kind] = kip_receive(obs.target, &m);
		break;
	}
	return 0;
}
KIP_PROGRAM(ep_waiter, waiter_main, 2, KIP_PROG_SYSTEM);

static int waiters_main(uint64_t arg)
{
	(void)arg;
	obs.target = kip_create("ep_target", NULL, 2, 0);
	/* Each waiter (priority 2) runs at once and blocks on the target. */
	for (int kind = 0; kind < W_KINDS; kind++)
		obs.waiter[kind] = kip_create("ep_waiter", NULL, 2, (uint64_t)kind);
	obs.r[0] = kip_kill(obs.target);
	await_events(1 + W_KINDS);
	return 0;
}
KIP_PROGRAM(ep_waiters_main, waiters_main, 3, KIP_PROG_SYSTEM);

static void test_processes_blocked_on_dying_process_get_edeadsrcdst(void)
{
	obs_reset();
	obs.main = kt_spawn("ep_waiters_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.w[W_SENDREC_TAKEN], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.w[W_SEND], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.w[W_SENDREC_QUEUED], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.w[W_RECEIVE], -EDEADSRCDST);
	/* The target's death, then every waiter's exit. */
	CU_ASSERT_EQUAL(obs.nev, 1 + W_KINDS);
	CU_ASSERT_EQUAL(obs.ev[0].kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(obs.ev[0].endpoint, obs.target);
	for (int i = 1; i < obs.nev; i++)
		CU_ASSERT_EQUAL(obs.ev[i].kind, KIP_EV_EXIT);
}

/* ---- a reply to a client that died meanwhile ---- */

/* Takes a request, waits for the main process's go, then replies. */
static int slow_server_main(uint64_t arg)
{
	message m;
	(void)arg;
	kip_receive(KIP_ANY, &m);
	endpoint_t client = m.m_source;
	kip_receive(obs.main, &m);
	data_msg(&m, TEST_PONG, 0);
	obs.w[0] = kip_send(client, &m);
	obs.w[1] = kip_sendnb(client, &m);
	park();
	return 0;
}
KIP_PROGRAM(ep_slow_server, slow_server_main, 2, KIP_PROG_SYSTEM);

static int ep_client_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, TEST_PING, 0);
	kip_sendrec(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ep_client, ep_client_main, 2, KIP_PROG_SYSTEM);

static int dead_client_main(uint64_t arg)
{
	message m;
	(void)arg;
	obs.target = kip_create("ep_slow_server", NULL, 2, 0);
	obs.old = kip_create("ep_client", NULL, 2, 0); /* now waits for the reply */
	obs.r[0] = kip_kill(obs.old);
	data_msg(&m, TEST_DATA, 0);
	obs.r[1] = kip_send(obs.target, &m); /* go */
	return 0;
}
KIP_PROGRAM(ep_dead_client_main, dead_client_main, 3, KIP_PROG_SYSTEM);

static void test_reply_to_killed_client_is_edeadsrcdst(void)
{
	obs_reset();
	obs.main = kt_spawn("ep_dead_client_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.r[1], 0);
	CU_ASSERT_EQUAL(obs.w[0], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.w[1], -EDEADSRCDST);
}

/* ---- a dying process leaves nothing behind ---- */

static int ep_sender_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, TEST_DATA, 66);
	kip_send(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ep_sender, ep_sender_main, 2, KIP_PROG_SYSTEM);

static int ep_notifier_main(uint64_t arg)
{
	(void)arg;
	kip_notify(obs.target);
	park();
	return 0;
}
KIP_PROGRAM(ep_notifier, ep_notifier_main, 2, KIP_PROG_SYSTEM);

/* The collector (priority 4) has not run yet: `program` (priority 2) leaves
 * a message or a notify for it and is killed; a successor takes its slot.
 * Then the main process asks the collector for a TEST_PING reply. */
static int leftovers_main(uint64_t which)
{
	message m;
	const char *program = which ? "ep_notifier" : "ep_sender";
	obs.target = kip_create("ep_collector", NULL, 4, 0);
	obs.old = kip_create(program, NULL, 2, 0);
	obs.r[0] = kip_kill(obs.old);
	obs.fresh = kip_create("ep_idle", NULL, 2, 0);
	data_msg(&m, TEST_PING, 0);
	obs.r[1] = kip_sendrec(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ep_leftovers_main, leftovers_main, 3, KIP_PROG_SYSTEM);

static void run_leftovers(int which)
{
	obs_reset();
	obs.main = kt_spawn("ep_leftovers_main", (uint64_t)which, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.r[1], 0);
	CU_ASSERT_EQUAL(kip_ep_slot(obs.fresh), kip_ep_slot(obs.old));
	/* The collector's first message is the main process's TEST_PING. */
	CU_ASSERT_EQUAL(obs.ngot, 1);
	CU_ASSERT_EQUAL(obs.got[0].m_type, TEST_PING);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.main);
}

static void test_killed_sender_message_is_withdrawn(void)
{
	run_leftovers(0);
}

static void test_pending_notify_of_dead_process_is_dropped(void)
{
	run_leftovers(1);
}

/* ---- the parent is told ---- */

/* Returns `arg` from main, or (arg >= 1000) calls kip_exit(arg - 1000). */
static int exiter_main(uint64_t arg)
{
	if (arg >= 1000)
		kip_exit((int)(arg - 1000));
	return (int)arg;
}
KIP_PROGRAM(ep_exiter, exiter_main, 2, KIP_PROG_SYSTEM);

static int parent_main(uint64_t arg)
{
	struct kcall_event extra;
	(void)arg;
	obs.waiter[0] = kip_create("ep_exiter", NULL, 2, 42);
	obs.waiter[1] = kip_create("ep_exiter", NULL, 2, 1007);
	obs.waiter[2] = kip_create("ep_idle", NULL, 2, 0);
	obs.r[0] = kip_kill(obs.waiter[2]);
	await_events(3);
	obs.r[1] = kip_get_event(&extra); /* nothing more */
	return 0;
}
KIP_PROGRAM(ep_parent, parent_main, 3, KIP_PROG_SYSTEM);

static void test_parent_is_told_of_exit_and_kill(void)
{
	obs_reset();
	kt_spawn("ep_parent", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL_FATAL(obs.nev, 3);
	/* Returned from main. */
	CU_ASSERT_EQUAL(obs.ev[0].kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(obs.ev[0].status, 42);
	CU_ASSERT_EQUAL(obs.ev[0].endpoint, obs.waiter[0]);
	CU_ASSERT_STRING_EQUAL(obs.ev[0].name, "ep_exiter");
	/* kip_exit. */
	CU_ASSERT_EQUAL(obs.ev[1].kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(obs.ev[1].status, 7);
	CU_ASSERT_EQUAL(obs.ev[1].endpoint, obs.waiter[1]);
	/* Killed. */
	CU_ASSERT_EQUAL(obs.ev[2].kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(obs.ev[2].status, KILLED_STATUS);
	CU_ASSERT_EQUAL(obs.ev[2].endpoint, obs.waiter[2]);
	CU_ASSERT_STRING_EQUAL(obs.ev[2].name, "ep_idle");
	CU_ASSERT_EQUAL(obs.r[1], -EAGAIN);
}

/* ---- the arithmetic ---- */

static void test_endpoint_is_slot_plus_generation(void)
{
	endpoint_t e = kip_ep_make(3, 17);
	CU_ASSERT_EQUAL(kip_ep_slot(e), 17);
	CU_ASSERT_EQUAL(kip_ep_gen(e), 3);
	CU_ASSERT_EQUAL(e, 3 * KIP_EP_GEN_SIZE + 17);
	CU_ASSERT_NOT_EQUAL(kip_ep_make(4, 17), e);
	CU_ASSERT(KIP_NR_PROCS <= KIP_EP_GEN_SIZE);
	/* The special endpoints are negative: never a process's. */
	const endpoint_t special[] = {
		KIP_ANY, KIP_NONE, KIP_SELF, KIP_KERNEL, KIP_CLOCK, KIP_HARDWARE, KIP_SYSTEM,
	};
	for (unsigned i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		CU_ASSERT(special[i] < 0);
		for (unsigned j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(special[i], special[j]);
		bool source = special[i] == KIP_CLOCK || special[i] == KIP_HARDWARE ||
			      special[i] == KIP_SYSTEM;
		CU_ASSERT_EQUAL(kip_ep_is_kernel_source(special[i]), source);
	}
}

static const struct kip_test endpoint_tests[] = {
	{"a killed process's endpoint is dead", test_killed_process_endpoint_is_dead},
	{"a reused slot does not revive the old endpoint",
	 test_reused_slot_does_not_revive_old_endpoint},
	{"processes blocked on a dying process get EDEADSRCDST",
	 test_processes_blocked_on_dying_process_get_edeadsrcdst},
	{"a reply to a killed client is EDEADSRCDST", test_reply_to_killed_client_is_edeadsrcdst},
	{"a killed sender's queued message is withdrawn", test_killed_sender_message_is_withdrawn},
	{"a dead process's pending notify is dropped",
	 test_pending_notify_of_dead_process_is_dropped},
	{"the parent is told of exit (with status) and kill", test_parent_is_told_of_exit_and_kill},
	{"an endpoint is slot plus generation", test_endpoint_is_slot_plus_generation},
	{NULL, NULL},
};

KIP_TEST_SUITE(endpoint, endpoint_tests);
