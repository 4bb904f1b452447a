/*
 * servers/mfs/bmap.c - the zone map: which zone holds block n of a file.
 *
 * Entry point: mfs_bmap.
 *
 * zone[0..6] map blocks 0..6; zone[7] is a single indirect block (P zone
 * numbers, P = block size / 4), zone[8] double, zone[9] triple indirect.
 * Zone 0 anywhere on the way is a hole.  Every zone number met is checked
 * to be a data zone before it is followed (else -EIO).  To fill a hole the
 * walk first counts the zones it will need and refuses (-ENOSPC) unless
 * all are free, so a full disk never leaves a half-built path behind.
 */
#include "mfs.h"

/* Where block fblock hangs: the zone[] slot it starts from, how many
 * indirect levels are below that slot, and its index within them. */
static int bmap_locate(const struct mfs *fs, uint64_t fblock, unsigned *slot, unsigned *depth,
		       uint64_t *index)
{
	uint64_t p = fs->ptrs;
	if (fblock < MINIXFS_NR_DZONES) {
		*slot = (unsigned)fblock;
		*depth = 0;
		*index = 0;
		return 0;
	}
	fblock -= MINIXFS_NR_DZONES;
	uint64_t span = p;
	for (unsigned d = 1; d <= 3; d++) {
		if (fblock < span) {
			*slot = MINIXFS_IND + d - 1;
			*depth = d;
			*index = fblock;
			return 0;
		}
		fblock -= span;
		span *= p;
	}
	return -EFBIG;
}

/* A new zone, zeroed in the cache.  0 or an error. */
static int bmap_new_zone(struct mfs *fs, uint32_t *zone)
{
	int r = mfs_alloc_zone(fs, zone);
	if (r < 0)
		return r;
	struct mfs_buf *b = mfs_cache_get(fs, *zone, true, &r);
	if (!b) {
		mfs_free_zone(fs, *zone);
		return r;
	}
	mfs_cache_put(b);
	return 0;
}

/* Walk from *top down `depth` indirect levels to entry `index`.  Without
 * alloc, a hole stops the walk: *zone = 0 and *missing = the zones needed
 * to fill it.  With alloc, holes are filled.  0 or an error. */
static int bmap_walk(struct mfs *fs, uint32_t *top, unsigned depth, uint64_t index, bool alloc,
		     uint32_t *zone, unsigned *missing)
{
	uint64_t p = fs->ptrs;
	uint32_t z = *top;
	int r;
	*missing = 0;
	if (z != 0 && !mfs_zone_valid(fs, z))
		return -EIO;
	if (z == 0) {
		*zone = 0;
		*missing = depth + 1;
		if (!alloc)
			return 0;
		r = bmap_new_zone(fs, &z);
		if (r < 0)
			return r;
		*top = z;
	}
	for (unsigned level = depth; level > 0; level--) {
		uint64_t span = 1;
		for (unsigned i = 1; i < level; i++)
			span *= p;
		uint32_t i = (uint32_t)(index / span % p);
		struct mfs_buf *b = mfs_cache_get(fs, z, false, &r);
		if (!b)
			return r;
		uint32_t *ptrs = (uint32_t *)b->data;
		uint32_t next = ptrs[i];
		if (next != 0 && !mfs_zone_valid(fs, next)) {
			mfs_cache_put(b);
			return -EIO;
		}
		if (next == 0 && !alloc) {
			mfs_cache_put(b);
			*zone = 0;
			*missing = level;
			return 0;
		}
		if (next == 0) {
			r = bmap_new_zone(fs, &next);
			if (r == 0) {
				ptrs[i] = next;
				mfs_cache_dirty(b);
			}
		}
		mfs_cache_put(b);
		if (r < 0)
			return r;
		z = next;
	}
	*zone = z;
	return 0;
}

int mfs_bmap(struct mfs *fs, struct minixfs_inode *ip, uint64_t fblock, bool alloc, uint32_t *zone)
{
	unsigned slot, depth, missing;
	uint64_t index;
	int r = bmap_locate(fs, fblock, &slot, &depth, &index);
	if (r < 0)
		return r;
	r = bmap_walk(fs, &ip->i_zone[slot], depth, index, false, zone, &missing);
	if (r < 0 || !alloc || *zone != 0)
		return r;
	if (missing > fs->free_zones)
		return -ENOSPC;
	return bmap_walk(fs, &ip->i_zone[slot], depth, index, true, zone, &missing);
}
