/*
 * tests/kernel/test_vfs_scale_bigfile.c - a big file and a sparse one: the
 * file-system stack (VFS, MFS, the disk driver) through libposix, in a
 * booted kernel (suite `vfs_scale_bigfile`).
 *
 * Pins, from a user program that has VFS as its only destination: a
 * 200 MiB file (8 MiB at small scale) written in 64 KiB chunks, fsynced,
 * read back whole and around the single/double/triple indirect boundaries,
 * shrunk past them in a block's middle (the cut tail reads as zeros when
 * the file grows again); a sparse file with bytes astride each boundary
 * and deep in the triple indirect tree, holes reading as zeros, cut inside
 * the triple range.  Afterwards both judges pass the image, and its bitmaps
 * hold exactly the inodes and zones (data and indirect blocks) the two
 * files still map (tests/kernel/vfs_scale.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/vfs_scale.h"
#include "tests/kip_test.h"

/* What the test asks of the program. */
static struct {
	uint64_t big_bytes; /* the big file */
} vsb;

#define VS_BIG_SEED 7

static const uint64_t vs_bounds[] = {VS_SINGLE, VS_DOUBLE, VS_TRIPLE};
#define VS_NBOUNDS (sizeof(vs_bounds) / sizeof(vs_bounds[0]))

/* Read n bytes at `pos` of fd: all of them, or up to the end of the file
 * at `size`; they must be pattern VS_BIG_SEED. */
static void vs_big_read_at(struct kip_posix *px, int fd, uint64_t pos, uint32_t n, uint64_t size,
			   uint8_t *back)
{
	uint64_t want = pos >= size ? 0 : size - pos < n ? size - pos : n;
	ft_where((int64_t)pos);
	FT_CHECK(px, kip_lseek(px, fd, (off_t)pos, KIP_SEEK_SET) == (off_t)pos);
	ssize_t r = kip_read(px, fd, back, n);
	FT_CHECK(px, r == (ssize_t)want);
	FT_CHECK(px, r < 0 || vs_same(VS_BIG_SEED, back, pos, (size_t)r));
}

/* Shrink the big file (open as fd) to a little past `bound`, in a block's
 * middle: what is left reads back, the cut tail of its last block reads as
 * zeros when the file grows again (and the freed zones are the judges'). */
#define VS_BIG_CUT (100 * VS_KIB + 5)
#define VS_BIG_END (VS_SINGLE + VS_BIG_CUT) /* the big file's size at the end */

static void vs_big_shrink(struct kip_posix *px, int fd, uint64_t bound, uint8_t *back)
{
	uint64_t size = bound + VS_BIG_CUT;
	struct kip_stat st;
	FT_CHECK(px, kip_ftruncate(px, fd, (off_t)size) == 0);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == size);
	vs_big_read_at(px, fd, size - 2050, 4096, size, back);
	FT_CHECK(px, kip_ftruncate(px, fd, (off_t)size + 3000) == 0);
	FT_CHECK(px, kip_lseek(px, fd, (off_t)size, KIP_SEEK_SET) == (off_t)size);
	FT_CHECK(px, kip_read(px, fd, back, VS_IO) == 3000 && vs_zero(back, 3000));
	FT_CHECK(px, kip_ftruncate(px, fd, (off_t)size) == 0);
}

/* Write vsb.big_bytes in 64 KiB chunks, fsync, read it all back; then read
 * around each indirect boundary inside it, and shrink it past each. */
