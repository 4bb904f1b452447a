/*
 * cli/mkfs.c - `kip mkfs`: make a MINIX v3 image, empty or from a host folder.
 *
 *   kip mkfs IMG [--size SIZE] [--block-size 1024|2048|4096] [--inodes N]
 *                [--from HOSTDIR] [--force]
 *
 * Entry point: cli_mkfs.  The image is a sparse host file of SIZE bytes
 * (default 64M) laid out like util-linux `mkfs.minix -3` (cli/minixfs_write.c);
 * its tree is the root directory alone, or with --from a copy of a host
 * directory tree (cli/mkfs_from.c).
 *
 * Exit status: 0 made; 1 failed (the message says why, and a half-made image
 * is not left behind looking valid); 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/minixfs_write.h"
#include "cli/mkfs_from.h"

#define MKFS_DEFAULT_SIZE (64ull << 20)

struct mkfs_options {
	const char *image;
	const char *from;
	uint64_t size;
	uint64_t inodes; /* 0: default */
	uint32_t block_size;
	bool force;
};

static void mkfs_help(void)
{
	printf("usage: kip mkfs IMG [options]\n\n"
	       "Make a MINIX v3 file system image IMG (a sparse host file).\n\n"
	       "  --size SIZE         image size, e.g. 64M, 1G (default 64M)\n"
	       "  --block-size N      1024 (default), 2048 or 4096 bytes; fsck.minix\n"
	       "                      and Linux judge only 1024, MINIX 3 mounts only 4096\n"
	       "  --inodes N          number of inodes (default: one per 3 blocks, like\n"
	       "                      mkfs.minix; fewer on images over 512 Ki blocks)\n"
	       "  --from HOSTDIR      copy HOSTDIR's tree into the image: directories,\n"
	       "                      files, symbolic and hard links, with modes, owners\n"
	       "                      and times; other file types are skipped\n"
	       "  --force             overwrite IMG if it exists and is not empty\n\n"
	       "Exit status: 0 made, 1 failed, 2 usage error.\n");
}

/* ---- messages ---- */

/* What a negative errno from making the image means to the user. */
static const char *mkfs_strerror(int err)
{
	switch (-err) {
	case ENOSPC:
		return "the image is full (no free zone left): give a bigger --size";
	case ENFILE:
		return "the image has no free inode left: give more --inodes";
	case EFBIG:
		return "too big for MINIX v3 (files are at most 2147483647 bytes)";
	case ENAMETOOLONG:
		return "name longer than 60 bytes (the MINIX v3 limit)";
	case EOVERFLOW:
		return "uid or gid above 65535 (MINIX v3 stores 16 bits)";
	case EMLINK:
		return "more than 32767 links (MINIX LINK_MAX)";
	}
	return strerror(-err);
}

/* ---- the command ---- */

/* Fill o from the command line.  0, or -1 after a message (a usage error). */
static int parse_args(int argc, char **argv, struct mkfs_options *o)
{
	*o = (struct mkfs_options){.size = MKFS_DEFAULT_SIZE, .block_size = 1024};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		uint64_t v;
		bool has_value = i + 1 < argc;
		if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--size") && has_value) {
			if (cli_parse_size(argv[++i], &o->size) < 0 || o->size == 0)
				goto bad_value;
		} else if (!strcmp(a, "--block-size") && has_value) {
			if (cli_parse_size(argv[++i], &v) < 0 ||
			    (v != 1024 && v != 2048 && v != 4096))
				goto bad_value;
			o->block_size = (uint32_t)v;
		} else if (!strcmp(a, "--inodes") && has_value) {
			if (cli_parse_u64(argv[++i], &o->inodes) < 0 || o->inodes == 0 ||
			    o->inodes > UINT32_MAX)
				goto bad_value;
		} else if (!strcmp(a, "--from") && has_value) {
			o->from = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "kip mkfs: unknown option or missing value: %s\n", a);
			return -1;
		} else if (o->image) {
			fprintf(stderr, "kip mkfs: one image at a time ('%s' and '%s')\n", o->image,
				a);
			return -1;
		} else {
			o->image = a;
		}
		continue;
