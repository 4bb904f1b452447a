/*
 * servers/vfs/dir.c - directories: VFS_MKDIR, VFS_MKNOD, VFS_UNLINK,
 * VFS_RMDIR, VFS_GETDENTS, VFS_CHDIR, VFS_FCHDIR, VFS_GETCWD.
 *
 * Entry points: the handlers above.
 *
 * MKDIR, MKNOD, UNLINK and RMDIR resolve the path's directory, check the
 * caller's permissions on it (write and search; the sticky rule for
 * removals) and hand the last name to MFS, which checks the rest (EEXIST,
 * EISDIR, ENOTEMPTY, ...).  A name of a referenced inode (open somewhere, a
 * working directory) is pinned first (vnode.c), so the inode outlives its
 * last name until the last reference goes.  MKNOD makes FIFOs and sockets
 * for anyone and device nodes for root only (EPERM).  GETDENTS passes the
 * caller's buffer on to MFS like READ: the records are struct mfs_dent.
 * GETCWD walks ".." up to the root, finding each directory's name in its
 * parent's entries.
 */
#include <string.h>

#include "kip/syslib.h"
#include "vfs.h"

/* MKDIR or MKNOD (CREATE with a node type) of the request's path. */
static int vfs_make(struct vfs *v, const message *in, int type, uint32_t mode, uint32_t rdev)
{
	struct mfs_attr dir;
	const char *last;
	uint32_t last_len;
	int r;
	if (!vfs_caller_parent(v, in, &dir, &last, &last_len, &r))
		return r;
	if (last_len == 0)
		return -EEXIST; /* "/" */
	r = vfs_may(v, &dir, KIP_W_OK | KIP_X_OK);
	if (r < 0)
		return r;
	struct mfs_attr a;
	r = vfs_mfs_make(v, type, &dir, last, last_len, mode, rdev, &a);
	if (r == 0)
		vfs_event_entry(v, in->m_source, dir.ino, last, last_len, a.ino);
	return r;
}

int vfs_do_mkdir(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_make(state, in, MFS_MKDIR, MINIXFS_S_IFDIR | (in->m_vfs.mode & 07777), 0);
}

int vfs_mknod_mode(const struct vfs *v, uint32_t mode, uint64_t dev, uint32_t *out_mode,
		   uint32_t *rdev)
{
	uint32_t type = mode & MINIXFS_S_IFMT;
	*rdev = 0;
	switch (type) {
	case 0:
		type = MINIXFS_S_IFREG; /* as Linux: no type is a regular file */
		break;
	case MINIXFS_S_IFREG:
	case MINIXFS_S_IFIFO:
	case MINIXFS_S_IFSOCK:
		break;
	case MINIXFS_S_IFCHR:
	case MINIXFS_S_IFBLK:
		if (!vfs_is_root(v))
			return -EPERM;
		if (dev > UINT32_MAX)
			return -EINVAL;
		*rdev = (uint32_t)dev;
		break;
	default:
		return -EINVAL; /* directories, symlinks, nonsense */
	}
	*out_mode = type | (mode & 07777);
	return 0;
}

int vfs_do_mknod(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	uint32_t mode, rdev;
	int r;
	(void)out;
	if (!vfs_caller(v, in, &r))
		return r;
	r = vfs_mknod_mode(v, in->m_vfs.mode, (uint64_t)in->m_vfs.offset, &mode, &rdev);
	return r < 0 ? r : vfs_make(v, in, MFS_CREATE, mode, rdev);
}

int vfs_remove_name(struct vfs *v, endpoint_t by, int type, const struct mfs_attr *dir,
		    const char *name, uint32_t len, bool slash)
{
	struct mfs_attr a;
	if (len == 0)
		return -EBUSY; /* "/" */
	if (type == MFS_RMDIR && len == 1 && name[0] == '.')
		return -EINVAL;
	if (type == MFS_RMDIR && len == 2 && name[0] == '.' && name[1] == '.')
		return -ENOTEMPTY;
	int r = vfs_mfs_named(v, MFS_LOOKUP, dir->ino, name, len, 0, &a);
	if (r < 0)
		return r;
	if (type == MFS_UNLINK && slash && !vfs_is_dir(a.mode))
		return -ENOTDIR;
	if (a.ino == v->root)
		return -EBUSY;
	r = vfs_may_remove(v, dir, &a);
	if (r == 0)
		r = vfs_vnode_pin(v, a.ino);
	if (r == 0)
		r = vfs_mfs_named(v, type, dir->ino, name, len, 0, NULL);
	if (r == 0)
		vfs_event_entry(v, by, dir->ino, name, len, a.ino);
	return r;
}

