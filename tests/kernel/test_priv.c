/*
 * tests/kernel/test_priv.c - pins the privilege checks of kernel/priv.c, as
 * applied by the trap (kernel/trap.c), IPC (kernel/ipc.c) and the kernel-call
 * dispatcher (kernel/kcall.c) (suite `priv`).  Each refusal has its own test:
 *
 *   -ETRAPDENIED  an IPC primitive missing from the trap mask (a system
 *                 process narrowed by SYS_PRIVCTL; a user program, whose
 *                 shared record allows SENDREC only);
 *   -ECALLDENIED  a destination missing from the send mask, or a kernel
 *                 call missing from the kernel-call mask - and the refused
 *                 message or call has no effect;
 *   -ENOSYS       a kernel-call number with no handler.
 *
 * Positive controls show that what decides is the mask: the primitive,
 * destination or call that the same record does allow goes through.
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
	PRIV_RESULTS = 8,
	PRIV_GOT = 4,
};

static struct {
	endpoint_t main, peer, child, victim;
	int r[PRIV_RESULTS];   /* the main process's results */
	int c[PRIV_RESULTS];   /* the child's (or user program's) results */
	message got[PRIV_GOT]; /* what the receiver got, in order */
	int ngot;	       /* ... how many */
	int victim_runs;       /* times priv_victim started */
	struct kcall_event ev; /* the main process's last event */
	message reply;	       /* the user program's reply */
} obs;

static void obs_reset(void)
{
	memset(&obs, 0, sizeof(obs));
	for (int i = 0; i < PRIV_RESULTS; i++)
		obs.r[i] = obs.c[i] = NOT_RUN;
	kt_boot(0);
}

static uint64_t kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

static void data_msg(message *m, int type, int64_t value)
{
	kip_msg_init(m, type);
	m->m_demo.value = value;
}

/* A system record for `ep`: everything, minus the given bits. */
static int narrow(endpoint_t ep, uint32_t no_traps, int no_slot, uint64_t no_kcalls)
{
	struct kcall_privctl pc;
	memset(&pc, 0, sizeof(pc));
	pc.endpoint = ep;
	pc.flags = KIP_PRIV_SYSTEM;
	pc.trap_mask = KIP_TRAP_ALL_IPC & ~no_traps;
	pc.send_mask[0] = pc.send_mask[1] = ~0ull;
	if (no_slot >= 0)
		pc.send_mask[no_slot / 64] &= ~(1ull << (no_slot % 64));
	pc.kcall_mask = ~0ull & ~no_kcalls;
	return kip_privctl(&pc);
}

/* Wait for the next SYSTEM event and keep it in obs.ev. */
static int await_event(void)
{
	message m;
	int r = kip_receive(KIP_SYSTEM, &m);
	return r < 0 ? r : kip_get_event(&obs.ev);
}

static void park(void)
{
	message m;
	for (;;)
		kip_receive(KIP_ANY, &m);
}

/* ---- shared processes ---- */

/* Records every message it receives; answers TEST_PING with TEST_PONG. */
static int receiver_main(uint64_t arg)
{
	message m;
	(void)arg;
	for (;;) {
		if (kip_receive(KIP_ANY, &m) < 0)
			return 1;
		if (obs.ngot < PRIV_GOT)
			obs.got[obs.ngot++] = m;
		if (m.m_type == TEST_PING) {
			endpoint_t to = m.m_source;
			data_msg(&m, TEST_PONG, m.m_demo.value + 1);
			kip_send(to, &m);
		}
	}
}
KIP_PROGRAM(priv_receiver, receiver_main, 2, KIP_PROG_SYSTEM);

static int idle_main(uint64_t arg)
{
	(void)arg;
	park();
	return 0;
}
KIP_PROGRAM(priv_idle, idle_main, 3, KIP_PROG_SYSTEM);

static int victim_main(uint64_t arg)
{
	(void)arg;
	obs.victim_runs++;
	return 0;
}
KIP_PROGRAM(priv_victim, victim_main, 2, KIP_PROG_SYSTEM);

/* ---- a trap mask without SEND ---- */

static int tm_child_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, TEST_DATA, 1);
	obs.c[0] = kip_send(obs.main, &m);
	data_msg(&m, TEST_DATA, 2);
	obs.c[1] = kip_sendnb(obs.main, &m); /* still allowed */
	return 0;
}
KIP_PROGRAM(priv_tm_child, tm_child_main, 3, KIP_PROG_SYSTEM);

