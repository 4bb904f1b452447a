/*
 * servers/vfs/attr.c - attributes: VFS_CHMOD, VFS_FCHMOD, VFS_CHOWN (and
 * lchown), VFS_FCHOWN, VFS_UTIME, VFS_ACCESS.
 *
 * Entry points: the handlers above, and vfs_chmod_ino, vfs_chown_ino,
 * vfs_utime_ino (also VFS_AT_SETATTR's).
 *
 * The rules are POSIX's, with Linux's choices where POSIX leaves one:
 * chmod: the owner or root (EPERM); a non-root caller outside the file's
 * group loses the setgid bit.  chown: root may set anything; the owner may
 * set the group to one of its groups (the uid unchanged); anyone else:
 * EPERM; an id the 16-bit inode fields cannot hold: EINVAL, never
 * truncated; a non-directory loses setuid, and setgid if group-executable.
 * utime: both times "now" takes the owner, root or write permission
 * (EACCES); explicit times take the owner or root (EPERM).  ctime moves
 * with every change (MFS does that).
 */
#include "vfs.h"

#define VFS_ID_MAX 0xffffu

/* MFS_SETATTR of *a with m's fields; the new attributes in *out. */
static int vfs_setattr(struct vfs *v, message *m, struct mfs_attr *out)
{
	m->m_type = MFS_SETATTR;
	int r = vfs_mfs_call(v, m);
	if (r == 0 && out)
		*out = m->m_mfs_attr;
	return r;
}

int vfs_chmod_ino(struct vfs *v, const struct mfs_attr *a, uint32_t mode, struct mfs_attr *out)
{
	if (!vfs_is_root(v) && v->req->who->uid != a->uid)
		return -EPERM;
	mode &= 07777;
	if (!vfs_is_root(v) && !vfs_in_group(v, a->gid))
		mode &= ~(uint32_t)MINIXFS_S_ISGID;
	message m;
	kip_msg_init(&m, MFS_SETATTR);
	m.m_mfs_setattr.ino = a->ino;
	m.m_mfs_setattr.mask = MFS_SET_MODE;
	m.m_mfs_setattr.mode = mode;
	return vfs_setattr(v, &m, out);
}

int vfs_chown_ino(struct vfs *v, const struct mfs_attr *a, uint32_t uid, uint32_t gid,
		  struct mfs_attr *out)
{
	bool set_uid = uid != KIP_ID_KEEP, set_gid = gid != KIP_ID_KEEP;
	if ((set_uid && uid > VFS_ID_MAX) || (set_gid && gid > VFS_ID_MAX))
		return -EINVAL;
	if (!vfs_is_root(v)) {
		bool owner = v->req->who->uid == a->uid;
		if (set_uid && uid != a->uid)
			return -EPERM;
		if ((set_uid || set_gid) && !owner)
			return -EPERM;
		if (set_gid && gid != a->gid && !vfs_in_group(v, gid))
			return -EPERM;
	}
	message m;
	kip_msg_init(&m, MFS_SETATTR);
	m.m_mfs_setattr.ino = a->ino;
	m.m_mfs_setattr.uid = uid;
	m.m_mfs_setattr.gid = gid;
	m.m_mfs_setattr.mask = (set_uid ? MFS_SET_UID : 0) | (set_gid ? MFS_SET_GID : 0);
	uint32_t mode = a->mode & 07777;
	if (!vfs_is_dir(a->mode)) {
		mode &= ~(uint32_t)MINIXFS_S_ISUID;
		if (mode & 0010)
			mode &= ~(uint32_t)MINIXFS_S_ISGID;
	}
	if (mode != (a->mode & 07777)) {
		m.m_mfs_setattr.mask |= MFS_SET_MODE;
		m.m_mfs_setattr.mode = mode;
	}
	if (m.m_mfs_setattr.mask == 0) {
		/* chown(f, -1, -1): nothing changes but ctime, as Linux */
		m.m_mfs_setattr.mask = MFS_SET_MODE;
		m.m_mfs_setattr.mode = mode;
	}
	return vfs_setattr(v, &m, out);
}

