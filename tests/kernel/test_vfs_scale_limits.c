/*
 * tests/kernel/test_vfs_scale_limits.c - the file system's limits: a full
 * disk and the largest file, through libposix, VFS, MFS and the disk
 * driver in a booted kernel (suite `vfs_scale_limits`).
 *
 * Pins, from a user program that has VFS as its only destination:
 *   - a full disk: ENOSPC (after a short write at most), every byte
 *     counted as written is there, ENOSPC when the inodes run out or a
 *     directory needs a block, nothing half allocated (a block needing an
 *     indirect one too is refused while the one free zone stays free),
 *     space comes back on unlink (exactly as much as before);
 *   - EFBIG at and past the largest file size (4 GiB + 2 does not wrap to
 *     2), for write, ftruncate and truncate, nothing changed; the last byte
 *     can be written, and a maximal file shrunk back;
 *   - a write across that size is a short write, then EFBIG.
 * Afterwards both judges pass the image, and its bitmaps hold the inodes
 * and zones the program left (tests/kernel/vfs_scale.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kip/format.h"
#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/vfs_scale.h"
#include "tests/kip_test.h"

/* What the test asks of the program, and what the program found. */
static struct {
	uint32_t ninodes;   /* full disk: s_ninodes of the image */
	uint64_t max_size;  /* EFBIG: the largest file */
	unsigned made;	    /* full disk: files made before ENOSPC */
	uint64_t filled[2]; /* full disk: bytes written before ENOSPC, twice */
	int straddle;	    /* EFBIG: what a write across the limit returned */
} vsl;

#define VS_FULL_SEED 11
#define VS_FULL_UNLINKED 8 /* files unlinked after the inodes ran out */
#define VS_FULL_DFILES 14  /* files in /d: with "." and "..", one block */

/* Write `path` (new) in 64 KiB chunks until the disk is full: ENOSPC, after
 * at most one short write.  Every byte counted is then read back.  Returns
 * the bytes written. */
static uint64_t vs_full_fill(struct kip_posix *px, const char *path, uint8_t *io, uint8_t *back)
{
	uint64_t total = 0;
	struct kip_stat st;
	int fd = kip_open(px, path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0);
	for (unsigned k = 0; k < 4096; k++) {
		ft_where((int64_t)total);
		vs_fill(VS_FULL_SEED, io, total, VS_IO);
		px->err = 0;
		ssize_t r = kip_write(px, fd, io, VS_IO);
		if (r == VS_IO) {
			total += VS_IO;
			continue;
		}
		if (r > 0) { /* a short write: the next one finds the disk full */
			total += (uint64_t)r;
			vs_fill(VS_FULL_SEED, io, total, VS_IO);
			FT_FAILS(px, kip_write(px, fd, io, VS_IO), ENOSPC);
		} else {
			FT_CHECK(px, r == -1 && px->err == ENOSPC);
		}
		break;
	}
	FT_CHECK(px, total > 0);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == total);
	struct vs_content c = {.size = total, .data = total, .seed = VS_FULL_SEED};
	vs_read_back(px, fd, &c, back);
	FT_CHECK(px, kip_close(px, fd) == 0);
	return total;
}

/* Make empty files: VS_FULL_DFILES in /d, which fill its first block;
 * then in /many until the inodes run out (ENOSPC). */
static void vs_full_inodes(struct kip_posix *px)
{
	char path[32];
	struct kip_stat st;
	int fd = 0;
	FT_CHECK(px, kip_mkdir(px, "/d", 0755) == 0);
	for (unsigned i = 0; i < VS_FULL_DFILES; i++) {
		kip_snprintf(path, sizeof(path), "/d/f%u", i);
		fd = kip_open(px, path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644);
		FT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
	}
	FT_CHECK(px, kip_stat(px, "/d", &st) == 0 && st.st_size == 1024);
	FT_CHECK(px, kip_mkdir(px, "/many", 0755) == 0);
	for (vsl.made = 0; vsl.made <= vsl.ninodes; vsl.made++) {
		kip_snprintf(path, sizeof(path), "/many/f%u", vsl.made);
		ft_where(vsl.made);
		px->err = 0;
		fd = kip_open(px, path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644);
		if (fd < 0)
			break;
		FT_CHECK(px, kip_close(px, fd) == 0);
	}
	FT_CHECK(px, fd == -1 && px->err == ENOSPC);
	FT_FAILS(px, kip_stat(px, path, &st), ENOENT); /* nothing half made */
	FT_FAILS(px, kip_mkdir(px, "/x", 0755), ENOSPC);
	for (unsigned i = 0; i < VS_FULL_UNLINKED; i++) {
		kip_snprintf(path, sizeof(path), "/many/f%u", i);
		FT_CHECK(px, kip_unlink(px, path) == 0);
	}
	FT_CHECK(px, kip_mkdir(px, "/x", 0755) == 0);
}

