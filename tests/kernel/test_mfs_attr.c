/*
 * tests/kernel/test_mfs_attr.c - MFS's attributes and times, by inode
 * number from a test process (suite `mfs_ops_attr`).
 *
 * Pins: a WRITE across the largest file size writes what fits, one at or
 * past it is EFBIG; SETATTR (each field, ctime follows; a uid of 70000, a
 * gid of 65536, a type in the mode, both a time and "now", an unknown bit
 * are EINVAL and nothing changes, even beside a good field; it reaches the
 * disk); STATFS figures (ENODEV before a mount) that follow creates and
 * removals; relatime atime on READ, GETDENTS and READLINK (updated when a
 * day old or not newer than mtime or ctime; a read of no bytes is no
 * access); the mtime and ctime of the directory every namespace call
 * changes, and LINK's ctime on the inode.  Each test ends with SYNC, then
 * the image passes `fsck.minix -f` and `kip fsck`.
 *
 * Times: a test that checks that a call sets a time boots twice - the
 * setup at epoch MC_E1, the calls two days later at MC_E2 - so "set" is
 * >= MC_E2 and "left alone" is < MC_E2 (tests/kernel/mfs_client.h).
 */
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/mfs_client.h"
#include "tests/kip_test.h"

/* ------------------------------- EFBIG: a write across the largest file */

static int mo_efbig_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_start(&c, mfs) < 0)
		return 1;
	uint64_t max = mc.mount.max_size;
	uint32_t f = mc_file(&c, 1, "big", "");
	struct mfs_statfs s0 = mc_fs(&c);
	memcpy(c.data, "ABCDEFGH", 8);
	FT_EQ(mc_io(&c, MFS_WRITE, f, max - 3, c.data, 8), 3); /* what fits */
	FT_EQ(mc_attr(&c, f).size, max);
	FT_EQ(mc_io(&c, MFS_WRITE, f, max, c.data, 1), -EFBIG); /* no byte fits */
	FT_EQ(mc_io(&c, MFS_WRITE, f, max + 10, c.data, 1), -EFBIG);
	FT_EQ(mc_io(&c, MFS_WRITE, f, max, c.data, 0), 0);
	FT_EQ(mc_attr(&c, f).size, max);
	memset(c.data, 0, 100);
	FT_EQ(mc_io(&c, MFS_READ, f, max - 3, c.data, 100), 3);
	FT_EQ(memcmp(c.data, "ABC", 3), 0);
	/* 1 KiB blocks: the last block is under the triple indirect zone. */
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 4);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_efbig, mo_efbig_main, 4, KIP_PROG_SYSTEM);

static void test_write_across_max_size(void)
{
	mc_test("1M", NULL, NULL, "mfso_efbig");
	CU_ASSERT_EQUAL(mc.mount.max_size, MINIXFS_MAX_SIZE);
}

/* -------------------------------------------------------------- setattr */

