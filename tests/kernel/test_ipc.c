/*
 * tests/kernel/test_ipc.c - pins the message-passing semantics of kernel/ipc.c
 * (suite `ipc`): MINIX 3 IPC as ARCHITECTURE section 3 and REFERENCE describe.
 *
 *   SEND is a rendezvous: the sender goes on only after the receiver took it.
 *   RECEIVE(src) takes only src's message; the others stay queued, in order.
 *   RECEIVE(ANY) takes queued senders oldest first (not by slot).
 *   m_source is stamped by the kernel, on both delivery paths.
 *   SENDREC's wait takes only the reply: a notify (even from the server) or
 *   another sender's message comes with the next receive.
 *   Notifies coalesce per sender, come before queued messages, and notifies
 *   from different senders all arrive.
 *   SENDNB never blocks: -ENOTREADY (and nothing delivered) unless the
 *   receiver waits.
 *   Bad endpoints, NULL or bogus message pointers (also a buffer that lost
 *   write access after the kernel last checked it) and sends to oneself are
 *   refused, and the kernel goes on.
 *
 * Each test is a few processes whose order is fixed by priority: a runnable
 * process of higher priority (lower number) runs first; equal priorities run
 * in the order they became runnable.  Processes record what they observe in
 * `obs`; the test asserts after kt_run() (never inside a process).
 */
#include <string.h>
#include <valgrind/valgrind.h>

#include "kip/error.h"
#include "kip/ipc.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

enum {
	IPC_ROLES = 8, /* processes per scenario */
	IPC_SEQ = 32,  /* events in the sequence log */
	NOT_RUN = 12345,
};

/* Sequence-log events: who did what, in the order it happened. */
#define EV_SEND(role) (10 + (role)) /* about to send */
#define EV_SENT(role) (20 + (role)) /* the send returned */
#define EV_RECV(i) (30 + (i))	    /* the collector is about to receive its i-th message */
#define EV_GOT(i) (40 + (i))	    /* ... and got it */

static struct {
	endpoint_t target;	    /* where senders and notifiers send */
	endpoint_t ep[IPC_ROLES];   /* the scenario's processes, by role */
	int res[IPC_ROLES];	    /* a trap result, by role or by step */
	int nwant;		    /* messages the collector receives */
	endpoint_t from[IPC_ROLES]; /* ... and from whom (KIP_ANY or an endpoint) */
	int recv_r[IPC_ROLES];	    /* ... the receive results */
	message got[IPC_ROLES];	    /* ... the messages */
	int ngot;		    /* ... how many receives returned */
	endpoint_t fake;	    /* what the forger writes in m_source */
	int seq[IPC_SEQ], nseq;	    /* the sequence log */
} obs;

/* Clear what the processes record and boot a fresh kernel. */
static void obs_reset(void)
{
	memset(&obs, 0, sizeof(obs));
	for (int i = 0; i < IPC_ROLES; i++) {
		obs.res[i] = NOT_RUN;
		obs.recv_r[i] = NOT_RUN;
		obs.from[i] = KIP_ANY;
	}
	kt_boot(0);
}

static void seq_add(int ev)
{
	if (obs.nseq < IPC_SEQ)
		obs.seq[obs.nseq++] = ev;
}

/* Position of ev in the sequence log, or -1. */
static int seq_pos(int ev)
{
	for (int i = 0; i < obs.nseq; i++)
		if (obs.seq[i] == ev)
			return i;
	return -1;
}

static endpoint_t spawn(const char *program, int priority, uint64_t arg, unsigned flags)
{
	endpoint_t e = kernel_spawn(program, NULL, priority, arg, flags);
	CU_ASSERT_FATAL(e >= 0);
	return e;
}

static void data_msg(message *m, int64_t value)
{
	kip_msg_init(m, TEST_DATA);
	m->m_demo.value = value;
}

/* Wait forever (until the init process ends the run). */
static void park(void)
{
	message m;
	for (;;)
		kip_receive(KIP_ANY, &m);
}

/* ---- the processes ---- */

