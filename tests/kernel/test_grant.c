/*
 * tests/kernel/test_grant.c - grants and safecopy (kernel/grant.c).
 *
 * Pins: a direct grant lets its grantee - or anyone, for KIP_ANY - copy
 * from and to the granted range, and nobody else; the access bits, the
 * bounds, revocation and the sequence number of a reused slot are checked;
 * ids outside the table are refused; indirect grants are followed up to
 * five hops with their offsets composed, a sixth hop is ELOOP, and every
 * hop checks its grantee, its access and its bounds; a dead granter
 * anywhere on the chain is EDEADSRCDST; a grant names only memory its
 * granter owns.
 *
 * Each test's main process is the first granter; gr_peer processes do what
 * it asks (copy through a grant, grant their own page, pass a grant on) and
 * reply with the kernel's answer.
 */
#include <stdint.h>
#include <string.h>

#include "kip/error.h"
#include "kip/grant.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define GR_PAGE 4096
#define GR_IPC_FAILED (-9999) /* gr_call: the request itself failed */
#define GR_MAX_PEERS 8

/* What a peer is asked to do. */
enum gr_op {
	GR_COPY_FROM = 1,
	GR_COPY_TO,
	GR_GRANT_DIRECT,   /* grant part of the peer's own page */
	GR_GRANT_INDIRECT, /* pass on a grant the peer holds */
	GR_WHERE,	   /* the address of the peer's own page */
};

/* A request to a peer and its reply (m_type = the kernel's answer). */
struct gr_req {
	int32_t op;
	endpoint_t who;	 /* COPY: the granter; GRANT: the grantee */
	endpoint_t from; /* GRANT_INDIRECT: who issued `id` */
	kip_grant_id id; /* COPY: the grant used; GRANT_INDIRECT: the one passed on */
	uint64_t offset; /* into the grant or the range; WHERE: out, the address */
	uint64_t len;
	int32_t access;
	int32_t pad;
	uint8_t data[16]; /* COPY_TO: bytes to write; COPY_FROM: bytes read */
};
_Static_assert(sizeof(struct gr_req) <= KIP_MSG_PAYLOAD, "gr_req fits a message");

/* What the test's processes saw. */
static struct {
	endpoint_t main_ep;
	int ok; /* the main process got through its script */
	int r[16];
	uint8_t got[4][16];
	kip_grant_id id[4];
	uint8_t buf_after[64];
} gr;

/* Byte i of the main process's buffer, and of a peer's page. */
static uint8_t gr_main_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static uint8_t gr_peer_byte(size_t i)
{
	return (uint8_t)(0xa5 ^ i);
}

/* ------------------------------------------------------------ peers */