/* Fill what the big file left (at most the few zones its next block would
 * have needed with its indirect blocks) with direct blocks of the open,
 * empty fd: afterwards not one zone is free. */
static void vs_full_pad(struct kip_posix *px, int fd, uint8_t *io)
{
	struct kip_stat st;
	ssize_t r = 0;
	unsigned pad;
	for (pad = 0; pad < MINIXFS_NR_DZONES; pad++) {
		FT_CHECK(px, kip_lseek(px, fd, pad * 1024, KIP_SEEK_SET) == pad * 1024);
		px->err = 0;
		r = kip_write(px, fd, io, 1);
		if (r != 1)
			break;
	}
	FT_CHECK(px, r == -1 && px->err == ENOSPC);
	FT_CHECK(px, pad <= 3);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == (pad ? (pad - 1) * 1024 + 1 : 0));
}

static int vs_full_main(uint64_t vfs)
{
	uint8_t *io, *back;
	struct kip_stat st;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	vs_full_inodes(px);
	/* /s: 7 KiB, its next block needs an indirect one; /one: one block. */
	int s = kip_open(px, "/s", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	int one = kip_open(px, "/one", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, s >= 0 && one >= 0);
	FT_CHECK(px, kip_write(px, s, io, 7 * 1024) == 7 * 1024);
	FT_CHECK(px, kip_write(px, one, io, 1024) == 1024);
	vsl.filled[0] = vs_full_fill(px, "/big", io, back);

	/* Full: inodes and free entry slots are left, but no zone. */
	int e = kip_open(px, "/e", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, e >= 0);
	vs_full_pad(px, e, io);
	FT_FAILS(px, kip_mkdir(px, "/y", 0755), ENOSPC);
	FT_FAILS(px, kip_stat(px, "/y", &st), ENOENT);
	/* A new name needs a free entry slot: /many has some, /d's block is
	 * full and no zone is left for another (its inode is given back). */
	int fd = kip_open(px, "/many/new", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
	FT_CHECK(px, kip_unlink(px, "/many/new") == 0);
	FT_FAILS(px, kip_open(px, "/d/new", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644), ENOSPC);
	FT_FAILS(px, kip_stat(px, "/d/new", &st), ENOENT);
	FT_CHECK(px, kip_stat(px, "/d", &st) == 0 && st.st_size == 1024);
	/* One zone free: not enough for a block that needs an indirect one too,
	 * and nothing is half taken (the zone is still there afterwards). */
	FT_CHECK(px, kip_ftruncate(px, one, 0) == 0);
	FT_CHECK(px, kip_lseek(px, s, 7 * 1024, KIP_SEEK_SET) == 7 * 1024);
	FT_FAILS(px, kip_write(px, s, io, 1), ENOSPC);
	FT_CHECK(px, kip_fstat(px, s, &st) == 0 && st.st_size == 7 * 1024);
	FT_CHECK(px, kip_lseek(px, one, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px, kip_write(px, one, io, 1024) == 1024);
	FT_FAILS(px, kip_write(px, one, io, 1), ENOSPC);
	FT_CHECK(px, kip_ftruncate(px, one, 1024) == 0);
	FT_CHECK(px, kip_sync(px) == 0);

	/* Unlink the big file: writing works again, and as much fits as before. */
	FT_CHECK(px, kip_unlink(px, "/big") == 0);
	vs_fill(VS_FULL_SEED, io, 0, VS_IO);
	FT_CHECK(px, kip_lseek(px, e, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px, kip_write(px, e, io, VS_IO) == VS_IO);
	FT_CHECK(px, kip_lseek(px, e, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px,
		 kip_read(px, e, back, VS_IO) == VS_IO && vs_same(VS_FULL_SEED, back, 0, VS_IO));
	FT_CHECK(px, kip_ftruncate(px, e, 0) == 0);
	vsl.filled[1] = vs_full_fill(px, "/big2", io, back);
	FT_CHECK(px, vsl.filled[1] == vsl.filled[0]);
	vs_full_pad(px, e, io);
	FT_CHECK(px, kip_close(px, e) == 0 && kip_close(px, s) == 0 && kip_close(px, one) == 0);
	return vs_end(px);
}
KIP_PROGRAM(vscale_full, vs_full_main, 8, KIP_PROG_USER);

static void test_full_disk(void)
{
	bool small = kip_test_small();
	uint32_t inodes, zones;
	vs_make_image(small ? "1M" : "4M", "32");
	struct minixfs_super sb = ft_super();
	vsl.ninodes = sb.s_ninodes;
	vs_run("vscale_full", "full disk", 1);
	/* Every inode but the root's, /d's, its files' and /many's went to a
	 * file in /many. */
	CU_ASSERT_EQUAL(vsl.made, vsl.ninodes - 3 - VS_FULL_DFILES);
	CU_ASSERT(vsl.filled[0] > (small ? 900u : 3900u) * VS_KIB);
	ft_judge(FT_FSCK_BOTH, "full disk");
	/* On the image: the root, /d and its files, /many and what is left in
	 * it, /x, /s, /one, /e, /big2; and every zone taken. */
	ft_usage(&inodes, &zones);
	CU_ASSERT_EQUAL(inodes, 2 + VS_FULL_DFILES + 1 + (vsl.made - VS_FULL_UNLINKED) + 5);
	CU_ASSERT_EQUAL(zones, sb.s_zones - sb.s_firstdatazone);
	ft_unlink();
}

/* ---------------------------------------------------------------- EFBIG */

static int vs_efbig_main(uint64_t vfs)
{
	uint8_t *io, *back;
	struct kip_stat st;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	const off_t max = (off_t)vsl.max_size;
	static const off_t past[] = {0, 1, 100, 0x100000000 - 0x7fffffff + 2, 0x7fffffff00000000};
	int fd = kip_open(px, "/f", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0);
	memcpy(io, "hello", 5);
	FT_CHECK(px, kip_write(px, fd, io, 5) == 5);

	/* At and past the limit (4 GiB + 2 would wrap to 2 in 32 bits). */
	for (unsigned k = 0; k < sizeof(past) / sizeof(past[0]); k++) {
		ft_where(k);
		FT_CHECK(px, kip_lseek(px, fd, max + past[k], KIP_SEEK_SET) == max + past[k]);
		FT_FAILS(px, kip_write(px, fd, io, 1), EFBIG);
		FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_CUR) == max + past[k]);
	}
	FT_FAILS(px, kip_ftruncate(px, fd, max + 1), EFBIG);
	FT_FAILS(px, kip_truncate(px, "/f", max + 1), EFBIG);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 5);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 5 && memcmp(back, "hello", 5) == 0);

	/* The last byte can be written (through the triple indirect zone). */
	FT_CHECK(px, kip_lseek(px, fd, max - 1, KIP_SEEK_SET) == max - 1);
	io[0] = 'Z';
	FT_CHECK(px, kip_write(px, fd, io, 1) == 1);
	FT_FAILS(px, kip_write(px, fd, io, 1), EFBIG);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == (uint64_t)max);
	FT_CHECK(px, kip_lseek(px, fd, max - 2, KIP_SEEK_SET) == max - 2);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 2 && back[0] == 0 && back[1] == 'Z');
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px, kip_read(px, fd, back, 5) == 5 && memcmp(back, "hello", 5) == 0);
	FT_CHECK(px, kip_lseek(px, fd, 5, KIP_SEEK_SET) == 5);
	FT_CHECK(px, kip_read(px, fd, back, VS_IO) == VS_IO && vs_zero(back, VS_IO));
	FT_CHECK(px, kip_ftruncate(px, fd, max) == 0);
	FT_CHECK(px, kip_close(px, fd) == 0);

	/* Grown to the limit by truncate; and a maximal file shrunk back. */
	fd = kip_open(px, "/g", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0 && kip_ftruncate(px, fd, max) == 0);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == (uint64_t)max);
	FT_CHECK(px, kip_lseek(px, fd, max - 1, KIP_SEEK_SET) == max - 1);
	FT_CHECK(px, kip_read(px, fd, back, 10) == 1 && back[0] == 0);
	FT_CHECK(px, kip_close(px, fd) == 0);
	fd = kip_open(px, "/h", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0);
	memcpy(io, "hello", 5);
	FT_CHECK(px, kip_write(px, fd, io, 5) == 5);
	FT_CHECK(px, kip_lseek(px, fd, max - 1, KIP_SEEK_SET) == max - 1);
	FT_CHECK(px, kip_write(px, fd, io, 1) == 1);
	FT_CHECK(px, kip_ftruncate(px, fd, 5) == 0);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 5);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 5 && memcmp(back, "hello", 5) == 0);
	FT_CHECK(px, kip_close(px, fd) == 0);
	return vs_end(px);
}
KIP_PROGRAM(vscale_efbig, vs_efbig_main, 8, KIP_PROG_USER);

