/*
 * servers/fused/slot.c - serving the device's slots: copy a request in,
 * validate it, perform it, copy the reply out, write DONE.
 *
 * Entry point: fused_serve_pending.
 *
 * PENDING names the slots that hold a request; fused serves them in slot
 * order, one at a time (requests that arrive meanwhile raise the IRQ
 * again, and the next HARDWARE notification brings fused back).  A request
 * is checked before anything is done: a known op (else ENOSYS), at most
 * KIP_AT_NGROUPS_MAX groups, and every count within a slot's data
 * (EINVAL).  A SHUTDOWN's reply goes out before the machine is switched
 * off, so the host sees whether the final sync worked.
 */
#include "kip/format.h"
#include "kip/syslib.h"
#include "fused.h"

/* Bytes of data a request brings: a WRITE's count, else its name(s). */
static uint64_t fused_data_in(const struct bridge_slot_req *req)
{
	if (req->op == BRIDGE_WRITE)
		return req->count;
	return (uint64_t)req->len + req->len2;
}

/* Does op's reply bring data (count bytes at most)? */
static bool fused_data_out(uint32_t op)
{
	return op == BRIDGE_READ || op == BRIDGE_READDIR || op == BRIDGE_READLINK;
}

/* 0, or why req cannot be served. */
static int fused_check(const struct bridge_slot_req *req)
{
	if (!fused_op_lookup(req->op))
		return -ENOSYS;
	if (req->ngroups > KIP_AT_NGROUPS_MAX)
		return -EINVAL;
	if (fused_data_in(req) > BRIDGE_DATA_MAX)
		return -EINVAL;
	if (fused_data_out(req->op) && req->count > BRIDGE_DATA_MAX)
		return -EINVAL;
	return 0;
}

/* Copy f->rep (and its data from f->data) to slot i's reply area and
 * write DONE.  If the data cannot be copied the reply says EIO instead. */
static void fused_reply(struct fused *f, unsigned i)
{
	struct bridge_slot_rep *rep = &f->rep;
	uint64_t off = BRIDGE_REP_OFF(i);
	if (rep->data_len > BRIDGE_DATA_MAX)
		rep->data_len = BRIDGE_DATA_MAX;
	int r = 0;
	if (rep->data_len)
		r = kip_dma(f->dev, KIP_DEV_WRITE, f->data, rep->data_len,
			    off + BRIDGE_REP_DATA_OFF);
	if (r < 0) {
		rep->status = r;
		rep->data_len = 0;
	}
	r = kip_dma(f->dev, KIP_DEV_WRITE, rep, sizeof(*rep), off);
	if (r == 0)
		r = kip_dev_write(f->dev, BRIDGE_REG_DONE, i);
	if (r < 0)
		kip_printf("fused: cannot answer slot %u: %d\n", i, r);
}

/* Serve slot i.  Returns true when it was a SHUTDOWN that has been
 * answered: the machine is to be switched off with *status. */
static bool fused_serve(struct fused *f, unsigned i, int *status)
{
	struct bridge_slot_req *req = &f->req;
	memset(&f->rep, 0, sizeof(f->rep));
	int r = kip_dma(f->dev, KIP_DEV_READ, req, sizeof(*req), BRIDGE_SLOT_OFF(i));
	bool valid = false;
	if (r == 0)
		r = fused_check(req);
	if (r == 0 && fused_data_in(req) > 0)
		r = kip_dma(f->dev, KIP_DEV_READ, f->data, fused_data_in(req),
			    BRIDGE_SLOT_OFF(i) + BRIDGE_REQ_DATA_OFF);
	if (r == 0) {
		valid = true;
		r = fused_op_lookup(req->op)->fn(f, req, &f->rep);
	}
	f->requests++;
	if (r < 0) {
		f->errors++;
		f->rep.data_len = 0;
	}
	f->rep.status = r;
	fused_reply(f, i);
	*status = r < 0 ? 1 : 0;
	return valid && req->op == BRIDGE_SHUTDOWN;
}

void fused_serve_pending(struct fused *f)
{
	uint64_t pending = 0;
	if (kip_dev_read(f->dev, BRIDGE_REG_PENDING, &pending) < 0)
		return;
	for (unsigned i = 0; i < BRIDGE_SLOTS; i++) {
		int status;
		if (!((pending >> i) & 1u) || !fused_serve(f, i, &status))
			continue;
		kip_shutdown(status); /* the sync is done and the host told */
		f->srv.stop = true;
		return;
	}
}