static int mo_setattr_setup_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_start(&c, mfs) < 0)
		return 1;
	mc.ino[0] = mc_file(&c, 1, "f", "data");
	mc.ino[1] = mc_dir(&c, 1, "d");
	return mc_end(&c);
}
KIP_PROGRAM(mfso_setattr_setup, mo_setattr_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_setattr_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	uint32_t f = mc.ino[0], d = mc.ino[1];
	if (mc_start(&c, mfs) < 0)
		return 1;
	/* Nothing asked: nothing changes, not even ctime. */
	FT_EQ(mc_setattr(&c, f, 0, 0, 0, 0, 0, 0, &a), 0);
	FT_EQ(a.mode, MINIXFS_S_IFREG | 0644);
	MC_OLD(a.ctime);
	/* Refusals: nothing changes, even beside a good field. */
	FT_EQ(mc_setattr(&c, f, MFS_SET_MODE, MINIXFS_S_IFDIR | 0644, 0, 0, 0, 0, NULL), -EINVAL);
	FT_EQ(mc_setattr(&c, f, MFS_SET_UID, 0, 70000, 0, 0, 0, NULL), -EINVAL);
	FT_EQ(mc_setattr(&c, f, MFS_SET_GID, 0, 0, 65536, 0, 0, NULL), -EINVAL);
	FT_EQ(mc_setattr(&c, f, MFS_SET_MODE | MFS_SET_UID, 0600, 70000, 0, 0, 0, NULL), -EINVAL);
	FT_EQ(mc_setattr(&c, f, MFS_SET_ATIME | MFS_SET_ATIME_NOW, 0, 0, 0, 5, 0, NULL), -EINVAL);
	FT_EQ(mc_setattr(&c, f, MFS_SET_MTIME | MFS_SET_MTIME_NOW, 0, 0, 0, 0, 5, NULL), -EINVAL);
	FT_EQ(mc_setattr(&c, f, 1u << 7, 0, 0, 0, 0, 0, NULL), -EINVAL);
	a = mc_attr(&c, f);
	FT_EQ(a.mode, MINIXFS_S_IFREG | 0644);
	FT_EQ(a.uid, 1000);
	FT_EQ(a.gid, 100);
	MC_OLD(a.ctime);
	FT_EQ(mc_setattr(&c, mc.mount.ninodes, MFS_SET_MODE, 0600, 0, 0, 0, 0, NULL), -ENOENT);
	FT_EQ(mc_setattr(&c, 0, MFS_SET_MODE, 0600, 0, 0, 0, 0, NULL), -ENOENT);
	/* Each field; ctime follows. */
	FT_EQ(mc_setattr(&c, f, MFS_SET_MODE, 04750, 0, 0, 0, 0, &a), 0);
	FT_EQ(a.mode, MINIXFS_S_IFREG | 04750);
	MC_NOW2(a.ctime);
	MC_OLD(a.mtime);
	FT_EQ(mc_setattr(&c, f, MFS_SET_UID, 0, 65535, 0, 0, 0, &a), 0);
	FT_EQ(a.uid, 65535);
	FT_EQ(a.gid, 100);
	FT_EQ(mc_setattr(&c, f, MFS_SET_GID, 0, 0, 7, 0, 0, &a), 0);
	FT_EQ(a.gid, 7);
	FT_EQ(a.uid, 65535);
	FT_EQ(mc_setattr(&c, f, MFS_SET_UID | MFS_SET_GID, 0, 0, 0, 0, 0, &a), 0);
	FT_EQ(a.uid, 0);
	FT_EQ(a.gid, 0);
	FT_EQ(mc_setattr(&c, f, MFS_SET_ATIME | MFS_SET_MTIME, 0, 0, 0, 12345, 67890, &a), 0);
	FT_EQ(a.atime, 12345);
	FT_EQ(a.mtime, 67890);
	MC_NOW2(a.ctime);
	FT_EQ(mc_setattr(&c, f, MFS_SET_ATIME_NOW, 0, 0, 0, 1, 1, &a), 0);
	MC_NOW2(a.atime);
	FT_EQ(a.mtime, 67890);
	FT_EQ(mc_setattr(&c, f, MFS_SET_MTIME_NOW, 0, 0, 0, 1, 1, &a), 0);
	MC_NOW2(a.mtime);
	FT_EQ(a.size, 4);
	FT_EQ(mc_setattr(&c, d, MFS_SET_MODE, 0700, 0, 0, 0, 0, &a), 0);
	FT_EQ(a.mode, MINIXFS_S_IFDIR | 0700);
	/* It reaches the disk. */
	FT_EQ(mc_simple(&c, MFS_SYNC), 0);
	FT_EQ(mc_mount(&c), 0);
	a = mc_attr(&c, f);
	FT_EQ(a.mode, MINIXFS_S_IFREG | 04750);
	FT_EQ(a.uid, 0);
	MC_NOW2(a.mtime);
	FT_EQ(mc_attr(&c, d).mode, MINIXFS_S_IFDIR | 0700);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_setattr, mo_setattr_main, 4, KIP_PROG_SYSTEM);

