/*
 * servers/mfs/truncate.c - giving a file's zones back: MFS_TRUNCATE, and
 * the helper UNLINK and RMDIR use to empty an inode.
 *
 * Entry points: mfs_truncate, mfs_do_truncate.
 *
 * Shrinking frees every data zone wholly past the new end and every
 * indirect block left with nothing under it, and zeroes the rest of the
 * last partial block (so a later growth reads zeros there, as POSIX wants).
 * Growing only sets the size: the new part is a hole.  A bad zone number
 * met on the way stops the walk with -EIO (the inode keeps what was not
 * yet freed).
 */
#include <string.h>

#include "mfs.h"

/* p to the power d. */
static uint64_t span_of(const struct mfs *fs, unsigned depth)
{
	uint64_t span = 1;
	while (depth--)
		span *= fs->ptrs;
	return span;
}

/*
 * The subtree at *slot, `depth` indirect levels deep, maps the file blocks
 * from `base` on.  Free what maps blocks >= keep; clear *slot if nothing is
 * left under it.  0 or an error.
 */
static int trunc_tree(struct mfs *fs, uint32_t *slot, unsigned depth, uint64_t base, uint64_t keep)
{
	uint64_t span = span_of(fs, depth);
	int r = 0;
	if (*slot == 0 || base + span <= keep)
		return 0;
	if (!mfs_zone_valid(fs, *slot))
		return -EIO;
	if (depth > 0) {
		uint64_t child = span / fs->ptrs;
		bool empty = true;
		struct mfs_buf *b = mfs_cache_get(fs, *slot, false, &r);
		if (!b)
			return r;
		uint32_t *ptrs = (uint32_t *)b->data;
		for (uint32_t i = 0; i < fs->ptrs && r == 0; i++) {
			uint32_t before = ptrs[i];
			r = trunc_tree(fs, &ptrs[i], depth - 1, base + i * child, keep);
			if (ptrs[i] != before)
				mfs_cache_dirty(b);
			if (ptrs[i] != 0)
				empty = false;
		}
		mfs_cache_put(b);
		if (r < 0 || !empty)
			return r;
	}
	r = mfs_free_zone(fs, *slot);
	if (r == 0)
		*slot = 0;
	return r;
}

/* Zero the bytes of the block holding `size` from there to its end. */
static int trunc_zero_tail(struct mfs *fs, struct minixfs_inode *ip, uint64_t size)
{
	uint32_t off = (uint32_t)(size % fs->block_size), zone;
	if (off == 0)
		return 0;
	int r = mfs_bmap(fs, ip, size / fs->block_size, false, &zone);
	if (r < 0 || zone == 0)
		return r;
	struct mfs_buf *b = mfs_cache_get(fs, zone, false, &r);
	if (!b)
		return r;
	memset(b->data + off, 0, fs->block_size - off);
	mfs_cache_dirty(b);
	mfs_cache_put(b);
	return 0;
}

int mfs_truncate(struct mfs *fs, struct minixfs_inode *ip, uint64_t size)
{
	uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
	uint64_t base = 0;
	int r = 0;
	if (size >= ip->i_size) {
		ip->i_size = (uint32_t)size;
		return 0;
	}
	if (minixfs_has_zones(ip->i_mode)) {
		for (unsigned i = 0; i < MINIXFS_NR_ZONES && r == 0; i++) {
			unsigned depth = i < MINIXFS_NR_DZONES ? 0 : i - MINIXFS_IND + 1;
			r = trunc_tree(fs, &ip->i_zone[i], depth, base, keep);
			base += span_of(fs, depth);
		}
		if (r == 0)
			r = trunc_zero_tail(fs, ip, size);
	}
	if (r == 0)
		ip->i_size = (uint32_t)size;
	return r;
}

int mfs_do_truncate(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	(void)out;
	int r = mfs_inode_read(fs, in->m_mfs.ino, &ino);
	if (r < 0)
		return r;
	if (minixfs_type(ino.i_mode) == MINIXFS_S_IFDIR)
		return -EISDIR;
	if (minixfs_type(ino.i_mode) != MINIXFS_S_IFREG)
		return -EINVAL;
	if (in->m_mfs.position > fs->max_size)
		return -EFBIG;
	r = mfs_truncate(fs, &ino, in->m_mfs.position);
	ino.i_mtime = ino.i_ctime = mfs_time();
	int w = mfs_inode_write(fs, in->m_mfs.ino, &ino);
	return r < 0 ? r : w;
}
