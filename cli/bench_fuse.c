/*
 * cli/bench_fuse.c - `kip bench fuse`: the host's view of a kip mount,
 * against tmpfs in the same run.
 *
 * Makes a fresh image (kip mkfs), mounts it (kip mount: this very binary,
 * through /proc/self/exe, as a user would), and runs the same workload on
 * the mount and on a fresh folder in a tmpfs (default /dev/shm):
 *
 *   1. sequential write of a SIZE file (default 256 MiB) in 128 KiB
 *      write()s, then fsync and close, timed together (on kip the fsync is
 *      a whole sync: MFS's cache and the disk device's overlay reach the
 *      image); the fsync's share is shown too;
 *   2. sequential read of it in 128 KiB read()s after reopening it (a kip
 *      mount drops the host's page cache at open, so every byte comes
 *      through fused), checking a stamp in every block;
 *   3. FILES small files (default 10,000), 100 per directory: create
 *      (open O_CREAT|O_EXCL + close) all, stat all, unlink all.
 *
 * Then kip umount (which waits for the sync and the shutdown) and kip fsck
 * of the image, whose verdict is part of the report.  Figures are host
 * wall-clock time (CLOCK_MONOTONIC), MB = 10^6 bytes; "ratio" is tmpfs's
 * figure over kip's (how many times slower the mount is).  The stat()s
 * start 1.2 s after the last create, past the mount's entry and attribute
 * timeouts (fuse-bridge/fuse_ops.h), so each one is a LOOKUP inside kip
 * rather than a hit in the host kernel's cache.
 *
 * Entry point: cli_bench_fuse (`kip bench fuse`, through cli/main.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define BFU_BLOCK (128u * 1024)
#define BFU_PER_DIR 100u
#define BFU_TMPFS_MAGIC 0x01021994

/* One workload's figures. */
struct bfu_figures {
	double write_mb_s, fsync_s, read_mb_s;
	double create_ops, stat_ops, unlink_ops;
};

struct bfu_options {
	uint64_t size, files, block_size;
	const char *tmpfs;
	bool json;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run this binary with args; its output to /dev/null unless `show`.
 * Returns its exit status (or 127). */
static int run_self(char *const args[], bool show)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 127;
	exe[n] = '\0';
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (!show && null >= 0)
			dup2(null, STDOUT_FILENO);
		char *argv[16];
		int i = 0;
		argv[i++] = "kip";
		for (; args[i - 1] && i < 15; i++)
			argv[i] = args[i - 1];
		argv[i] = NULL;
		execv(exe, argv);
		_exit(127);
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 127;
}

/* ---- the workload ----------------------------------------------------- */

#define BFU_CHECK(cond, what)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "kip bench fuse: %s: %s: %s\n", dir, what,                 \
				strerror(errno));                                                  \
			goto fail;                                                                 \
		}                                                                                  \
	} while (0)