static int gr_serve(struct kip_grants *g, uint8_t *own, struct gr_req *rq)
{
	size_t n = rq->len < sizeof(rq->data) ? rq->len : sizeof(rq->data);
	switch (rq->op) {
	case GR_COPY_FROM:
		memset(rq->data, 0, sizeof(rq->data));
		return kip_safecopy_from(rq->who, rq->id, rq->offset, rq->data, n);
	case GR_COPY_TO:
		return kip_safecopy_to(rq->who, rq->id, rq->offset, rq->data, n);
	case GR_GRANT_DIRECT:
		return kip_grant_direct(g, rq->who, own + rq->offset, rq->len, rq->access);
	case GR_GRANT_INDIRECT:
		return kip_grant_indirect(g, rq->who, rq->from, rq->id, rq->offset, rq->len,
					  rq->access);
	case GR_WHERE:
		rq->offset = (uint64_t)(uintptr_t)own;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A peer: a grant table and one page of its own, then requests forever. */
static int gr_peer_main(uint64_t arg)
{
	(void)arg;
	struct kip_grants *g = kip_grant_init(8);
	uint8_t *own = kip_page_alloc(1);
	if (!g || !own)
		return 1;
	for (size_t i = 0; i < GR_PAGE; i++)
		own[i] = gr_peer_byte(i);
	for (;;) {
		message m;
		if (kip_receive(KIP_ANY, &m) < 0)
			return 2;
		if (m.m_type != TEST_DATA)
			continue;
		endpoint_t client = m.m_source;
		struct gr_req rq;
		memcpy(&rq, m.m_raw, sizeof(rq));
		int r = gr_serve(g, own, &rq);
		kip_msg_init(&m, r);
		memcpy(m.m_raw, &rq, sizeof(rq));
		kip_send(client, &m);
	}
}
KIP_PROGRAM(gr_peer, gr_peer_main, 3, KIP_PROG_SYSTEM);

/* A process with no grant table. */
static int gr_tableless_main(uint64_t arg)
{
	(void)arg;
	message m;
	while (kip_receive(KIP_ANY, &m) == 0)
		;
	return 1;
}
KIP_PROGRAM(gr_tableless, gr_tableless_main, 3, KIP_PROG_SYSTEM);

/* ------------------------------------------------- the main's requests */

/* Send rq to peer, wait for its reply into rq; the kernel's answer. */
static int gr_call(endpoint_t peer, struct gr_req *rq)
{
	message m;
	kip_msg_init(&m, TEST_DATA);
	memcpy(m.m_raw, rq, sizeof(*rq));
	if (kip_sendrec(peer, &m) < 0)
		return GR_IPC_FAILED;
	memcpy(rq, m.m_raw, sizeof(*rq));
	return m.m_type;
}

/* peer copies len (<= 16) bytes from granter's grant id at offset into out. */
static int gr_copy_from(endpoint_t peer, endpoint_t granter, kip_grant_id id, uint64_t offset,
			uint64_t len, uint8_t *out)
{
	struct gr_req rq = {.op = GR_COPY_FROM, .who = granter, .id = id, .offset = offset};
	rq.len = len;
	int r = gr_call(peer, &rq);
	if (out)
		memcpy(out, rq.data, sizeof(rq.data));
	return r;
}

/* peer copies len (<= 16) bytes of src to granter's grant id at offset. */
static int gr_copy_to(endpoint_t peer, endpoint_t granter, kip_grant_id id, uint64_t offset,
		      const void *src, uint64_t len)
{
	struct gr_req rq = {.op = GR_COPY_TO, .who = granter, .id = id, .offset = offset};
	rq.len = len;
	memcpy(rq.data, src, len < sizeof(rq.data) ? len : sizeof(rq.data));
	return gr_call(peer, &rq);
}

/* peer passes on grant (from, ref) to grantee: offset/len within it. */
static kip_grant_id gr_pass_on(endpoint_t peer, endpoint_t grantee, endpoint_t from,
			       kip_grant_id ref, uint64_t offset, uint64_t len, int access)
{
	struct gr_req rq = {.op = GR_GRANT_INDIRECT, .who = grantee, .from = from, .id = ref};
	rq.offset = offset;
	rq.len = len;
	rq.access = access;
	return gr_call(peer, &rq);
}

/* peer grants grantee [offset, offset + len) of its own page. */
static kip_grant_id gr_peer_grant(endpoint_t peer, endpoint_t grantee, uint64_t offset,
				  uint64_t len, int access)
{
	struct gr_req rq = {.op = GR_GRANT_DIRECT, .who = grantee, .offset = offset, .len = len};
	rq.access = access;
	return gr_call(peer, &rq);
}

static uint8_t *gr_peer_page(endpoint_t peer)
{
	struct gr_req rq = {.op = GR_WHERE};
	if (gr_call(peer, &rq) != 0)
		return NULL;
	return (uint8_t *)(uintptr_t)rq.offset;
}

/* The main's grant table and a page filled with gr_main_byte. */
static struct kip_grants *gr_setup(uint8_t **buf)
{
	struct kip_grants *g = kip_grant_init(8);
	*buf = kip_page_alloc(1);
	if (!g || !*buf)
		return NULL;
	for (size_t i = 0; i < GR_PAGE; i++)
		(*buf)[i] = gr_main_byte(i);
	return g;
}

static endpoint_t gr_new_peer(void)
{
	return kip_create("gr_peer", NULL, -1, 0);
}

/* Nonzero if got[0..len) are bytes at..at+len of the main's buffer. */
static int gr_is_main_bytes(const uint8_t *got, size_t at, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (got[i] != gr_main_byte(at + i))
			return 0;
	return 1;
}

/* Boot, start `program` as the main process, run; its exit status. */
static int gr_run(const char *program)
{
	memset(&gr, 0, sizeof(gr));
	kt_boot(0);
	gr.main_ep = kt_spawn(program, 0, SPAWN_INIT);
	return kt_run();
}

/* ------------------------------------------------------- direct grants */

static int gr_direct_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t peer = gr_new_peer();
	if (!g || peer < 0)
		return 1;
	kip_grant_id id =
		kip_grant_direct(g, peer, buf + 100, 64, KIP_GRANT_READ | KIP_GRANT_WRITE);
	static const uint8_t text[16] = "sixteen bytes!!";
	gr.r[0] = gr_copy_from(peer, gr.main_ep, id, 8, 16, gr.got[0]);
	gr.r[1] = gr_copy_to(peer, gr.main_ep, id, 32, text, 16);
	memcpy(gr.buf_after, buf + 100, 64);
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_direct, gr_direct_main, 2, KIP_PROG_SYSTEM);

static void test_direct_read_and_write(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_direct"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT(gr_is_main_bytes(gr.got[0], 108, 16));
	CU_ASSERT_EQUAL(gr.r[1], 0);
	CU_ASSERT_EQUAL(memcmp(gr.buf_after + 32, "sixteen bytes!!", 16), 0);
	/* Nothing around the written range moved. */
	CU_ASSERT(gr_is_main_bytes(gr.buf_after, 100, 32));
	CU_ASSERT(gr_is_main_bytes(gr.buf_after + 48, 148, 16));
}

static int gr_grantee_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t mine = gr_new_peer(), other = gr_new_peer();
	if (!g || mine < 0 || other < 0)
		return 1;
	kip_grant_id id = kip_grant_direct(g, mine, buf, 64, KIP_GRANT_READ | KIP_GRANT_WRITE);
	gr.r[0] = gr_copy_from(other, gr.main_ep, id, 0, 8, NULL);
	gr.r[1] = gr_copy_to(other, gr.main_ep, id, 0, "intruder", 8);
	gr.r[2] = gr_copy_from(mine, gr.main_ep, id, 0, 8, NULL);
	memcpy(gr.buf_after, buf, 64);

	kip_grant_id any = kip_grant_direct(g, KIP_ANY, buf, 64, KIP_GRANT_READ);
	gr.r[3] = gr_copy_from(mine, gr.main_ep, any, 4, 8, gr.got[0]);
	gr.r[4] = gr_copy_from(other, gr.main_ep, any, 4, 8, gr.got[1]);
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_grantee, gr_grantee_main, 2, KIP_PROG_SYSTEM);

