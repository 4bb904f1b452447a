/*
 * tests/kernel/test_worker.c - server workers, "reply later" while a
 * request waits on a peer (servers/lib/worker.c; suite `worker`).
 *
 * wk_srv serves TEST_PING by asking its peer (server_call_peer) and
 * TEST_PONG at once.  The peer, wk_peer, answers each request only after
 * its alarm (virtual time), with a blocking send.  Pins: while a PING waits
 * on the peer, a PONG from another client is answered first (the server
 * was not blocked); two PINGs reach the peer one after the other, in
 * arrival order, and each gets its own answer; every client gets exactly
 * the value its request asked for, even when the peer's status is 0x100
 * (NOTIFY_MESSAGE's number: a 256-byte MFS_WRITE answers so).
 *
 * And in VFS: while one process's read() waits for the disk (VFS waiting on
 * MFS, MFS on the driver), another's umask() is answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/ipc.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/server.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

static struct {
	endpoint_t srv, peer;
	char order[16]; /* who finished, in order: 'A', 'B', 'C' */
	int norder;
	int64_t got[3];
	int peer_seen[4]; /* values the peer saw, in order */
	int npeer;
} wk;

/* ------------------------------------------------------------- peer */

static int wk_peer_main(uint64_t arg)
{
	(void)arg;
	message m;
	for (;;) {
		if (kip_receive(KIP_ANY, &m) < 0)
			return 1;
		if (m.m_type == NOTIFY_MESSAGE)
			continue;
		endpoint_t from = m.m_source;
		wk.peer_seen[wk.npeer++ & 3] = (int)m.m_demo.value;
		kip_set_alarm(1000000); /* answer 1 ms of virtual time later */
		message n;
		do {
			if (kip_receive(KIP_ANY, &n) < 0)
				return 1;
		} while (n.m_type != NOTIFY_MESSAGE);
		/* The second answer's status is 0x100, NOTIFY_MESSAGE's number:
		 * a count like any other (a 256-byte write answers so). */
		m.m_type = wk.npeer == 2 ? NOTIFY_MESSAGE : 0;
		m.m_demo.value *= 10;
		if (kip_send(from, &m) < 0)
			return 2;
	}
}
KIP_PROGRAM(wk_peer, wk_peer_main, 2, KIP_PROG_SYSTEM);

/* ----------------------------------------------------------- server */

struct wk_state {
	struct server srv;
	unsigned resumes;
};

static int wk_ping(void *state, const message *in, message *out)
{
	struct wk_state *s = state;
	message m = *in;
	int r = server_call_peer(&s->srv, wk.peer, &m);
	if (r < 0)
		return r;
	out->m_demo.value = m.m_demo.value + 1 + r;
	return 0;
}

static int wk_pong(void *state, const message *in, message *out)
{
	(void)state;
	out->m_demo.value = in->m_demo.value;
	return 0;
}

static const struct server_call wk_calls[] = {
	{"TEST_PING", wk_ping},
	{"TEST_PONG", wk_pong},
};
static const struct server_table wk_table = {TEST_PING, 2, wk_calls};

static void wk_resume(void *state, unsigned index)
{
	struct wk_state *s = state;
	(void)index;
	s->resumes++;
}

static int wk_srv_main(uint64_t arg)
{
	(void)arg;
	struct wk_state *s = server_state_alloc(sizeof(*s));
	if (!s)
		return 1;
	server_init(&s->srv, "wk_srv", s, &wk_table, NULL);
	return server_run_workers(&s->srv, 2, wk.peer, wk_resume) < 0 ? 1 : 0;
}
KIP_PROGRAM(wk_srv, wk_srv_main, 3, KIP_PROG_SYSTEM);

/* ---------------------------------------------------------- clients */

static int wk_client(int who, int type, int64_t value)
{
	message m;
	kip_msg_init(&m, type);
	m.m_demo.value = value;
	int r = kip_sendrec(wk.srv, &m);
	if (r < 0 || m.m_type != 0)
		return 1;
	wk.got[who] = m.m_demo.value;
	wk.order[wk.norder++] = (char)('A' + who);
	return 0;
}

static int wk_a_main(uint64_t arg)
{
	(void)arg;
	return wk_client(0, TEST_PING, 7);
}
KIP_PROGRAM(wk_a, wk_a_main, 5, KIP_PROG_SYSTEM);

static int wk_b_main(uint64_t arg)
{
	(void)arg;
	return wk_client(1, TEST_PONG, 5);
}
KIP_PROGRAM(wk_b, wk_b_main, 6, KIP_PROG_SYSTEM);

static int wk_c_main(uint64_t arg)
{
	(void)arg;
	return wk_client(2, TEST_PING, 9);
}
KIP_PROGRAM(wk_c, wk_c_main, 7, KIP_PROG_SYSTEM);

/* Start A (PING), then B (PONG), then C (PING); wait for all three. */
static int wk_init_main(uint64_t arg)
{
	(void)arg;
	const char *names[] = {"wk_a", "wk_b", "wk_c"};
	endpoint_t eps[3];
	for (int i = 0; i < 3; i++) {
		eps[i] = kip_create(names[i], NULL, -1, 0);
		if (eps[i] < 0)
			return 1;
	}
	int left = 3, status = 0;
	while (left > 0) {
		struct kcall_event ev;
		if (kt_wait_event(&ev) < 0)
			return 1;
		for (int i = 0; i < 3; i++)
			if (ev.endpoint == eps[i]) {
				left--;
				status |= ev.kind != KIP_EV_EXIT || ev.status != 0;
			}
	}
	return status;
}
KIP_PROGRAM(wk_init, wk_init_main, 1, KIP_PROG_SYSTEM);