/* Receives obs.nwant messages, the i-th from obs.from[i]. */
static int collector_main(uint64_t arg)
{
	(void)arg;
	for (int i = 0; i < obs.nwant && i < IPC_ROLES; i++) {
		seq_add(EV_RECV(i));
		obs.recv_r[i] = kip_receive(obs.from[i], &obs.got[i]);
		obs.ngot++;
		seq_add(EV_GOT(i));
	}
	return 0;
}
KIP_PROGRAM(ipc_collector, collector_main, 3, KIP_PROG_SYSTEM);

/* Role `arg`: sends TEST_DATA carrying its role to obs.target. */
static int sender_main(uint64_t role)
{
	message m;
	data_msg(&m, (int64_t)role);
	seq_add(EV_SEND((int)role));
	obs.res[role] = kip_send(obs.target, &m);
	seq_add(EV_SENT((int)role));
	return 0;
}
KIP_PROGRAM(ipc_sender, sender_main, 2, KIP_PROG_SYSTEM);

/* Role `arg`: notifies obs.target once, then stays alive (a dead process's
 * pending notifies are dropped). */
static int notifier_main(uint64_t role)
{
	obs.res[role] = kip_notify(obs.target);
	park();
	return 0;
}
KIP_PROGRAM(ipc_notifier, notifier_main, 2, KIP_PROG_SYSTEM);

/* Notifies obs.target three times, then sends it TEST_DATA 99. */
static int notify3_main(uint64_t arg)
{
	message m;
	(void)arg;
	for (int i = 0; i < 3; i++)
		obs.res[i] = kip_notify(obs.target);
	data_msg(&m, 99);
	obs.res[3] = kip_send(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_notify3, notify3_main, 2, KIP_PROG_SYSTEM);

/* Sends TEST_DATA 7 to obs.target with m_source set to obs.fake. */
static int forger_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, 7);
	m.m_source = obs.fake;
	obs.res[0] = kip_send(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_forger, forger_main, 2, KIP_PROG_SYSTEM);

/* The server of the SENDREC test: takes the request, notifies the client
 * (which is waiting for this very process's reply), then replies. */
static int sr_server_main(uint64_t arg)
{
	message m;
	(void)arg;
	obs.res[0] = kip_receive(KIP_ANY, &m);
	endpoint_t client = m.m_source;
	int64_t v = m.m_demo.value;
	obs.res[1] = kip_notify(client);
	kip_msg_init(&m, TEST_PONG);
	m.m_demo.value = v + 1;
	obs.res[2] = kip_send(client, &m);
	park();
	return 0;
}
KIP_PROGRAM(ipc_sr_server, sr_server_main, 2, KIP_PROG_SYSTEM);

static int sr_client_main(uint64_t arg)
{
	(void)arg;
	kip_msg_init(&obs.got[0], TEST_PING);
	obs.got[0].m_demo.value = 41;
	obs.res[3] = kip_sendrec(obs.target, &obs.got[0]);
	obs.res[4] = kip_receive(KIP_ANY, &obs.got[1]);
	return 0;
}
KIP_PROGRAM(ipc_sr_client, sr_client_main, 3, KIP_PROG_SYSTEM);

/* A third party (priority 1): once the server says go, sends TEST_DATA 5 to
 * the client, which is then waiting for the server's reply. */
static int sr_third_main(uint64_t arg)
{
	message m;
	(void)arg;
	kip_receive(obs.target, &m);
	data_msg(&m, 5);
	obs.res[5] = kip_send(obs.ep[1], &m);
	park();
	return 0;
}
KIP_PROGRAM(ipc_sr_third, sr_third_main, 1, KIP_PROG_SYSTEM);

/* Takes the request, lets the third party send to the client, replies. */
static int sr_server3_main(uint64_t arg)
{
	message m;
	(void)arg;
	obs.res[0] = kip_receive(KIP_ANY, &m);
	endpoint_t client = m.m_source;
	data_msg(&m, 0);
	obs.res[1] = kip_send(obs.ep[2], &m);
	kip_msg_init(&m, TEST_PONG);
	obs.res[2] = kip_send(client, &m);
	park();
	return 0;
}
KIP_PROGRAM(ipc_sr_server3, sr_server3_main, 2, KIP_PROG_SYSTEM);