static void test_efbig(void)
{
	vs_make_image("2M", NULL);
	struct minixfs_super sb = ft_super();
	vsl.max_size = sb.s_max_size;
	CU_ASSERT_EQUAL(vsl.max_size, MINIXFS_MAX_SIZE);
	CU_ASSERT_EQUAL(sb.s_blocksize, 1024);
	vs_run("vscale_efbig", "EFBIG", 1);
	ft_judge(FT_FSCK_BOTH, "EFBIG");
	/* The root's block, /f's first and last (and 3 indirect above it), /h's. */
	uint32_t inodes, zones;
	ft_usage(&inodes, &zones);
	CU_ASSERT_EQUAL(inodes, 4);
	CU_ASSERT_EQUAL(zones, 7);
	ft_unlink();
}

/*
 * Once a KNOWN BUG (hence the test's name): a write that starts below the
 * largest file size and ends past it must write what fits and return that
 * count (POSIX write(): "only as many bytes as there is room for shall be
 * written"; EFBIG only when no byte fits - as Linux does, and as
 * servers/mfs/read.c's own header promises: "a short write, else the
 * error").  mfs_do_write used to refuse the whole write with EFBIG when
 * position + len passed fs->max_size.
 */
static int vs_straddle_main(uint64_t vfs)
{
	uint8_t *io, *back;
	struct kip_stat st;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	const off_t max = (off_t)vsl.max_size;
	int fd = kip_open(px, "/f", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0);
	FT_CHECK(px, kip_lseek(px, fd, max - 3, KIP_SEEK_SET) == max - 3);
	memcpy(io, "ABCDEFGH", 8);
	px->err = 0;
	ssize_t r = kip_write(px, fd, io, 8);
	vsl.straddle = r < 0 ? -px->err : (int)r;
	FT_CHECK(px, r == 3);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == (uint64_t)max);
	FT_CHECK(px, kip_lseek(px, fd, max - 3, KIP_SEEK_SET) == max - 3);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 3 && memcmp(back, "ABC", 3) == 0);
	FT_FAILS(px, kip_write(px, fd, io, 8), EFBIG); /* now no byte fits */
	FT_CHECK(px, kip_close(px, fd) == 0);
	return vs_end(px);
}
KIP_PROGRAM(vscale_straddle, vs_straddle_main, 8, KIP_PROG_USER);

static void test_efbig_straddle(void)
{
	vs_make_image("2M", NULL);
	vsl.max_size = ft_super().s_max_size;
	vs_run("vscale_straddle", "EFBIG straddle", 1);
	CU_ASSERT_EQUAL(vsl.straddle, 3);
	if (vsl.straddle != 3)
		fprintf(stderr,
			"\n  vfs_scale: write of 8 bytes at max_size - 3 returned %d, "
			"not 3"
			" (servers/mfs/read.c, mfs_do_write)\n",
			vsl.straddle);
	ft_judge(FT_FSCK_BOTH, "EFBIG straddle");
	ft_unlink();
}

static const struct kip_test vfs_scale_limits_tests[] = {
	{"a full disk: ENOSPC, and the space comes back", test_full_disk},
	{"EFBIG at the largest file size", test_efbig},
	{"a write across the size limit is a short write", test_efbig_straddle},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_scale_limits, vfs_scale_limits_tests);