bad_value:
		fprintf(stderr, "kip mkfs: bad value '%s' for %s\n", argv[i], a);
		return -1;
	}
	if (!o->image) {
		fprintf(stderr, "kip mkfs: which image? (kip mkfs IMG [options]; --help)\n");
		return -1;
	}
	return 0;
}

/* Say why the geometry cannot be. */
static void geometry_error(const struct mkfs_options *o, int err)
{
	if (err == -ENOSPC)
		fprintf(stderr, "kip mkfs: %s: %llu bytes is too small for a MINIX v3 image%s\n",
			o->image, (unsigned long long)o->size,
			o->inodes ? " with that many inodes" : "");
	else
		fprintf(stderr,
			"kip mkfs: %s: too big: a MINIX v3 image with %u-byte blocks keeps its"
			" bitmaps and inode table in the first 65535 blocks (try a bigger"
			" --block-size or fewer --inodes)\n",
			o->image, o->block_size);
}

/* Create or empty the image file and give it its size.  Returns the fd, or
 * -1 after a message; *created says whether the file is new. */
static int open_image(const struct mkfs_options *o, const struct mfsw_geometry *g, bool *created)
{
	struct stat st;
	*created = stat(o->image, &st) < 0 && errno == ENOENT;
	if (!*created && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "kip mkfs: %s: not a regular file\n", o->image);
		return -1;
	}
	if (!*created && st.st_size > 0 && !o->force) {
		fprintf(stderr, "kip mkfs: %s: exists and is not empty (--force overwrites it)\n",
			o->image);
		return -1;
	}
	int fd = open(o->image, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)g->zones * g->block_size) < 0) {
		fprintf(stderr, "kip mkfs: %s: %s\n", o->image, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Write the whole image on fd.  0, or -errno after im->err_path/why say
 * where and why. */
static int build(const struct mkfs_options *o, const struct mfsw_geometry *g, int fd,
		 struct mkfs_import *im)
{
	int rc = mfsw_open(im->w, fd, g);
	if (rc < 0)
		return mkfs_failed(im, rc, NULL);
	im->block = malloc(g->block_size);
	if (!im->block)
		rc = mkfs_failed(im, -ENOMEM, NULL);
	if (rc == 0)
		rc = o->from ? mkfs_root_from(im, o->from) : mkfs_root_empty(im);
	if (rc == 0 && (rc = mfsw_finish(im->w)) < 0)
		rc = mkfs_failed(im, rc, NULL);
	if (rc == 0 && fsync(fd) < 0)
		rc = mkfs_failed(im, -errno, NULL);
	free(im->block);
	free(im->links);
	return rc;
}

int cli_mkfs(int argc, char **argv)
{
	struct mkfs_options o;
	struct mfsw_geometry g;
	struct mfsw w;
	struct mkfs_import im = {.w = &w};
	bool created;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			mkfs_help();
			return 0;
		}
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	int rc = mfsw_geometry(&g, o.size, o.block_size, o.inodes);
	if (rc < 0) {
		geometry_error(&o, rc);
		return 1;
	}
	int fd = open_image(&o, &g, &created);
	if (fd < 0)
		return 1;
	snprintf(im.path, sizeof(im.path), "%s", o.image);
	rc = build(&o, &g, fd, &im);
	if (rc < 0) {
		fprintf(stderr, "kip mkfs: %s: %s\n", im.err_path,
			im.why ? im.why : mkfs_strerror(rc));
		fprintf(stderr, "kip mkfs: %s: not made\n", o.image);
		if (created)
			unlink(o.image);
		else if (ftruncate(fd, 0) < 0)
			fprintf(stderr, "kip mkfs: %s: %s\n", o.image, strerror(errno));
	} else {
		printf("kip mkfs: %s: %u blocks of %u bytes, %u inodes, first data zone %u;"
		       " %u inodes and %u zones in use%s\n",
		       o.image, g.zones, g.block_size, g.inodes, g.first_data_zone, w.inodes_used,
		       w.zones_used, im.skipped ? " (some files skipped)" : "");
	}
	mfsw_close(&w);
	close(fd);
	return rc < 0 ? 1 : 0;
}