static void vs_big_sequential(struct kip_posix *px, uint8_t *io, uint8_t *back)
{
	uint64_t n = vsb.big_bytes;
	struct kip_stat st;
	int fd = kip_open(px, "/big", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0);
	vs_write_pattern(px, fd, VS_BIG_SEED, 0, n, io);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == n);
	FT_CHECK(px, kip_fsync(px, fd) == 0);
	vs_read_back(px, fd, &(struct vs_content){.size = n, .data = n, .seed = VS_BIG_SEED}, back);
	static const int64_t deltas[] = {-(int64_t)VS_IO / 2, -1025, -1, 0, 1, 1023};
	for (unsigned b = 0; b < VS_NBOUNDS; b++)
		for (unsigned k = 0; k < sizeof(deltas) / sizeof(deltas[0]); k++)
			if (vs_bounds[b] < n && (int64_t)vs_bounds[b] + deltas[k] >= 0)
				vs_big_read_at(px, fd,
					       (uint64_t)((int64_t)vs_bounds[b] + deltas[k]),
					       k == 0 ? VS_IO : 2050, n, back);
	vs_big_read_at(px, fd, n - 10, 100, n, back); /* the end */
	vs_big_shrink(px, fd, n > VS_TRIPLE ? VS_TRIPLE : VS_DOUBLE, back);
	vs_big_shrink(px, fd, VS_SINGLE, back); /* to VS_BIG_END */
	FT_CHECK(px, kip_close(px, fd) == 0);
}

/* Where the sparse file has data: 6 bytes astride each indirect boundary,
 * and in the second leaf, the second middle block and beyond of the triple
 * indirect tree. */
static const uint64_t vs_sparse_at[] = {
	VS_SINGLE - 3,
	VS_DOUBLE - 3,
	VS_TRIPLE - 3,
	VS_TRIPLE + 256 * VS_KIB - 3,
	VS_TRIPLE + 65536 * VS_KIB - 3,
	VS_TRIPLE + 65792 * VS_KIB + 1000,
};
#define VS_NSPARSE (sizeof(vs_sparse_at) / sizeof(vs_sparse_at[0]))
#define VS_SPARSE_LEN 6
#define VS_SPARSE_END (VS_TRIPLE + 256 * VS_KIB) /* its size at the end */

/* Is byte x of the sparse file data (else a hole)? */
static bool vs_sparse_data(uint64_t x)
{
	for (unsigned k = 0; k < VS_NSPARSE; k++)
		if (x >= vs_sparse_at[k] && x < vs_sparse_at[k] + VS_SPARSE_LEN)
			return true;
	return false;
}

static void vs_big_sparse(struct kip_posix *px, uint8_t *io, uint8_t *back)
{
	uint64_t end = 0;
	struct kip_stat st;
	int fd = kip_open(px, "/sparse", KIP_O_CREAT | KIP_O_EXCL | KIP_O_RDWR, 0644);
	FT_CHECK(px, fd >= 0);
	for (unsigned k = 0; k < VS_NSPARSE; k++) {
		uint64_t at = vs_sparse_at[k];
		ft_where((int64_t)at);
		vs_fill(VS_BIG_SEED, io, at, VS_SPARSE_LEN);
		FT_CHECK(px, kip_lseek(px, fd, (off_t)at, KIP_SEEK_SET) == (off_t)at);
		FT_CHECK(px, kip_write(px, fd, io, VS_SPARSE_LEN) == VS_SPARSE_LEN);
		end = at + VS_SPARSE_LEN > end ? at + VS_SPARSE_LEN : end;
	}
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == end);
	/* 4 KiB around each piece: the piece, and zeros on both sides. */
	for (unsigned k = 0; k < VS_NSPARSE; k++) {
		uint64_t from = vs_sparse_at[k] - 2048;
		uint64_t want = end - from < 4096 ? end - from : 4096;
		ft_where((int64_t)from);
		memset(back, 0xee, 4096);
		FT_CHECK(px, kip_lseek(px, fd, (off_t)from, KIP_SEEK_SET) == (off_t)from);
		FT_CHECK(px, kip_read(px, fd, back, 4096) == (ssize_t)want);
		bool same = true;
		for (uint64_t i = 0; i < want; i++)
			same &= back[i] ==
				(vs_sparse_data(from + i) ? vs_byte(VS_BIG_SEED, from + i) : 0);
		FT_CHECK(px, same);
	}
	/* A hole in the middle of the triple indirect range. */
	FT_CHECK(px, kip_lseek(px, fd, (off_t)(VS_TRIPLE + 3 * 1024 * VS_KIB), KIP_SEEK_SET) >= 0);
	FT_CHECK(px, kip_read(px, fd, back, VS_IO) == VS_IO && vs_zero(back, VS_IO));
	/* Cut inside the second piece of the triple range: the first 3 of its
	 * bytes stay, what maps the pieces after it is freed. */
	end = VS_SPARSE_END;
	FT_CHECK(px, kip_ftruncate(px, fd, (off_t)end) == 0);
	FT_CHECK(px, kip_lseek(px, fd, (off_t)end - 1024, KIP_SEEK_SET) == (off_t)end - 1024);
	FT_CHECK(px, kip_read(px, fd, back, VS_IO) == 1024);
	FT_CHECK(px, vs_zero(back, 1021) && vs_same(VS_BIG_SEED, back + 1021, end - 3, 3));
	FT_CHECK(px, kip_close(px, fd) == 0);
}

