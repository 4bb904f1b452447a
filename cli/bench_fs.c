/*
 * cli/bench_fs.c - `kip bench fs`: what the file-system stack costs.
 *
 * Makes a fresh sparse image (cli_mkfs), boots the disk driver, MFS and VFS
 * on it (cli_boot_fs) and runs one system process, `benchfs`, that talks to
 * VFS through libposix like any program:
 *
 *   1. writes a SIZE-byte file in 64 KiB kip_write calls, then kip_fsync;
 *   2. reads it back in 64 KiB kip_read calls;
 *   3. cache hit: reads the same 4 KiB (blocks 0..3, warmed first) N times;
 *   4. cache miss: reads 4 KiB at offsets 8 KiB apart, each once, all in
 *      the part of the file read in step 2 at least 128 KiB before its end.
 *
 * Phases 1 and 2 are timed with the host clock (CLOCK_MONOTONIC: the figure
 * is about the host; it never reaches scheduling) -> MB/s.  Phases 3 and 4
 * count the kernel's messages and context switches, read by the process
 * itself through SYS_TIMES (kip/message.h, struct kcall_time), and the
 * virtual time.  Each 4 KiB read is preceded by a kip_lseek; the same
 * number of lseeks alone is measured and subtracted, so the figures are per
 * read().  Why step 4 misses: MFS's cache holds 64 blocks, least recently
 * used out; every block read in step 4 was last touched in step 2, after
 * which more than 64 other blocks were read, and step 4 reads none twice.
 *
 * Entry point: cli_bench_fs (from cli_bench, `kip bench fs`).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"

#define BF_CHUNK (64u * 1024)
#define BF_SMALL 4096u
#define BF_STRIDE (8u * 1024)
#define BF_TAIL (128u * 1024) /* step 4 stays this far from the end (> 64 blocks) */
#define BF_HITS 1000u
#define BF_MAX_MISSES 1000u

/* Counters at one moment, as SYS_TIMES reports them. */
struct bf_count {
	uint64_t messages, switches, now;
};

/* What one 4 KiB read costs (after the lseek is subtracted). */
struct bf_cost {
	unsigned reads;
	double messages, switches, virt_ns;
};

struct bench_fs {
	endpoint_t vfs;
	uint64_t size;
	uint64_t write_ns, read_ns; /* host time */
	struct bf_cost hit, miss;
	int fail_line; /* the first failed step in the program, 0 if none */
};

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void bf_count(struct bf_count *c)
{
	message m;
	kip_msg_init(&m, SYS_TIMES);
	kip_kcall(SYS_TIMES, &m);
	c->messages = m.m_time.messages;
	c->switches = m.m_time.switches;
	c->now = m.m_time.now;
}

/* Counters over `n` lseeks to offsets[i] (each followed by a 4 KiB read if
 * `read`); 0 or -1. */
static int bf_loop(struct kip_posix *px, int fd, uint8_t *buf, const uint64_t *offsets, unsigned n,
		   bool read, struct bf_count *d)
{
	struct bf_count a, b;
	bf_count(&a);
	for (unsigned i = 0; i < n; i++) {
		if (kip_lseek(px, fd, (off_t)offsets[i], KIP_SEEK_SET) != (off_t)offsets[i])
			return -1;
		if (read && kip_read(px, fd, buf, BF_SMALL) != BF_SMALL)
			return -1;
	}
	bf_count(&b);
	d->messages = b.messages - a.messages;
	d->switches = b.switches - a.switches;
	d->now = b.now - a.now;
	return 0;
}

/* The cost per read of 4 KiB reads at offsets[0..n): (lseek + read) minus
 * lseek alone.  0 or -1. */
static int bf_cost(struct kip_posix *px, int fd, uint8_t *buf, const uint64_t *offsets, unsigned n,
		   struct bf_cost *cost)
{
	struct bf_count with, seeks;
	if (bf_loop(px, fd, buf, offsets, n, true, &with) < 0 ||
	    bf_loop(px, fd, buf, offsets, n, false, &seeks) < 0)
		return -1;
	cost->reads = n;
	cost->messages = ((double)with.messages - (double)seeks.messages) / n;
	cost->switches = ((double)with.switches - (double)seeks.switches) / n;
	cost->virt_ns = ((double)with.now - (double)seeks.now) / n;
	return 0;
}