/* Steps 1 and 2 in dir. */
static int bfu_data(const char *dir, uint64_t size, struct bfu_figures *fig)
{
	char path[PATH_MAX];
	uint64_t blocks = size / BFU_BLOCK;
	uint8_t *buf = malloc(BFU_BLOCK);
	int fd = -1;
	if (!buf)
		return -1;
	memset(buf, 0xa5, BFU_BLOCK);
	snprintf(path, sizeof(path), "%s/big", dir);

	double t0 = now_s();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	BFU_CHECK(fd >= 0, "create big");
	for (uint64_t b = 0; b < blocks; b++) {
		memcpy(buf, &b, sizeof(b)); /* the stamp step 2 checks */
		BFU_CHECK(write(fd, buf, BFU_BLOCK) == (ssize_t)BFU_BLOCK, "write");
	}
	double t1 = now_s();
	BFU_CHECK(fsync(fd) == 0, "fsync");
	BFU_CHECK(close(fd) == 0, "close");
	fd = -1;
	double t2 = now_s();
	fig->write_mb_s = (double)size / 1e6 / (t2 - t0);
	fig->fsync_s = t2 - t1;
	t1 = t2;

	t0 = now_s();
	fd = open(path, O_RDONLY);
	BFU_CHECK(fd >= 0, "open big");
	for (uint64_t b = 0; b < blocks; b++) {
		uint64_t stamp;
		BFU_CHECK(read(fd, buf, BFU_BLOCK) == (ssize_t)BFU_BLOCK, "read");
		memcpy(&stamp, buf, sizeof(stamp));
		errno = EIO;
		BFU_CHECK(stamp == b && buf[BFU_BLOCK - 1] == 0xa5, "data read back differ");
	}
	BFU_CHECK(close(fd) == 0, "close");
	fd = -1;
	t1 = now_s();
	fig->read_mb_s = (double)size / 1e6 / (t1 - t0);
	BFU_CHECK(unlink(path) == 0, "unlink big");
	free(buf);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

static void small_path(char *out, size_t cap, const char *dir, uint64_t i)
{
	snprintf(out, cap, "%s/small/d%03llu/f%06llu", dir, (unsigned long long)(i / BFU_PER_DIR),
		 (unsigned long long)i);
}

/* Step 3 in dir. */
static int bfu_small(const char *dir, uint64_t files, struct bfu_figures *fig)
{
	char path[PATH_MAX];
	uint64_t dirs = (files + BFU_PER_DIR - 1) / BFU_PER_DIR;
	snprintf(path, sizeof(path), "%s/small", dir);
	BFU_CHECK(mkdir(path, 0755) == 0, "mkdir small");
	for (uint64_t d = 0; d < dirs; d++) {
		snprintf(path, sizeof(path), "%s/small/d%03llu", dir, (unsigned long long)d);
		BFU_CHECK(mkdir(path, 0755) == 0, "mkdir");
	}

	double t0 = now_s();
	for (uint64_t i = 0; i < files; i++) {
		small_path(path, sizeof(path), dir, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		BFU_CHECK(fd >= 0, "create");
		BFU_CHECK(close(fd) == 0, "close");
	}
	double t1 = now_s();
	fig->create_ops = (double)files / (t1 - t0);
	/* Past the attribute and entry timeouts of a kip mount (1 s): its
	 * stat()s then reach kip instead of the host kernel's cache. */
	struct timespec pause = {1, 200 * 1000 * 1000};
	nanosleep(&pause, NULL);

	t0 = now_s();
	for (uint64_t i = 0; i < files; i++) {
		struct stat st;
		small_path(path, sizeof(path), dir, i);
		BFU_CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode), "stat");
	}
	t1 = now_s();
	fig->stat_ops = (double)files / (t1 - t0);

	t0 = now_s();
	for (uint64_t i = 0; i < files; i++) {
		small_path(path, sizeof(path), dir, i);
		BFU_CHECK(unlink(path) == 0, "unlink");
	}
	t1 = now_s();
	fig->unlink_ops = (double)files / (t1 - t0);

	for (uint64_t d = 0; d < dirs; d++) {
		snprintf(path, sizeof(path), "%s/small/d%03llu", dir, (unsigned long long)d);
		BFU_CHECK(rmdir(path) == 0, "rmdir");
	}
	snprintf(path, sizeof(path), "%s/small", dir);
	BFU_CHECK(rmdir(path) == 0, "rmdir small");
	return 0;
fail:
	return -1;
}

static int bfu_workload(const char *dir, const struct bfu_options *o, struct bfu_figures *fig)
{
	if (bfu_data(dir, o->size, fig) < 0)
		return -1;
	return o->files ? bfu_small(dir, o->files, fig) : 0;
}

/* ---- the report ------------------------------------------------------- */

static double ratio(double tmpfs, double kip)
{
	return kip > 0 ? tmpfs / kip : 0;
}

