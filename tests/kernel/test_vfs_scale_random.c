/*
 * tests/kernel/test_vfs_scale_random.c - seeded random workloads checked
 * against a model: the file-system stack (VFS, MFS, the disk driver)
 * through libposix, in a booted kernel (suite `vfs_scale_random`).
 *
 * Pins, from a user program that has VFS as its only destination: 400
 * random operations (100 at small scale) per seed - create, write
 * (appending, inside, astride the double indirect boundary, past the end,
 * after O_TRUNC), truncate by path or fd, unlink, mkdir, rmdir, read back -
 * each succeed or fail (EEXIST, ENOENT, ENOTEMPTY) as the model of 24
 * files in 6 directories says; then every file reads back and every
 * directory lists as the model has it.  Every kind of operation runs;
 * `fsck.minix -f` and `kip fsck` both pass each image and agree, and its
 * bitmaps hold exactly the model's live inodes (tests/kernel/vfs_scale.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kip/format.h"
#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/vfs_scale.h"
#include "tests/kip_test.h"

/* What the test asks of the program. */
static struct {
	uint64_t seed; /* of the workload */
	unsigned nops; /* its operations */
} vsp;

#define VS_RW_FILES 24
#define VS_RW_DIRS 6		/* slot 0 is the root */
#define VS_RW_MAX (320u * 1024) /* crosses into the double indirect zone */
#define VS_RW_NOPS 400

/* Directory k's parent; file j lives in directory j % VS_RW_DIRS. */
static const uint8_t vs_rw_parent[VS_RW_DIRS] = {0, 0, 0, 1, 3, 2};

static struct {
	uint8_t *data[VS_RW_FILES]; /* the model: each file's bytes, zeros past size */
	uint32_t size[VS_RW_FILES];
	bool file[VS_RW_FILES], dir[VS_RW_DIRS];
	uint64_t rng;
	unsigned ops[8]; /* how many of each operation ran */
} vs_rw;

static void vs_rw_dir_path(unsigned k, char *path, size_t size)
{
	if (k == 0) {
		kip_snprintf(path, size, "/");
		return;
	}
	char up[64];
	vs_rw_dir_path(vs_rw_parent[k], up, sizeof(up));
	kip_snprintf(path, size, "%sd%u", up, k);
	size_t len = strlen(path);
	if (len + 1 < size) {
		path[len] = '/';
		path[len + 1] = '\0';
	}
}

/* File j's path: names of varying length. */
static void vs_rw_file_path(unsigned j, char *path, size_t size)
{
	char dir[64];
	vs_rw_dir_path(j % VS_RW_DIRS, dir, sizeof(dir));
	kip_snprintf(path, size, "%sf%u_%.*s", dir, j, (int)(j * 11 % 45),
		     "xxxxxxxxxxyyyyyyyyyyzzzzzzzzzzwwwwwwwwwwvvvvvvvvvv");
}

static bool vs_rw_dir_empty(unsigned k)
{
	for (unsigned j = 0; j < VS_RW_FILES; j++)
		if (vs_rw.file[j] && j % VS_RW_DIRS == k)
			return false;
	for (unsigned c = 1; c < VS_RW_DIRS; c++)
		if (vs_rw.dir[c] && vs_rw_parent[c] == k)
			return false;
	return true;
}

/* File j reads back as the model has it (or is gone). */
static void vs_rw_check_file(struct kip_posix *px, unsigned j, uint8_t *back)
{
	char path[128];
	struct kip_stat st;
	vs_rw_file_path(j, path, sizeof(path));
	if (!vs_rw.file[j]) {
		FT_FAILS(px, kip_stat(px, path, &st), ENOENT);
		return;
	}
	FT_CHECK(px, kip_stat(px, path, &st) == 0 && st.st_size == vs_rw.size[j]);
	int fd = kip_open(px, path, KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0);
	uint32_t size = vs_rw.size[j];
	vs_read_back(px, fd, &(struct vs_content){size, size, 0, vs_rw.data[j]}, back);
	FT_CHECK(px, fd < 0 || kip_close(px, fd) == 0);
}

/* Directory k being listed, and how often each entry was listed in it. */
struct vs_rw_listing {
	unsigned k;
	size_t base; /* the children's names start there in their paths */
	uint8_t files[VS_RW_FILES], dirs[VS_RW_DIRS];
};

/* An entry of directory l->k readdir gave: a live one (counted), or not. */
static bool vs_rw_known(const char *entry, void *ctx)
{
	struct vs_rw_listing *l = ctx;
	char name[128];
	bool known = false;
	for (unsigned j = 0; !known && j < VS_RW_FILES; j++) {
		if (!vs_rw.file[j] || j % VS_RW_DIRS != l->k)
			continue;
		vs_rw_file_path(j, name, sizeof(name));
		known = !strcmp(name + l->base, entry);
		l->files[j] += known;
	}
	for (unsigned c = 1; !known && c < VS_RW_DIRS; c++) {
		if (!vs_rw.dir[c] || vs_rw_parent[c] != l->k)
			continue;
		vs_rw_dir_path(c, name, sizeof(name));
		name[strlen(name) - 1] = '\0';
		known = !strcmp(name + l->base, entry);
		l->dirs[c] += known;
	}
	return known;
}

