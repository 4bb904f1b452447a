/*
 * cli/minixfs_write.h - writing a MINIX v3 image from the host (kip mkfs).
 *
 * The image file is sparse: only metadata and data blocks are written.  The
 * bitmaps and the inode table live in memory until mfsw_finish() writes
 * them.  Typical use:
 *
 *   struct mfsw_geometry g;
 *   mfsw_geometry(&g, bytes, 1024, 0);        // layout; 0 = default inodes
 *   struct mfsw w;
 *   mfsw_open(&w, fd, &g);                    // fd: a zero-filled file
 *   mfsw_alloc_inode(&w, &ino);  ... mfsw_write_block(&w, ino, index, data) ...
 *   mfsw_dir_add(&dir, "name", ino); mfsw_dir_write(&w, &dir);
 *   mfsw_finish(&w);  mfsw_close(&w);
 *
 * Every function returns 0 or a negative errno.  Besides the host's own
 * errors: -ENOSPC no free zone, -ENFILE no free inode, -EFBIG file too big
 * for the format, -ENAMETOOLONG name over 60 bytes, -EMLINK too many links,
 * -EINVAL a geometry that cannot be.
 */
#ifndef KIP_CLI_MINIXFS_WRITE_H
#define KIP_CLI_MINIXFS_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "kip/minixfs.h"

/* Where everything goes in an image. */
struct mfsw_geometry {
	uint32_t block_size;
	uint32_t zones; /* blocks in the image */
	uint32_t inodes;
	uint32_t imap_blocks;
	uint32_t zmap_blocks;
	uint32_t itable_blocks;
	uint32_t first_data_zone;
};

/* One cached indirect block per depth (1: points at data ... 3: triple). */
struct mfsw_ind {
	uint32_t zone; /* 0: empty */
	int dirty;
	uint32_t *ptrs;
};

/* An image being written. */
struct mfsw {
	int fd;
	struct mfsw_geometry g;
	struct minixfs_super sb;
	uint8_t *imap;			  /* imap_blocks * block_size bytes */
	uint8_t *zmap;			  /* zmap_blocks * block_size bytes */
	struct minixfs_inode *itable;	  /* inodes 1..n at itable[0..n-1] */
	uint32_t next_ino, next_zone;	  /* allocation hints */
	uint32_t zones_used, inodes_used; /* counting the reserved bits too */
	struct mfsw_ind ind[4];		  /* [1..3] used */
};

/* Directory contents being built in memory. */
struct mfsw_dir {
	uint32_t ino;
	struct minixfs_dirent *ents;
	size_t n, cap;
};

/*
 * Lay out an image of `bytes` (rounded down to whole blocks) with blocks of
 * `block_size` and `inodes` inodes (0: util-linux mkfs.minix's default for
 * that many blocks), rounded up to fill the last inode block.  -EINVAL if the
 * block size is not 1024, 2048 or 4096; -EFBIG if a field would overflow;
 * -ENOSPC if the image leaves no data zone for the root directory.
 */
int mfsw_geometry(struct mfsw_geometry *g, uint64_t bytes, uint32_t block_size, uint64_t inodes);

/* The inode count mkfs.minix picks for `blocks` blocks (before rounding). */
uint64_t mfsw_default_inodes(uint64_t blocks);

/* Start writing the image `g` describes on `fd`, a file that reads as zeros
 * at least g->zones blocks long.  Nothing is written until mfsw_finish(). */
int mfsw_open(struct mfsw *w, int fd, const struct mfsw_geometry *g);

/* Free what mfsw_open() allocated (the fd stays open).  Safe twice. */
void mfsw_close(struct mfsw *w);

/* Allocate the lowest free inode (zeroed) and mark it used.  -ENFILE if none. */
int mfsw_alloc_inode(struct mfsw *w, uint32_t *ino);

/* The in-memory inode `ino` (1..inodes). */
struct minixfs_inode *mfsw_inode(struct mfsw *w, uint32_t ino);

/* Allocate the lowest free data zone and mark it used.  -ENOSPC if none. */
int mfsw_alloc_zone(struct mfsw *w, uint32_t *zone);

/*
 * Write one block of data as block `index` of inode `ino`: allocate a zone,
 * write `data` (block_size bytes) there and map it, allocating indirect
 * blocks as needed.  Blocks must be written in increasing index order per
 * file (the indirect-block cache relies on it); skipped indices stay holes.
 * -EFBIG if index is past what triple indirection can map.
 */
int mfsw_write_block(struct mfsw *w, uint32_t ino, uint64_t index, const void *data);

/* Start an empty directory for inode `ino`. */
void mfsw_dir_init(struct mfsw_dir *d, uint32_t ino);

/* Append an entry.  -ENAMETOOLONG over 60 bytes, -EINVAL for an empty name
 * or one with '/', -ENOMEM. */
int mfsw_dir_add(struct mfsw_dir *d, const char *name, uint32_t ino);

/* Write the entries as the directory inode's data and set its size. */
int mfsw_dir_write(struct mfsw *w, struct mfsw_dir *d);

void mfsw_dir_free(struct mfsw_dir *d);

/* Flush the indirect-block cache, then write the superblock, both bitmaps
 * and the inode table (only their blocks that are not all zeros). */
int mfsw_finish(struct mfsw *w);

#endif
