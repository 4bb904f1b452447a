/*
 * servers/fused/node.c - requests about one inode, and the file system as
 * a whole: FORGET, GETATTR, SETATTR, OPEN, RELEASE, FSYNC, ACCESS, STATFS,
 * SHUTDOWN.
 *
 * Entry points: the fused_do_* handlers above.
 *
 * FORGET drops `count` of the references LOOKUP and friends took; OPEN
 * takes an open reference that RELEASE drops (VFS keeps no open-file
 * entry: the host keeps the handle, and READ and WRITE come by inode).
 * SETATTR passes the request's struct vfs_setattr through a grant.
 * SHUTDOWN gives back every reference (VFS_AT_FORGET of ino 0), then
 * writes everything back (VFS_AT_FSYNC, which ends in MFS_SYNC
 * and the disk's FLUSH); slot.c powers the machine off once its reply is
 * out.
 */
#include "fused.h"

/* VFS_AT_<type> about req->ino, no grant; the attributes to rep->st when
 * `attrs`. */
static int fused_node(struct fused *f, const struct bridge_slot_req *req,
		      struct bridge_slot_rep *rep, int type, bool attrs)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs_at.ino = req->ino;
	m.m_vfs_at.flags = req->flags;
	m.m_vfs_at.offset = type == VFS_AT_FORGET ? req->count : 0;
	int r = fused_at(f, req, &m, NULL, 0, 0);
	if (r >= 0 && attrs)
		rep->st = m.m_vfs_stat;
	return r;
}

int fused_do_forget(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_node(f, req, rep, VFS_AT_FORGET, false);
}

int fused_do_getattr(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep)
{
	return fused_node(f, req, rep, VFS_AT_GETATTR, true);
}

int fused_do_setattr(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep)
{
	message m;
	kip_msg_init(&m, VFS_AT_SETATTR);
	m.m_vfs_at.ino = req->ino;
	m.m_vfs_at.len = sizeof(req->attr);
	int r = fused_at(f, req, &m, &req->attr, sizeof(req->attr), KIP_GRANT_READ);
	if (r >= 0)
		rep->st = m.m_vfs_stat;
	return r;
}

int fused_do_open(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_node(f, req, rep, VFS_AT_OPEN, true);
}

int fused_do_release(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep)
{
	return fused_node(f, req, rep, VFS_AT_RELEASE, false);
}

int fused_do_fsync(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_node(f, req, rep, VFS_AT_FSYNC, false);
}

int fused_do_access(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_node(f, req, rep, VFS_AT_ACCESS, false);
}

int fused_do_statfs(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	message m;
	kip_msg_init(&m, VFS_AT_STATFS);
	int r = fused_at(f, req, &m, NULL, 0, 0);
	if (r >= 0)
		rep->sfs = m.m_vfs_statfs;
	return r;
}

int fused_do_shutdown(struct fused *f, const struct bridge_slot_req *req,
		      struct bridge_slot_rep *rep)
{
	(void)req;
	(void)rep;
	message m;
	/* The host forgets nothing it still caches when it unmounts: give back
	 * every reference first, so what was unlinked meanwhile is freed. */
	kip_msg_init(&m, VFS_AT_FORGET);
	m.m_vfs_at.ino = 0;
	int r = fused_at(f, &fused_root, &m, NULL, 0, 0);
	kip_msg_init(&m, VFS_AT_FSYNC);
	int s = fused_at(f, &fused_root, &m, NULL, 0, 0);
	return s < 0 ? s : r;
}
