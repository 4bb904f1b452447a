/*
 * servers/vfs/dir.c - directories: VFS_MKDIR, VFS_UNLINK, VFS_RMDIR,
 * VFS_GETDENTS, VFS_CHDIR.
 *
 * Entry points: vfs_do_mkdir, vfs_do_unlink, vfs_do_rmdir, vfs_do_getdents,
 * vfs_do_chdir.
 *
 * MKDIR, UNLINK and RMDIR resolve the path's directory and hand the last
 * name to MFS, which checks the rest (EEXIST, EISDIR, ENOTEMPTY, ...).
 * MFS frees an inode as soon as its last link goes and has no put-inode
 * call yet, so VFS refuses to remove a file or directory that is open or
 * is a working directory (EBUSY) rather than leave a reference to a freed
 * inode.  GETDENTS passes the
 * caller's buffer on to MFS like READ: the records are struct mfs_dent.
 */
#include "vfs.h"

int vfs_do_mkdir(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr dir;
	const char *last;
	uint32_t last_len;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_fetch(v, in);
	if (r == 0)
		r = vfs_path_parent(v, p, &dir, &last, &last_len);
	if (r < 0)
		return r;
	if (last_len == 0)
		return -EEXIST; /* "/" */
	return vfs_mfs_named(v, MFS_MKDIR, dir.ino, last, last_len,
			     MINIXFS_S_IFDIR | (in->m_vfs.mode & 07777), NULL);
}

/* UNLINK or RMDIR of the request's path. */
static int vfs_remove(struct vfs *v, const message *in, int type)
{
	struct mfs_attr dir, a;
	const char *last;
	uint32_t last_len;
	int r;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_fetch(v, in);
	if (r == 0)
		r = vfs_path_parent(v, p, &dir, &last, &last_len);
	if (r < 0)
		return r;
	if (last_len == 0)
		return -EBUSY; /* "/" */
	r = vfs_mfs_named(v, MFS_LOOKUP, dir.ino, last, last_len, 0, &a);
	if (r < 0)
		return r;
	if (vfs_ino_in_use(v, a.ino))
		return -EBUSY;
	return vfs_mfs_named(v, type, dir.ino, last, last_len, 0, NULL);
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

int vfs_do_chdir(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_fetch(v, in);
	if (r == 0)
		r = vfs_path_walk(v, p, &a);
	if (r < 0)
		return r;
	if (!vfs_is_dir(a.mode))
		return -ENOTDIR;
	p->cwd = a.ino;
	return 0;
}