/* SENDNB 1 to obs.target (not yet waiting), then a blocking SEND of 2. */
static int nb_early_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, 1);
	obs.res[0] = kip_sendnb(obs.target, &m);
	data_msg(&m, 2);
	obs.res[1] = kip_send(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_nb_early, nb_early_main, 2, KIP_PROG_SYSTEM);

/* SENDNB 5 to obs.target, which is already waiting. */
static int nb_late_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, 5);
	obs.res[0] = kip_sendnb(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_nb_late, nb_late_main, 3, KIP_PROG_SYSTEM);

/* Sends and receives naming endpoints that are not processes. */
static int badep_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, 1);
	obs.res[0] = kip_send(KIP_ANY, &m);
	obs.res[1] = kip_send(0x7ffffff0, &m);	       /* slot far past the table */
	obs.res[2] = kip_send(kip_ep_make(99, 5), &m); /* a slot never used, wrong gen */
	obs.res[3] = kip_sendrec(KIP_NONE, &m);
	obs.res[4] = kip_notify(KIP_ANY);
	obs.res[5] = kip_send(-12345, &m);
	obs.res[6] = kip_receive(kip_ep_make(99, 5), &m);
	return 0;
}
KIP_PROGRAM(ipc_badep, badep_main, 2, KIP_PROG_SYSTEM);

/* Every primitive with a NULL message, then one good send. */
static int nullmsg_main(uint64_t arg)
{
	message m;
	(void)arg;
	obs.res[0] = kip_send(obs.target, NULL);
	obs.res[1] = kip_sendrec(obs.target, NULL);
	obs.res[2] = kip_sendnb(obs.target, NULL);
	obs.res[3] = kip_receive(KIP_ANY, NULL);
	data_msg(&m, 9);
	obs.res[4] = kip_send(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_nullmsg, nullmsg_main, 3, KIP_PROG_SYSTEM);

/* Written by nobody: its page is read-only. */
static const message ro_message = {.m_type = TEST_DATA};

/* Message pointers that are not the caller's writable memory, then one good
 * send.  The kernel's probe of 0x10 faults on purpose: keep memcheck quiet. */
static int bogusmsg_main(uint64_t arg)
{
	message m;
	message *bogus = (message *)0x10;
	(void)arg;
	VALGRIND_DISABLE_ERROR_REPORTING;
	obs.res[0] = kip_send(obs.target, bogus);
	obs.res[1] = kip_sendrec(obs.target, bogus);
	obs.res[2] = kip_receive(KIP_ANY, bogus);
	VALGRIND_ENABLE_ERROR_REPORTING;
	obs.res[3] = kip_receive(KIP_ANY, (message *)&ro_message);
	data_msg(&m, 9);
	obs.res[4] = kip_send(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_bogusmsg, bogusmsg_main, 3, KIP_PROG_SYSTEM);

/* Sends from a buffer in a page of its own (the kernel has now checked that
 * buffer once), makes the page read-only, receives into it. */
static int protmsg_main(uint64_t arg)
{
	(void)arg;
	message *buf = kip_page_alloc(1);
	if (!buf)
		return 1;
	data_msg(buf, 3);
	obs.res[0] = kip_send(obs.target, buf);
	obs.res[1] = kip_page_protect(KIP_SELF, buf, 1, KIP_PROT_READ);
	obs.res[2] = kip_receive(KIP_ANY, buf);
	return 0;
}
KIP_PROGRAM(ipc_protmsg, protmsg_main, 3, KIP_PROG_SYSTEM);

/* Sends to its own endpoint (obs.target) three ways. */
static int selfsend_main(uint64_t arg)
{
	message m;
	(void)arg;
	data_msg(&m, 1);
	obs.res[0] = kip_send(obs.target, &m);
	obs.res[1] = kip_sendrec(obs.target, &m);
	obs.res[2] = kip_sendnb(obs.target, &m);
	return 0;
}
KIP_PROGRAM(ipc_selfsend, selfsend_main, 2, KIP_PROG_SYSTEM);

/* ---- the tests ---- */

static void test_send_blocks_until_received(void)
{
	/* The sender (priority 2) runs first and sends before the collector
	 * (priority 3) has ever run: it must stay blocked until the collector
	 * receives. */
	obs_reset();
	obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
	obs.nwant = 1;
	obs.ep[1] = spawn("ipc_sender", 2, 1, 0);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[1], 0);
	CU_ASSERT_EQUAL(obs.recv_r[0], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 1);
	CU_ASSERT(seq_pos(EV_SEND(1)) >= 0 && seq_pos(EV_SEND(1)) < seq_pos(EV_RECV(0)));
	/* The rendezvous: the send returns only after the receive was made. */
	CU_ASSERT(seq_pos(EV_SENT(1)) > seq_pos(EV_RECV(0)));
}

static void test_receive_from_one_leaves_others_queued_in_order(void)
{
	/* Four senders queue on the collector in role order; it asks for
	 * role 3 first, then takes whatever comes: 1, 2, 4. */
	obs_reset();
	obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
	for (int role = 1; role <= 4; role++)
		obs.ep[role] = spawn("ipc_sender", 2, (uint64_t)role, 0);
	obs.nwant = 4;
	obs.from[0] = obs.ep[3];
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.ngot, 4);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.ep[3]);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 3);
	CU_ASSERT_EQUAL(obs.got[1].m_demo.value, 1);
	CU_ASSERT_EQUAL(obs.got[2].m_demo.value, 2);
	CU_ASSERT_EQUAL(obs.got[3].m_demo.value, 4);
	for (int role = 1; role <= 4; role++)
		CU_ASSERT_EQUAL(obs.res[role], 0);
}

