/*
 * tests/kernel/test_vfs_scale_dir.c - big directories: the file-system
 * stack (VFS, MFS, the disk driver) through libposix, in a booted kernel
 * (suite `vfs_scale`; the other vfs_scale_* suites are beside it).
 *
 * Pins, from a user program that has VFS as its only destination:
 *   - 3,000 files (300 at small scale) in one directory, names of 1..60
 *     bytes: readdir lists each once, stat sizes, contents, unlink of half,
 *     readdir of the rest, new names reuse the free slots (the directory
 *     does not grow); 61-byte names are ENAMETOOLONG, 60 bytes fit;
 *   - 300 subdirectories (260 at small scale: link counts past
 *     fsck.minix's 8 bits), listed after a reboot, then all but 200
 *     removed (ENOTEMPTY for their parent).
 * After each run `kip fsck` passes the image, and `fsck.minix -f` too once
 * fewer than 254 subdirectories are left; the inodes the image's bitmap
 * holds are those the program left (tests/kernel/vfs_scale.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kip/format.h"
#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/vfs_scale.h"
#include "tests/kip_test.h"

#define VS_MANY_MAX 3000 /* files in the big directory, natively */

/* What the test asks of the program. */
static struct {
	unsigned nfiles; /* files, or subdirectories */
	int phase;	 /* subdirectories: 0 make, 1 check and remove */
} vsd;

static const char vs_filler[] = "abcdefghijklmnopqrstuvwxyz-._ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Name of file i: i's decimal digits, then filler bytes (never digits), 1..60
 * bytes in all, every length met; distinct files have distinct names. */
static size_t vs_many_name(unsigned i, char name[MINIXFS_NAME_MAX + 1])
{
	char digits[12];
	size_t n = 0, len;
	for (unsigned v = i; n == 0 || v; v /= 10)
		digits[n++] = (char)('0' + v % 10);
	for (size_t k = 0; k < n; k++)
		name[k] = digits[n - 1 - k];
	len = n + (i * 37u + i / 61u) % (MINIXFS_NAME_MAX + 1 - n);
	for (size_t k = n; k < len; k++)
		name[k] = vs_filler[(i * 7u + k * 13u) % (sizeof(vs_filler) - 1)];
	name[len] = '\0';
	return len;
}

/* File i's path and contents (which name it); the contents' length. */
static int vs_many_file(unsigned i, char *path, char *contents)
{
	char name[MINIXFS_NAME_MAX + 1];
	vs_many_name(i, name);
	kip_snprintf(path, 80, "/many/%s", name);
	return kip_snprintf(contents, 128, "file %u is called %s\n", i, name);
}

/* The file a directory entry names, or -1 if it is none of them. */
static int vs_many_parse(const char *entry)
{
	char name[MINIXFS_NAME_MAX + 1];
	unsigned i = 0;
	size_t n = 0;
	for (; entry[n] >= '0' && entry[n] <= '9' && n < 5; n++)
		i = i * 10 + (unsigned)(entry[n] - '0');
	if (n == 0 || i >= vsd.nfiles)
		return -1;
	vs_many_name(i, name);
	return strcmp(name, entry) ? -1 : (int)i;
}

/* How often readdir listed each file (the test binary's own memory). */
static uint8_t vs_seen[VS_MANY_MAX];

/* Is file i there after `stage`: 0 all made, 1 the even ones unlinked,
 * 2 every tenth made again? */
static bool vs_many_live(unsigned i, int stage)
{
	return stage == 0 || i % 2 == 1 || (stage == 2 && i % 10 == 0);
}

/* An entry readdir gave: one of the files (counted in vs_seen), or not. */
static bool vs_many_known(const char *name, void *ctx)
{
	int i = vs_many_parse(name);
	(void)ctx;
	if (i >= 0 && vs_seen[i] < 255)
		vs_seen[i]++;
	return i >= 0;
}

/* readdir of /many lists ".", ".." and the files there at `stage`, once
 * each, and nothing else. */
static void vs_many_list(struct kip_posix *px, int stage)
{
	memset(vs_seen, 0, sizeof(vs_seen));
	vs_list(px, "/many", vs_many_known, NULL);
	for (unsigned i = 0; i < vsd.nfiles; i++) {
		ft_where(i);
		FT_CHECK(px, vs_seen[i] == (vs_many_live(i, stage) ? 1 : 0));
	}
}