/* Directory k lists exactly the live entries the model gives it. */
static void vs_rw_check_dir(struct kip_posix *px, unsigned k)
{
	char path[64];
	struct vs_rw_listing l = {.k = k};
	vs_rw_dir_path(k, path, sizeof(path));
	l.base = strlen(path);
	vs_list(px, path, vs_rw_known, &l);
	for (unsigned j = 0; j < VS_RW_FILES; j++)
		FT_CHECK(px, l.files[j] == (vs_rw.file[j] && j % VS_RW_DIRS == k));
	for (unsigned c = 1; c < VS_RW_DIRS; c++)
		FT_CHECK(px, l.dirs[c] == (vs_rw.dir[c] && vs_rw_parent[c] == k));
}

/* Write random bytes somewhere in (or past the end of) live file j. */
static void vs_rw_write(struct kip_posix *px, unsigned j, const char *path, uint8_t *io)
{
	uint64_t r = vs_rand(&vs_rw.rng);
	uint32_t size = vs_rw.size[j], len = 1 + (uint32_t)(r % 20000), off;
	switch ((r >> 20) % 4) {
	case 0:
		off = size;
		break; /* append */
	case 1:
		off = (uint32_t)((r >> 24) % (size + 1));
		break;
	case 2:
		off = (uint32_t)(VS_DOUBLE - (r >> 24) % 8192);
		break; /* astride the double indirect boundary */
	default:
		off = (uint32_t)((r >> 24) % VS_RW_MAX);
		break;
	}
	if (off + len > VS_RW_MAX)
		off = VS_RW_MAX - len;
	bool trunc = (r >> 40) % 10 == 0;
	for (uint32_t i = 0; i < len; i++)
		io[i] = (uint8_t)vs_rand(&vs_rw.rng);
	int fd = kip_open(px, path, KIP_O_WRONLY | (trunc ? KIP_O_TRUNC : 0), 0);
	FT_CHECK(px, fd >= 0);
	FT_CHECK(px, kip_lseek(px, fd, off, KIP_SEEK_SET) == (off_t)off);
	FT_CHECK(px, kip_write(px, fd, io, len) == (ssize_t)len);
	FT_CHECK(px, kip_close(px, fd) == 0);
	if (trunc) {
		memset(vs_rw.data[j], 0, size);
		vs_rw.size[j] = size = 0;
	}
	memcpy(vs_rw.data[j] + off, io, len);
	vs_rw.size[j] = off + len > size ? off + len : size;
}

/* Truncate live file j, by path or by fd. */
static void vs_rw_truncate(struct kip_posix *px, unsigned j, const char *path)
{
	uint64_t r = vs_rand(&vs_rw.rng);
	uint32_t size = vs_rw.size[j], to;
	switch (r % 4) {
	case 0:
		to = 0;
		break;
	case 1:
		to = size / 2;
		break;
	case 2:
		to = size + (uint32_t)((r >> 8) % 5000);
		break;
	default:
		to = (uint32_t)((r >> 8) % VS_RW_MAX);
		break;
	}
	to = to > VS_RW_MAX ? VS_RW_MAX : to;
	if ((r >> 40) % 2) {
		FT_CHECK(px, kip_truncate(px, path, to) == 0);
	} else {
		int fd = kip_open(px, path, KIP_O_RDWR, 0);
		FT_CHECK(px, fd >= 0 && kip_ftruncate(px, fd, to) == 0);
		FT_CHECK(px, kip_close(px, fd) == 0);
	}
	if (to < size)
		memset(vs_rw.data[j] + to, 0, size - to);
	vs_rw.size[j] = to;
}

