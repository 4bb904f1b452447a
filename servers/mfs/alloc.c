/*
 * servers/mfs/alloc.c - the inode and zone bitmaps: allocate, free, count.
 *
 * Entry points: mfs_alloc_inode, mfs_free_inode, mfs_alloc_zone,
 * mfs_free_zone, mfs_count_free.
 *
 * Bit b of a map is bit b % 8 of byte b / 8 of the map's blocks.  Inode
 * bitmap bit i is inode i (1..s_ninodes); zone bitmap bit i is zone
 * s_firstdatazone - 1 + i (1..s_zones - s_firstdatazone).  Bit 0 is
 * reserved.  Bits past the last inode or zone are never looked at.
 */
#include "mfs.h"

/* The first block of each map. */
static uint32_t imap_start(void)
{
	return MINIXFS_START_BLOCK;
}

static uint32_t zmap_start(const struct mfs *fs)
{
	return MINIXFS_START_BLOCK + fs->sb.s_imap_blocks;
}

/* Set (value 1) or clear (0) bit `bit` of the map at `start`; *was gets its
 * old value.  0 or the cache's error. */
static int map_change(struct mfs *fs, uint32_t start, uint64_t bit, int value, int *was)
{
	uint64_t bits = minixfs_bits_per_block(fs->block_size);
	int r;
	struct mfs_buf *b = mfs_cache_get(fs, start + (uint32_t)(bit / bits), false, &r);
	if (!b)
		return r;
	*was = minixfs_bit_test(b->data, bit % bits);
	if (value)
		minixfs_bit_set(b->data, bit % bits);
	else
		minixfs_bit_clear(b->data, bit % bits);
	if (*was != value)
		mfs_cache_dirty(b);
	mfs_cache_put(b);
	return 0;
}

/* The first clear bit in 1..last of the map at `start`, searching from
 * `from` and wrapping; 0 when there is none.  Negative on a disk error. */
static int64_t map_find_clear(struct mfs *fs, uint32_t start, uint64_t last, uint64_t from)
{
	uint64_t bits = minixfs_bits_per_block(fs->block_size);
	uint64_t bit = from >= 1 && from <= last ? from : 1;
	uint32_t cur = MFS_NO_BLOCK;
	struct mfs_buf *b = NULL;
	for (uint64_t n = 0; n < last; n++) {
		uint32_t block = start + (uint32_t)(bit / bits);
		if (block != cur) {
			int r;
			if (b)
				mfs_cache_put(b);
			b = mfs_cache_get(fs, block, false, &r);
			if (!b)
				return r;
			cur = block;
		}
		if (!minixfs_bit_test(b->data, bit % bits)) {
			mfs_cache_put(b);
			return (int64_t)bit;
		}
		bit = bit == last ? 1 : bit + 1;
	}
	if (b)
		mfs_cache_put(b);
	return 0;
}

/* Count the clear bits 1..last of the map at `start`; -errno on error. */
static int64_t map_count_clear(struct mfs *fs, uint32_t start, uint64_t last)
{
	uint64_t bits = minixfs_bits_per_block(fs->block_size);
	int64_t count = 0;
	struct mfs_buf *b = NULL;
	for (uint64_t bit = 1; bit <= last; bit++) {
		if (!b || bit % bits == 0) {
			int r;
			if (b)
				mfs_cache_put(b);
			b = mfs_cache_get(fs, start + (uint32_t)(bit / bits), false, &r);
			if (!b)
				return r;
		}
		count += !minixfs_bit_test(b->data, bit % bits);
	}
	if (b)
		mfs_cache_put(b);
	return count;
}

int mfs_count_free(struct mfs *fs)
{
	int64_t in = map_count_clear(fs, imap_start(), fs->sb.s_ninodes);
	if (in < 0)
		return (int)in;
	int64_t zn = map_count_clear(fs, zmap_start(fs), fs->sb.s_zones - fs->sb.s_firstdatazone);
	if (zn < 0)
		return (int)zn;
	fs->free_inodes = (uint32_t)in;
	fs->free_zones = (uint32_t)zn;
	return 0;
}

int mfs_alloc_inode(struct mfs *fs, uint32_t *ino)
{
	int was;
	if (fs->free_inodes == 0)
		return -ENOSPC;
	int64_t bit = map_find_clear(fs, imap_start(), fs->sb.s_ninodes, 1);
	if (bit <= 0)
		return bit < 0 ? (int)bit : -ENOSPC;
	int r = map_change(fs, imap_start(), (uint64_t)bit, 1, &was);
	if (r < 0)
		return r;
	fs->free_inodes--;
	*ino = (uint32_t)bit;
	return 0;
}

int mfs_free_inode(struct mfs *fs, uint32_t ino)
{
	int was;
	if (ino < 1 || ino > fs->sb.s_ninodes)
		return -EIO;
	int r = map_change(fs, imap_start(), ino, 0, &was);
	if (r == 0 && was)
		fs->free_inodes++;
	return r;
}

int mfs_alloc_zone(struct mfs *fs, uint32_t *zone)
{
	int was;
	uint64_t last = fs->sb.s_zones - fs->sb.s_firstdatazone;
	if (fs->free_zones == 0)
		return -ENOSPC;
	int64_t bit = map_find_clear(fs, zmap_start(fs), last, fs->zone_hint);
	if (bit <= 0)
		return bit < 0 ? (int)bit : -ENOSPC;
	int r = map_change(fs, zmap_start(fs), (uint64_t)bit, 1, &was);
	if (r < 0)
		return r;
	fs->free_zones--;
	fs->zone_hint = (uint32_t)bit + 1;
	*zone = fs->sb.s_firstdatazone - 1 + (uint32_t)bit;
	return 0;
}

int mfs_free_zone(struct mfs *fs, uint32_t zone)
{
	int was;
	if (!mfs_zone_valid(fs, zone))
		return -EIO;
	uint64_t bit = minixfs_zone_bit(fs->sb.s_firstdatazone, zone);
	int r = map_change(fs, zmap_start(fs), bit, 0, &was);
	if (r == 0 && was)
		fs->free_zones++;
	if (r == 0 && bit < fs->zone_hint)
		fs->zone_hint = (uint32_t)bit;
	return r;
}