/* stat of file i gives its size; with `read`, its contents are read back. */
static void vs_many_check(struct kip_posix *px, unsigned i, bool read, uint8_t *io, uint8_t *back)
{
	char path[80];
	struct kip_stat st;
	int len = vs_many_file(i, path, (char *)io);
	ft_where(i);
	FT_CHECK(px, kip_stat(px, path, &st) == 0 && st.st_size == (uint64_t)len);
	FT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFREG && st.st_nlink == 1);
	if (!read)
		return;
	int fd = kip_open(px, path, KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0);
	FT_CHECK(px, kip_read(px, fd, back, 256) == len && memcmp(io, back, (size_t)len) == 0);
	FT_CHECK(px, kip_read(px, fd, back, 256) == 0);
	FT_CHECK(px, kip_close(px, fd) == 0);
}

/* Names one byte too long, as the last component and inside a path. */
static void vs_many_too_long(struct kip_posix *px)
{
	struct kip_stat st;
	char path[96] = "/many/";
	memset(path + 6, 'n', MINIXFS_NAME_MAX + 1);
	path[6 + MINIXFS_NAME_MAX + 1] = '\0';
	FT_FAILS(px, kip_open(px, path, KIP_O_CREAT | KIP_O_WRONLY, 0644), ENAMETOOLONG);
	FT_FAILS(px, kip_stat(px, path, &st), ENAMETOOLONG);
	FT_FAILS(px, kip_mkdir(px, path, 0755), ENAMETOOLONG);
	FT_FAILS(px, kip_unlink(px, path), ENAMETOOLONG);
	strcat(path, "/x");
	FT_FAILS(px, kip_open(px, path, KIP_O_CREAT | KIP_O_WRONLY, 0644), ENAMETOOLONG);
	/* 60 bytes fit. */
	path[6 + MINIXFS_NAME_MAX] = '\0';
	int fd = kip_open(px, path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644);
	FT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
	FT_CHECK(px, kip_stat(px, path, &st) == 0 && st.st_size == 0);
	FT_CHECK(px, kip_unlink(px, path) == 0);
}

/* Make file i with its contents. */
static void vs_many_make(struct kip_posix *px, unsigned i, uint8_t *io)
{
	char path[80];
	int len = vs_many_file(i, path, (char *)io);
	ft_where(i);
	int fd = kip_open(px, path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644);
	FT_CHECK(px, fd >= 0);
	FT_CHECK(px, kip_write(px, fd, io, (size_t)len) == len);
	FT_CHECK(px, kip_close(px, fd) == 0);
}

static int vs_many_main(uint64_t vfs)
{
	uint8_t *io, *back;
	char path[80];
	struct kip_stat st;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	FT_CHECK(px, kip_mkdir(px, "/many", 0755) == 0);
	size_t longest = 0;
	for (unsigned i = 0; i < vsd.nfiles; i++) {
		char name[MINIXFS_NAME_MAX + 1];
		size_t n = vs_many_name(i, name);
		longest = n > longest ? n : longest;
		vs_many_make(px, i, io);
	}
	FT_CHECK(px, longest == MINIXFS_NAME_MAX);
	vs_many_list(px, 0);
	for (unsigned i = 0; i < vsd.nfiles; i++)
		vs_many_check(px, i, i % 11 == 0 || i == vsd.nfiles - 1, io, back);

	/* Unlink the even ones: the odd ones are left, and only they. */
	for (unsigned i = 0; i < vsd.nfiles; i += 2) {
		vs_many_file(i, path, (char *)io);
		ft_where(i);
		FT_CHECK(px, kip_unlink(px, path) == 0);
	}
	vs_many_list(px, 1);
	for (unsigned i = 0; i < vsd.nfiles; i++) {
		if (i % 2) {
			vs_many_check(px, i, i % 7 == 1, io, back);
			continue;
		}
		if (i % 5)
			continue;
		vs_many_file(i, path, (char *)io);
		ft_where(i);
		FT_FAILS(px, kip_stat(px, path, &st), ENOENT);
		FT_FAILS(px, kip_unlink(px, path), ENOENT);
		FT_FAILS(px, kip_open(px, path, KIP_O_RDONLY, 0), ENOENT);
	}
	vs_many_too_long(px);
	vs_many_list(px, 1);

	/* Every tenth made again: they take free slots, the directory does
	 * not grow. */
	FT_CHECK(px, kip_stat(px, "/many", &st) == 0 && st.st_size >= 64 * (vsd.nfiles + 2));
	uint64_t dir_size = st.st_size;
	for (unsigned i = 0; i < vsd.nfiles; i += 10)
		vs_many_make(px, i, io);
	FT_CHECK(px, kip_stat(px, "/many", &st) == 0 && st.st_size == dir_size);
	vs_many_list(px, 2);
	for (unsigned i = 0; i < vsd.nfiles; i += 10)
		vs_many_check(px, i, i % 30 == 0, io, back);
	return vs_end(px);
}
KIP_PROGRAM(vscale_many, vs_many_main, 8, KIP_PROG_USER);