static void test_only_the_grantee_may_copy(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_grantee"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], -EPERM);
	CU_ASSERT_EQUAL(gr.r[1], -EPERM);
	CU_ASSERT(gr_is_main_bytes(gr.buf_after, 0, 64));
	CU_ASSERT_EQUAL(gr.r[2], 0);
}

static void test_any_grantee_is_anyone(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_grantee"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[3], 0);
	CU_ASSERT_EQUAL(gr.r[4], 0);
	CU_ASSERT(gr_is_main_bytes(gr.got[0], 4, 8));
	CU_ASSERT(gr_is_main_bytes(gr.got[1], 4, 8));
}

static int gr_access_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t peer = gr_new_peer();
	if (!g || peer < 0)
		return 1;
	kip_grant_id ro = kip_grant_direct(g, peer, buf, 64, KIP_GRANT_READ);
	kip_grant_id wo = kip_grant_direct(g, peer, buf + 64, 64, KIP_GRANT_WRITE);
	gr.r[0] = gr_copy_to(peer, gr.main_ep, ro, 0, "overwrite", 9);
	gr.r[1] = gr_copy_from(peer, gr.main_ep, ro, 0, 9, NULL);
	gr.r[2] = gr_copy_from(peer, gr.main_ep, wo, 0, 9, gr.got[0]);
	gr.r[3] = gr_copy_to(peer, gr.main_ep, wo, 0, "overwrite", 9);
	memcpy(gr.buf_after, buf, 64);
	memcpy(gr.got[1], buf + 64, 9);
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_access, gr_access_main, 2, KIP_PROG_SYSTEM);