static int vs_big_main(uint64_t vfs)
{
	uint8_t *io, *back;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	vs_big_sequential(px, io, back);
	vs_big_sparse(px, io, back);
	return vs_end(px);
}
KIP_PROGRAM(vscale_big, vs_big_main, 8, KIP_PROG_USER);

/* The zones a file's data takes, with the indirect blocks above them
 * (1 KiB blocks): each counted once. */
struct vs_zones {
	uint64_t key[512]; /* data block, or an indirect block's level and index */
	unsigned n;
};

static void vs_zones_key(struct vs_zones *z, uint64_t key)
{
	for (unsigned i = 0; i < z->n; i++)
		if (z->key[i] == key)
			return;
	if (z->n < sizeof(z->key) / sizeof(z->key[0]))
		z->key[z->n++] = key;
}

/* Add the blocks that hold bytes from .. to - 1. */
static void vs_zones_add(struct vs_zones *z, uint64_t from, uint64_t to)
{
	for (uint64_t b = from / 1024; b <= (to - 1) / 1024; b++) {
		uint64_t i = b - MINIXFS_NR_DZONES;
		vs_zones_key(z, b);
		if (b < MINIXFS_NR_DZONES)
			continue;
		if (i < 256) {
			vs_zones_key(z, 1ull << 60);
			continue;
		}
		i -= 256;
		if (i < 65536) {
			vs_zones_key(z, 2ull << 60);
			vs_zones_key(z, 3ull << 60 | i / 256);
			continue;
		}
		i -= 65536;
		vs_zones_key(z, 4ull << 60);
		vs_zones_key(z, 5ull << 60 | i / 65536);
		vs_zones_key(z, 6ull << 60 | i / 256);
	}
}

static void test_big_file(void)
{
	bool small = kip_test_small();
	vs_make_image(small ? "16M" : "256M", "1024");
	vsb.big_bytes = small ? 8u << 20 : 200u << 20;
	vs_run("vscale_big", "big file", 1);
	ft_judge(FT_FSCK_BOTH, "big file");
	/* The root's block; what /big and /sparse map after their truncates. */
	uint32_t inodes, zones, want = 1;
	struct vs_zones big = {0}, sparse = {0};
	vs_zones_add(&big, 0, VS_BIG_END);
	want += big.n;
	for (unsigned k = 0; k < VS_NSPARSE; k++)
		if (vs_sparse_at[k] < VS_SPARSE_END)
			vs_zones_add(&sparse, vs_sparse_at[k],
				     vs_sparse_at[k] + VS_SPARSE_LEN < VS_SPARSE_END
					     ? vs_sparse_at[k] + VS_SPARSE_LEN
					     : VS_SPARSE_END);
	want += sparse.n;
	ft_usage(&inodes, &zones);
	CU_ASSERT_EQUAL(inodes, 3);
	CU_ASSERT_EQUAL(zones, want);
	ft_unlink();
}

static const struct kip_test vfs_scale_bigfile_tests[] = {
	{"a 200 MiB file across the triple indirect boundary", test_big_file},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_scale_bigfile, vfs_scale_bigfile_tests);