static void test_setattr(void)
{
	mc_test("1M", NULL, "mfso_setattr_setup", "mfso_setattr");
}

/* --------------------------------------------------------------- statfs */

static int mo_statfs_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_statfs st;
	if (mc_init(&c, mfs) < 0)
		return 1;
	FT_EQ(mc_statfs(&c, &st), -ENODEV);
	FT_EQ(mc_mount(&c), 0);
	struct mfs_statfs s0 = mc_fs(&c);
	FT_EQ(s0.block_size, 1024);
	FT_EQ(s0.zones, mc.mount.zones - mc.mount.first_data_zone);
	FT_EQ(s0.free_zones, mc.mount.free_zones);
	FT_EQ(s0.inodes, mc.mount.ninodes);
	FT_EQ(s0.free_inodes, mc.mount.free_inodes);
	FT_EQ(s0.name_max, MINIXFS_NAME_MAX);
	FT_EQ(s0.max_size, mc.mount.max_size);
	/* The counts follow what is made and removed. */
	uint32_t f = mc_file(&c, 1, "f", "");
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 1);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones);
	memset(c.data, 1, 3000);
	FT_EQ(mc_io(&c, MFS_WRITE, f, 0, c.data, 3000), 3000);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 3);
	FT_TRUE(mc_dir(&c, 1, "d") != 0);
	st = mc_fs(&c);
	FT_EQ(st.free_zones, s0.free_zones - 4);
	FT_EQ(st.free_inodes, s0.free_inodes - 2);
	FT_EQ(st.zones, s0.zones);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "f", 0, NULL), 0);
	FT_EQ(mc_named(&c, MFS_RMDIR, 1, "d", 0, NULL), 0);
	st = mc_fs(&c);
	FT_EQ(st.free_zones, s0.free_zones);
	FT_EQ(st.free_inodes, s0.free_inodes);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_statfs, mo_statfs_main, 4, KIP_PROG_SYSTEM);

static void test_statfs(void)
{
	mc_make_image("2M", "100");
	struct minixfs_super sb = ft_super();
	mc_run("mfso_statfs", MC_E1);
	CU_ASSERT_EQUAL(mc.mount.ninodes, sb.s_ninodes);
	CU_ASSERT(sb.s_ninodes >= 100);
	CU_ASSERT_EQUAL(mc.mount.zones, sb.s_zones);
	mc_finish();
}

/* ------------------------------------------------------ atime: relatime */

enum {
	T_OLD,
	T_MTIME,
	T_CTIME,
	T_FRESH,
	T_ZERO,
	T_WRITE,
	T_DL,
	T_DFRESH,
	T_SL
};