static void test_access_bits_are_checked(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_access"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], -EPERM); /* SAFECOPYTO through a READ grant */
	CU_ASSERT(gr_is_main_bytes(gr.buf_after, 0, 64));
	CU_ASSERT_EQUAL(gr.r[1], 0);
	CU_ASSERT_EQUAL(gr.r[2], -EPERM); /* SAFECOPYFROM through a WRITE grant */
	CU_ASSERT_EQUAL(gr.got[0][0], 0); /* nothing was copied out */
	CU_ASSERT_EQUAL(gr.r[3], 0);
	CU_ASSERT_EQUAL(memcmp(gr.got[1], "overwrite", 9), 0);
}

static int gr_bounds_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t peer = gr_new_peer();
	if (!g || peer < 0)
		return 1;
	kip_grant_id id = kip_grant_direct(g, peer, buf, 64, KIP_GRANT_READ | KIP_GRANT_WRITE);
	gr.r[0] = gr_copy_from(peer, gr.main_ep, id, 56, 8, NULL);	       /* up to the end */
	gr.r[1] = gr_copy_from(peer, gr.main_ep, id, 57, 8, NULL);	       /* one past it */
	gr.r[2] = gr_copy_from(peer, gr.main_ep, id, 65, 0, NULL);	       /* offset > len */
	gr.r[3] = gr_copy_to(peer, gr.main_ep, id, 60, "12345678", 8);	       /* write past it */
	gr.r[4] = gr_copy_from(peer, gr.main_ep, id, UINT64_MAX - 3, 8, NULL); /* wraps */
	gr.r[5] = gr_copy_from(peer, gr.main_ep, id, 64, 0, NULL); /* empty, at the end */
	memcpy(gr.buf_after, buf, 64);
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_bounds, gr_bounds_main, 2, KIP_PROG_SYSTEM);

static void test_out_of_bounds_is_einval(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_bounds"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[1], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[2], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[3], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[4], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[5], 0);
	CU_ASSERT(gr_is_main_bytes(gr.buf_after, 0, 64));
}

static int gr_revoke_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t peer = gr_new_peer();
	if (!g || peer < 0)
		return 1;
	kip_grant_id old = kip_grant_direct(g, peer, buf, 64, KIP_GRANT_READ);
	gr.r[0] = gr_copy_from(peer, gr.main_ep, old, 0, 8, NULL);
	gr.r[1] = kip_grant_revoke(g, old);
	gr.r[2] = gr_copy_from(peer, gr.main_ep, old, 0, 8, NULL);
	kip_grant_id new = kip_grant_direct(g, peer, buf + 128, 64, KIP_GRANT_READ);
	gr.r[3] = gr_copy_from(peer, gr.main_ep, old, 0, 8, NULL);
	gr.r[4] = gr_copy_from(peer, gr.main_ep, new, 0, 8, gr.got[0]);
	gr.id[0] = old;
	gr.id[1] = new;
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_revoke, gr_revoke_main, 2, KIP_PROG_SYSTEM);

static void test_revoked_id_is_refused(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_revoke"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[1], 0);
	CU_ASSERT_EQUAL(gr.r[2], -EINVAL);
}