static int tm_main(uint64_t arg)
{
	(void)arg;
	obs.child = kip_create("priv_tm_child", NULL, 3, 0);
	obs.r[0] = narrow(obs.child, 1u << IPC_SEND, -1, 0);
	obs.r[1] = kip_receive(KIP_ANY, &obs.got[0]);
	obs.r[2] = await_event();
	return 0;
}
KIP_PROGRAM(priv_tm_main, tm_main, 2, KIP_PROG_SYSTEM);

static void test_send_missing_from_trap_mask_is_trapdenied(void)
{
	/* The main process waits in RECEIVE(ANY): had the SEND gone through,
	 * its first message would carry 1, not the SENDNB's 2. */
	obs_reset();
	obs.main = kt_spawn("priv_tm_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(obs.child >= 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.c[0], -ETRAPDENIED);
	CU_ASSERT_EQUAL(obs.c[1], 0);
	CU_ASSERT_EQUAL(obs.r[1], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.child);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 2);
	CU_ASSERT_EQUAL(obs.r[2], 0);
	CU_ASSERT_EQUAL(obs.ev.kind, KIP_EV_EXIT);
}

/* ---- user programs: SENDREC only ---- */

/* Uses primitive `op` toward obs.peer, a system process waiting in
 * RECEIVE(ANY). */
static int user_op_main(uint64_t op)
{
	message m;
	data_msg(&m, TEST_DATA, 1);
	switch (op) {
	case IPC_SEND:
		obs.c[0] = kip_send(obs.peer, &m);
		break;
	case IPC_RECEIVE:
		obs.c[0] = kip_receive(KIP_ANY, &m);
		break;
	case IPC_SENDREC:
		obs.c[0] = kip_sendrec(obs.peer, &m);
		break;
	case IPC_NOTIFY:
		obs.c[0] = kip_notify(obs.peer);
		break;
	case IPC_SENDNB:
		obs.c[0] = kip_sendnb(obs.peer, &m);
		break;
	}
	return 0;
}
KIP_PROGRAM(priv_user_op, user_op_main, 8, KIP_PROG_USER);

static void run_user_op(int op, int expected)
{
	obs_reset();
	obs.peer = kt_spawn("priv_receiver", 0, 0);
	kt_spawn("priv_user_op", (uint64_t)op, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.c[0], expected);
	CU_ASSERT_EQUAL(obs.ngot, 0); /* the peer got nothing */
}

static void test_user_send_is_trapdenied(void)
{
	run_user_op(IPC_SEND, -ETRAPDENIED);
}

static void test_user_receive_is_trapdenied(void)
{
	run_user_op(IPC_RECEIVE, -ETRAPDENIED);
}

static void test_user_notify_is_trapdenied(void)
{
	run_user_op(IPC_NOTIFY, -ETRAPDENIED);
}

static void test_user_sendnb_is_trapdenied(void)
{
	run_user_op(IPC_SENDNB, -ETRAPDENIED);
}

static void test_user_sendrec_to_unlisted_server_is_calldenied(void)
{
	/* SENDREC is in the user trap mask, but no destination is in the
	 * shared user record's send mask. */
	run_user_op(IPC_SENDREC, -ECALLDENIED);
}

/* ---- a send mask without the destination ---- */

static int sm_child_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, TEST_DATA, 1);
	obs.c[0] = kip_send(obs.peer, &m);
	obs.c[1] = kip_sendnb(obs.peer, &m);
	obs.c[2] = kip_notify(obs.peer);
	obs.c[3] = kip_sendrec(obs.peer, &m);
	data_msg(&m, TEST_DATA, 2);
	obs.c[4] = kip_sendnb(obs.main, &m); /* allowed, though main is not waiting */
	return 0;
}
KIP_PROGRAM(priv_sm_child, sm_child_main, 4, KIP_PROG_SYSTEM);

static int sm_main(uint64_t arg)
{
	message m;
	(void)arg;
	obs.peer = kip_create("priv_receiver", NULL, 2, 0);
	obs.child = kip_create("priv_sm_child", NULL, 4, 0);
	obs.r[0] = narrow(obs.child, 0, kip_ep_slot(obs.peer), 0);
	obs.r[1] = await_event();
	data_msg(&m, TEST_PING, 10);
	obs.r[2] = kip_sendrec(obs.peer, &m);
	obs.reply = m;
	return 0;
}
KIP_PROGRAM(priv_sm_main, sm_main, 3, KIP_PROG_SYSTEM);