/* UNLINK or RMDIR of the request's path. */
static int vfs_remove(struct vfs *v, const message *in, int type)
{
	struct mfs_attr dir;
	const char *last;
	uint32_t last_len;
	int r;
	if (!vfs_caller_parent(v, in, &dir, &last, &last_len, &r))
		return r;
	return vfs_remove_name(v, in->m_source, type, &dir, last, last_len,
			       last_len > 0 && last[last_len] == '/');
}

int vfs_do_unlink(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_remove(state, in, MFS_UNLINK);
}

int vfs_do_rmdir(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_remove(state, in, MFS_RMDIR);
}

int vfs_do_getdents(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p;
	struct vfs_filp *f = vfs_caller_fd(v, in, &p, &r);
	if (!f)
		return r;
	if (!vfs_is_dir(f->mode))
		return -ENOTDIR;
	return vfs_mfs_io(v, in, MFS_GETDENTS, f->ino, &f->position);
}

/* Make directory *a p's working directory (search permission needed). */
static int vfs_set_cwd(struct vfs *v, struct vfs_proc *p, const struct mfs_attr *a)
{
	if (!vfs_is_dir(a->mode))
		return -ENOTDIR;
	int r = vfs_may(v, a, KIP_X_OK);
	if (r == 0)
		r = vfs_vnode_get(v, a->ino);
	if (r < 0)
		return r;
	vfs_vnode_put(v, p->cwd, 1);
	p->cwd = a->ino;
	return 0;
}

int vfs_do_chdir(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller_path(v, in, true, &a, &r);
	return p ? vfs_set_cwd(v, p, &a) : r;
}

int vfs_do_fchdir(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	struct vfs_proc *p;
	struct vfs_filp *f = vfs_caller_fd(v, in, &p, &r);
	if (!f)
		return r;
	r = vfs_mfs_stat(v, f->ino, &a);
	if (r < 0)
		return r;
	return vfs_set_cwd(v, p, &a);
}

/* The name of `child` in directory `dir`, copied to name (NUL-terminated);
 * its length, or -ENOENT. */
static int vfs_name_in(struct vfs *v, uint32_t dir, uint32_t child, char *name)
{
	struct mfs_dent *d = (struct mfs_dent *)v->req->link;
	uint32_t cap = (uint32_t)(sizeof(v->req->link) / MFS_DENT_SIZE) * MFS_DENT_SIZE;
	uint64_t pos = 0;
	for (;;) {
		message m;
		kip_grant_id g = kip_grant_direct(v->grants, v->mfs, d, cap, KIP_GRANT_WRITE);
		if (g < 0)
			return g;
		kip_msg_init(&m, MFS_GETDENTS);
		m.m_mfs.ino = dir;
		m.m_mfs.position = pos;
		m.m_mfs.len = cap;
		m.m_mfs.grant = g;
		int r = vfs_mfs_call(v, &m);
		kip_grant_revoke(v->grants, g);
		if (r <= 0)
			return r < 0 ? r : -ENOENT;
		pos = m.m_mfs.position;
		for (int i = 0; i < r / MFS_DENT_SIZE; i++) {
			bool dots = !strcmp(d[i].name, ".") || !strcmp(d[i].name, "..");
			if (d[i].ino == child && !dots) {
				memcpy(name, d[i].name, d[i].name_len + 1);
				return (int)d[i].name_len;
			}
		}
	}
}

/* getcwd: the path of p's working directory, built right to left in
 * v->req->scratch; the start of it. */
static int vfs_cwd_path(struct vfs *v, struct vfs_proc *p, char **start)
{
	char *end = v->req->scratch + sizeof(v->req->scratch) - 1, *s = end;
	char name[MINIXFS_NAME_MAX + 1];
	struct mfs_attr a, parent;
	*s = '\0';
	uint32_t ino = p->cwd;
	int r = vfs_mfs_stat(v, ino, &a);
	if (r == 0 && a.nlinks == 0)
		r = -ENOENT; /* removed while we were in it */
	while (r == 0 && ino != v->root) {
		r = vfs_mfs_named(v, MFS_LOOKUP, ino, "..", 2, 0, &parent);
		if (r < 0)
			break;
		r = vfs_name_in(v, parent.ino, ino, name);
		if (r < 0)
			break;
		if ((size_t)(s - v->req->scratch) < (size_t)r + 1)
			return -ENAMETOOLONG;
		s -= r;
		memcpy(s, name, (size_t)r);
		*--s = '/';
		ino = parent.ino;
		r = 0;
	}
	if (r < 0)
		return r;
	if (s == end)
		*--s = '/';
	*start = s;
	return (int)(end - s);
}

int vfs_do_getcwd(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	char *path;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	r = vfs_cwd_path(v, p, &path);
	if (r < 0)
		return r;
	if ((uint32_t)r + 1 > in->m_vfs.len)
		return -ERANGE;
	int c = kip_safecopy_to(in->m_source, in->m_vfs.grant, 0, path, (size_t)r + 1);
	return c < 0 ? c : r + 1;
}
