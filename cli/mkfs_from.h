/*
 * cli/mkfs_from.h - filling a new MINIX v3 image's tree, for kip mkfs.
 *
 * cli/mkfs.c lays out the image (cli/minixfs_write.h); these make its root
 * directory, empty or copied from a host directory tree.  Each returns 0 or
 * a negative errno, with im->err_path and im->why saying where and why
 * (why NULL: the errno says it; cli/mkfs.c turns it into a message).
 */
#ifndef KIP_CLI_MKFS_FROM_H
#define KIP_CLI_MKFS_FROM_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/minixfs_write.h"

/* A host file with several links, and the inode it became. */
struct mkfs_hardlink {
	dev_t dev;
	ino_t ino;
	uint32_t mino;
};

/* Copying a host tree in. */
struct mkfs_import {
	struct mfsw *w;
	uint8_t *block;		     /* one block of file data */
	struct mkfs_hardlink *links; /* host files with st_nlink > 1 */
	size_t nlinks, caplinks;
	unsigned skipped;	 /* objects of unsupported types */
	char path[PATH_MAX];	 /* the host object being copied */
	char err_path[PATH_MAX]; /* where the first failure happened */
	const char *why;	 /* its explanation; NULL: from the errno */
};

/* The root of an empty image: mode 0755, owned by the caller. */
int mkfs_root_empty(struct mkfs_import *im);

/* The root copied from host directory `from`, with the whole tree below it:
 * directories, regular files (all-zero blocks become holes), symbolic and
 * hard links; other file types are skipped with a warning.  im->w must be
 * open and im->block hold one block. */
int mkfs_root_from(struct mkfs_import *im, const char *from);

/* Record the first failure (where im->path points) and pass `err` on. */
int mkfs_failed(struct mkfs_import *im, int err, const char *why);

#endif
