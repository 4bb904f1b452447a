/*
 * tests/kernel/test_mfs_rename.c - MFS's RENAME, by inode number from a
 * test process (suite `mfs_ops_rename`).
 *
 * Pins: RENAME over a file (its inode and zone freed), across directories
 * (both get mtime and ctime, the inode its ctime), a directory over an
 * empty one and its "..", within a full directory (a new block), within
 * one directory, over one name of a file with two, down into a sibling's
 * subtree and back; the refusals (ENOTEMPTY, EISDIR, ENOTDIR, EINVAL into
 * its own subtree and for "." and "..", ENOENT, ENAMETOOLONG), each leaving
 * everything as it was; two names of one inode are a no-op.  On a full
 * disk, RENAME, LINK and SYMLINK that need a zone give ENOSPC and change
 * nothing, while what needs none still works.  Each test ends with SYNC,
 * then the image passes `fsck.minix -f` and `kip fsck`.
 *
 * Times: the setup boots at MC_E1, the renames two days later at MC_E2
 * (tests/kernel/mfs_client.h).
 */
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/mfs_client.h"
#include "tests/kip_test.h"

/* --------------------------------------------------------------- rename */

enum {
	R_F1,
	R_F2,
	R_H,
	R_A,
	R_SUB,
	R_DEEP,
	R_B,
	R_X,
	R_E,
	R_C,
	R_R,
	R_Y,
	R_G
};

/* Boot 1: f1 "one", f2 "two", h1 = h2, A/sub/deep/, B/x, E/ (empty), C/,
 * R/y, G/ with a full first block (14 names). */
static int mo_rename_setup_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_start(&c, mfs) < 0)
		return 1;
	mc.ino[R_F1] = mc_file(&c, 1, "f1", "one");
	mc.ino[R_F2] = mc_file(&c, 1, "f2", "two");
	mc.ino[R_H] = mc_file(&c, 1, "h1", "hh");
	FT_EQ(mc_link(&c, 1, "h2", mc.ino[R_H], NULL), 0);
	mc.ino[R_A] = mc_dir(&c, 1, "A");
	mc.ino[R_SUB] = mc_dir(&c, mc.ino[R_A], "sub");
	mc.ino[R_DEEP] = mc_dir(&c, mc.ino[R_SUB], "deep");
	mc.ino[R_B] = mc_dir(&c, 1, "B");
	mc.ino[R_X] = mc_file(&c, mc.ino[R_B], "x", "x");
	mc.ino[R_E] = mc_dir(&c, 1, "E");
	mc.ino[R_C] = mc_dir(&c, 1, "C");
	mc.ino[R_R] = mc_dir(&c, 1, "R");
	mc.ino[R_Y] = mc_file(&c, mc.ino[R_R], "y", "why");
	mc.ino[R_G] = mc_dir(&c, 1, "G");
	for (int i = R_F1; i <= R_G; i++)
		FT_TRUE(mc.ino[i] != 0);
	char name[4] = "n0";
	for (int i = 0; i < 14; i++) {
		name[1] = (char)('a' + i);
		FT_EQ(mc_named(&c, MFS_CREATE, mc.ino[R_G], name, 0644, NULL), 0);
	}
	return mc_end(&c);
}
KIP_PROGRAM(mfso_rename_setup, mo_rename_setup_main, 4, KIP_PROG_SYSTEM);

