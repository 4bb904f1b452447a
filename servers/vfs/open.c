/*
 * servers/vfs/open.c - VFS_OPEN.
 *
 * Entry points: vfs_do_open, vfs_may_open (also VFS_AT_OPEN's).
 *
 * Validate the flags, resolve the path (with O_CREAT: its directory, then
 * the last name, created with MFS_CREATE for the caller if missing, which
 * takes write and search permission on the directory; O_EXCL: EEXIST if
 * present, even as a symlink), follow a last symlink unless O_NOFOLLOW
 * (then ELOOP), check what was found (a directory only read-only: EISDIR;
 * O_DIRECTORY: ENOTDIR otherwise; read or write permission as the access
 * mode asks, and write for O_TRUNC), make sure an fd and an open file are
 * free, and only then act: O_TRUNC on a regular file truncates it
 * (MFS_TRUNCATE) and the fd is filled in.  Returns the lowest free fd.
 * FIFOs, sockets and device nodes exist on disk but nothing serves them
 * yet: opening one is ENXIO.
 */
#include <string.h>

#include "vfs.h"

#define VFS_O_KNOWN                                                                                \
	(KIP_O_ACCMODE | KIP_O_CREAT | KIP_O_EXCL | KIP_O_TRUNC | KIP_O_APPEND | KIP_O_DIRECTORY | \
	 KIP_O_CLOEXEC | KIP_O_NOFOLLOW)

/* Resolve the path for open, creating the file for O_CREAT; *created set
 * when it was made here (no permission check on it then). */
static int vfs_open_lookup(struct vfs *v, struct vfs_proc *p, int flags, uint32_t mode,
			   struct mfs_attr *a, bool *created)
{
	*created = false;
	if (!(flags & KIP_O_CREAT))
		return (flags & KIP_O_NOFOLLOW) ? vfs_path_lwalk(v, p, a) : vfs_path_walk(v, p, a);
	struct mfs_attr dir;
	const char *last;
	uint32_t last_len;
	int r = vfs_path_parent(v, p, &dir, &last, &last_len);
	if (r < 0)
		return r;
	if (last_len == 0) /* "/" */
		return (flags & KIP_O_EXCL) ? -EEXIST : -EISDIR;
	r = vfs_mfs_named(v, MFS_LOOKUP, dir.ino, last, last_len, 0, a);
	if (r == 0) {
		if (flags & KIP_O_EXCL)
			return -EEXIST;
		if (vfs_is_lnk(a->mode) && !(flags & KIP_O_NOFOLLOW))
			return vfs_path_walk(v, p, a); /* a dangling link: ENOENT */
		return 0;
	}
	if (r != -ENOENT)
		return r;
	if (last[last_len] == '/')
		return -EISDIR; /* "new/": a directory was meant */
	r = vfs_may(v, &dir, KIP_W_OK | KIP_X_OK);
	if (r < 0)
		return r;
	*created = true;
	r = vfs_mfs_make(v, MFS_CREATE, &dir, last, last_len, MINIXFS_S_IFREG | (mode & 07777), 0,
			 a);
	if (r == 0)
		vfs_event_entry(v, p->endpoint, dir.ino, last, last_len, a->ino);
	return r;
}

int vfs_may_open(const struct vfs *v, const struct mfs_attr *a, int flags)
{
	int acc = flags & KIP_O_ACCMODE;
	uint32_t type = a->mode & MINIXFS_S_IFMT;
	if (type == MINIXFS_S_IFLNK)
		return -ELOOP; /* O_NOFOLLOW met a link */
	if (type != MINIXFS_S_IFREG && type != MINIXFS_S_IFDIR)
		return -ENXIO; /* FIFOs, sockets, devices: no driver behind them yet */
	if (vfs_is_dir(a->mode) && (acc != KIP_O_RDONLY || (flags & KIP_O_TRUNC)))
		return -EISDIR;
	if ((flags & KIP_O_DIRECTORY) && !vfs_is_dir(a->mode))
		return -ENOTDIR;
	int want = 0;
	if (acc == KIP_O_RDONLY || acc == KIP_O_RDWR)
		want |= KIP_R_OK;
	if (acc == KIP_O_WRONLY || acc == KIP_O_RDWR || (flags & KIP_O_TRUNC))
		want |= KIP_W_OK;
	return vfs_may(v, a, want);
}

int vfs_do_open(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	bool created;
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
	r = vfs_open_lookup(v, p, flags, in->m_vfs.mode, &a, &created);
	if (r < 0)
		return r;
	if (!created) {
		r = vfs_may_open(v, &a, flags);
		if (r < 0)
			return r;
	}
	r = vfs_filp_open(v, filp, &a, flags);
	if (r < 0)
		return r;
	/* Point of no return, but for the truncation. */
	bool regular = (a.mode & MINIXFS_S_IFMT) == MINIXFS_S_IFREG;
	if ((flags & KIP_O_TRUNC) && regular && acc != KIP_O_RDONLY && a.size > 0) {
		r = vfs_truncate_ino(v, a.ino, 0);
		if (r < 0) {
			vfs_filp_drop(v, filp);
			return r;
		}
		vfs_event_inode(v, in->m_source, a.ino);
	}
	p->fd[fd] = (int16_t)filp;
	p->cloexec[fd] = (flags & KIP_O_CLOEXEC) ? 1 : 0;
	return fd;
}