static void bfu_print(const struct bfu_options *o, const struct bfu_figures *k,
		      const struct bfu_figures *t, bool fsck_clean, bool on_tmpfs)
{
	if (o->json) {
		printf("{\"bench\":\"fuse\",\"size\":%llu,\"block\":%u,\"files\":%llu,"
		       "\"block_size\":%llu,\"fsck_clean\":%s,\"tmpfs_is_tmpfs\":%s,"
		       "\"kip\":{\"write_mb_s\":%.1f,\"fsync_s\":%.3f,\"read_mb_s\":%.1f,"
		       "\"create_ops_s\":%.0f,\"stat_ops_s\":%.0f,\"unlink_ops_s\":%.0f},"
		       "\"tmpfs\":{\"write_mb_s\":%.1f,\"fsync_s\":%.3f,\"read_mb_s\":%.1f,"
		       "\"create_ops_s\":%.0f,\"stat_ops_s\":%.0f,\"unlink_ops_s\":%.0f},"
		       "\"ratio\":{\"write\":%.1f,\"read\":%.1f,\"create\":%.1f,\"stat\":%.1f,"
		       "\"unlink\":%.1f}}\n",
		       (unsigned long long)o->size, BFU_BLOCK, (unsigned long long)o->files,
		       (unsigned long long)o->block_size, fsck_clean ? "true" : "false",
		       on_tmpfs ? "true" : "false", k->write_mb_s, k->fsync_s, k->read_mb_s,
		       k->create_ops, k->stat_ops, k->unlink_ops, t->write_mb_s, t->fsync_s,
		       t->read_mb_s, t->create_ops, t->stat_ops, t->unlink_ops,
		       ratio(t->write_mb_s, k->write_mb_s), ratio(t->read_mb_s, k->read_mb_s),
		       ratio(t->create_ops, k->create_ops), ratio(t->stat_ops, k->stat_ops),
		       ratio(t->unlink_ops, k->unlink_ops));
		return;
	}
	printf("kip bench fuse: %llu MiB file in 128 KiB blocks; %llu small files, %u per "
	       "directory\n",
	       (unsigned long long)(o->size >> 20), (unsigned long long)o->files, BFU_PER_DIR);
	printf("  kip mount of a %llu-byte-block image vs %s%s\n",
	       (unsigned long long)o->block_size, o->tmpfs,
	       on_tmpfs ? " (tmpfs)" : " (NOT a tmpfs)");
	printf("                              kip mount        tmpfs   tmpfs/kip\n");
	printf("  sequential write + fsync  %9.1f MB/s %9.1f MB/s %8.1fx\n", k->write_mb_s,
	       t->write_mb_s, ratio(t->write_mb_s, k->write_mb_s));
	printf("    (of which the fsync)    %9.3f s    %9.3f s\n", k->fsync_s, t->fsync_s);
	printf("  sequential read           %9.1f MB/s %9.1f MB/s %8.1fx\n", k->read_mb_s,
	       t->read_mb_s, ratio(t->read_mb_s, k->read_mb_s));
	if (o->files) {
		printf("  create                    %9.0f op/s %9.0f op/s %8.1fx\n", k->create_ops,
		       t->create_ops, ratio(t->create_ops, k->create_ops));
		printf("  stat                      %9.0f op/s %9.0f op/s %8.1fx\n", k->stat_ops,
		       t->stat_ops, ratio(t->stat_ops, k->stat_ops));
		printf("  unlink                    %9.0f op/s %9.0f op/s %8.1fx\n", k->unlink_ops,
		       t->unlink_ops, ratio(t->unlink_ops, k->unlink_ops));
	}
	printf("  image after kip umount: %s\n",
	       fsck_clean ? "kip fsck clean" : "kip fsck found ERRORS");
	printf("  (MB = 10^6 bytes, host wall clock)\n");
}

/* ---- the command ------------------------------------------------------ */

static void bench_fuse_help(void)
{
	printf("usage: kip bench fuse [--json] [--size SIZE] [--files N] [--block-size N]\n"
	       "                      [--tmpfs DIR]\n\n"
	       "Mounts a fresh image with kip mount and, on it and on a tmpfs folder in the\n"
	       "same run: writes a SIZE file (default 256M) in 128 KiB writes + fsync, reads\n"
	       "it back in 128 KiB reads, then creates, stats and unlinks N small files\n"
	       "(default 10000, 100 per directory).  Prints MB/s, op/s and the ratio;\n"
	       "--json prints one JSON object.  --block-size: the image's (default 1024);\n"
	       "--tmpfs: where the tmpfs folder goes (default /dev/shm).  Ends with kip umount\n"
	       "and kip fsck of the image.\n");
}

