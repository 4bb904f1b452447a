/*
 * servers/vfs/open.c - VFS_OPEN.
 *
 * Entry point: vfs_do_open.
 *
 * Validate the flags, resolve the path (with O_CREAT: its directory, then
 * the last name, created with MFS_CREATE if missing; O_EXCL: EEXIST if
 * present), check what was found (a directory only read-only: EISDIR;
 * O_DIRECTORY: ENOTDIR otherwise), make sure an fd and an open file are
 * free, and only then act: O_TRUNC on a writable regular file truncates it
 * (MFS_TRUNCATE) and the fd is filled in.  Returns the lowest free fd.
 * Permissions are not checked: every caller is root for now.
 */
#include "vfs.h"

#define VFS_O_KNOWN                                                                                \
	(KIP_O_ACCMODE | KIP_O_CREAT | KIP_O_EXCL | KIP_O_TRUNC | KIP_O_APPEND | KIP_O_DIRECTORY | \
	 KIP_O_CLOEXEC)

/* Resolve the path for open, creating the file for O_CREAT. */
static int vfs_open_lookup(struct vfs *v, struct vfs_proc *p, int flags, uint32_t mode,
			   struct mfs_attr *a)
{
	if (!(flags & KIP_O_CREAT))
		return vfs_path_walk(v, p, a);
	struct mfs_attr dir;
	const char *last;
	uint32_t last_len;
	int r = vfs_path_parent(v, p, &dir, &last, &last_len);
	if (r < 0)
		return r;
	if (last_len == 0) /* "/" */
		return (flags & KIP_O_EXCL) ? -EEXIST : -EISDIR;
	r = vfs_mfs_named(v, MFS_LOOKUP, dir.ino, last, last_len, 0, a);
	if (r == 0)
		return (flags & KIP_O_EXCL) ? -EEXIST : 0;
	if (r != -ENOENT)
		return r;
	return vfs_mfs_named(v, MFS_CREATE, dir.ino, last, last_len,
			     MINIXFS_S_IFREG | (mode & 07777), a);
}

int vfs_do_open(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r, flags = in->m_vfs.flags;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	int acc = flags & KIP_O_ACCMODE;
	if ((flags & ~VFS_O_KNOWN) || acc == KIP_O_ACCMODE)
		return -EINVAL;
	int fd = vfs_fd_free(p, 0);
	if (fd < 0)
		return fd;
	int filp = vfs_filp_free(v);
	if (filp < 0)
		return filp;
	r = vfs_path_fetch(v, in);
	if (r < 0)
		return r;
	r = vfs_open_lookup(v, p, flags, in->m_vfs.mode, &a);
	if (r < 0)
		return r;
	if (vfs_is_dir(a.mode) && (acc != KIP_O_RDONLY || (flags & KIP_O_TRUNC)))
		return -EISDIR;
	if ((flags & KIP_O_DIRECTORY) && !vfs_is_dir(a.mode))
		return -ENOTDIR;
	/* Point of no return. */
	if ((flags & KIP_O_TRUNC) && acc != KIP_O_RDONLY && a.size > 0) {
		message m;
		kip_msg_init(&m, MFS_TRUNCATE);
		m.m_mfs.ino = a.ino;
		m.m_mfs.position = 0;
		r = vfs_mfs_call(v, &m);
		if (r < 0)
			return r;
	}
	struct vfs_filp *f = &v->filps[filp];
	f->refs = 1;
	f->ino = a.ino;
	f->mode = a.mode;
	f->flags = flags;
	f->position = 0;
	p->fd[fd] = (int16_t)filp;
	p->cloexec[fd] = (flags & KIP_O_CLOEXEC) ? 1 : 0;
	return fd;
}
