/*
 * servers/fused/data.c - requests that move bytes: READ, WRITE, READDIR,
 * READLINK.
 *
 * Entry points: the fused_do_* handlers above.
 *
 * Each is ONE VFS_AT_* call with a grant on fused's buffer (f->data, as
 * large as a slot's data: 128 KiB and a page), which VFS passes on to MFS
 * as an indirect grant: MFS copies straight between its block cache and
 * the buffer, and slot.c moves the buffer to or from the device by DMA.
 * So a 128 KiB READ on a cache hit is VFS_AT_READ, MFS_READ and their two
 * replies - four messages - whatever the size.  slot.c has checked every
 * count against the buffer.
 */
#include "fused.h"

/* VFS_AT_<type> of `len` bytes at req->offset in req->ino, through a grant
 * of `access` on f->data; the reply is left in *m.  When VFS writes the
 * buffer (KIP_GRANT_WRITE), the status's bytes are the reply's data. */
static int fused_io(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep,
		    int type, uint32_t len, int access, message *m)
{
	kip_msg_init(m, type);
	m->m_vfs_at.ino = req->ino;
	m->m_vfs_at.offset = req->offset;
	m->m_vfs_at.flags = req->flags;
	m->m_vfs_at.len = len;
	int r = fused_at(f, req, m, f->data, len, access);
	if (r > 0 && access == KIP_GRANT_WRITE)
		rep->data_len = (uint32_t)r;
	return r;
}

int fused_do_read(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	message m;
	return fused_io(f, req, rep, VFS_AT_READ, req->count, KIP_GRANT_WRITE, &m);
}

int fused_do_write(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	message m;
	return fused_io(f, req, rep, VFS_AT_WRITE, req->count, KIP_GRANT_READ, &m);
}

/* Whole struct mfs_dent records from req->offset; where to go on from in
 * rep->offset (VFS's next position). */
int fused_do_readdir(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep)
{
	message m;
	int r = fused_io(f, req, rep, VFS_AT_GETDENTS, req->count, KIP_GRANT_WRITE, &m);
	if (r >= 0)
		rep->offset = m.m_vfs_at.offset;
	return r;
}

/* The target, no NUL, into a buffer of req->count bytes (0: the whole
 * buffer). */
int fused_do_readlink(struct fused *f, const struct bridge_slot_req *req,
		      struct bridge_slot_rep *rep)
{
	message m;
	uint32_t len = req->count ? req->count : BRIDGE_DATA_MAX;
	return fused_io(f, req, rep, VFS_AT_READLINK, len, KIP_GRANT_WRITE, &m);
}