/* Boot 2, two days later. */
static int mo_rename_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	const uint32_t *n = mc.ino;
	if (mc_start(&c, mfs) < 0)
		return 1;
	struct mfs_statfs s0 = mc_fs(&c);

	/* Over an existing file: f2's inode and zone are freed. */
	FT_EQ(mc_rename(&c, 1, "f1", 1, "f2"), 0);
	FT_EQ(mc_lookup(&c, 1, "f1", NULL), -ENOENT);
	FT_EQ(mc_ino(&c, 1, "f2"), n[R_F1]);
	FT_TRUE(mc_holds(&c, n[R_F1], "one"));
	FT_EQ(mc_attr(&c, n[R_F1]).nlinks, 1);
	FT_EQ(mc_stat(&c, n[R_F2], NULL), -ENOENT);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes + 1);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones + 1);

	/* Across directories: both get mtime and ctime, the inode ctime. */
	FT_EQ(mc_rename(&c, 1, "f2", n[R_A], "moved"), 0);
	FT_EQ(mc_ino(&c, n[R_A], "moved"), n[R_F1]);
	FT_EQ(mc_lookup(&c, 1, "f2", NULL), -ENOENT);
	a = mc_attr(&c, 1);
	MC_NOW2(a.mtime);
	MC_NOW2(a.ctime);
	a = mc_attr(&c, n[R_A]);
	MC_NOW2(a.mtime);
	MC_NOW2(a.ctime);
	a = mc_attr(&c, n[R_F1]);
	MC_NOW2(a.ctime);
	MC_OLD(a.mtime);
	a = mc_attr(&c, n[R_C]); /* untouched */
	MC_OLD(a.mtime);
	MC_OLD(a.ctime);

	/* A directory over an empty one, to another parent: E is freed, sub's
	 * ".." names the root, A loses a link, the root's count stays. */
	FT_EQ(mc_attr(&c, 1).nlinks, 8); /* ., .., A, B, E, C, R, G */
	FT_EQ(mc_attr(&c, n[R_A]).nlinks, 3);
	FT_EQ(mc_rename(&c, n[R_A], "sub", 1, "E"), 0);
	FT_EQ(mc_ino(&c, 1, "E"), n[R_SUB]);
	FT_EQ(mc_lookup(&c, n[R_A], "sub", NULL), -ENOENT);
	FT_EQ(mc_ino(&c, n[R_SUB], ".."), 1);
	FT_EQ(mc_ino(&c, n[R_SUB], "deep"), n[R_DEEP]);
	FT_EQ(mc_ino(&c, n[R_DEEP], ".."), n[R_SUB]);
	FT_EQ(mc_stat(&c, n[R_E], NULL), -ENOENT);
	FT_EQ(mc_attr(&c, 1).nlinks, 8);
	FT_EQ(mc_attr(&c, n[R_A]).nlinks, 2);
	MC_NOW2(mc_attr(&c, n[R_SUB]).ctime);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes + 2);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones + 2);

	/* Within a full directory: the new entry needs a new block. */
	FT_EQ(mc_attr(&c, n[R_G]).size, 16 * MINIXFS_DIRENT_SIZE);
	uint32_t na = mc_ino(&c, n[R_G], "na");
	FT_EQ(mc_rename(&c, n[R_G], "na", n[R_G], "new"), 0);
	FT_EQ(mc_attr(&c, n[R_G]).size, 17 * MINIXFS_DIRENT_SIZE);
	FT_EQ(mc_ino(&c, n[R_G], "new"), na);
	FT_EQ(mc_lookup(&c, n[R_G], "na", NULL), -ENOENT);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones + 1);

	/* Refusals, each leaving everything as it was. */
	FT_EQ(mc_rename(&c, 1, "E", 1, "B"), -ENOTEMPTY);	/* B holds x */
	FT_EQ(mc_rename(&c, n[R_B], "x", 1, "A"), -EISDIR);	/* file over directory */
	FT_EQ(mc_rename(&c, 1, "A", n[R_B], "x"), -ENOTDIR);	/* directory over file */
	FT_EQ(mc_rename(&c, 1, "E", n[R_DEEP], "in"), -EINVAL); /* below itself */
	FT_EQ(mc_rename(&c, 1, "E", n[R_SUB], "in"), -EINVAL);	/* into itself */
	FT_EQ(mc_rename(&c, 1, ".", 1, "z"), -EINVAL);
	FT_EQ(mc_rename(&c, n[R_A], "..", 1, "z"), -EINVAL);
	FT_EQ(mc_rename(&c, 1, "h1", 1, ".."), -EINVAL);
	FT_EQ(mc_rename(&c, 1, "h1", 1, "."), -EINVAL);
	FT_EQ(mc_rename(&c, 1, "nothing", 1, "z"), -ENOENT);
	FT_EQ(mc_rename(&c, 1, "h1", mc.mount.ninodes + 1, "z"), -ENOENT);
	FT_EQ(mc_rename(&c, 1, "h1", n[R_H], "z"), -ENOTDIR);
	FT_EQ(mc_rename(&c, 1, "h1", 1, mc_name61()), -ENAMETOOLONG);
	FT_EQ(mc_rename(&c, 1, mc_name61(), 1, "z"), -ENAMETOOLONG);
	FT_EQ(mc_rename(&c, 1, "h1", 1, ""), -EINVAL);
	FT_EQ(mc_lookup(&c, 1, "z", NULL), -ENOENT);
	FT_EQ(mc_lookup(&c, n[R_DEEP], "in", NULL), -ENOENT);
	FT_EQ(mc_ino(&c, 1, "E"), n[R_SUB]);
	FT_EQ(mc_ino(&c, n[R_SUB], ".."), 1);
	FT_EQ(mc_ino(&c, n[R_B], "x"), n[R_X]);
	FT_EQ(mc_attr(&c, 1).nlinks, 8);

	/* Two names of one inode: success, and both names stay. */
	FT_EQ(mc_rename(&c, 1, "h1", 1, "h2"), 0);
	FT_EQ(mc_ino(&c, 1, "h1"), n[R_H]);
	FT_EQ(mc_ino(&c, 1, "h2"), n[R_H]);
	FT_EQ(mc_attr(&c, n[R_H]).nlinks, 2);
	FT_EQ(mc_rename(&c, 1, "h1", 1, "h1"), 0);
	FT_EQ(mc_ino(&c, 1, "h1"), n[R_H]);

	/* Within one directory: a file, then a directory ("..", counts kept). */
	FT_EQ(mc_rename(&c, 1, "h1", 1, "h3"), 0);
	FT_EQ(mc_lookup(&c, 1, "h1", NULL), -ENOENT);
	FT_EQ(mc_ino(&c, 1, "h3"), n[R_H]);
	FT_EQ(mc_attr(&c, n[R_H]).nlinks, 2);
	FT_EQ(mc_rename(&c, 1, "B", 1, "B2"), 0);
	FT_EQ(mc_ino(&c, 1, "B2"), n[R_B]);
	FT_EQ(mc_ino(&c, n[R_B], ".."), 1);
	FT_EQ(mc_attr(&c, 1).nlinks, 8);

	/* Over a name of a file with two: it keeps the other. */
	uint32_t f4 = mc_file(&c, 1, "f4", "four");
	FT_EQ(mc_rename(&c, 1, "f4", 1, "h3"), 0);
	FT_EQ(mc_ino(&c, 1, "h3"), f4);
	FT_EQ(mc_attr(&c, n[R_H]).nlinks, 1);
	FT_TRUE(mc_holds(&c, mc_ino(&c, 1, "h2"), "hh"));

	/* A directory over an empty one in the same parent: one link less. */
	uint32_t e3 = mc_dir(&c, 1, "E3"), e4 = mc_dir(&c, 1, "E4");
	FT_EQ(mc_attr(&c, 1).nlinks, 10);
	FT_EQ(mc_rename(&c, 1, "E3", 1, "E4"), 0);
	FT_EQ(mc_ino(&c, 1, "E4"), e3);
	FT_EQ(mc_stat(&c, e4, NULL), -ENOENT);
	FT_EQ(mc_attr(&c, 1).nlinks, 9);

	/* A directory down into a sibling's subtree, and back up. */
	FT_EQ(mc_rename(&c, 1, "E4", n[R_DEEP], "e"), 0);
	FT_EQ(mc_ino(&c, e3, ".."), n[R_DEEP]);
	FT_EQ(mc_attr(&c, n[R_DEEP]).nlinks, 3);
	FT_EQ(mc_attr(&c, 1).nlinks, 8);
	FT_EQ(mc_rename(&c, n[R_DEEP], "e", 1, "E5"), 0);
	FT_EQ(mc_ino(&c, e3, ".."), 1);
	FT_EQ(mc_attr(&c, n[R_DEEP]).nlinks, 2);
	FT_EQ(mc_attr(&c, 1).nlinks, 9);

	/* Over a file in another directory: that one's entry only changes
	 * inode, and the directory still gets its times. */
	MC_OLD(mc_attr(&c, n[R_R]).mtime);
	FT_EQ(mc_rename(&c, n[R_B], "x", n[R_R], "y"), 0);
	FT_EQ(mc_ino(&c, n[R_R], "y"), n[R_X]);
	FT_EQ(mc_stat(&c, n[R_Y], NULL), -ENOENT);
	a = mc_attr(&c, n[R_R]);
	MC_NOW2(a.mtime);
	MC_NOW2(a.ctime);
	FT_EQ(mc_io(&c, MFS_GETDENTS, n[R_B], 0, c.data, 4096), 2 * MFS_DENT_SIZE);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_rename, mo_rename_main, 4, KIP_PROG_SYSTEM);

