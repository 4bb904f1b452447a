/*
 * cli/minixfs_check.h - checking a MINIX v3 image without changing it.
 *
 * mfsck_check() is what `kip fsck` (cli/fsck.c) runs.  It reads the image
 * through a descriptor (it never writes), prints each problem as one line
 * "kip fsck: inode 12 (/a/b): link count 1, but 2 entries name it" and
 * counts them.  Two files implement it:
 *
 *   cli/minixfs_check.c       the superblock, loading the tables, the
 *                             bitmaps against what is used, link counts
 *   cli/minixfs_check_walk.c  the walk from the root: directories, their
 *                             entries, each inode's tree of zones
 *
 * The struct mfsck below is their shared state; nothing else uses it.
 * Everything read from the image is validated before it is used as a size,
 * an index or an offset, so any garbage is a problem report, never a crash.
 */
#ifndef KIP_CLI_MINIXFS_CHECK_H
#define KIP_CLI_MINIXFS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kip/minixfs.h"

/* What the check found besides problems. */
struct mfsck_stats {
	uint64_t problems;
	uint32_t block_size, ninodes, data_zones;
	uint32_t inodes_used; /* reached from the root */
	uint64_t zones_used;  /* data and indirect zones reached */
	uint32_t files, dirs, symlinks, others;
};

/*
 * Check the image on `fd` (`bytes` long).  Problems go to `out`, one line
 * each (at most `max_lines` of them; the count in st->problems is exact);
 * `verbose` also lists every inode reached.  Returns 0 when the image was
 * checked (clean if st->problems == 0), or a negative errno when it cannot
 * be (not a MINIX v3 image, a superblock that cannot be trusted, an I/O
 * error, no memory), with the reason in `why`.
 */
int mfsck_check(int fd, uint64_t bytes, FILE *out, bool verbose, uint64_t max_lines,
		struct mfsck_stats *st, char *why, size_t whylen);

/* ---- shared by the two checker files ---- */

/* state[] bits per inode. */
enum {
	MFSCK_REACHED = 1, /* a directory entry names it */
	MFSCK_QUEUED = 2,  /* a directory waiting to be read */
};

struct mfsck {
	int fd;
	FILE *out;
	bool verbose;
	uint64_t max_lines, problems;
	struct minixfs_super sb;
	uint32_t bs, ppb, ninodes, zones, first; /* from the superblock */
	uint8_t *imap, *zmap;
	uint64_t imap_bits, zmap_bits;
	struct minixfs_inode *itable; /* inode i at itable[i - 1] */

	/* Per inode 0..ninodes. */
	uint8_t *state;
	uint32_t *links;   /* directory entries naming it */
	uint32_t *parent;  /* directory of the first entry naming it */
	uint32_t *name_at; /* that entry's name in names[] */
	uint32_t *nzones;  /* zones its tree uses */
	char *names;
	size_t names_len, names_cap;

	uint32_t *owner; /* per zone: the inode using it, 0 if none */
	uint32_t *queue; /* directories to read, in order reached */
	uint32_t qhead, qtail;
	uint32_t *ind[4];   /* one block per indirection depth 1..3 */
	uint8_t *dirblock;  /* the directory block being read */
	uint8_t *linkblock; /* a symbolic link's target block */
};

/* Report a problem (about inode `ino`, 0 for none): one line, if under the
 * limit; always counted. */
void mfsck_problem(struct mfsck *c, uint32_t ino, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write "/a/b" for a reached inode, "?" for one no entry names. */
void mfsck_path(const struct mfsck *c, uint32_t ino, char *buf, size_t len);

/* Read block `b` (< zones) into buf.  0, or -EIO after reporting it. */
int mfsck_read_block(struct mfsck *c, uint32_t ino, uint32_t b, void *buf);

/* Walk the tree from the root directory: reach every inode an entry names,
 * check each directory and each inode's zones.  Returns -ENOMEM or 0. */
int mfsck_walk(struct mfsck *c);

#endif