static void test_destination_missing_from_send_mask_is_calldenied(void)
{
	/* The peer waits in RECEIVE(ANY) all along; the only message it may
	 * get is the main process's TEST_PING, after the child is gone. */
	obs_reset();
	obs.main = kt_spawn("priv_sm_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(obs.c[i], -ECALLDENIED);
	CU_ASSERT_EQUAL(obs.c[4], -ENOTREADY); /* checked past the send mask */
	CU_ASSERT_EQUAL(obs.ev.kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(obs.ev.endpoint, obs.child);
	CU_ASSERT_EQUAL(obs.ngot, 1);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.main);
	CU_ASSERT_EQUAL(obs.got[0].m_type, TEST_PING);
	CU_ASSERT_EQUAL(obs.r[2], 0);
	CU_ASSERT_EQUAL(obs.reply.m_type, TEST_PONG);
}

/* ---- SYS_PRIVCTL opens a destination to a user program ---- */

static int user_call_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, TEST_PING, 41);
	obs.c[0] = kip_sendrec(obs.peer, &m);
	obs.reply = m;
	data_msg(&m, TEST_PING, 1);
	obs.c[1] = kip_sendrec(obs.main, &m); /* not opened */
	return 0;
}
KIP_PROGRAM(priv_user_call, user_call_main, 8, KIP_PROG_USER);

static int open_main(uint64_t arg)
{
	struct kcall_privctl pc;
	(void)arg;
	obs.peer = kip_create("priv_receiver", NULL, 2, 0);
	obs.child = kip_create("priv_user_call", NULL, -1, 0);
	int slot = kip_ep_slot(obs.peer);
	memset(&pc, 0, sizeof(pc));
	pc.endpoint = obs.child;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.send_mask[slot / 64] = 1ull << (slot % 64);
	pc.kcall_mask = kbit(SYS_EXIT);
	obs.r[0] = kip_privctl(&pc);
	obs.r[1] = await_event();
	return 0;
}
KIP_PROGRAM(priv_open_main, open_main, 2, KIP_PROG_SYSTEM);

static void test_privctl_opens_one_destination(void)
{
	obs_reset();
	obs.main = kt_spawn("priv_open_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.c[0], 0);
	CU_ASSERT_EQUAL(obs.reply.m_type, TEST_PONG);
	CU_ASSERT_EQUAL(obs.reply.m_source, obs.peer);
	CU_ASSERT_EQUAL(obs.reply.m_demo.value, 42);
	CU_ASSERT_EQUAL(obs.c[1], -ECALLDENIED);
	CU_ASSERT_EQUAL(obs.ev.kind, KIP_EV_EXIT);
}

/* ---- kernel calls missing from the mask ---- */

enum user_kcall {
	UK_KILL,
	UK_CREATE,
	UK_PRIVCTL,
};

static int user_kcall_main(uint64_t what)
{
	struct kcall_privctl pc;
	message m;
	switch (what) {
	case UK_KILL:
		obs.c[0] = kip_kill(obs.main);
		break;
	case UK_CREATE:
		obs.c[0] = kip_create("priv_victim", NULL, -1, 0);
		break;
	case UK_PRIVCTL: /* raise its own privileges */
		memset(&pc, 0, sizeof(pc));
		pc.endpoint = KIP_SELF;
		pc.flags = KIP_PRIV_SYSTEM;
		pc.trap_mask = KIP_TRAP_ALL_IPC;
		pc.send_mask[0] = pc.send_mask[1] = ~0ull;
		pc.kcall_mask = ~0ull;
		obs.c[0] = kip_privctl(&pc);
		data_msg(&m, TEST_DATA, 1);
		obs.c[1] = kip_send(obs.main, &m); /* still a user */
		break;
	}
	return 0;
}
KIP_PROGRAM(priv_user_kcall, user_kcall_main, 8, KIP_PROG_USER);

/* Starts priv_user_kcall(arg) and waits for it to end. */
static int uk_main(uint64_t what)
{
	obs.child = kip_create("priv_user_kcall", NULL, -1, what);
	obs.r[0] = await_event();
	return 0;
}
KIP_PROGRAM(priv_uk_main, uk_main, 2, KIP_PROG_SYSTEM);

static void run_user_kcall(enum user_kcall what)
{
	obs_reset();
	obs.main = kt_spawn("priv_uk_main", what, SPAWN_INIT);
	/* Had the user program killed main, the run would end with 137. */
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.c[0], -ECALLDENIED);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.ev.kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(obs.ev.endpoint, obs.child);
}