static void test_rename(void)
{
	mc_test("1M", NULL, "mfso_rename_setup", "mfso_rename");
}

/* ------------------------------------------- a full disk: ENOSPC */

static int mo_full_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	char name[8] = "n00";
	if (mc_start(&c, mfs) < 0)
		return 1;
	/* d's one block holds ".", ".." and 14 names: full. */
	uint32_t d = mc_dir(&c, 1, "d");
	for (int i = 0; i < 14; i++) {
		name[1] = (char)('a' + i);
		FT_EQ(mc_named(&c, MFS_CREATE, d, name, 0644, NULL), 0);
	}
	FT_EQ(mc_attr(&c, d).size, 16 * MINIXFS_DIRENT_SIZE);
	uint32_t f = mc_file(&c, 1, "f", "data");
	/* Fill the disk. */
	FT_EQ(mc_named(&c, MFS_CREATE, 1, "fill", 0644, &a), 0);
	memset(c.data, 0x5a, 16 * 4096);
	uint64_t pos = 0;
	int r;
	do {
		r = mc_io(&c, MFS_WRITE, a.ino, pos, c.data, 16 * 4096);
		if (r > 0)
			pos += (uint64_t)r;
	} while (r == 16 * 4096);
	/* The last zone or two, which a data block plus an indirect one
	 * could not use: one-block files. */
	for (int i = 0; i < 4 && mc_fs(&c).free_zones > 0; i++) {
		name[0] = 'z';
		name[1] = (char)('a' + i);
		FT_TRUE(mc_file(&c, 1, name, "z") != 0);
	}
	FT_EQ(mc_fs(&c).free_zones, 0);
	/* A new entry in d needs a zone: refused, nothing changed. */
	FT_EQ(mc_rename(&c, 1, "f", d, "new"), -ENOSPC);
	FT_EQ(mc_ino(&c, 1, "f"), f);
	FT_EQ(mc_lookup(&c, d, "new", NULL), -ENOENT);
	FT_EQ(mc_attr(&c, d).size, 16 * MINIXFS_DIRENT_SIZE);
	FT_EQ(mc_attr(&c, f).nlinks, 1);
	FT_EQ(mc_link(&c, d, "l", f, NULL), -ENOSPC);
	FT_EQ(mc_attr(&c, f).nlinks, 1);
	FT_EQ(mc_symlink(&c, 1, "s", "f", 1, 0777, 1000, NULL), -ENOSPC);
	FT_EQ(mc_lookup(&c, 1, "s", NULL), -ENOENT);
	/* What needs no zone still works. */
	FT_EQ(mc_rename(&c, 1, "f", 1, "g"), 0);
	FT_EQ(mc_ino(&c, 1, "g"), f);
	FT_EQ(mc_mknod(&c, 1, "p", MINIXFS_S_IFIFO | 0600, 0, NULL), 0);
	FT_EQ(mc_rename(&c, d, "nb0", 1, "nb0"), 0); /* a slot in d frees up */
	FT_EQ(mc_rename(&c, 1, "g", d, "new"), 0);
	FT_EQ(mc_ino(&c, d, "new"), f);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_full, mo_full_main, 4, KIP_PROG_SYSTEM);

static void test_full_disk_enospc(void)
{
	mc_test("200K", NULL, NULL, "mfso_full");
}

static const struct kip_test mfs_ops_rename_tests[] = {
	{"rename: POSIX cases, link counts, times", test_rename},
	{"a full disk: rename, link, symlink give ENOSPC", test_full_disk_enospc},
	{NULL, NULL},
};
KIP_TEST_SUITE(mfs_ops_rename, mfs_ops_rename_tests);