static void test_reused_slot_refuses_the_old_id(void)
{
	const kip_grant_id index_mask = (1 << KIP_GRANT_SEQ_SHIFT) - 1;
	CU_ASSERT_EQUAL(gr_run("gr_revoke"), 0);
	CU_ASSERT(gr.ok);
	/* The same slot, told apart only by the sequence number. */
	CU_ASSERT_EQUAL(gr.id[0] & index_mask, gr.id[1] & index_mask);
	CU_ASSERT_NOT_EQUAL(gr.id[0], gr.id[1]);
	CU_ASSERT_EQUAL(gr.r[3], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[4], 0);
	CU_ASSERT(gr_is_main_bytes(gr.got[0], 128, 8));
}

static int gr_range_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf); /* 8 entries */
	endpoint_t peer = gr_new_peer(), bare = kip_create("gr_tableless", NULL, -1, 0);
	if (!g || peer < 0 || bare < 0)
		return 1;
	kip_grant_id id = kip_grant_direct(g, peer, buf, 64, KIP_GRANT_READ);
	kip_grant_id seq = id & ~((1 << KIP_GRANT_SEQ_SHIFT) - 1);
	/* A valid-looking entry just past the registered table (same page). */
	g->entries[8] = g->entries[0];
	gr.r[0] = gr_copy_from(peer, gr.main_ep, id, 0, 8, NULL);
	gr.r[1] = gr_copy_from(peer, gr.main_ep, seq | 8, 0, 8, NULL);
	gr.r[2] = gr_copy_from(peer, gr.main_ep, seq | 4095, 0, 8, NULL);
	gr.r[3] = gr_copy_from(peer, gr.main_ep, -1, 0, 8, NULL);
	gr.r[4] = gr_copy_from(peer, gr.main_ep, seq | 5, 0, 8, NULL); /* never used */
	gr.r[5] = gr_copy_from(peer, bare, id, 0, 8, NULL);	       /* no table at all */
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_range, gr_range_main, 2, KIP_PROG_SYSTEM);

static void test_id_outside_the_table_is_einval(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_range"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[1], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[2], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[3], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[4], -EINVAL);
	CU_ASSERT_EQUAL(gr.r[5], -EINVAL);
}

/* ----------------------------------------------------- indirect grants */

#define GR_CHAIN_BASE 256 /* the direct grant starts here in the main's buffer */
#define GR_CHAIN_LEN 2048 /* and is this long */
#define GR_CHAIN_STEP 24  /* hop i passes on from offset i * STEP */
#define GR_CHAIN_FINAL 5  /* the last grantee copies from this offset */

/*
 * The main grants its buffer to peer 1; peer i passes what it holds on to
 * peer i + 1 (hops times); the last peer copies 16 bytes from and then to
 * the last grant.  Records the answers in gr.r[0..1], the bytes in
 * gr.got[0] and where they must come from in gr.r[2].
 */
static int gr_chain(int hops)
{
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t peer[GR_MAX_PEERS];
	if (!g || hops + 1 > GR_MAX_PEERS)
		return 1;
	for (int i = 0; i <= hops; i++)
		if ((peer[i] = gr_new_peer()) < 0)
			return 1;
	const int rw = KIP_GRANT_READ | KIP_GRANT_WRITE;
	endpoint_t from = gr.main_ep;
	kip_grant_id id = kip_grant_direct(g, peer[0], buf + GR_CHAIN_BASE, GR_CHAIN_LEN, rw);
	uint64_t at = GR_CHAIN_BASE, len = GR_CHAIN_LEN;
	for (int i = 1; i <= hops; i++) {
		uint64_t off = (uint64_t)i * GR_CHAIN_STEP;
		len -= off + 8;
		id = gr_pass_on(peer[i - 1], peer[i], from, id, off, len, rw);
		if (id < 0)
			return 2;
		from = peer[i - 1];
		at += off;
	}
	gr.r[0] = gr_copy_from(peer[hops], from, id, GR_CHAIN_FINAL, 16, gr.got[0]);
	gr.r[1] = gr_copy_to(peer[hops], from, id, GR_CHAIN_FINAL, "through a chain", 16);
	gr.r[2] = (int)(at + GR_CHAIN_FINAL);
	memcpy(gr.buf_after, buf + at + GR_CHAIN_FINAL, 16);
	gr.ok = 1;
	return 0;
}

