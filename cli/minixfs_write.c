/*
 * cli/minixfs_write.c - writing a MINIX v3 image from the host.
 *
 * Entry points (contracts in cli/minixfs_write.h):
 *   mfsw_geometry, mfsw_default_inodes   where things go
 *   mfsw_open, mfsw_close, mfsw_finish   an image being written
 *   mfsw_alloc_inode, mfsw_inode, mfsw_alloc_zone
 *   mfsw_write_block                     file data, through indirect blocks
 *   mfsw_dir_init/add/write/free         directory contents
 *
 * The layout follows util-linux mkfs.minix -3 exactly for 1 KiB blocks (the
 * same inode count, bitmap sizes, first data zone and bitmap contents), so
 * fsck.minix can judge what kip writes; kip/minixfs.h describes the format.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/minixfs_write.h"
#include "sim/hostio.h"

/* ---- host I/O ---- */

/* Does p hold only zeros? */
static int all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- geometry ---- */

uint64_t mfsw_default_inodes(uint64_t blocks)
{
	/* util-linux 2.38: one inode per 3 blocks, per 8 above 512 Ki blocks,
	 * per 16 above 2 Mi blocks. */
	if (blocks > 2048 * 1024)
		return blocks / 16;
	if (blocks > 512 * 1024)
		return blocks / 8;
	return blocks / 3;
}

/* Fill g for `zones` blocks and `inodes` inodes (rounded up to a whole inode
 * block).  -ERANGE if the first data zone would not fit 16 bits, -EFBIG for
 * other overflowing fields, -ENOSPC if there is no room for a data zone. */
static int layout(struct mfsw_geometry *g, uint64_t zones, uint32_t bs, uint64_t inodes)
{
	uint64_t ipb = minixfs_inodes_per_block(bs);
	inodes = (inodes + ipb - 1) / ipb * ipb;
	if (inodes == 0)
		inodes = ipb;
	if (inodes > UINT32_MAX)
		return -EFBIG;
	uint64_t imap = minixfs_imap_blocks(inodes, bs);
	uint64_t itable = minixfs_itable_blocks(inodes, bs);
	uint64_t zmap = minixfs_zmap_blocks(zones, imap, itable, bs);
	if (zmap == 0)
		return -ENOSPC;
	uint64_t first = minixfs_first_data_zone(imap, zmap, itable);
	if (imap > UINT16_MAX || zmap > UINT16_MAX)
		return -EFBIG;
	if (first > UINT16_MAX)
		return -ERANGE;
	if (first >= zones)
		return -ENOSPC;
	*g = (struct mfsw_geometry){
		.block_size = bs,
		.zones = (uint32_t)zones,
		.inodes = (uint32_t)inodes,
		.imap_blocks = (uint32_t)imap,
		.zmap_blocks = (uint32_t)zmap,
		.itable_blocks = (uint32_t)itable,
		.first_data_zone = (uint32_t)first,
	};
	return 0;
}

int mfsw_geometry(struct mfsw_geometry *g, uint64_t bytes, uint32_t block_size, uint64_t inodes)
{
	if (block_size != 1024 && block_size != 2048 && block_size != 4096)
		return -EINVAL;
	uint64_t zones = bytes / block_size;
	if (zones > UINT32_MAX)
		return -EFBIG;
	if (inodes) {
		int rc = layout(g, zones, block_size, inodes);
		return rc == -ERANGE ? -EFBIG : rc;
	}
	/* The default: as many as mkfs.minix would give, but no more than
	 * leave the first data zone within its 16-bit field. */
	uint64_t ipb = minixfs_inodes_per_block(block_size);
	for (inodes = mfsw_default_inodes(zones);;) {
		int rc = layout(g, zones, block_size, inodes);
		if (rc != -ERANGE)
			return rc;
		if (inodes <= ipb)
			return -EFBIG; /* the bitmaps alone reach past zone 65535 */
		uint64_t cut = inodes / 8 + ipb;
		inodes = cut < inodes ? inodes - cut : ipb;
	}
}

/* ---- opening and closing ---- */

/* The superblock for geometry g, as mkfs.minix -3 fills it (plus MINIX's
 * CLEAN flag). */
static void init_super(struct minixfs_super *sb, const struct mfsw_geometry *g)
{
	memset(sb, 0, sizeof(*sb));
	sb->s_ninodes = g->inodes;
	sb->s_imap_blocks = (uint16_t)g->imap_blocks;
	sb->s_zmap_blocks = (uint16_t)g->zmap_blocks;
	sb->s_firstdatazone = (uint16_t)g->first_data_zone;
	sb->s_log_zone_size = 0;
	sb->s_flags = MINIXFS_FLAG_CLEAN;
	sb->s_max_size = MINIXFS_MAX_SIZE;
	sb->s_zones = g->zones;
	sb->s_magic = MINIXFS_MAGIC_V3;
	sb->s_blocksize = (uint16_t)g->block_size;
	sb->s_disk_version = 0;
}