static void test_receive_any_takes_oldest_sender_first(void)
{
	/* Slots 1, 2, 3 get priorities 4, 3, 2: they run, and queue, in the
	 * order 3, 2, 1 - the reverse of their slots. */
	obs_reset();
	obs.target = spawn("ipc_collector", 5, 0, SPAWN_INIT);
	obs.ep[1] = spawn("ipc_sender", 4, 1, 0);
	obs.ep[2] = spawn("ipc_sender", 3, 2, 0);
	obs.ep[3] = spawn("ipc_sender", 2, 3, 0);
	obs.nwant = 3;
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.ngot, 3);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.ep[3]);
	CU_ASSERT_EQUAL(obs.got[1].m_source, obs.ep[2]);
	CU_ASSERT_EQUAL(obs.got[2].m_source, obs.ep[1]);
}

/* The forger sends with m_source = fake to a collector that is either not
 * yet receiving (the message is queued) or already waiting (delivered at
 * once): two kernel paths, each must stamp the real sender. */
static void run_forger(bool receiver_waits, endpoint_t fake)
{
	obs_reset();
	obs.nwant = 1;
	obs.fake = fake;
	if (receiver_waits) {
		obs.target = spawn("ipc_collector", 1, 0, 0);
		obs.ep[0] = spawn("ipc_forger", 2, 0, SPAWN_INIT);
	} else {
		obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
		obs.ep[0] = spawn("ipc_forger", 2, 0, 0);
	}
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[0], 0);
	CU_ASSERT_EQUAL(obs.recv_r[0], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 7);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.ep[0]);
}

static void test_m_source_stamped_on_queued_send(void)
{
	run_forger(false, KIP_SYSTEM);
}

static void test_m_source_stamped_on_direct_send(void)
{
	run_forger(true, kip_ep_make(3, 7));
}

static void test_notify_does_not_break_sendrec_reply_wait(void)
{
	/* The server notifies the client while the client waits for the
	 * server's own reply: the sendrec must return the reply, and the
	 * notify must come with the client's next receive. */
	obs_reset();
	obs.target = spawn("ipc_sr_server", 2, 0, 0);
	obs.ep[1] = spawn("ipc_sr_client", 3, 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[0], 0);
	CU_ASSERT_EQUAL(obs.res[1], 0);
	CU_ASSERT_EQUAL(obs.res[2], 0);
	CU_ASSERT_EQUAL(obs.res[3], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_type, TEST_PONG);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.target);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 42);
	CU_ASSERT_EQUAL(obs.res[4], 0);
	CU_ASSERT_EQUAL(obs.got[1].m_type, NOTIFY_MESSAGE);
	CU_ASSERT_EQUAL(obs.got[1].m_source, obs.target);
}