static int gr_chain_main(uint64_t hops)
{
	return gr_chain((int)hops);
}
KIP_PROGRAM(gr_chain, gr_chain_main, 2, KIP_PROG_SYSTEM);

static void gr_run_chain(int hops)
{
	memset(&gr, 0, sizeof(gr));
	kt_boot(0);
	gr.main_ep = kt_spawn("gr_chain", (uint64_t)hops, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(gr.ok);
}

static void test_indirect_chain_of_2(void)
{
	gr_run_chain(2);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[2], GR_CHAIN_BASE + 24 + 48 + GR_CHAIN_FINAL);
	CU_ASSERT(gr_is_main_bytes(gr.got[0], (size_t)gr.r[2], 16));
	CU_ASSERT_EQUAL(gr.r[1], 0);
	CU_ASSERT_EQUAL(memcmp(gr.buf_after, "through a chain", 16), 0);
}

static void test_indirect_chain_of_5(void)
{
	gr_run_chain(5);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[2], GR_CHAIN_BASE + 24 * (1 + 2 + 3 + 4 + 5) + GR_CHAIN_FINAL);
	CU_ASSERT(gr_is_main_bytes(gr.got[0], (size_t)gr.r[2], 16));
	CU_ASSERT_EQUAL(gr.r[1], 0);
	CU_ASSERT_EQUAL(memcmp(gr.buf_after, "through a chain", 16), 0);
}

static void test_indirect_chain_of_6_is_eloop(void)
{
	gr_run_chain(6);
	CU_ASSERT_EQUAL(gr.r[0], -ELOOP);
	CU_ASSERT_EQUAL(gr.r[1], -ELOOP);
	CU_ASSERT(gr_is_main_bytes(gr.buf_after, (size_t)gr.r[2], 16));
}

static int gr_hops_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t p1 = gr_new_peer(), p2 = gr_new_peer(), p3 = gr_new_peer();
	if (!g || p1 < 0 || p2 < 0 || p3 < 0)
		return 1;
	const int rw = KIP_GRANT_READ | KIP_GRANT_WRITE;
	kip_grant_id to_p1 = kip_grant_direct(g, p1, buf, 1024, rw);
	kip_grant_id ro_p1 = kip_grant_direct(g, p1, buf, 1024, KIP_GRANT_READ);

	/* p2 passes on a grant made out to p1, not to p2. */
	kip_grant_id stolen = gr_pass_on(p2, p3, gr.main_ep, to_p1, 0, 64, rw);
	gr.r[0] = gr_copy_from(p3, p2, stolen, 0, 8, NULL);
	kip_grant_id fair = gr_pass_on(p1, p3, gr.main_ep, to_p1, 0, 64, rw);
	gr.r[1] = gr_copy_from(p3, p1, fair, 0, 8, NULL);

	/* p1 passes on a READ grant as READ|WRITE: the write is still refused. */
	kip_grant_id widened = gr_pass_on(p1, p3, gr.main_ep, ro_p1, 0, 64, rw);
	gr.r[2] = gr_copy_to(p3, p1, widened, 0, "widened", 7);
	gr.r[3] = gr_copy_from(p3, p1, widened, 0, 7, NULL);

	/* p1 passes on 100 bytes from offset 1000 of a 1024-byte grant. */
	kip_grant_id tail = gr_pass_on(p1, p3, gr.main_ep, to_p1, 1000, 100, rw);
	gr.r[4] = gr_copy_from(p3, p1, tail, 0, 16, gr.got[0]);
	gr.r[5] = gr_copy_from(p3, p1, tail, 20, 8, NULL); /* 1020 + 8 > 1024 */

	/* An offset into the grant passed on that wraps around to its start. */
	kip_grant_id wrap = gr_pass_on(p1, p3, gr.main_ep, to_p1, UINT64_MAX - 15, 64, rw);
	gr.r[6] = gr_copy_from(p3, p1, wrap, 16, 8, gr.got[1]);
	memcpy(gr.buf_after, buf, 64);
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_hops, gr_hops_main, 2, KIP_PROG_SYSTEM);