/* Set bit 0 and every bit from `last + 1` to the end of the map, as
 * util-linux does: those bits stand for nothing and must never be handed
 * out. */
static void init_map(uint8_t *map, uint64_t map_bits, uint64_t last)
{
	minixfs_bit_set(map, 0);
	for (uint64_t b = last + 1; b < map_bits; b++)
		minixfs_bit_set(map, b);
}

int mfsw_open(struct mfsw *w, int fd, const struct mfsw_geometry *g)
{
	uint32_t bs = g->block_size;
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->g = *g;
	init_super(&w->sb, g);
	w->imap = calloc(g->imap_blocks, bs);
	w->zmap = calloc(g->zmap_blocks, bs);
	w->itable = calloc(g->itable_blocks, bs);
	for (int d = 1; d <= 3; d++)
		w->ind[d].ptrs = calloc(1, bs);
	if (!w->imap || !w->zmap || !w->itable || !w->ind[1].ptrs || !w->ind[2].ptrs ||
	    !w->ind[3].ptrs) {
		mfsw_close(w);
		return -ENOMEM;
	}
	init_map(w->imap, (uint64_t)g->imap_blocks * minixfs_bits_per_block(bs), g->inodes);
	init_map(w->zmap, (uint64_t)g->zmap_blocks * minixfs_bits_per_block(bs),
		 minixfs_zone_bit(g->first_data_zone, g->zones - 1));
	w->next_ino = 1;
	w->next_zone = g->first_data_zone;
	return 0;
}

void mfsw_close(struct mfsw *w)
{
	free(w->imap);
	free(w->zmap);
	free(w->itable);
	w->imap = w->zmap = NULL;
	w->itable = NULL;
	for (int d = 1; d <= 3; d++) {
		free(w->ind[d].ptrs);
		w->ind[d].ptrs = NULL;
	}
}

/* ---- allocation ---- */

int mfsw_alloc_inode(struct mfsw *w, uint32_t *ino)
{
	for (uint64_t i = w->next_ino; i <= w->g.inodes; i++) {
		if (minixfs_bit_test(w->imap, i))
			continue;
		minixfs_bit_set(w->imap, i);
		w->next_ino = (uint32_t)i + 1;
		w->inodes_used++;
		*ino = (uint32_t)i;
		memset(mfsw_inode(w, *ino), 0, sizeof(struct minixfs_inode));
		return 0;
	}
	return -ENFILE;
}

struct minixfs_inode *mfsw_inode(struct mfsw *w, uint32_t ino)
{
	return &w->itable[ino - 1];
}

int mfsw_alloc_zone(struct mfsw *w, uint32_t *zone)
{
	for (uint64_t z = w->next_zone; z < w->g.zones; z++) {
		uint64_t bit = minixfs_zone_bit(w->g.first_data_zone, (uint32_t)z);
		if (minixfs_bit_test(w->zmap, bit))
			continue;
		minixfs_bit_set(w->zmap, bit);
		w->next_zone = (uint32_t)z + 1;
		w->zones_used++;
		*zone = (uint32_t)z;
		return 0;
	}
	return -ENOSPC;
}

/* ---- indirect blocks ---- */

/* Write the cached indirect block at `depth` if it changed.  0 or -errno. */
static int ind_flush(struct mfsw *w, int depth)
{
	struct mfsw_ind *c = &w->ind[depth];
	if (!c->zone || !c->dirty)
		return 0;
	c->dirty = 0;
	return hostio_pwrite_all(w->fd, c->ptrs, w->g.block_size,
				 (uint64_t)c->zone * w->g.block_size);
}

/* Make the cache at `depth` hold indirect block `zone`; `fresh` when the
 * zone was just allocated (its contents are zeros, not worth a read). */
static int ind_load(struct mfsw *w, int depth, uint32_t zone, int fresh)
{
	struct mfsw_ind *c = &w->ind[depth];
	if (c->zone == zone)
		return 0;
	int rc = ind_flush(w, depth);
	if (rc < 0)
		return rc;
	c->zone = 0;
	if (fresh)
		memset(c->ptrs, 0, w->g.block_size);
	else if ((rc = hostio_pread_or_zero(w->fd, c->ptrs, w->g.block_size,
					    (uint64_t)zone * w->g.block_size)) < 0)
		return rc;
	c->zone = zone;
	c->dirty = fresh;
	return 0;
}

/* Point block `index` of inode `ip` at `zone`, allocating the indirect
 * blocks on the way.  -EFBIG past triple indirection. */
