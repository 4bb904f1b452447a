/*
 * servers/fused/names.c - requests about a name in a directory:
 * LOOKUP, MKNOD, MKDIR, UNLINK, RMDIR, SYMLINK, RENAME, LINK, CREATE.
 *
 * Entry points: the fused_do_* handlers above.
 *
 * Each is one VFS_AT_* call of the same shape: `ino` the directory, the
 * name (len bytes) in the request's data and, for SYMLINK and RENAME, the
 * target or the new name right after it (len2 bytes) - exactly the layout
 * VFS_AT_* takes through its grant, so the data goes on as it came.  The
 * calls that make or find an entry reply with its attributes, and VFS
 * counts one reference on it for the host (FUSE's lookup count; CREATE
 * takes an open reference too).
 */
#include "fused.h"

/* VFS_AT_<type> of req's name(s) in req->ino; the attributes of what it
 * names go to rep->st when `entry`. */
static int fused_named(struct fused *f, const struct bridge_slot_req *req,
		       struct bridge_slot_rep *rep, int type, bool entry)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs_at.ino = req->ino;
	m.m_vfs_at.ino2 = req->ino2;
	m.m_vfs_at.len = req->len;
	m.m_vfs_at.len2 = req->len2;
	m.m_vfs_at.mode = req->mode;
	m.m_vfs_at.flags = req->flags;
	m.m_vfs_at.offset = type == VFS_AT_MKNOD ? req->rdev : 0;
	int r = fused_at(f, req, &m, f->data, (size_t)req->len + req->len2, KIP_GRANT_READ);
	if (r >= 0 && entry)
		rep->st = m.m_vfs_stat;
	return r;
}

int fused_do_lookup(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_LOOKUP, true);
}

int fused_do_mknod(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_MKNOD, true);
}

int fused_do_mkdir(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_MKDIR, true);
}

int fused_do_unlink(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_UNLINK, false);
}

int fused_do_rmdir(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_RMDIR, false);
}

int fused_do_symlink(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_SYMLINK, true);
}

int fused_do_rename(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_RENAME, false);
}

int fused_do_link(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_LINK, true);
}

int fused_do_create(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep)
{
	return fused_named(f, req, rep, VFS_AT_CREATE, true);
}