static int mo_atime_setup_main(uint64_t mfs)
{
	struct mc_client c;
	uint32_t *n = mc.ino;
	if (mc_start(&c, mfs) < 0)
		return 1;
	n[T_OLD] = mc_file(&c, 1, "old", "0123456789");
	n[T_MTIME] = mc_file(&c, 1, "mtime", "0123456789");
	n[T_CTIME] = mc_file(&c, 1, "ctime", "0123456789");
	n[T_FRESH] = mc_file(&c, 1, "fresh", "0123456789");
	n[T_ZERO] = mc_file(&c, 1, "zero", "0123456789");
	n[T_WRITE] = mc_file(&c, 1, "write", "0123456789");
	n[T_DL] = mc_dir(&c, 1, "dl");
	n[T_DFRESH] = mc_dir(&c, 1, "dfresh");
	struct mfs_attr a;
	FT_EQ(mc_symlink(&c, 1, "sl", "old", 3, 0777, 1000, &a), 0);
	n[T_SL] = a.ino;
	/* ctime is MC_E1 for all (SETATTR sets it). */
	FT_EQ(mc_times(&c, n[T_OLD], MC_E1 + 10, MC_E1 - 100), 0);   /* a day old by boot 2 */
	FT_EQ(mc_times(&c, n[T_MTIME], MC_E2 - 100, MC_E2 - 50), 0); /* atime <= mtime */
	FT_EQ(mc_times(&c, n[T_CTIME], MC_E2 - 100, MC_E1 - 100), 0);
	FT_EQ(mc_times(&c, n[T_FRESH], MC_E2 - 100, MC_E1 - 100), 0);
	FT_EQ(mc_times(&c, n[T_ZERO], MC_E2 - 100, MC_E2 - 50), 0);
	FT_EQ(mc_times(&c, n[T_WRITE], MC_E2 - 100, MC_E1 - 100), 0);
	FT_EQ(mc_times(&c, n[T_DL], MC_E2 - 100, MC_E2 - 50), 0);
	FT_EQ(mc_times(&c, n[T_DFRESH], MC_E2 - 100, MC_E1 - 100), 0);
	FT_EQ(mc_times(&c, n[T_SL], MC_E1 + 10, MC_E1 - 100), 0);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_atime_setup, mo_atime_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_atime_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	const uint32_t *n = mc.ino;
	if (mc_start(&c, mfs) < 0)
		return 1;
	/* Updated: a day old; not newer than mtime; not newer than ctime. */
	FT_EQ(mc_io(&c, MFS_READ, n[T_OLD], 0, c.data, 10), 10);
	MC_NOW2(mc_attr(&c, n[T_OLD]).atime);
	FT_EQ(mc_io(&c, MFS_READ, n[T_MTIME], 0, c.data, 10), 10);
	MC_NOW2(mc_attr(&c, n[T_MTIME]).atime);
	FT_EQ(mc_setattr(&c, n[T_CTIME], MFS_SET_MODE, 0600, 0, 0, 0, 0, &a), 0);
	FT_EQ(a.atime, MC_E2 - 100);
	FT_EQ(mc_io(&c, MFS_READ, n[T_CTIME], 0, c.data, 10), 10);
	MC_NOW2(mc_attr(&c, n[T_CTIME]).atime);
	/* Not updated: newer than both, and less than a day old. */
	FT_EQ(mc_io(&c, MFS_READ, n[T_FRESH], 0, c.data, 10), 10);
	FT_EQ(mc_attr(&c, n[T_FRESH]).atime, MC_E2 - 100);
	/* A read of no bytes is no access. */
	FT_EQ(mc_io(&c, MFS_READ, n[T_ZERO], 0, c.data, 0), 0);
	FT_EQ(mc_attr(&c, n[T_ZERO]).atime, MC_E2 - 100);
	/* WRITE sets mtime and ctime, not atime. */
	FT_EQ(mc_io(&c, MFS_WRITE, n[T_WRITE], 0, c.data, 4), 4);
	a = mc_attr(&c, n[T_WRITE]);
	MC_NOW2(a.mtime);
	MC_NOW2(a.ctime);
	FT_EQ(a.atime, MC_E2 - 100);
	/* GETDENTS and READLINK follow the same rule. */
	FT_TRUE(mc_io(&c, MFS_GETDENTS, n[T_DL], 0, c.data, 4096) > 0);
	MC_NOW2(mc_attr(&c, n[T_DL]).atime);
	FT_TRUE(mc_io(&c, MFS_GETDENTS, n[T_DFRESH], 0, c.data, 4096) > 0);
	FT_EQ(mc_attr(&c, n[T_DFRESH]).atime, MC_E2 - 100);
	FT_EQ(mc_io(&c, MFS_READLINK, n[T_SL], 0, c.data, 64), 3);
	MC_NOW2(mc_attr(&c, n[T_SL]).atime);
	/* Neither changes mtime or ctime. */
	a = mc_attr(&c, n[T_OLD]);
	FT_EQ(a.mtime, MC_E1 - 100);
	MC_OLD(a.ctime);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_atime, mo_atime_main, 4, KIP_PROG_SYSTEM);

static void test_atime_relatime(void)
{
	mc_test("1M", NULL, "mfso_atime_setup", "mfso_atime");
}

/* ---------------------------------------- directory mtime and ctime */