/* One time for MFS_SETATTR: a value, now, or nothing. */
static void vfs_time_field(int64_t t, uint32_t set, uint32_t now, uint32_t *mask, uint32_t *field)
{
	if (t == KIP_UTIME_OMIT)
		return;
	if (t == KIP_UTIME_NOW) {
		*mask |= now;
		return;
	}
	*mask |= set;
	*field = t < 0 ? 0 : t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

int vfs_utime_ino(struct vfs *v, const struct mfs_attr *a, int64_t atime, int64_t mtime,
		  struct mfs_attr *out)
{
	if (atime == KIP_UTIME_OMIT && mtime == KIP_UTIME_OMIT) {
		if (out)
			*out = *a;
		return 0;
	}
	bool owner = vfs_is_root(v) || v->req->who->uid == a->uid;
	bool only_now = (atime == KIP_UTIME_NOW || atime == KIP_UTIME_OMIT) &&
			(mtime == KIP_UTIME_NOW || mtime == KIP_UTIME_OMIT);
	if (!owner) {
		if (!only_now)
			return -EPERM;
		int r = vfs_may(v, a, KIP_W_OK);
		if (r < 0)
			return r;
	}
	message m;
	kip_msg_init(&m, MFS_SETATTR);
	m.m_mfs_setattr.ino = a->ino;
	vfs_time_field(atime, MFS_SET_ATIME, MFS_SET_ATIME_NOW, &m.m_mfs_setattr.mask,
		       &m.m_mfs_setattr.atime);
	vfs_time_field(mtime, MFS_SET_MTIME, MFS_SET_MTIME_NOW, &m.m_mfs_setattr.mask,
		       &m.m_mfs_setattr.mtime);
	return vfs_setattr(v, &m, out);
}

/* The inode the attribute request names: fd (FCHMOD, FCHOWN) or path. */
static int vfs_attr_target(struct vfs *v, const message *in, bool by_fd, struct mfs_attr *a)
{
	int r;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	if (by_fd) {
		struct vfs_filp *f = vfs_fd_get(v, p, in->m_vfs_attr.fd);
		return f ? vfs_mfs_stat(v, f->ino, a) : -EBADF;
	}
	message tmp = *in; /* the path sits where vfs_path_fetch looks */
	tmp.m_vfs.grant = in->m_vfs_attr.grant;
	tmp.m_vfs.len = in->m_vfs_attr.len;
	r = vfs_path_fetch(v, &tmp);
	if (r < 0)
		return r;
	bool follow = !(in->m_vfs_attr.flags & KIP_AT_SYMLINK_NOFOLLOW);
	return follow ? vfs_path_walk(v, p, a) : vfs_path_lwalk(v, p, a);
}

static int vfs_chmod_req(struct vfs *v, const message *in, bool by_fd)
{
	struct mfs_attr a;
	int r = vfs_attr_target(v, in, by_fd, &a);
	if (r == 0)
		r = vfs_chmod_ino(v, &a, in->m_vfs_attr.mode, NULL);
	if (r == 0)
		vfs_event_inode(v, in->m_source, a.ino);
	return r;
}

static int vfs_chown_req(struct vfs *v, const message *in, bool by_fd)
{
	struct mfs_attr a;
	int r = vfs_attr_target(v, in, by_fd, &a);
	if (r == 0)
		r = vfs_chown_ino(v, &a, in->m_vfs_attr.uid, in->m_vfs_attr.gid, NULL);
	if (r == 0)
		vfs_event_inode(v, in->m_source, a.ino);
	return r;
}

int vfs_do_chmod(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_chmod_req(state, in, false);
}

int vfs_do_fchmod(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_chmod_req(state, in, true);
}

int vfs_do_chown(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_chown_req(state, in, false);
}

int vfs_do_fchown(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_chown_req(state, in, true);
}

int vfs_do_utime(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	(void)out;
	int r = vfs_attr_target(v, in, false, &a);
	if (r < 0)
		return r;
	r = vfs_utime_ino(v, &a, in->m_vfs_attr.atime, in->m_vfs_attr.mtime, NULL);
	if (r == 0)
		vfs_event_inode(v, in->m_source, a.ino);
	return r;
}

int vfs_do_access(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	int mode = (int)in->m_vfs.mode;
	if (mode & ~(KIP_R_OK | KIP_W_OK | KIP_X_OK))
		return -EINVAL;
	if (!vfs_caller_path(v, in, true, &a, &r))
		return r;
	return mode == KIP_F_OK ? 0 : vfs_may(v, &a, mode);
}