#define BF_STEP(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			run->fail_line = __LINE__;                                                 \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

static int bench_fs_main(uint64_t arg)
{
	struct bench_fs *run = (struct bench_fs *)(uintptr_t)arg;
	struct kip_posix *px = kip_posix_init(run->vfs);
	uint8_t *buf = kip_page_alloc(BF_CHUNK / 4096);
	uint64_t *offsets = kip_page_alloc(BF_MAX_MISSES * sizeof(uint64_t) / 4096 + 1);
	BF_STEP(px && buf && offsets);
	uint64_t chunks = run->size / BF_CHUNK;
	int fd = kip_open(px, "/bench", KIP_O_CREAT | KIP_O_TRUNC | KIP_O_RDWR, 0644);
	BF_STEP(fd >= 0);

	/* 1. Sequential write, each chunk stamped with its number, then fsync. */
	memset(buf, 0xa5, BF_CHUNK);
	uint64_t t0 = host_ns();
	for (uint64_t c = 0; c < chunks; c++) {
		memcpy(buf, &c, sizeof(c));
		BF_STEP(kip_write(px, fd, buf, BF_CHUNK) == BF_CHUNK);
	}
	BF_STEP(kip_fsync(px, fd) == 0);
	run->write_ns = host_ns() - t0;

	/* 2. Sequential read, checking the stamps. */
	BF_STEP(kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	t0 = host_ns();
	for (uint64_t c = 0; c < chunks; c++) {
		BF_STEP(kip_read(px, fd, buf, BF_CHUNK) == BF_CHUNK);
		BF_STEP(memcmp(buf, &c, sizeof(c)) == 0);
	}
	run->read_ns = host_ns() - t0;

	/* 3. Cache hit: the first 4 KiB, warmed by one read first. */
	for (unsigned i = 0; i < BF_MAX_MISSES; i++)
		offsets[i] = 0;
	BF_STEP(kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	BF_STEP(kip_read(px, fd, buf, BF_SMALL) == BF_SMALL);
	BF_STEP(bf_cost(px, fd, buf, offsets, BF_HITS, &run->hit) == 0);

	/* 4. Cache miss: fresh 4 KiB regions, from 8 KiB on (blocks 0..3 are
	 * hot), at least BF_TAIL before the end (the last blocks read). */
	unsigned n = 0;
	for (uint64_t off = BF_STRIDE; n < BF_MAX_MISSES && off + BF_SMALL + BF_TAIL <= run->size;
	     off += BF_STRIDE)
		offsets[n++] = off;
	BF_STEP(n > 0);
	BF_STEP(bf_cost(px, fd, buf, offsets, n, &run->miss) == 0);

	BF_STEP(kip_close(px, fd) == 0);
	BF_STEP(kip_unlink(px, "/bench") == 0 && kip_sync(px) == 0);
	return 0;
}
KIP_PROGRAM(benchfs, bench_fs_main, 3, KIP_PROG_SYSTEM);

/* cli_mkfs with its report silenced (--json output stays one object). */
static int bf_mkfs(const char *image, uint64_t bytes)
{
	char size[32];
	snprintf(size, sizeof(size), "%llu", (unsigned long long)bytes);
	char *argv[] = {"mkfs", (char *)image, "--size", size, NULL};
	fflush(stdout);
	int out = dup(1), null = open("/dev/null", O_WRONLY);
	if (out < 0 || null < 0)
		return 1;
	dup2(null, 1);
	int r = cli_mkfs(4, argv);
	fflush(stdout);
	dup2(out, 1);
	close(out);
	close(null);
	return r;
}

static void bench_fs_help(void)
{
	printf("usage: kip bench fs [--json] [--size SIZE] [--image PATH]\n\n"
	       "Boots the disk driver, MFS and VFS on a fresh image and, from a program\n"
	       "inside kip: writes a SIZE file (default 64M) in 64 KiB writes + fsync, reads\n"
	       "it back in 64 KiB reads (MB/s, host wall clock); then the messages, context\n"
	       "switches and virtual time per 4 KiB read() on a cache hit and on a cache\n"
	       "miss.  The image (2 x SIZE + 4M, sparse) is made in /tmp and deleted, or at\n"
	       "PATH (which must not exist or be empty) and kept.  --json prints one JSON\n"
	       "object with the same figures.  docs/vfs.md says how they are measured.\n");
}

/* Boot, run the bench program, halt; 0 or 1. */
static int bf_run(const char *image, struct bench_fs *run)
{
	struct kip_config cfg;
	kernel_default_config(&cfg);
	cfg.epoch = 0;
	cfg.watchdog_ms = 0;
	cfg.disk_image = image;
	if (kernel_boot(&cfg) < 0)
		return 1;
	int status = 1;
	if (cli_boot_fs(&run->vfs) == 0 &&
	    kernel_spawn("benchfs", NULL, -1, (uint64_t)(uintptr_t)run, SPAWN_INIT) >= 0)
		status = kernel_run();
	kernel_halt();
	if (status && run->fail_line)
		fprintf(stderr, "kip bench fs: the step at cli/bench_fs.c:%d failed\n",
			run->fail_line);
	return status != 0;
}

static void bf_print(const struct bench_fs *run, bool json)
{
	double mb = (double)run->size / 1e6;
	double w = mb / ((double)run->write_ns / 1e9), r = mb / ((double)run->read_ns / 1e9);
	if (json) {
		printf("{\"bench\":\"fs\",\"size\":%llu,\"chunk\":%u,\"write_mb_s\":%.1f,"
		       "\"read_mb_s\":%.1f,\"hit_reads\":%u,\"hit_messages_per_read\":%.2f,"
		       "\"hit_switches_per_read\":%.2f,\"hit_virtual_ns_per_read\":%.0f,"
		       "\"miss_reads\":%u,\"miss_messages_per_read\":%.2f,"
		       "\"miss_switches_per_read\":%.2f,\"miss_virtual_ns_per_read\":%.0f}\n",
		       (unsigned long long)run->size, BF_CHUNK, w, r, run->hit.reads,
		       run->hit.messages, run->hit.switches, run->hit.virt_ns, run->miss.reads,
		       run->miss.messages, run->miss.switches, run->miss.virt_ns);
		return;
	}
	printf("kip bench fs: %llu-byte file through VFS -> MFS -> disk driver\n",
	       (unsigned long long)run->size);
	printf("  sequential write (64 KiB writes + fsync): %8.1f MB/s\n", w);
	printf("  sequential read  (64 KiB reads):          %8.1f MB/s\n", r);
	printf("  4 KiB read(), cache hit  (%4u reads): %6.2f messages, %6.2f switches, "
	       "%8.0f virtual ns per read\n",
	       run->hit.reads, run->hit.messages, run->hit.switches, run->hit.virt_ns);
	printf("  4 KiB read(), cache miss (%4u reads): %6.2f messages, %6.2f switches, "
	       "%8.0f virtual ns per read\n",
	       run->miss.reads, run->miss.messages, run->miss.switches, run->miss.virt_ns);
	printf("  (MB = 10^6 bytes, host wall clock; counts from the kernel, lseek subtracted)\n");
}

int cli_bench_fs(int argc, char **argv)
{
	bool json = false;
	uint64_t size = 64ull << 20;
	const char *image = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			if (cli_parse_size(argv[++i], &size) < 0 || size < (1u << 20) ||
			    size > (1ull << 30)) {
				fprintf(stderr, "kip bench fs: --size needs 1M .. 1G\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--image") && i + 1 < argc) {
			image = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			bench_fs_help();
			return 0;
		} else {
			fprintf(stderr, "kip bench fs: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	static struct bench_fs run;
	memset(&run, 0, sizeof(run));
	run.size = size / BF_CHUNK * BF_CHUNK;
	char tmp[] = "/tmp/kip-bench-fs-XXXXXX";
	if (!image) {
		int fd = mkstemp(tmp);
		if (fd < 0) {
			perror("kip bench fs: mkstemp");
			return 1;
		}
		close(fd);
		image = tmp;
	}
	int r = bf_mkfs(image, 2 * run.size + (4u << 20));
	if (r == 0)
		r = bf_run(image, &run);
	if (image == tmp)
		unlink(tmp);
	if (r) {
		fprintf(stderr, "kip bench fs: failed\n");
		return 1;
	}
	bf_print(&run, json);
	return 0;
}
