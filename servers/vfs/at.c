/*
 * servers/vfs/at.c - the privileged interface (VFS_AT_*): its gate, the
 * helpers at_*.c share, and VFS_AT_GETATTR, VFS_AT_SETATTR,
 * VFS_AT_ACCESS, VFS_AT_STATFS, VFS_AT_FSYNC.
 *
 * Entry points: vfs_at_begin, vfs_at_names, vfs_at_held, vfs_at_node,
 * vfs_at_dir, vfs_at_room, vfs_at_hold and the handlers above.
 *
 * VFS_AT_* is what the FUSE bridge's `fused` uses: FUSE's low-level
 * operations, by inode number, for whichever user the host kernel names.
 * So every request carries that user's credentials (uid, gid, umask and up
 * to KIP_AT_NGROUPS_MAX supplementary groups through cred_grant), and VFS
 * applies the very rules of the POSIX calls (perm.c, attr.c) to them.
 * Acting for any user is a privilege: only system processes may call
 * VFS_AT_* (EPERM).  VFS asks the kernel (SYS_GETINFO) once per endpoint
 * and remembers the answer in the slot; a new process in a reused slot has
 * another endpoint and is asked about afresh.  (A process whose privileges
 * are narrowed after its first request keeps the answer it got.)
 *
 * Inode numbers are FUSE's node ids, and FUSE's lookup count is a vnode
 * reference (vnode.c): LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK and LINK take
 * one, FORGET drops them, OPEN and CREATE take one more that RELEASE
 * drops.  A referenced inode cannot be freed, nor its number reused, so a
 * request naming an inode nobody references (but the root) is refused
 * with ESTALE instead of acting on whatever now has that number.
 *
 * GETATTR gives the attributes (struct kip_stat in m_vfs_stat).  SETATTR
 * takes a struct vfs_setattr through the grant; every change it asks for
 * is checked against the attributes as they were (as Linux does), the size
 * first (a regular file, write permission), then done in the order owner,
 * mode, times (vfs_chown_ino, vfs_chmod_ino, vfs_utime_ino: whoever may do
 * the first may do the rest), the truncation last.  Its reply is the new
 * attributes.  ACCESS is access(2) by inode; STATFS statfs(2); FSYNC
 * writes everything back, whatever the inode.
 */
#include <string.h>

#include "kip/syslib.h"
#include "vfs.h"

/* at_priv[] values: what the kernel said about the slot's endpoint. */
enum {
	VFS_AT_PRIV_SYSTEM = 1,
	VFS_AT_PRIV_OTHER = 2,
};

/* Is `ep` a system process?  Asked of the kernel once per endpoint. */
static bool vfs_at_privileged(struct vfs *v, endpoint_t ep)
{
	int slot = kip_ep_slot(ep);
	if (ep < 0 || slot < 0 || slot >= KIP_NR_PROCS)
		return false;
	if (v->at_priv[slot] != 0 && v->at_priv_ep[slot] == ep)
		return v->at_priv[slot] == VFS_AT_PRIV_SYSTEM;
	struct kip_procinfo info;
	if (kip_get_info(slot, &info) < 0 || info.endpoint != ep)
		return false; /* gone already: nothing to remember */
	bool system = (info.flags & KIP_PRIV_SYSTEM) != 0;
	v->at_priv_ep[slot] = ep;
	v->at_priv[slot] = system ? VFS_AT_PRIV_SYSTEM : VFS_AT_PRIV_OTHER;
	return system;
}

int vfs_at_begin(struct vfs *v, const message *in)
{
	const struct vfs_at_request *rq = &in->m_vfs_at;
	if (v->mount_status < 0)
		return v->mount_status;
	if (!vfs_at_privileged(v, in->m_source))
		return -EPERM;
	if (rq->ngroups > KIP_AT_NGROUPS_MAX)
		return -EINVAL;
	struct vfs_cred *c = &v->req->at_cred;
	c->uid = rq->uid;
	c->gid = rq->gid;
	c->umask = rq->umask & 0777;
	c->ngroups = 0;
	v->req->who = c;
	if (rq->ngroups > 0) {
		int r = kip_safecopy_from(in->m_source, rq->cred_grant, 0, c->groups,
					  rq->ngroups * sizeof(c->groups[0]));
		if (r < 0)
			return r;
		c->ngroups = rq->ngroups;
	}
	return 0;
}

/* Copy one name of `len` bytes at `offset` in the request's grant into buf
 * (NUL-terminated) and check it. */
