/*
 * cli/fsck.c - `kip fsck`: check a MINIX v3 image without changing it.
 *
 *   kip fsck IMG [--verbose]
 *
 * Entry point: cli_fsck.  Opens IMG read-only and runs the checker
 * (cli/minixfs_check.c): any block size from 1024 to 4096, any link count,
 * which are where util-linux fsck.minix cannot judge.  Each problem is one
 * line on stdout, then a summary line.
 *
 * Exit status, as fsck(8): 0 clean, 4 problems found (left alone),
 * 8 cannot check (not a MINIX v3 image, a superblock that cannot be
 * trusted, unreadable), 16 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/minixfs_check.h"

enum {
	FSCK_CLEAN = 0,
	FSCK_PROBLEMS = 4,
	FSCK_CANNOT = 8,
	FSCK_USAGE = 16,
};

#define FSCK_MAX_LINES 1000 /* problem lines printed; the count stays exact */

static void fsck_help(void)
{
	printf("usage: kip fsck IMG [--verbose]\n\n"
	       "Check the MINIX v3 file system image IMG without changing it: the\n"
	       "superblock, both bitmaps, every inode reachable from the root, its zones\n"
	       "and link count, every directory's entries.  One line per problem.\n\n"
	       "  --verbose   also list every inode reached: number, mode, links, size,\n"
	       "              zones used, path\n\n"
	       "Exit status: 0 clean, 4 problems found, 8 cannot check, 16 usage error.\n");
}

/* Open IMG read-only and find its size.  fd, or -errno. */
static int open_image(const char *path, uint64_t *bytes)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		return -err;
	}
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	*bytes = (uint64_t)end;
	return fd;
}

static void summary(const char *image, const struct mfsck_stats *st)
{
	if (st->problems) {
		printf("kip fsck: %s: %llu problem%s found%s\n", image,
		       (unsigned long long)st->problems, st->problems == 1 ? "" : "s",
		       st->problems > FSCK_MAX_LINES ? " (the first 1000 listed)" : "");
		return;
	}
	printf("kip fsck: %s: clean: %u of %u inodes and %llu of %u data zones in use"
	       " (%u file%s, %u director%s, %u symbolic link%s, %u other%s; %u-byte blocks)\n",
	       image, st->inodes_used, st->ninodes, (unsigned long long)st->zones_used,
	       st->data_zones, st->files, st->files == 1 ? "" : "s", st->dirs,
	       st->dirs == 1 ? "y" : "ies", st->symlinks, st->symlinks == 1 ? "" : "s", st->others,
	       st->others == 1 ? "" : "s", st->block_size);
}

int cli_fsck(int argc, char **argv)
{
	const char *image = NULL;
	bool verbose = false;
	struct mfsck_stats st;
	char why[512] = "";
	uint64_t bytes = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fsck_help();
			return FSCK_CLEAN;
		} else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "kip fsck: unknown option %s (--help)\n", argv[i]);
			return FSCK_USAGE;
		} else if (image) {
			fprintf(stderr, "kip fsck: one image at a time\n");
			return FSCK_USAGE;
		} else {
			image = argv[i];
		}
	}
	if (!image) {
		fprintf(stderr, "kip fsck: which image? (kip fsck IMG [--verbose])\n");
		return FSCK_USAGE;
	}
	int fd = open_image(image, &bytes);
	if (fd < 0) {
		fprintf(stderr, "kip fsck: %s: %s\n", image, strerror(-fd));
		return FSCK_CANNOT;
	}
	int rc = mfsck_check(fd, bytes, stdout, verbose, FSCK_MAX_LINES, &st, why, sizeof(why));
	close(fd);
	fflush(stdout);
	if (rc < 0) {
		fprintf(stderr, "kip fsck: %s: cannot check: %s\n", image, why);
		return FSCK_CANNOT;
	}
	summary(image, &st);
	return st.problems ? FSCK_PROBLEMS : FSCK_CLEAN;
}
