/*
 * servers/vfs/at_lookup.c - the references of the privileged interface:
 * VFS_AT_LOOKUP, VFS_AT_FORGET, VFS_AT_OPEN, VFS_AT_CREATE, VFS_AT_RELEASE.
 *
 * Entry points: the handlers above.
 *
 * FUSE counts lookups: every reply that hands the kernel an inode (lookup,
 * create, mknod, mkdir, symlink, link) adds one, and forget(n) drops n.
 * Here each of those is one vnode reference (vnode.c), so an inode the
 * host still knows survives the removal of its last name, and its number
 * is not reused, until FORGET.  An open adds one more reference, dropped
 * by RELEASE; there is no open-file table entry, since the FUSE daemon
 * keeps the file handle and READ/WRITE come by inode number.
 *
 * LOOKUP takes search permission on the directory.  OPEN checks like
 * open(2) on the inode: a symbolic link is ELOOP (FUSE resolves links in
 * the host kernel), FIFOs, sockets and devices ENXIO (no driver serves
 * them), a directory opens read-only only (EISDIR), O_DIRECTORY wants a
 * directory (ENOTDIR), then read and/or write permission as the access mode
 * asks and write for O_TRUNC, which truncates a regular file.  CREATE is
 * open(2) with O_CREAT of a name in a directory: an existing entry is
 * EEXIST with O_EXCL, else opened as OPEN does (a symbolic link: ELOOP,
 * as O_NOFOLLOW); a missing one is made (write and search permission on
 * the directory; owner, umask and setgid rules of vfs_mfs_make) and opened
 * without a further check, and CREATE takes both references.
 */
#include "vfs.h"

#define VFS_AT_O_KNOWN                                                                             \
	(KIP_O_ACCMODE | KIP_O_CREAT | KIP_O_EXCL | KIP_O_TRUNC | KIP_O_APPEND | KIP_O_DIRECTORY | \
	 KIP_O_CLOEXEC | KIP_O_NOFOLLOW)

int vfs_do_at_lookup(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr dir, a;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_names(v, in, false);
	if (r == 0)
		r = vfs_at_dir(v, in->m_vfs_at.ino, &dir);
	if (r == 0)
		r = vfs_mfs_named(v, MFS_LOOKUP, dir.ino, v->req->path, in->m_vfs_at.len, 0, &a);
	return r < 0 ? r : vfs_at_hold(v, &a, out);
}

/* No permission is needed to give references back; the count is capped by
 * what the privileged interface holds on the inode (vfs_vnode_put_at).
 * ino 0: every reference it holds (fused, before a shutdown). */
int vfs_do_at_forget(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	(void)out;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	uint64_t n = in->m_vfs_at.offset;
	if (in->m_vfs_at.ino == 0)
		vfs_vnode_put_all_at(v);
	else
		vfs_vnode_put_at(v, in->m_vfs_at.ino, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n);
	return 0;
}

/* Valid flags for OPEN and CREATE? */
static int vfs_at_flags(int flags)
{
	if ((flags & ~VFS_AT_O_KNOWN) || (flags & KIP_O_ACCMODE) == KIP_O_ACCMODE)
		return -EINVAL;
	return 0;
}

/* The open's truncation, if O_TRUNC asks for one: *a updated. */
static int vfs_at_trunc(struct vfs *v, const message *in, struct mfs_attr *a, int flags)
{
	bool regular = (a->mode & MINIXFS_S_IFMT) == MINIXFS_S_IFREG;
	if (!(flags & KIP_O_TRUNC) || !regular || a->size == 0)
		return 0;
	int r = vfs_truncate_ino(v, a->ino, 0);
	if (r == 0) {
		vfs_event_inode(v, in->m_source, a->ino);
		r = vfs_mfs_stat(v, a->ino, a);
	}
	return r;
}

int vfs_do_at_open(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int flags = in->m_vfs_at.flags;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_flags(flags);
	if (r == 0)
		r = vfs_at_node(v, in->m_vfs_at.ino, &a);
	if (r == 0)
		r = vfs_may_open(v, &a, flags);
	if (r == 0)
		r = vfs_at_room(v, 1);
	if (r == 0)
		r = vfs_at_trunc(v, in, &a, flags);
	return r < 0 ? r : vfs_at_hold(v, &a, out);
}

int vfs_do_at_create(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr dir, a;
	int flags = in->m_vfs_at.flags;
	uint32_t len = in->m_vfs_at.len;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_flags(flags);
	if (r == 0)
		r = vfs_at_names(v, in, false);
	if (r == 0)
		r = vfs_at_dir(v, in->m_vfs_at.ino, &dir);
	if (r == 0)
		r = vfs_at_room(v, 1);
	if (r < 0)
		return r;
	r = vfs_mfs_named(v, MFS_LOOKUP, dir.ino, v->req->path, len, 0, &a);
	if (r == 0) {
		if (flags & KIP_O_EXCL)
			return -EEXIST;
		r = vfs_may_open(v, &a, flags);
		if (r == 0)
			r = vfs_at_trunc(v, in, &a, flags);
	} else if (r == -ENOENT) {
		r = vfs_may(v, &dir, KIP_W_OK | KIP_X_OK);
		if (r == 0)
			r = vfs_mfs_make(v, MFS_CREATE, &dir, v->req->path, len,
					 MINIXFS_S_IFREG | (in->m_vfs_at.mode & 07777), 0, &a);
		if (r == 0)
			vfs_event_entry(v, in->m_source, dir.ino, v->req->path, len, a.ino);
	}
	if (r < 0)
		return r;
	r = vfs_at_hold(v, &a, out);		    /* the lookup's reference */
	return r < 0 ? r : vfs_at_hold(v, &a, out); /* the open's: room was checked */
}

int vfs_do_at_release(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	(void)out;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	vfs_vnode_put_at(v, in->m_vfs_at.ino, 1);
	return 0;
}
