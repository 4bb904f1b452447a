/*
 * servers/mfs/inode.c - inodes in the inode table, read and written
 * through the block cache.
 *
 * Entry points: mfs_inode_read, mfs_inode_write, mfs_zone_valid,
 * mfs_fill_attr, mfs_time, mfs_inode_accessed.
 *
 * There is no inode cache: an inode is copied out of its block, changed,
 * and copied back (the block cache keeps the block).  Inode numbers are
 * checked against s_ninodes and the inode bitmap (a free inode is ENOENT).
 *
 * Access times follow Linux's relatime: a read sets atime only when it
 * is not newer than mtime or ctime, or is a day old - so a file read over
 * and over dirties its inode block once a day, not on every read, and a
 * program can still tell whether a file was read since it last changed.
 */
#include <string.h>

#include "kip/syslib.h"
#include "mfs.h"

#define MFS_RELATIME_SECONDS (24 * 60 * 60)

bool mfs_zone_valid(const struct mfs *fs, uint32_t zone)
{
	return zone >= fs->sb.s_firstdatazone && zone < fs->sb.s_zones;
}

uint32_t mfs_time(void)
{
	message m;
	kip_msg_init(&m, SYS_TIMES);
	if (kip_kcall(SYS_TIMES, &m) < 0)
		return 0;
	return (uint32_t)((m.m_time.epoch + m.m_time.now) / 1000000000ull);
}

/* The block holding inode ino and the inode's offset in it. */
static uint32_t inode_block(const struct mfs *fs, uint32_t ino, uint32_t *offset)
{
	uint32_t ipb = minixfs_inodes_per_block(fs->block_size);
	*offset = (ino - 1) % ipb * MINIXFS_INODE_SIZE;
	return (uint32_t)minixfs_itable_start(&fs->sb) + (ino - 1) / ipb;
}

/* Is inode ino marked in use?  1, 0 or an error. */
static int inode_in_use(struct mfs *fs, uint32_t ino)
{
	uint64_t bits = minixfs_bits_per_block(fs->block_size);
	int r;
	struct mfs_buf *b =
		mfs_cache_get(fs, MINIXFS_START_BLOCK + (uint32_t)(ino / bits), false, &r);
	if (!b)
		return r;
	r = minixfs_bit_test(b->data, ino % bits);
	mfs_cache_put(b);
	return r;
}

/* Read inode ino into *ip.  0, -ENOENT (out of range or free) or -EIO. */
int mfs_inode_read(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip)
{
	uint32_t off;
	int r;
	if (!fs->mounted)
		return -ENODEV;
	if (ino < 1 || ino > fs->sb.s_ninodes)
		return -ENOENT;
	r = inode_in_use(fs, ino);
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	struct mfs_buf *b = mfs_cache_get(fs, inode_block(fs, ino, &off), false, &r);
	if (!b)
		return r;
	memcpy(ip, b->data + off, sizeof(*ip));
	mfs_cache_put(b);
	return 0;
}

/* Write *ip as inode ino (into the cache).  0 or an error. */
int mfs_inode_write(struct mfs *fs, uint32_t ino, const struct minixfs_inode *ip)
{
	uint32_t off;
	int r;
	if (ino < 1 || ino > fs->sb.s_ninodes)
		return -EIO;
	struct mfs_buf *b = mfs_cache_get(fs, inode_block(fs, ino, &off), false, &r);
	if (!b)
		return r;
	memcpy(b->data + off, ip, sizeof(*ip));
	mfs_cache_dirty(b);
	mfs_cache_put(b);
	return 0;
}

void mfs_fill_attr(struct mfs_attr *a, uint32_t ino, const struct minixfs_inode *ip)
{
	a->ino = ino;
	a->mode = ip->i_mode;
	a->nlinks = ip->i_nlinks;
	a->uid = ip->i_uid;
	a->gid = ip->i_gid;
	a->size = ip->i_size;
	a->atime = ip->i_atime;
	a->mtime = ip->i_mtime;
	a->ctime = ip->i_ctime;
	a->rdev = mfs_is_device(ip->i_mode) ? ip->i_zone[0] : 0;
}

void mfs_inode_accessed(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip)
{
	uint32_t now = mfs_time();
	bool stale = ip->i_atime <= ip->i_mtime || ip->i_atime <= ip->i_ctime ||
		     (int64_t)now - ip->i_atime >= MFS_RELATIME_SECONDS;
	if (!stale || ip->i_atime == now)
		return;
	ip->i_atime = now;
	(void)mfs_inode_write(fs, ino, ip);
}