static int bfu_parse(int argc, char **argv, struct bfu_options *o)
{
	o->size = 256ull << 20;
	o->files = 10000;
	o->block_size = 1024;
	o->tmpfs = "/dev/shm";
	o->json = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--size") && more) {
			if (cli_parse_size(argv[++i], &o->size) < 0 || o->size < BFU_BLOCK ||
			    o->size > (4ull << 30)) {
				fprintf(stderr, "kip bench fuse: --size needs 128K .. 4G\n");
				return 2;
			}
			o->size = o->size / BFU_BLOCK * BFU_BLOCK;
		} else if (!strcmp(a, "--files") && more) {
			if (cli_parse_u64(argv[++i], &o->files) < 0 || o->files > 1000000) {
				fprintf(stderr, "kip bench fuse: --files needs 0 .. 1000000\n");
				return 2;
			}
		} else if (!strcmp(a, "--block-size") && more) {
			if (cli_parse_u64(argv[++i], &o->block_size) < 0) {
				fprintf(stderr, "kip bench fuse: bad --block-size\n");
				return 2;
			}
		} else if (!strcmp(a, "--tmpfs") && more) {
			o->tmpfs = argv[++i];
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			bench_fuse_help();
			return 0;
		} else {
			fprintf(stderr, "kip bench fuse: unknown option '%s' (try --help)\n", a);
			return 2;
		}
	}
	return -1; /* go on */
}

int cli_bench_fuse(int argc, char **argv)
{
	struct bfu_options o;
	int r = bfu_parse(argc, argv, &o);
	if (r >= 0)
		return r;

	char work[] = "/tmp/kip-bench-fuse-XXXXXX";
	char tdir[PATH_MAX], img[PATH_MAX + 16], mnt[PATH_MAX + 16], sizes[32], inodes[32],
		bsize[32];
	if (!mkdtemp(work)) {
		perror("kip bench fuse: mkdtemp");
		return 1;
	}
	snprintf(tdir, sizeof(tdir), "%s/kip-bench-fuse-XXXXXX", o.tmpfs);
	if (!mkdtemp(tdir)) {
		fprintf(stderr, "kip bench fuse: %s: %s\n", o.tmpfs, strerror(errno));
		rmdir(work);
		return 1;
	}
	struct statfs sfs;
	bool on_tmpfs = statfs(tdir, &sfs) == 0 && sfs.f_type == BFU_TMPFS_MAGIC;
	snprintf(img, sizeof(img), "%s/disk.img", work);
	snprintf(mnt, sizeof(mnt), "%s/mnt", work);
	mkdir(mnt, 0755);
	/* Room for the file and its indirect blocks, the directories, slack. */
	uint64_t bytes = o.size + o.size / 32 + o.files * 128 + (32ull << 20);
	snprintf(sizes, sizeof(sizes), "%llu", (unsigned long long)bytes);
	snprintf(inodes, sizeof(inodes), "%llu",
		 (unsigned long long)(o.files + o.files / BFU_PER_DIR + 1024));
	snprintf(bsize, sizeof(bsize), "%llu", (unsigned long long)o.block_size);

	struct bfu_figures kfig, tfig;
	memset(&kfig, 0, sizeof(kfig));
	memset(&tfig, 0, sizeof(tfig));
	bool mounted = false, fsck_clean = false;
	int status = 1;
	char *mkfs[] = {"mkfs",		img,   "--size", sizes, "--inodes", inodes,
			"--block-size", bsize, NULL};
	char *mount[] = {"mount", img, mnt, NULL};
	char *umount[] = {"umount", mnt, NULL};
	char *fsck[] = {"fsck", img, NULL};
	if (run_self(mkfs, false) != 0) {
		fprintf(stderr, "kip bench fuse: kip mkfs failed\n");
		goto out;
	}
	if (run_self(mount, true) != 0) {
		fprintf(stderr, "kip bench fuse: kip mount failed\n");
		goto out;
	}
	mounted = true;
	if (bfu_workload(mnt, &o, &kfig) < 0 || bfu_workload(tdir, &o, &tfig) < 0)
		goto out;
	mounted = false;
	if (run_self(umount, true) != 0) {
		fprintf(stderr, "kip bench fuse: kip umount failed\n");
		goto out;
	}
	fsck_clean = run_self(fsck, false) == 0;
	bfu_print(&o, &kfig, &tfig, fsck_clean, on_tmpfs);
	status = fsck_clean ? 0 : 1;
out:
	if (mounted && run_self(umount, true) != 0)
		fprintf(stderr, "kip bench fuse: %s is still mounted\n", mnt);
	unlink(img);
	rmdir(mnt);
	rmdir(work);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/big", tdir);
	unlink(path);
	rmdir(tdir); /* (small/ is removed by the workload, or left after a failure) */
	return status;
}
