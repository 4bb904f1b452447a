/*
 * servers/vfs/stat.c - VFS_STAT, VFS_LSTAT, VFS_FSTAT, VFS_STATFS,
 * VFS_FSTATFS.
 *
 * Entry points: the handlers above, vfs_fill_stat and vfs_statfs.
 *
 * The attributes come from MFS_STAT and go back inline, in the reply's
 * struct kip_stat (it fits in a message: no grant needed).  MINIX keeps no
 * block count: st_blocks is estimated from the size (the data blocks,
 * holes counted as if written).  statfs reports the name limit (60).
 */
#include "vfs.h"

void vfs_fill_stat(const struct vfs *v, struct kip_stat *st, const struct mfs_attr *a)
{
	st->st_ino = a->ino;
	st->st_mode = a->mode;
	st->st_nlink = a->nlinks;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_size = a->size;
	st->st_atime_sec = a->atime;
	st->st_mtime_sec = a->mtime;
	st->st_ctime_sec = a->ctime;
	uint32_t bs = v->block_size ? v->block_size : MINIXFS_BLOCK_MIN;
	st->st_blksize = bs;
	uint64_t blocks = ((uint64_t)a->size + bs - 1) / bs;
	st->st_blocks = (uint32_t)(blocks * (bs / 512));
}

/* STAT or LSTAT. */
static int vfs_stat_path(struct vfs *v, const message *in, message *out, bool follow)
{
	struct mfs_attr a;
	int r;
	if (!vfs_caller_path(v, in, follow, &a, &r))
		return r;
	vfs_fill_stat(v, &out->m_vfs_stat, &a);
	return 0;
}

int vfs_do_stat(void *state, const message *in, message *out)
{
	return vfs_stat_path(state, in, out, true);
}

int vfs_do_lstat(void *state, const message *in, message *out)
{
	return vfs_stat_path(state, in, out, false);
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
	vfs_fill_stat(v, &out->m_vfs_stat, &a);
	return 0;
}

int vfs_statfs(struct vfs *v, struct kip_statfs *st)
{
	message m;
	kip_msg_init(&m, MFS_STATFS);
	int r = vfs_mfs_call(v, &m);
	if (r < 0)
		return r;
	const struct mfs_statfs *s = &m.m_mfs_statfs;
	st->f_bsize = s->block_size;
	st->f_namemax = s->name_max;
	st->f_blocks = s->zones;
	st->f_bfree = s->free_zones;
	st->f_bavail = s->free_zones;
	st->f_files = s->inodes;
	st->f_ffree = s->free_inodes;
	return 0;
}

int vfs_do_statfs(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	if (!vfs_caller_path(v, in, true, &a, &r))
		return r;
	return vfs_statfs(v, &out->m_vfs_statfs);
}

int vfs_do_fstatfs(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	struct vfs_proc *p;
	if (!vfs_caller_fd(v, in, &p, &r))
		return r;
	return vfs_statfs(v, &out->m_vfs_statfs);
}