static void test_reply_later_while_waiting_on_peer(void)
{
	memset(&wk, 0, sizeof(wk));
	kt_boot(KT_TRACE);
	wk.peer = kt_spawn("wk_peer", 0, 0);
	wk.srv = kt_spawn("wk_srv", 0, 0);
	kt_spawn("wk_init", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	/* B's PONG was served while A's PING waited on the peer; C's PING
	 * waited its turn for the peer behind A's. */
	CU_ASSERT_EQUAL(wk.norder, 3);
	CU_ASSERT_STRING_EQUAL(wk.order, "BAC");
	CU_ASSERT_EQUAL(wk.got[0], 71);
	CU_ASSERT_EQUAL(wk.got[1], 5);
	CU_ASSERT_EQUAL(wk.got[2], 91 + NOTIFY_MESSAGE); /* the status came through */
	CU_ASSERT_EQUAL(wk.npeer, 2);
	CU_ASSERT(wk.peer_seen[0] == 7 && wk.peer_seen[1] == 9);
}

/* ------------------------------------------------- the same in VFS */

static struct {
	endpoint_t vfs;
	char order[8];
	int norder;
	int read_bytes, old_mask, small_bytes;
	volatile int opened; /* the reader's file is open: its read comes next */
} wv;

static int wv_reader_main(uint64_t arg)
{
	(void)arg;
	struct kip_posix *px = kip_posix_init(wv.vfs);
	char *buf = kip_page_alloc(16);
	if (!px || !buf)
		return 1;
	int fd = kip_open(px, "/big", KIP_O_RDONLY, 0);
	if (fd < 0)
		return 2;
	wv.opened = 1;
	wv.read_bytes = (int)kip_read(px, fd, buf, 65536); /* a cold cache: the disk */
	wv.order[wv.norder++] = 'R';
	/* A 256-byte write: MFS answers 0x100, NOTIFY_MESSAGE's number. */
	int w = kip_open(px, "/small", KIP_O_CREAT | KIP_O_WRONLY, 0644);
	wv.small_bytes = w < 0 ? -1 : (int)kip_write(px, w, buf, 256);
	return 0;
}
KIP_PROGRAM(wv_reader, wv_reader_main, 5, KIP_PROG_SYSTEM);

static int wv_masker_main(uint64_t arg)
{
	(void)arg;
	struct kip_posix *px = kip_posix_init(wv.vfs);
	if (!px)
		return 1;
	while (!wv.opened) /* runs only while the reader is blocked */
		kip_yield();
	wv.old_mask = (int)kip_umask(px, 077);
	wv.order[wv.norder++] = 'U';
	return 0;
}
KIP_PROGRAM(wv_masker, wv_masker_main, 6, KIP_PROG_SYSTEM);

static int wv_init_main(uint64_t arg)
{
	(void)arg;
	endpoint_t r = kip_create("wv_reader", NULL, -1, 0);
	endpoint_t m = kip_create("wv_masker", NULL, -1, 0);
	int left = 2;
	while (r >= 0 && m >= 0 && left > 0) {
		struct kcall_event ev;
		if (kt_wait_event(&ev) < 0)
			return 1;
		if (ev.endpoint == r || ev.endpoint == m)
			left--;
	}
	return left;
}
KIP_PROGRAM(wv_init, wv_init_main, 1, KIP_PROG_SYSTEM);

static void test_vfs_answers_while_a_read_waits(void)
{
	memset(&wv, 0, sizeof(wv));
	char dir[] = "/tmp/kip-wv-XXXXXX", image[] = "/tmp/kip-wv-img-XXXXXX", path[64];
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/big", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	for (int i = 0; i < 65536; i++)
		fputc(i % 251, f);
	fclose(f);
	int fd = mkstemp(image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", image, "--size", "1M", "--from", dir, "--force", NULL};
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);

	struct kip_config cfg;
	kt_default_config(&cfg, 0);
	cfg.disk_image = image;
	kt_boot_config(&cfg);
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	wv.vfs = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs, 0);
	CU_ASSERT_FATAL(driver >= 0 && mfs >= 0 && wv.vfs >= 0);
	kt_spawn("wv_init", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	/* The reader asked first and has the higher priority; the umask was
	 * answered while its read waited for the disk (a VFS that waited for
	 * MFS would have served the umask after the read: "RU"). */
	CU_ASSERT_STRING_EQUAL(wv.order, "UR");
	CU_ASSERT_EQUAL(wv.read_bytes, 65536);
	CU_ASSERT_EQUAL(wv.small_bytes, 256);
	CU_ASSERT_EQUAL(wv.old_mask, 022);
	unlink(image);
	unlink(path);
	rmdir(dir);
}

static const struct kip_test worker_tests[] = {
	{"VFS answers a umask while a read waits for the disk",
	 test_vfs_answers_while_a_read_waits},
	{"a request is answered while another waits on the peer",
	 test_reply_later_while_waiting_on_peer},
	{NULL, NULL},
};
KIP_TEST_SUITE(worker, worker_tests);