static void test_sendrec_reply_wait_ignores_other_senders(void)
{
	/* While the client waits for the server's reply, a third party sends
	 * to it: the sendrec returns the reply; the other message comes with
	 * the client's next receive. */
	obs_reset();
	obs.target = spawn("ipc_sr_server3", 2, 0, 0);
	obs.ep[1] = spawn("ipc_sr_client", 3, 0, SPAWN_INIT);
	obs.ep[2] = spawn("ipc_sr_third", 1, 0, 0);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[1], 0);
	CU_ASSERT_EQUAL(obs.res[2], 0);
	CU_ASSERT_EQUAL(obs.res[3], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_type, TEST_PONG);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.target);
	CU_ASSERT_EQUAL(obs.res[4], 0);
	CU_ASSERT_EQUAL(obs.got[1].m_type, TEST_DATA);
	CU_ASSERT_EQUAL(obs.got[1].m_source, obs.ep[2]);
	CU_ASSERT_EQUAL(obs.got[1].m_demo.value, 5);
	CU_ASSERT_EQUAL(obs.res[5], 0);
}

static void test_notifies_from_one_sender_coalesce(void)
{
	/* Three notifies, then a message, all before the collector receives:
	 * it gets one NOTIFY_MESSAGE, then the message. */
	obs_reset();
	obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
	obs.ep[1] = spawn("ipc_notify3", 2, 0, 0);
	obs.nwant = 2;
	CU_ASSERT_EQUAL(kt_run(), 0);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(obs.res[i], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_type, NOTIFY_MESSAGE);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.ep[1]);
	CU_ASSERT_EQUAL(obs.got[1].m_type, TEST_DATA);
	CU_ASSERT_EQUAL(obs.got[1].m_demo.value, 99);
}

static void test_pending_notify_comes_before_queued_message(void)
{
	/* The sender queues its message first, the notifier notifies after:
	 * the notify is still delivered first. */
	obs_reset();
	obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
	obs.ep[1] = spawn("ipc_sender", 2, 1, 0);
	obs.ep[2] = spawn("ipc_notifier", 2, 2, 0);
	obs.nwant = 2;
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[2], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_type, NOTIFY_MESSAGE);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.ep[2]);
	CU_ASSERT_EQUAL(obs.got[1].m_type, TEST_DATA);
	CU_ASSERT_EQUAL(obs.got[1].m_source, obs.ep[1]);
	CU_ASSERT_EQUAL(obs.res[1], 0);
}

static void test_notifies_from_two_senders_both_arrive(void)
{
	obs_reset();
	obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
	obs.ep[1] = spawn("ipc_notifier", 2, 1, 0);
	obs.ep[2] = spawn("ipc_notifier", 2, 2, 0);
	obs.nwant = 2;
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.ngot, 2);
	CU_ASSERT_EQUAL(obs.got[0].m_type, NOTIFY_MESSAGE);
	CU_ASSERT_EQUAL(obs.got[1].m_type, NOTIFY_MESSAGE);
	endpoint_t a = obs.got[0].m_source, b = obs.got[1].m_source;
	CU_ASSERT((a == obs.ep[1] && b == obs.ep[2]) || (a == obs.ep[2] && b == obs.ep[1]));
}

static void test_sendnb_to_busy_receiver_is_enotready(void)
{
	/* The collector has not run yet: SENDNB fails and leaves nothing
	 * behind, so the collector's first message is the later SEND. */
	obs_reset();
	obs.target = spawn("ipc_collector", 3, 0, SPAWN_INIT);
	obs.ep[0] = spawn("ipc_nb_early", 2, 0, 0);
	obs.nwant = 1;
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[0], -ENOTREADY);
	CU_ASSERT_EQUAL(obs.res[1], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 2);
}

static void test_sendnb_to_waiting_receiver_delivers(void)
{
	obs_reset();
	obs.target = spawn("ipc_collector", 2, 0, 0);
	obs.ep[0] = spawn("ipc_nb_late", 3, 0, SPAWN_INIT);
	obs.nwant = 1;
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[0], 0);
	CU_ASSERT_EQUAL(obs.ngot, 1);
	CU_ASSERT_EQUAL(obs.got[0].m_source, obs.ep[0]);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 5);
}

