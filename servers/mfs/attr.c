/*
 * servers/mfs/attr.c - attributes: MFS_STAT, MFS_SETATTR, MFS_STATFS.
 *
 * Entry points: mfs_do_stat, mfs_do_setattr, mfs_do_statfs.
 *
 * SETATTR is chmod, chown and utime in one call: it changes what its mask
 * names - the permission bits (the file type is kept), the owner, the
 * access and modification times (given, or MFS's clock) - after checking
 * all of it, and sets ctime to now when the mask names anything.  The
 * permission checks (who may do this) are the VFS's.
 */
#include "mfs.h"

#define SET_ALL                                                                                    \
	(MFS_SET_MODE | MFS_SET_UID | MFS_SET_GID | MFS_SET_ATIME | MFS_SET_MTIME |                \
	 MFS_SET_ATIME_NOW | MFS_SET_MTIME_NOW)

int mfs_do_stat(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	int r = mfs_inode_read(fs, in->m_mfs.ino, &ino);
	if (r < 0)
		return r;
	mfs_fill_attr(&out->m_mfs_attr, in->m_mfs.ino, &ino);
	return 0;
}

/* Can request *sa be done as asked?  0 or -EINVAL. */
static int setattr_check(const struct mfs_setattr *sa)
{
	uint32_t m = sa->mask;
	if (m & ~(uint32_t)SET_ALL)
		return -EINVAL; /* a bit this MFS does not know */
	if ((m & MFS_SET_ATIME) && (m & MFS_SET_ATIME_NOW))
		return -EINVAL; /* a time and "now" at once */
	if ((m & MFS_SET_MTIME) && (m & MFS_SET_MTIME_NOW))
		return -EINVAL;
	if ((m & MFS_SET_MODE) && (sa->mode & ~07777u))
		return -EINVAL; /* permission bits only: the type cannot change */
	if ((m & MFS_SET_UID) && sa->uid > MINIXFS_ID_MAX)
		return -EINVAL; /* 16 bits on the disk: never truncated */
	if ((m & MFS_SET_GID) && sa->gid > MINIXFS_ID_MAX)
		return -EINVAL;
	return 0;
}

int mfs_do_setattr(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	const struct mfs_setattr *sa = &in->m_mfs_setattr;
	struct minixfs_inode ino;
	uint32_t m = sa->mask;
	int r = mfs_inode_read(fs, sa->ino, &ino);
	if (r == 0)
		r = setattr_check(sa);
	if (r < 0)
		return r;
	if (m) {
		uint32_t now = mfs_time();
		if (m & MFS_SET_MODE)
			ino.i_mode = (uint16_t)(minixfs_type(ino.i_mode) | sa->mode);
		if (m & MFS_SET_UID)
			ino.i_uid = (uint16_t)sa->uid;
		if (m & MFS_SET_GID)
			ino.i_gid = (uint16_t)sa->gid;
		if (m & (MFS_SET_ATIME | MFS_SET_ATIME_NOW))
			ino.i_atime = (m & MFS_SET_ATIME) ? sa->atime : now;
		if (m & (MFS_SET_MTIME | MFS_SET_MTIME_NOW))
			ino.i_mtime = (m & MFS_SET_MTIME) ? sa->mtime : now;
		ino.i_ctime = now;
		r = mfs_inode_write(fs, sa->ino, &ino);
		if (r < 0)
			return r;
	}
	mfs_fill_attr(&out->m_mfs_attr, sa->ino, &ino);
	return 0;
}

int mfs_do_statfs(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct mfs_statfs *st = &out->m_mfs_statfs;
	(void)in;
	if (!fs->mounted)
		return -ENODEV;
	st->block_size = fs->block_size;
	st->zones = fs->sb.s_zones - fs->sb.s_firstdatazone; /* data zones only */
	st->free_zones = fs->free_zones;
	st->inodes = fs->sb.s_ninodes;
	st->free_inodes = fs->free_inodes;
	st->name_max = MINIXFS_NAME_MAX;
	st->max_size = fs->max_size > UINT32_MAX ? UINT32_MAX : (uint32_t)fs->max_size;
	return 0;
}
