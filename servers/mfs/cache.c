/*
 * servers/mfs/cache.c - the block cache, in MFS's own pages.
 *
 * Entry points: mfs_cache_init, mfs_cache_get, mfs_cache_dirty,
 * mfs_cache_put, mfs_cache_flush, mfs_cache_drop.
 *
 * MFS_NR_BUFS buffers of one block each.  A get pins its buffer until the
 * matching put; an unpinned buffer may be evicted, the least recently used
 * first, and a dirty one is written back before it is reused (write-back).
 * MFS_SYNC writes every dirty buffer (mfs_cache_flush) and then flushes
 * the device.  A block number is checked against s_zones before it is
 * read, so nothing past the file system - or the device, which mount
 * checked holds it - is ever asked for.
 */
#include <assert.h>
#include <string.h>

#include "mfs.h"

void mfs_cache_init(struct mfs *fs)
{
	for (unsigned i = 0; i < MFS_NR_BUFS; i++) {
		memset(&fs->bufs[i], 0, sizeof(fs->bufs[i]));
		fs->bufs[i].block = MFS_NO_BLOCK;
		fs->bufs[i].data = fs->bufdata[i];
	}
}

/* Write buffer b back to its block if it is dirty.  0 or the disk's error
 * (the buffer stays dirty). */
static int cache_write_back(struct mfs *fs, struct mfs_buf *b)
{
	if (!b->dirty)
		return 0;
	int r = mfs_bdev_io(fs, BDEV_WRITE, (uint64_t)b->block * fs->block_size, b->data,
			    fs->block_size);
	if (r == 0) {
		b->dirty = false;
		fs->cache_writes++;
	}
	return r;
}

/* A buffer to hold a new block: an empty one, or the least recently used
 * unpinned one, written back first.  NULL with *err set when none can be had. */
static struct mfs_buf *cache_victim(struct mfs *fs, int *err)
{
	struct mfs_buf *victim = NULL;
	for (unsigned i = 0; i < MFS_NR_BUFS; i++) {
		struct mfs_buf *b = &fs->bufs[i];
		if (b->pins)
			continue;
		if (b->block == MFS_NO_BLOCK)
			return b;
		if (!victim || b->last_use < victim->last_use)
			victim = b;
	}
	if (!victim) {
		*err = -ENOMEM; /* every buffer pinned: MFS's own bug */
		return NULL;
	}
	*err = cache_write_back(fs, victim);
	if (*err < 0)
		return NULL;
	victim->block = MFS_NO_BLOCK;
	return victim;
}

struct mfs_buf *mfs_cache_get(struct mfs *fs, uint32_t block, bool fresh, int *err)
{
	if (!fs->mounted || block >= fs->sb.s_zones) {
		*err = -EIO;
		return NULL;
	}
	for (unsigned i = 0; i < MFS_NR_BUFS; i++) {
		struct mfs_buf *b = &fs->bufs[i];
		if (b->block != block)
			continue;
		fs->cache_hits++;
		*err = 0;
		b->pins++;
		b->last_use = ++fs->lru_clock;
		if (fresh) {
			memset(b->data, 0, fs->block_size);
			b->dirty = true;
		}
		return b;
	}
	struct mfs_buf *b = cache_victim(fs, err);
	if (!b)
		return NULL;
	fs->cache_misses++;
	if (fresh) {
		memset(b->data, 0, fs->block_size);
		b->dirty = true;
	} else {
		*err = mfs_bdev_io(fs, BDEV_READ, (uint64_t)block * fs->block_size, b->data,
				   fs->block_size);
		if (*err < 0)
			return NULL;
		b->dirty = false;
	}
	*err = 0;
	b->block = block;
	b->pins = 1;
	b->last_use = ++fs->lru_clock;
	return b;
}

void mfs_cache_dirty(struct mfs_buf *b)
{
	assert(b->pins > 0);
	b->dirty = true;
}

void mfs_cache_put(struct mfs_buf *b)
{
	assert(b->pins > 0);
	b->pins--;
}

int mfs_cache_flush(struct mfs *fs)
{
	int first = 0;
	for (unsigned i = 0; i < MFS_NR_BUFS; i++) {
		int r = cache_write_back(fs, &fs->bufs[i]);
		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}

void mfs_cache_drop(struct mfs *fs)
{
	mfs_cache_init(fs);
}