static int map_block(struct mfsw *w, struct minixfs_inode *ip, uint64_t index, uint32_t zone)
{
	uint64_t p = minixfs_ptrs_per_block(w->g.block_size), span = 1;
	int depth;

	if (index < MINIXFS_NR_DZONES) {
		ip->i_zone[index] = zone;
		return 0;
	}
	index -= MINIXFS_NR_DZONES;
	for (depth = 1; depth <= 3; depth++) {
		span *= p; /* blocks zone[IND + depth - 1] covers */
		if (index < span)
			break;
		index -= span;
	}
	if (depth > 3)
		return -EFBIG;

	uint32_t *slot = &ip->i_zone[MINIXFS_IND + depth - 1];
	int *slot_dirty = NULL; /* the inode itself is written at the end */
	for (int d = depth; d >= 1; d--) {
		int fresh = 0, rc;
		if (*slot == 0) {
			if ((rc = mfsw_alloc_zone(w, slot)) < 0)
				return rc;
			fresh = 1;
			if (slot_dirty)
				*slot_dirty = 1;
		}
		if ((rc = ind_load(w, d, *slot, fresh)) < 0)
			return rc;
		span /= p; /* blocks each entry of this block covers */
		slot = &w->ind[d].ptrs[index / span];
		slot_dirty = &w->ind[d].dirty;
		index %= span;
	}
	*slot = zone;
	*slot_dirty = 1;
	return 0;
}

int mfsw_write_block(struct mfsw *w, uint32_t ino, uint64_t index, const void *data)
{
	uint32_t zone;
	if (index >= minixfs_max_file_blocks(w->g.block_size))
		return -EFBIG;
	int rc = mfsw_alloc_zone(w, &zone);
	if (rc < 0)
		return rc;
	rc = hostio_pwrite_all(w->fd, data, w->g.block_size, (uint64_t)zone * w->g.block_size);
	if (rc < 0)
		return rc;
	return map_block(w, mfsw_inode(w, ino), index, zone);
}

/* ---- directories ---- */

void mfsw_dir_init(struct mfsw_dir *d, uint32_t ino)
{
	memset(d, 0, sizeof(*d));
	d->ino = ino;
}

int mfsw_dir_add(struct mfsw_dir *d, const char *name, uint32_t ino)
{
	size_t len = strlen(name);
	if (len == 0 || strchr(name, '/'))
		return -EINVAL;
	if (len > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct minixfs_dirent *e = realloc(d->ents, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		d->ents = e;
		d->cap = cap;
	}
	struct minixfs_dirent *e = &d->ents[d->n++];
	memset(e, 0, sizeof(*e));
	e->d_ino = ino;
	memcpy(e->d_name, name, len);
	return 0;
}

int mfsw_dir_write(struct mfsw *w, struct mfsw_dir *d)
{
	uint32_t bs = w->g.block_size;
	uint64_t bytes = (uint64_t)d->n * MINIXFS_DIRENT_SIZE;
	uint8_t *block = malloc(bs);
	int rc = 0;

	if (!block)
		return -ENOMEM;
	if (bytes > MINIXFS_MAX_SIZE)
		rc = -EFBIG;
	for (uint64_t off = 0; rc == 0 && off < bytes; off += bs) {
		size_t chunk = bytes - off < bs ? (size_t)(bytes - off) : bs;
		memset(block, 0, bs);
		memcpy(block, (const uint8_t *)d->ents + off, chunk);
		rc = mfsw_write_block(w, d->ino, off / bs, block);
	}
	if (rc == 0)
		mfsw_inode(w, d->ino)->i_size = (uint32_t)bytes;
	free(block);
	return rc;
}

void mfsw_dir_free(struct mfsw_dir *d)
{
	free(d->ents);
	d->ents = NULL;
	d->n = d->cap = 0;
}

/* ---- finishing ---- */

/* Write the blocks of `buf` (an area of `nblocks` blocks starting at block
 * `start`) that are not all zeros: the image reads zeros elsewhere. */
static int write_area(struct mfsw *w, uint64_t start, const void *buf, uint64_t nblocks)
{
	uint32_t bs = w->g.block_size;
	for (uint64_t i = 0; i < nblocks; i++) {
		const uint8_t *b = (const uint8_t *)buf + i * bs;
		if (all_zero(b, bs))
			continue;
		int rc = hostio_pwrite_all(w->fd, b, bs, (start + i) * bs);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int mfsw_finish(struct mfsw *w)
{
	uint8_t super[1024] = {0};
	uint64_t imap_start = MINIXFS_START_BLOCK;
	uint64_t zmap_start = imap_start + w->g.imap_blocks;
	uint64_t itable_start = zmap_start + w->g.zmap_blocks;
	int rc;

	for (int d = 1; d <= 3; d++)
		if ((rc = ind_flush(w, d)) < 0)
			return rc;
	memcpy(super, &w->sb, MINIXFS_SUPER_BYTES);
	if ((rc = hostio_pwrite_all(w->fd, super, sizeof(super), MINIXFS_SUPER_OFFSET)) < 0)
		return rc;
	if ((rc = write_area(w, imap_start, w->imap, w->g.imap_blocks)) < 0)
		return rc;
	if ((rc = write_area(w, zmap_start, w->zmap, w->g.zmap_blocks)) < 0)
		return rc;
	return write_area(w, itable_start, w->itable, w->g.itable_blocks);
}
