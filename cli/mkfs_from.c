/*
 * cli/mkfs_from.c - kip mkfs --from: copying a host tree into a new image.
 *
 * Entry points (cli/mkfs_from.h): mkfs_root_empty, mkfs_root_from,
 * mkfs_failed.  The tree is walked depth-first with openat() from the
 * directory above, entries in name order (the same tree gives the same
 * image); each object gets an inode with its host mode, owner and times.
 * A host file with several links becomes one inode named by that many
 * entries.  Failures record the host path and return a negative errno.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/mkfs_from.h"

/* ---- failures and paths ---- */

int mkfs_failed(struct mkfs_import *im, int err, const char *why)
{
	if (!im->err_path[0]) {
		snprintf(im->err_path, sizeof(im->err_path), "%s", im->path);
		im->why = why;
	}
	return err;
}

/* Append "/name" to im->path; returns the length to restore. */
static size_t path_push(struct mkfs_import *im, const char *name)
{
	size_t old = strlen(im->path);
	snprintf(im->path + old, sizeof(im->path) - old, "/%s", name);
	return old;
}

static void path_pop(struct mkfs_import *im, size_t old)
{
	im->path[old] = '\0';
}

/* ---- inodes from host metadata ---- */

/* A host time as MINIX's unsigned 32-bit seconds (1970..2106). */
static uint32_t clamp_time(time_t t)
{
	if (t < 0)
		return 0;
	if ((uint64_t)t > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)t;
}

/* Allocate an inode with st's type, permissions, owner and times.
 * -EOVERFLOW if the owner does not fit 16 bits. */
static int new_inode(struct mkfs_import *im, const struct stat *st, uint32_t *ino)
{
	if (st->st_uid > MINIXFS_ID_MAX || st->st_gid > MINIXFS_ID_MAX)
		return -EOVERFLOW;
	int rc = mfsw_alloc_inode(im->w, ino);
	if (rc < 0)
		return rc;
	struct minixfs_inode *ip = mfsw_inode(im->w, *ino);
	ip->i_mode = (uint16_t)(st->st_mode & (MINIXFS_S_IFMT | 07777));
	ip->i_uid = (uint16_t)st->st_uid;
	ip->i_gid = (uint16_t)st->st_gid;
	ip->i_atime = clamp_time(st->st_atime);
	ip->i_mtime = clamp_time(st->st_mtime);
	ip->i_ctime = clamp_time(st->st_ctime);
	ip->i_nlinks = 1;
	return 0;
}

/* ---- regular files ---- */