enum {
	D_CREATE,
	D_MKDIR,
	D_SYMLINK,
	D_LINK,
	D_UNLINK,
	D_RMDIR,
	D_MKNOD,
	D_REUSE,
	D_CTL,
	D_FILE
};

static int mo_dirtime_setup_main(uint64_t mfs)
{
	struct mc_client c;
	static const char *const names[] = {"create", "mkdir", "symlink", "link",   "unlink",
					    "rmdir",  "mknod", "reuse",	  "control"};
	uint32_t *n = mc.ino;
	if (mc_start(&c, mfs) < 0)
		return 1;
	for (int i = D_CREATE; i <= D_CTL; i++) {
		n[i] = mc_dir(&c, 1, names[i]);
		FT_TRUE(n[i] != 0);
	}
	n[D_FILE] = mc_file(&c, 1, "file", "f");
	FT_TRUE(mc_file(&c, n[D_UNLINK], "f", "f") != 0);
	FT_TRUE(mc_dir(&c, n[D_RMDIR], "s") != 0);
	/* A free slot in "reuse": the next entry goes there, not at the end. */
	FT_TRUE(mc_file(&c, n[D_REUSE], "a", "a") != 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, n[D_REUSE], "a", 0, NULL), 0);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_dirtime_setup, mo_dirtime_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_dirtime_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	const uint32_t *n = mc.ino;
	if (mc_start(&c, mfs) < 0)
		return 1;
	uint32_t reuse_size = mc_attr(&c, n[D_REUSE]).size;
	FT_EQ(mc_named(&c, MFS_CREATE, n[D_CREATE], "n", 0644, NULL), 0);
	FT_EQ(mc_named(&c, MFS_MKDIR, n[D_MKDIR], "n", 0755, NULL), 0);
	FT_EQ(mc_symlink(&c, n[D_SYMLINK], "n", "t", 1, 0777, 1000, NULL), 0);
	FT_EQ(mc_link(&c, n[D_LINK], "n", n[D_FILE], NULL), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, n[D_UNLINK], "f", 0, NULL), 0);
	FT_EQ(mc_named(&c, MFS_RMDIR, n[D_RMDIR], "s", 0, NULL), 0);
	FT_EQ(mc_mknod(&c, n[D_MKNOD], "n", MINIXFS_S_IFCHR | 0600, 0x0101, NULL), 0);
	FT_EQ(mc_named(&c, MFS_CREATE, n[D_REUSE], "b", 0644, NULL), 0);
	FT_EQ(mc_attr(&c, n[D_REUSE]).size, reuse_size); /* the free slot was used */
	for (int i = D_CREATE; i <= D_REUSE; i++) {
		a = mc_attr(&c, n[i]);
		ft_eq(__FILE__, __LINE__, "directory mtime set (i)", i * 1000 + (a.mtime >= MC_E2),
		      i * 1000 + 1);
		ft_eq(__FILE__, __LINE__, "directory ctime set (i)", i * 1000 + (a.ctime >= MC_E2),
		      i * 1000 + 1);
	}
	a = mc_attr(&c, n[D_CTL]);
	MC_OLD(a.mtime);
	MC_OLD(a.ctime);
	a = mc_attr(&c, n[D_FILE]); /* LINK: the inode's ctime, not its mtime */
	MC_NOW2(a.ctime);
	MC_OLD(a.mtime);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_dirtime, mo_dirtime_main, 4, KIP_PROG_SYSTEM);

static void test_directory_times(void)
{
	mc_test("1M", NULL, "mfso_dirtime_setup", "mfso_dirtime");
}

static const struct kip_test mfs_ops_attr_tests[] = {
	{"a write across the largest file is a short write", test_write_across_max_size},
	{"setattr: each field, refusals change nothing", test_setattr},
	{"statfs figures follow creates and removals", test_statfs},
	{"atime follows relatime", test_atime_relatime},
	{"namespace calls set the directory's mtime and ctime", test_directory_times},
	{NULL, NULL},
};
KIP_TEST_SUITE(mfs_ops_attr, mfs_ops_attr_tests);