static void test_every_hop_checks_its_grantee(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_hops"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], -EPERM);
	CU_ASSERT_EQUAL(gr.r[1], 0);
}

static void test_every_hop_checks_access(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_hops"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[2], -EPERM);
	CU_ASSERT(gr_is_main_bytes(gr.buf_after, 0, 64));
	CU_ASSERT_EQUAL(gr.r[3], 0);
}

static void test_every_hop_checks_bounds(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_hops"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[4], 0);
	CU_ASSERT(gr_is_main_bytes(gr.got[0], 1000, 16));
	CU_ASSERT_EQUAL(gr.r[5], -EINVAL);
	/* Offsets compose without wrapping around: 2^64 - 16 + 16 is not 0. */
	CU_ASSERT_EQUAL(gr.r[6], -EINVAL);
}

/* ------------------------------------------------------- dead granters */

static int gr_dead_main(uint64_t arg)
{
	(void)arg;
	endpoint_t granter = gr_new_peer(), p2 = gr_new_peer(), p3 = gr_new_peer();
	if (granter < 0 || p2 < 0 || p3 < 0)
		return 1;
	kip_grant_id to_main = gr_peer_grant(granter, gr.main_ep, 0, 64, KIP_GRANT_READ);
	kip_grant_id to_p2 = gr_peer_grant(granter, p2, 0, 64, KIP_GRANT_READ);
	kip_grant_id p2_to_p3 = gr_pass_on(p2, p3, granter, to_p2, 0, 64, KIP_GRANT_READ);
	if (to_main < 0 || to_p2 < 0 || p2_to_p3 < 0)
		return 2;
	uint8_t got[8];
	gr.r[0] = kip_safecopy_from(granter, to_main, 0, got, sizeof(got));
	gr.r[1] = gr_copy_from(p3, p2, p2_to_p3, 0, 8, NULL);
	gr.r[2] = kip_kill(granter);
	gr.r[3] = kip_safecopy_from(granter, to_main, 0, got, sizeof(got));
	gr.r[4] = gr_copy_from(p3, p2, p2_to_p3, 0, 8, NULL); /* dead at the second hop */
	/* A new process in the dead one's slot is not its granter either. */
	endpoint_t heir = gr_new_peer();
	gr.r[5] = kip_ep_slot(heir) == kip_ep_slot(granter);
	gr.r[6] = kip_safecopy_from(granter, to_main, 0, got, sizeof(got));
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_dead, gr_dead_main, 2, KIP_PROG_SYSTEM);