static void test_user_kill_is_calldenied(void)
{
	run_user_kcall(UK_KILL);
}

static void test_user_create_is_calldenied(void)
{
	run_user_kcall(UK_CREATE);
	CU_ASSERT_EQUAL(obs.victim_runs, 0);
}

static void test_user_privctl_is_calldenied(void)
{
	run_user_kcall(UK_PRIVCTL);
	CU_ASSERT_EQUAL(obs.c[1], -ETRAPDENIED);
}

static int km_child_main(uint64_t arg)
{
	struct kip_procinfo info;
	(void)arg;
	obs.c[0] = kip_kill(obs.victim);
	obs.c[1] = kip_get_info(kip_ep_slot(obs.victim), &info); /* still allowed */
	return 0;
}
KIP_PROGRAM(priv_km_child, km_child_main, 3, KIP_PROG_SYSTEM);

static int km_main(uint64_t arg)
{
	(void)arg;
	obs.victim = kip_create("priv_idle", NULL, 3, 0);
	obs.child = kip_create("priv_km_child", NULL, 3, 0);
	obs.r[0] = narrow(obs.child, 0, -1, kbit(SYS_KILL));
	obs.r[1] = await_event();
	obs.r[2] = kip_kill(obs.victim); /* 0 only if it was still alive */
	return 0;
}
KIP_PROGRAM(priv_km_main, km_main, 2, KIP_PROG_SYSTEM);

static void test_kcall_missing_from_system_mask_is_calldenied(void)
{
	obs_reset();
	obs.main = kt_spawn("priv_km_main", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.r[0], 0);
	CU_ASSERT_EQUAL(obs.c[0], -ECALLDENIED);
	CU_ASSERT_EQUAL(obs.c[1], 0);
	CU_ASSERT_EQUAL(obs.ev.endpoint, obs.child);
	CU_ASSERT_EQUAL(obs.r[2], 0);
}

/* ---- kernel-call numbers without a handler ---- */

static int enosys_main(uint64_t arg)
{
	message m;
	(void)arg;
	kip_msg_init(&m, 0);
	obs.r[0] = kip_kcall(0x2ff, &m);
	obs.r[1] = kip_kcall(SYS_FIRST + SYS_COUNT, &m); /* one past the last */
	obs.r[2] = kip_kcall(SYS_FIRST - 1, &m);	 /* one before the first */
	obs.r[3] = kip_kcall(-1, &m);
	obs.r[4] = kip_kcall(TEST_PING, &m);
	kip_msg_init(&m, 0);
	obs.r[5] = kip_kcall(SYS_TIMES, &m); /* the kernel still answers */
	return 0;
}
KIP_PROGRAM(priv_enosys, enosys_main, 2, KIP_PROG_SYSTEM);

static void test_unknown_kernel_call_is_enosys(void)
{
	obs_reset();
	kt_spawn("priv_enosys", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(obs.r[i], -ENOSYS);
	CU_ASSERT_EQUAL(obs.r[5], 0);
}

static const struct kip_test priv_tests[] = {
	{"SEND missing from the trap mask is ETRAPDENIED",
	 test_send_missing_from_trap_mask_is_trapdenied},
	{"a user SEND is ETRAPDENIED", test_user_send_is_trapdenied},
	{"a user RECEIVE is ETRAPDENIED", test_user_receive_is_trapdenied},
	{"a user NOTIFY is ETRAPDENIED", test_user_notify_is_trapdenied},
	{"a user SENDNB is ETRAPDENIED", test_user_sendnb_is_trapdenied},
	{"a user SENDREC to an unlisted server is ECALLDENIED",
	 test_user_sendrec_to_unlisted_server_is_calldenied},
	{"a destination missing from the send mask is ECALLDENIED",
	 test_destination_missing_from_send_mask_is_calldenied},
	{"SYS_PRIVCTL opens one destination", test_privctl_opens_one_destination},
	{"a user kip_kill is ECALLDENIED", test_user_kill_is_calldenied},
	{"a user kip_create is ECALLDENIED", test_user_create_is_calldenied},
	{"a user SYS_PRIVCTL is ECALLDENIED", test_user_privctl_is_calldenied},
	{"a kernel call missing from a system mask is ECALLDENIED",
	 test_kcall_missing_from_system_mask_is_calldenied},
	{"an unknown kernel call is ENOSYS", test_unknown_kernel_call_is_enosys},
	{NULL, NULL},
};

KIP_TEST_SUITE(priv, priv_tests);