static void test_send_to_non_process_endpoint_fails(void)
{
	obs_reset();
	spawn("ipc_badep", 2, 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(obs.res[0] < 0 && obs.res[0] != NOT_RUN); /* ANY: only RECEIVE takes it */
	CU_ASSERT_EQUAL(obs.res[1], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.res[2], -EDEADSRCDST);
	CU_ASSERT(obs.res[3] < 0);
	CU_ASSERT(obs.res[4] < 0);
	CU_ASSERT_EQUAL(obs.res[5], -EDEADSRCDST);
	CU_ASSERT_EQUAL(obs.res[6], -EDEADSRCDST);
}

/* `program` makes four IPC calls with a bad message pointer (each must be
 * EFAULT and deliver nothing), then one good send of 9 to the collector,
 * which waits first. */
static void efault_run(const char *program)
{
	obs_reset();
	obs.target = spawn("ipc_collector", 2, 0, 0);
	obs.nwant = 1;
	spawn(program, 3, 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(obs.res[i], -EFAULT);
	CU_ASSERT_EQUAL(obs.res[4], 0);
	CU_ASSERT_EQUAL(obs.ngot, 1);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 9);
}

static void test_null_message_is_efault(void)
{
	efault_run("ipc_nullmsg"); /* the NULL sends must not reach the collector */
}

static void test_bogus_message_pointer_is_efault(void)
{
	/* An unmapped address, and a receive into read-only memory: both
	 * refused before anything is delivered; the kernel goes on. */
	efault_run("ipc_bogusmsg");
}

static void test_buffer_made_read_only_after_use_is_efault(void)
{
	obs_reset();
	obs.target = spawn("ipc_collector", 2, 0, 0);
	obs.nwant = 1;
	spawn("ipc_protmsg", 3, 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[0], 0);
	CU_ASSERT_EQUAL(obs.got[0].m_demo.value, 3);
	CU_ASSERT_EQUAL(obs.res[1], 0);
	CU_ASSERT_EQUAL(obs.res[2], -EFAULT);
}

static void test_send_to_self_is_elocked(void)
{
	obs_reset();
	obs.target = spawn("ipc_selfsend", 2, 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(obs.res[0], -ELOCKED);
	CU_ASSERT_EQUAL(obs.res[1], -ELOCKED);
	CU_ASSERT_EQUAL(obs.res[2], -ELOCKED);
}

static const struct kip_test ipc_tests[] = {
	{"SEND blocks until the receiver receives", test_send_blocks_until_received},
	{"RECEIVE(src) leaves other senders queued, in order",
	 test_receive_from_one_leaves_others_queued_in_order},
	{"RECEIVE(ANY) takes the oldest sender first", test_receive_any_takes_oldest_sender_first},
	{"m_source is stamped on a queued send", test_m_source_stamped_on_queued_send},
	{"m_source is stamped on a direct send", test_m_source_stamped_on_direct_send},
	{"a notify does not break SENDREC's reply wait",
	 test_notify_does_not_break_sendrec_reply_wait},
	{"SENDREC's reply wait ignores other senders",
	 test_sendrec_reply_wait_ignores_other_senders},
	{"notifies from one sender coalesce", test_notifies_from_one_sender_coalesce},
	{"a pending notify comes before a queued message",
	 test_pending_notify_comes_before_queued_message},
	{"notifies from two senders both arrive", test_notifies_from_two_senders_both_arrive},
	{"SENDNB to a busy receiver is ENOTREADY", test_sendnb_to_busy_receiver_is_enotready},
	{"SENDNB to a waiting receiver delivers", test_sendnb_to_waiting_receiver_delivers},
	{"sending to a non-process endpoint fails", test_send_to_non_process_endpoint_fails},
	{"a NULL message is EFAULT", test_null_message_is_efault},
	{"a bogus message pointer is EFAULT", test_bogus_message_pointer_is_efault},
	{"a buffer made read-only after use is EFAULT",
	 test_buffer_made_read_only_after_use_is_efault},
	{"sending to oneself is ELOCKED", test_send_to_self_is_elocked},
	{NULL, NULL},
};

KIP_TEST_SUITE(ipc, ipc_tests);