/* Read block `pos` of fd into im->block (zeros past the end).  0 or -errno. */
static int read_block(struct mkfs_import *im, int fd, off_t pos)
{
	size_t bs = im->w->g.block_size, got = 0;
	while (got < bs) {
		ssize_t n = pread(fd, im->block + got, bs - got, pos + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	memset(im->block + got, 0, bs - got);
	return 0;
}

/* Does a block hold only zeros (and so can be a hole)? */
static int block_is_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Copy `size` bytes of fd into inode `ino`.  Host holes (SEEK_DATA) are
 * skipped and all-zero blocks are not stored: both read back as zeros. */
static int copy_data(struct mkfs_import *im, int fd, uint32_t ino, off_t size)
{
	off_t bs = im->w->g.block_size, off = 0;
	while (off < size) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;
		if (data < 0 && errno == ENXIO)
			break; /* only a hole is left */
		if (data < 0) {
			data = off; /* no SEEK_DATA here: read everything */
			hole = size;
		} else {
			data -= data % bs;
			hole = lseek(fd, data, SEEK_HOLE);
			if (hole < 0)
				hole = size;
		}
		for (off = data; off < hole && off < size; off += bs) {
			int rc = read_block(im, fd, off);
			if (rc == 0 && block_is_zero(im->block, (size_t)bs))
				continue;
			if (rc == 0)
				rc = mfsw_write_block(im->w, ino, (uint64_t)(off / bs), im->block);
			if (rc < 0)
				return rc;
		}
	}
	mfsw_inode(im->w, ino)->i_size = (uint32_t)size;
	return 0;
}

/* The inode an earlier link to this host file became, or 0. */
static struct mkfs_hardlink *find_link(struct mkfs_import *im, const struct stat *st)
{
	for (size_t i = 0; i < im->nlinks; i++)
		if (im->links[i].dev == st->st_dev && im->links[i].ino == st->st_ino)
			return &im->links[i];
	return NULL;
}

/* Note that host file st became inode mino, for its other links.  -ENOMEM. */
static int remember_link(struct mkfs_import *im, const struct stat *st, uint32_t mino)
{
	if (im->nlinks == im->caplinks) {
		size_t cap = im->caplinks ? im->caplinks * 2 : 16;
		struct mkfs_hardlink *l = realloc(im->links, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		im->links = l;
		im->caplinks = cap;
	}
	im->links[im->nlinks++] = (struct mkfs_hardlink){st->st_dev, st->st_ino, mino};
	return 0;
}

/* Copy regular file `name` in (or add a link to the inode an earlier link
 * of it became); *ino is its inode. */
static int import_file(struct mkfs_import *im, int dirfd, const char *name, const struct stat *st,
		       uint32_t *ino)
{
	struct mkfs_hardlink *l = st->st_nlink > 1 ? find_link(im, st) : NULL;
	if (l) {
		struct minixfs_inode *ip = mfsw_inode(im->w, l->mino);
		if (ip->i_nlinks >= MINIXFS_LINK_MAX)
			return -EMLINK;
		ip->i_nlinks++;
		*ino = l->mino;
		return 0;
	}
	if (st->st_size > (off_t)MINIXFS_MAX_SIZE)
		return -EFBIG;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = new_inode(im, st, ino);
	if (rc == 0)
		rc = copy_data(im, fd, *ino, st->st_size);
	if (rc == 0 && st->st_nlink > 1)
		rc = remember_link(im, st, *ino);
	close(fd);
	return rc;
}

/* ---- symbolic links ---- */

/* Copy symbolic link `name` in: its target in one zone. */
static int import_symlink(struct mkfs_import *im, int dirfd, const char *name,
			  const struct stat *st, uint32_t *ino)
{
	size_t bs = im->w->g.block_size;
	memset(im->block, 0, bs);
	ssize_t len = readlinkat(dirfd, name, (char *)im->block, bs);
	if (len < 0)
		return -errno;
	if ((size_t)len >= bs)
		return mkfs_failed(im, -ENAMETOOLONG,
				   "symbolic link target longer than a block - 1");
	int rc = new_inode(im, st, ino);
	if (rc == 0)
		rc = mfsw_write_block(im->w, *ino, 0, im->block);
	if (rc == 0)
		mfsw_inode(im->w, *ino)->i_size = (uint32_t)len;
	return rc;
}

/* ---- directories ---- */

static int import_dir(struct mkfs_import *im, int dirfd, uint32_t ino, uint32_t parent);

/* Copy directory `name` and the tree below it in. */
static int import_subdir(struct mkfs_import *im, int dirfd, const char *name, const struct stat *st,
			 uint32_t parent, uint32_t *ino)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = new_inode(im, st, ino);
	if (rc == 0)
		rc = import_dir(im, fd, *ino, parent);
	close(fd);
	return rc;
}

/* Copy one directory entry's object in; *ino = 0 if it was skipped. */
static int import_entry(struct mkfs_import *im, int dirfd, const char *name, uint32_t parent,
			uint32_t *ino)
{
	struct stat st;
	*ino = 0;
	if (strlen(name) > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return import_subdir(im, dirfd, name, &st, parent, ino);
	case S_IFREG:
		return import_file(im, dirfd, name, &st, ino);
	case S_IFLNK:
		return import_symlink(im, dirfd, name, &st, ino);
	}
	fprintf(stderr, "kip mkfs: skipping %s: not a file, directory or symbolic link\n",
		im->path);
	im->skipped++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory dirfd but "." and "..", sorted (so that images
 * are reproducible); none if dirfd < 0.  Free them with free_names(). */
static int read_names(int dirfd, char ***names, size_t *n)
{
	int fd = dirfd < 0 ? -1 : dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	size_t cap = 0;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (dirfd < 0)
		return 0; /* an empty directory of our own */
	if (!d) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	rewinddir(d);
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **p = realloc(*names, cap * sizeof(*p));
			if (!p) {
				rc = -ENOMEM;
				break;
			}
			*names = p;
		}
		if (!((*names)[*n] = strdup(e->d_name))) {
			rc = -ENOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return rc;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Fill directory inode `ino` (already allocated, parent `parent`) with the
 * tree under host directory dirfd (dirfd < 0: just "." and ".."). */
static int import_dir(struct mkfs_import *im, int dirfd, uint32_t ino, uint32_t parent)
{
	struct mfsw_dir dir;
	char **names;
	size_t n, subdirs = 0;
	int rc = read_names(dirfd, &names, &n);

	mfsw_dir_init(&dir, ino);
	if (rc == 0)
		rc = mfsw_dir_add(&dir, ".", ino);
	if (rc == 0)
		rc = mfsw_dir_add(&dir, "..", parent);
	if (rc < 0)
		rc = mkfs_failed(im, rc, NULL);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		uint32_t child;
		size_t old = path_push(im, names[i]);
		rc = import_entry(im, dirfd, names[i], ino, &child);
		if (rc == 0 && child)
			rc = mfsw_dir_add(&dir, names[i], child);
		if (rc == 0 && child &&
		    minixfs_type(mfsw_inode(im->w, child)->i_mode) == MINIXFS_S_IFDIR)
			subdirs++;
		if (rc < 0)
			rc = mkfs_failed(im, rc, NULL);
		path_pop(im, old);
	}
	if (rc == 0 && subdirs + 2 > MINIXFS_LINK_MAX)
		rc = mkfs_failed(im, -EMLINK, "more than 32765 subdirectories (MINIX LINK_MAX)");
	if (rc == 0) {
		mfsw_inode(im->w, ino)->i_nlinks = (uint16_t)(subdirs + 2);
		rc = mfsw_dir_write(im->w, &dir);
		if (rc < 0)
			rc = mkfs_failed(im, rc, NULL);
	}
	mfsw_dir_free(&dir);
	free_names(names, n);
	return rc;
}

/* ---- the root directory ---- */

int mkfs_root_empty(struct mkfs_import *im)
{
	struct stat st = {0};
	st.st_mode = S_IFDIR | 0755;
	st.st_uid = getuid() <= MINIXFS_ID_MAX ? getuid() : 0;
	st.st_gid = getgid() <= MINIXFS_ID_MAX ? getgid() : 0;
	st.st_atime = st.st_mtime = st.st_ctime = time(NULL);
	uint32_t ino;
	int rc = new_inode(im, &st, &ino);
	if (rc == 0)
		rc = import_dir(im, -1, ino, ino);
	return rc;
}

int mkfs_root_from(struct mkfs_import *im, const char *from)
{
	struct stat st;
	uint32_t ino;
	int rc, fd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	snprintf(im->path, sizeof(im->path), "%s", from);
	if (fd < 0)
		return mkfs_failed(im, -errno, NULL);
	rc = fstat(fd, &st) < 0 ? -errno : new_inode(im, &st, &ino);
	if (rc == 0)
		rc = import_dir(im, fd, ino, ino);
	close(fd);
	return rc < 0 ? mkfs_failed(im, rc, NULL) : 0;
}
