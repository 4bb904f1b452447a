/*
 * servers/vfs/stat.c - VFS_STAT and VFS_FSTAT.
 *
 * Entry points: vfs_do_stat, vfs_do_fstat.
 *
 * The attributes come from MFS_STAT and go back inline, in the reply's
 * struct kip_stat (it fits in a message: no grant needed).
 */
#include "vfs.h"

static void vfs_fill_stat(struct kip_stat *st, const struct mfs_attr *a)
{
	st->st_ino = a->ino;
	st->st_mode = a->mode;
	st->st_nlink = a->nlinks;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_size = a->size;
	st->st_atime_sec = a->atime;
	st->st_mtime_sec = a->mtime;
	st->st_ctime_sec = a->ctime;
}

int vfs_do_stat(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_fetch(v, in);
	if (r == 0)
		r = vfs_path_walk(v, p, &a);
	if (r < 0)
		return r;
	vfs_fill_stat(&out->m_vfs_stat, &a);
	return 0;
}

int vfs_do_fstat(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	struct vfs_proc *p;
	struct vfs_filp *f = vfs_caller_fd(v, in, &p, &r);
	if (!f)
		return r;
	r = vfs_mfs_stat(v, f->ino, &a);
	if (r < 0)
		return r;
	vfs_fill_stat(&out->m_vfs_stat, &a);
	return 0;
}