/* One random operation, its outcome checked against the model. */
static void vs_rw_op(struct kip_posix *px, uint8_t *io, uint8_t *back)
{
	char path[128];
	struct kip_stat st;
	uint64_t r = vs_rand(&vs_rw.rng);
	unsigned what = (unsigned)(r % 100), j = (unsigned)(r >> 8) % VS_RW_FILES;
	unsigned k = 1 + (unsigned)(r >> 16) % (VS_RW_DIRS - 1), up = vs_rw_parent[k];
	bool in_dir = vs_rw.dir[j % VS_RW_DIRS];
	vs_rw_file_path(j, path, sizeof(path));
	if (what < 18) { /* create */
		vs_rw.ops[0]++;
		int fd = kip_open(px, path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644);
		if (!in_dir || vs_rw.file[j]) {
			FT_CHECK(px, fd == -1 && px->err == (in_dir ? EEXIST : ENOENT));
			return;
		}
		FT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
		vs_rw.file[j] = true;
		vs_rw.size[j] = 0;
	} else if (what < 55) { /* write */
		vs_rw.ops[1]++;
		if (vs_rw.file[j])
			vs_rw_write(px, j, path, io);
		else
			FT_FAILS(px, kip_open(px, path, KIP_O_WRONLY, 0), ENOENT);
	} else if (what < 65) { /* truncate */
		vs_rw.ops[2]++;
		if (vs_rw.file[j])
			vs_rw_truncate(px, j, path);
		else
			FT_FAILS(px, kip_truncate(px, path, 0), ENOENT);
	} else if (what < 75) { /* unlink */
		vs_rw.ops[3]++;
		if (!vs_rw.file[j]) {
			FT_FAILS(px, kip_unlink(px, path), ENOENT);
			return;
		}
		FT_CHECK(px, kip_unlink(px, path) == 0);
		memset(vs_rw.data[j], 0, vs_rw.size[j]);
		vs_rw.size[j] = 0;
		vs_rw.file[j] = false;
	} else if (what < 84) { /* mkdir */
		vs_rw.ops[4]++;
		vs_rw_dir_path(k, path, sizeof(path));
		if (vs_rw.dir[k] || !vs_rw.dir[up]) {
			FT_FAILS(px, kip_mkdir(px, path, 0755), vs_rw.dir[k] ? EEXIST : ENOENT);
			return;
		}
		FT_CHECK(px, kip_mkdir(px, path, 0755) == 0);
		vs_rw.dir[k] = true;
	} else if (what < 92) { /* rmdir */
		vs_rw.ops[5]++;
		vs_rw_dir_path(k, path, sizeof(path));
		if (!vs_rw.dir[k] || !vs_rw_dir_empty(k)) {
			FT_FAILS(px, kip_rmdir(px, path), vs_rw.dir[k] ? ENOTEMPTY : ENOENT);
			return;
		}
		FT_CHECK(px, kip_rmdir(px, path) == 0);
		vs_rw.dir[k] = false;
		FT_FAILS(px, kip_stat(px, path, &st), ENOENT);
	} else { /* read back */
		vs_rw.ops[6]++;
		vs_rw_check_file(px, j, back);
	}
}

static int vs_rw_main(uint64_t vfs)
{
	uint8_t *io, *back;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	for (unsigned op = 0; op < vsp.nops; op++) {
		ft_where(op);
		vs_rw_op(px, io, back);
	}
	ft_where(-1);
	for (unsigned j = 0; j < VS_RW_FILES; j++)
		vs_rw_check_file(px, j, back);
	for (unsigned k = 0; k < VS_RW_DIRS; k++)
		if (vs_rw.dir[k])
			vs_rw_check_dir(px, k);
	return vs_end(px);
}
KIP_PROGRAM(vscale_rw, vs_rw_main, 8, KIP_PROG_USER);

static void test_random_workloads(void)
{
	bool small = kip_test_small();
	unsigned seeds = small ? 2 : 6;
	for (unsigned j = 0; j < VS_RW_FILES; j++)
		vs_rw.data[j] = NULL;
	for (unsigned s = 1; s <= seeds; s++) {
		vs_make_image("16M", NULL);
		vsp.seed = s;
		vsp.nops = small ? VS_RW_NOPS / 4 : VS_RW_NOPS;
		memset(vs_rw.size, 0, sizeof(vs_rw.size));
		memset(vs_rw.file, 0, sizeof(vs_rw.file));
		memset(vs_rw.dir, 0, sizeof(vs_rw.dir));
		memset(vs_rw.ops, 0, sizeof(vs_rw.ops));
		vs_rw.dir[0] = true;
		vs_rw.rng = vsp.seed;
		for (unsigned j = 0; j < VS_RW_FILES; j++) {
			vs_rw.data[j] = calloc(1, VS_RW_MAX);
			CU_ASSERT_PTR_NOT_NULL_FATAL(vs_rw.data[j]);
		}
		char what[40];
		snprintf(what, sizeof(what), "random workload, seed %u", s);
		vs_run("vscale_rw", what, (int)vsp.nops + 1);
		/* Every kind of operation ran. */
		for (unsigned o = 0; o < 7; o++)
			CU_ASSERT(vs_rw.ops[o] > 0);
		int minix = ft_fsck_minix(), kip = ft_fsck_kip();
		CU_ASSERT_EQUAL(minix, 0);
		CU_ASSERT_EQUAL(kip, 0);
		CU_ASSERT_EQUAL(minix, kip);
		if (minix || kip)
			fprintf(stderr,
				"\n  vfs_scale: seed %u: fsck.minix -f exit %d, kip fsck %d\n", s,
				minix, kip);
		uint32_t live = 0;
		for (unsigned k = 0; k < VS_RW_DIRS; k++)
			live += vs_rw.dir[k];
		for (unsigned j = 0; j < VS_RW_FILES; j++)
			live += vs_rw.file[j];
		vs_assert_inodes(live);
		for (unsigned j = 0; j < VS_RW_FILES; j++) {
			free(vs_rw.data[j]);
			vs_rw.data[j] = NULL;
		}
		ft_unlink();
	}
}

static const struct kip_test vfs_scale_random_tests[] = {
	{"random workloads: kip fsck and fsck.minix agree", test_random_workloads},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_scale_random, vfs_scale_random_tests);
