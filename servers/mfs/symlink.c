/*
 * servers/mfs/symlink.c - symbolic links: MFS_SYMLINK, MFS_READLINK.
 *
 * Entry points: mfs_do_symlink, mfs_do_readlink.
 *
 * A symbolic link stores its target as the file's data, in its first zone,
 * with no NUL, as Linux's minix driver does (MINIX 3 and fsck.minix read
 * it so): 1 .. block size - 1 bytes, so a target never needs more than one
 * zone.  MFS does not follow links - the VFS does, with READLINK.  The
 * target is copied in and checked before anything is allocated.
 */
#include <string.h>

#include "mfs.h"

/* Copy SYMLINK's target (`len` bytes after the name in the grant) into
 * fs->target and check it.  0, -ENOENT (empty), -ENAMETOOLONG (it would
 * not fit one block with room for a NUL), -EINVAL (a NUL in it). */
static int target_get(struct mfs *fs, const message *in)
{
	uint32_t len = in->m_mfs.len;
	if (len == 0)
		return -ENOENT; /* as symlink(2) with "" */
	if (len > fs->block_size - 1)
		return -ENAMETOOLONG;
	int r = kip_safecopy_from(in->m_source, in->m_mfs.grant, in->m_mfs.name_len, fs->target,
				  len);
	if (r < 0)
		return r;
	return memchr(fs->target, '\0', len) ? -EINVAL : 0;
}

/* Write the target into fresh zone `zone`.  0 or an error. */
static int target_put(struct mfs *fs, uint32_t zone, uint32_t len)
{
	int r;
	struct mfs_buf *b = mfs_cache_get(fs, zone, true, &r);
	if (!b)
		return r;
	memcpy(b->data, fs->target, len);
	mfs_cache_dirty(b);
	mfs_cache_put(b);
	return 0;
}

int mfs_do_symlink(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t mode = in->m_mfs.mode, len = in->m_mfs.len, num, zone;
	uint16_t type = minixfs_type((uint16_t)mode);
	if (mode > 0xffff || (type != 0 && type != MINIXFS_S_IFLNK))
		return -EINVAL;
	uint16_t perm = (mode & 07777) ? (uint16_t)(mode & 07777) : 0777;
	int r = mfs_new_check(fs, in, &dir);
	if (r == 0)
		r = target_get(fs, in);
	if (r < 0)
		return r;
	if (fs->free_zones == 0)
		return -ENOSPC;
	r = mfs_alloc_inode(fs, &num);
	if (r < 0)
		return r;
	r = mfs_alloc_zone(fs, &zone);
	if (r < 0) {
		mfs_free_inode(fs, num);
		return r;
	}
	mfs_new_inode(&ino, in, MINIXFS_S_IFLNK | perm);
	ino.i_size = len;
	ino.i_zone[0] = zone;
	r = target_put(fs, zone, len);
	if (r == 0)
		r = mfs_inode_write(fs, num, &ino);
	if (r == 0)
		r = mfs_dir_add(fs, in->m_mfs.ino, &dir, fs->name, num);
	if (r < 0) {
		mfs_free_zone(fs, zone);
		mfs_free_inode(fs, num);
		return r;
	}
	mfs_fill_attr(&out->m_mfs_attr, num, &ino);
	return 0;
}

int mfs_do_readlink(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	uint32_t num = in->m_mfs.ino;
	(void)out;
	int r = mfs_inode_read(fs, num, &ino);
	if (r < 0)
		return r;
	if (minixfs_type(ino.i_mode) != MINIXFS_S_IFLNK)
		return -EINVAL; /* as readlink(2) of something else */
	if (ino.i_size == 0 || ino.i_size >= fs->block_size || !mfs_zone_valid(fs, ino.i_zone[0]))
		return -EIO; /* not a target this file system writes */
	uint32_t n = in->m_mfs.len < ino.i_size ? in->m_mfs.len : ino.i_size;
	if (n == 0)
		return 0;
	struct mfs_buf *b = mfs_cache_get(fs, ino.i_zone[0], false, &r);
	if (!b)
		return r;
	r = kip_safecopy_to(in->m_source, in->m_mfs.grant, 0, b->data, n);
	mfs_cache_put(b);
	if (r < 0)
		return r;
	mfs_inode_accessed(fs, num, &ino);
	return (int)n;
}