static void test_dead_granter_is_edeadsrcdst(void)
{
	CU_ASSERT_EQUAL(gr_run("gr_dead"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[1], 0);
	CU_ASSERT_EQUAL(gr.r[2], 0);
	CU_ASSERT_EQUAL(gr.r[3], -EDEADSRCDST);
	CU_ASSERT_EQUAL(gr.r[4], -EDEADSRCDST);
	CU_ASSERT(gr.r[5]);
	CU_ASSERT_EQUAL(gr.r[6], -EDEADSRCDST);
}

/* ---------------------------------------- what a grant may name at all */

static uint8_t gr_host_bytes[64]; /* not in any process's pages */

static int gr_foreign_main(uint64_t arg)
{
	(void)arg;
	uint8_t *buf;
	struct kip_grants *g = gr_setup(&buf);
	endpoint_t peer = gr_new_peer(), other = gr_new_peer();
	uint8_t *theirs = gr_peer_page(other);
	if (!g || peer < 0 || !theirs)
		return 1;
	const int rw = KIP_GRANT_READ | KIP_GRANT_WRITE;
	kip_grant_id own = kip_grant_direct(g, peer, buf, 64, rw);
	kip_grant_id other_page = kip_grant_direct(g, peer, theirs, 64, rw);
	kip_grant_id host = kip_grant_direct(g, peer, gr_host_bytes, 64, rw);
	kip_grant_id past_end = kip_grant_direct(g, peer, buf + GR_PAGE - 8, 64, rw);
	gr.r[0] = gr_copy_from(peer, gr.main_ep, own, 0, 8, NULL);
	gr.r[1] = gr_copy_from(peer, gr.main_ep, other_page, 0, 8, gr.got[0]);
	gr.r[2] = gr_copy_to(peer, gr.main_ep, other_page, 0, "scribble", 8);
	gr.r[3] = gr_copy_to(peer, gr.main_ep, host, 0, "scribble", 8);
	gr.r[4] = gr_copy_from(peer, gr.main_ep, past_end, 0, 16, NULL);
	gr.r[5] = gr_copy_from(peer, gr.main_ep, past_end, 0, 8, NULL); /* inside: fine */
	memcpy(gr.buf_after, theirs, 8);
	gr.ok = 1;
	return 0;
}
KIP_PROGRAM(gr_foreign, gr_foreign_main, 2, KIP_PROG_SYSTEM);

static void test_grant_names_only_the_granters_memory(void)
{
	memset(gr_host_bytes, 0, sizeof(gr_host_bytes));
	CU_ASSERT_EQUAL(gr_run("gr_foreign"), 0);
	CU_ASSERT(gr.ok);
	CU_ASSERT_EQUAL(gr.r[0], 0);
	CU_ASSERT_EQUAL(gr.r[1], -EFAULT);
	CU_ASSERT_EQUAL(gr.got[0][0], 0);
	CU_ASSERT_EQUAL(gr.r[2], -EFAULT);
	CU_ASSERT_EQUAL(gr.buf_after[0], gr_peer_byte(0));
	CU_ASSERT_EQUAL(gr.r[3], -EFAULT);
	CU_ASSERT_EQUAL(gr_host_bytes[0], 0);
	CU_ASSERT_EQUAL(gr.r[4], -EFAULT);
	CU_ASSERT_EQUAL(gr.r[5], 0);
}

static const struct kip_test grant_tests[] = {
	{"a direct grant lets the grantee read and write", test_direct_read_and_write},
	{"only the grantee may copy (EPERM)", test_only_the_grantee_may_copy},
	{"a KIP_ANY grant is anyone's", test_any_grantee_is_anyone},
	{"READ and WRITE are checked (EPERM)", test_access_bits_are_checked},
	{"out of bounds is EINVAL", test_out_of_bounds_is_einval},
	{"a revoked id is refused", test_revoked_id_is_refused},
	{"a reused slot refuses the old id", test_reused_slot_refuses_the_old_id},
	{"an id outside the table is EINVAL", test_id_outside_the_table_is_einval},
	{"an indirect chain of 2 hops composes offsets", test_indirect_chain_of_2},
	{"an indirect chain of 5 hops works", test_indirect_chain_of_5},
	{"an indirect chain of 6 hops is ELOOP", test_indirect_chain_of_6_is_eloop},
	{"every hop checks its grantee", test_every_hop_checks_its_grantee},
	{"every hop checks access", test_every_hop_checks_access},
	{"every hop checks bounds", test_every_hop_checks_bounds},
	{"a dead granter is EDEADSRCDST", test_dead_granter_is_edeadsrcdst},
	{"a grant names only its granter's memory", test_grant_names_only_the_granters_memory},
	{NULL, NULL},
};

KIP_TEST_SUITE(grant, grant_tests);