static void test_many_files(void)
{
	bool small = kip_test_small();
	vs_make_image(small ? "2M" : "8M", small ? "512" : "4096");
	vsd.nfiles = small ? 300 : VS_MANY_MAX;
	vs_run("vscale_many", "many files", 6 * (int)vsd.nfiles + 1);
	ft_judge(FT_FSCK_BOTH, "many files");
	/* The root, /many, the odd files and every tenth. */
	vs_assert_inodes(2 + vsd.nfiles / 2 + (vsd.nfiles + 9) / 10);
	ft_unlink();
}

/* ---------------------------- more subdirectories than 8 bits count */

/* Phase 0: make vsd.nfiles subdirectories of /sub.  Phase 1 (a new boot):
 * they are all there and /sub has 2 + that many links; rmdir all but
 * VS_SUBS_LEFT. */
#define VS_SUBS_LEFT 200

static int vs_subs_main(uint64_t vfs)
{
	uint8_t *io, *back;
	char path[32];
	struct kip_stat st;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	if (vsd.phase == 0)
		FT_CHECK(px, kip_mkdir(px, "/sub", 0755) == 0);
	for (unsigned i = 0; vsd.phase == 0 && i < vsd.nfiles; i++) {
		kip_snprintf(path, sizeof(path), "/sub/d%u", i);
		ft_where(i);
		FT_CHECK(px, kip_mkdir(px, path, 0755) == 0);
	}
	FT_CHECK(px, kip_stat(px, "/sub", &st) == 0 && st.st_nlink == 2 + vsd.nfiles);
	if (vsd.phase == 1) {
		FT_CHECK(px, vs_list(px, "/sub", NULL, NULL) == vsd.nfiles);
		for (unsigned i = VS_SUBS_LEFT; i < vsd.nfiles; i++) {
			kip_snprintf(path, sizeof(path), "/sub/d%u", i);
			ft_where(i);
			FT_CHECK(px, kip_rmdir(px, path) == 0);
		}
		FT_CHECK(px, kip_stat(px, "/sub", &st) == 0 && st.st_nlink == 2 + VS_SUBS_LEFT);
		FT_FAILS(px, kip_rmdir(px, "/sub"), ENOTEMPTY);
	}
	return vs_end(px);
}
KIP_PROGRAM(vscale_subs, vs_subs_main, 8, KIP_PROG_USER);

/* fsck.minix counts links in 8 bits: kip fsck alone judges the image while
 * /sub has 254 or more subdirectories, both once it has fewer. */
static void test_many_subdirectories(void)
{
	vs_make_image("8M", NULL);
	vsd.nfiles = kip_test_small() ? 260 : 300;
	vsd.phase = 0;
	vs_run("vscale_subs", "subdirectories made", 1);
	ft_judge(FT_FSCK_KIP, "subdirectories made");
	vs_assert_inodes(2 + vsd.nfiles);
	vsd.phase = 1;
	vs_run("vscale_subs", "subdirectories removed", 1);
	ft_judge(FT_FSCK_BOTH, "subdirectories removed");
	vs_assert_inodes(2 + VS_SUBS_LEFT);
	ft_unlink();
}

static const struct kip_test vfs_scale_tests[] = {
	{"thousands of files in one directory", test_many_files},
	{"300 subdirectories: links past 255, then fewer", test_many_subdirectories},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_scale, vfs_scale_tests);