static int vfs_at_name(const message *in, uint32_t offset, uint32_t len, char *buf)
{
	if (len == 0)
		return -ENOENT;
	if (len > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	int r = kip_safecopy_from(in->m_source, in->m_vfs_at.grant, offset, buf, len);
	if (r < 0)
		return r;
	buf[len] = '\0';
	if (strlen(buf) != len || memchr(buf, '/', len))
		return -EINVAL; /* a NUL or a slash: not one name */
	return 0;
}

int vfs_at_names(struct vfs *v, const message *in, bool second)
{
	int r = vfs_at_name(in, 0, in->m_vfs_at.len, v->req->path);
	if (r == 0 && second)
		r = vfs_at_name(in, in->m_vfs_at.len, in->m_vfs_at.len2, v->req->path2);
	return r;
}

int vfs_at_held(const struct vfs *v, uint32_t ino)
{
	return ino == v->root || vfs_vnode_refs(v, ino) > 0 ? 0 : -ESTALE;
}

int vfs_at_node(struct vfs *v, uint32_t ino, struct mfs_attr *a)
{
	int r = vfs_at_held(v, ino);
	return r < 0 ? r : vfs_mfs_stat(v, ino, a);
}

int vfs_at_dir(struct vfs *v, uint32_t ino, struct mfs_attr *dir)
{
	int r = vfs_at_node(v, ino, dir);
	if (r < 0)
		return r;
	if (!vfs_is_dir(dir->mode))
		return -ENOTDIR;
	return vfs_may(v, dir, KIP_X_OK);
}

int vfs_at_room(const struct vfs *v, uint32_t n)
{
	/* vnode.c keeps one slot empty */
	return v->nvnodes + n < VFS_NR_VNODES ? 0 : -ENFILE;
}

int vfs_at_hold(struct vfs *v, const struct mfs_attr *a, message *out)
{
	int r = vfs_vnode_get_at(v, a->ino);
	if (r < 0)
		return r;
	vfs_fill_stat(v, &out->m_vfs_stat, a);
	return 0;
}

int vfs_do_at_getattr(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_node(v, in->m_vfs_at.ino, &a);
	if (r < 0)
		return r;
	vfs_fill_stat(v, &out->m_vfs_stat, &a);
	return 0;
}

#define VFS_SETATTR_KNOWN                                                                          \
	(KIP_SETATTR_MODE | KIP_SETATTR_UID | KIP_SETATTR_GID | KIP_SETATTR_SIZE |                 \
	 KIP_SETATTR_ATIME | KIP_SETATTR_MTIME | KIP_SETATTR_OPENED)

/* May v->req->who truncate *a to `size`?  Through a file opened for
 * writing (`opened`), the open has checked the permission already. */
static int vfs_at_may_truncate(const struct vfs *v, const struct mfs_attr *a, uint64_t size,
			       bool opened)
{
	if (vfs_is_dir(a->mode))
		return -EISDIR;
	if ((a->mode & MINIXFS_S_IFMT) != MINIXFS_S_IFREG || size > INT64_MAX)
		return -EINVAL;
	return opened ? 0 : vfs_may(v, a, KIP_W_OK);
}

int vfs_do_at_setattr(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct vfs_setattr sa;
	struct mfs_attr a;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	if (in->m_vfs_at.len != sizeof(sa))
		return -EINVAL;
	r = kip_safecopy_from(in->m_source, in->m_vfs_at.grant, 0, &sa, sizeof(sa));
	bool opened = (sa.mask & KIP_SETATTR_OPENED) != 0;
	if (r == 0 &&
	    ((sa.mask & ~(uint32_t)VFS_SETATTR_KNOWN) || (opened && !(sa.mask & KIP_SETATTR_SIZE))))
		r = -EINVAL;
	if (r == 0)
		r = vfs_at_node(v, in->m_vfs_at.ino, &a);
	if (r == 0 && (sa.mask & KIP_SETATTR_SIZE))
		r = vfs_at_may_truncate(v, &a, sa.size, opened);
	if (r < 0)
		return r;
	uint32_t uid = (sa.mask & KIP_SETATTR_UID) ? sa.uid : KIP_ID_KEEP;
	uint32_t gid = (sa.mask & KIP_SETATTR_GID) ? sa.gid : KIP_ID_KEEP;
	int64_t atime = (sa.mask & KIP_SETATTR_ATIME) ? sa.atime : KIP_UTIME_OMIT;
	int64_t mtime = (sa.mask & KIP_SETATTR_MTIME) ? sa.mtime : KIP_UTIME_OMIT;
	if (opened && atime == KIP_UTIME_NOW) /* the truncation sets them */
		atime = KIP_UTIME_OMIT;
	if (opened && mtime == KIP_UTIME_NOW)
		mtime = KIP_UTIME_OMIT;
	struct mfs_attr now = a;
	bool changed = false; /* a failure after a change still changed something */
	if (uid != KIP_ID_KEEP || gid != KIP_ID_KEEP) {
		r = vfs_chown_ino(v, &now, uid, gid, &now);
		changed = r == 0;
	}
	if (r == 0 && (sa.mask & KIP_SETATTR_MODE)) {
		r = vfs_chmod_ino(v, &now, sa.mode, &now);
		changed |= r == 0;
	}
	if (r == 0 && (atime != KIP_UTIME_OMIT || mtime != KIP_UTIME_OMIT)) {
		r = vfs_utime_ino(v, &now, atime, mtime, &now);
		changed |= r == 0;
	}
	if (r == 0 && (sa.mask & KIP_SETATTR_SIZE)) {
		r = vfs_truncate_ino(v, a.ino, (int64_t)sa.size);
		changed |= r == 0;
		if (r == 0)
			r = vfs_mfs_stat(v, a.ino, &now);
	}
	if (changed)
		vfs_event_inode(v, in->m_source, a.ino);
	if (r < 0)
		return r;
	vfs_fill_stat(v, &out->m_vfs_stat, &now);
	return 0;
}

int vfs_do_at_access(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	(void)out;
	int mode = in->m_vfs_at.flags;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	if (mode & ~(KIP_R_OK | KIP_W_OK | KIP_X_OK))
		return -EINVAL;
	r = vfs_at_node(v, in->m_vfs_at.ino, &a);
	if (r < 0 || mode == KIP_F_OK)
		return r;
	return vfs_may(v, &a, mode);
}

int vfs_do_at_statfs(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r = vfs_at_begin(v, in);
	return r < 0 ? r : vfs_statfs(v, &out->m_vfs_statfs);
}

/* One file system and no per-file write-back yet: fsync is sync. */
int vfs_do_at_fsync(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	(void)out;
	int r = vfs_at_begin(v, in);
	return r < 0 ? r : vfs_sync_all(v);
}
