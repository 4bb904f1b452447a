/*
 * tests/kernel/test_mfs_links.c - MFS's LINK and SYMLINK/READLINK, by
 * inode number from a test process (suite `mfs_ops`, the first of four:
 * mfs_ops_rename, mfs_ops_attr and mfs_ops_nodes follow).
 *
 * Pins: LINK (EEXIST, EPERM for a directory, ENOENT, ENOTDIR, ENAMETOOLONG,
 * EINVAL; FIFOs and symbolic links may be linked; the data stays until the
 * last name goes); EMLINK at MINIXFS_LINK_MAX on a crafted link count, for
 * LINK, MKDIR and a directory renamed in (a file, or a directory replacing
 * an empty one, adds no link); SYMLINK and READLINK (the target in the
 * first zone, 0777 when no permission bits are given, the longest target a
 * block less one byte, ENAMETOOLONG, ENOENT for an empty target, EINVAL for
 * a NUL in it, a uid of 70000 or a type that is not S_IFLNK; the zone comes
 * back on unlink).  Each test ends with SYNC, then the image passes
 * `fsck.minix -f` and `kip fsck`.  The clients check inside kip (FT_EQ)
 * and mc_run reports to CUnit (tests/kernel/mfs_client.h).
 */
#include <stddef.h>
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/mfs_client.h"
#include "tests/kip_test.h"

/* ----------------------------------------------------------------- link */

static int mo_link_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	if (mc_start(&c, mfs) < 0)
		return 1;
	uint32_t f = mc_file(&c, 1, "a", "hello");
	uint32_t d = mc_dir(&c, 1, "d");
	FT_TRUE(f && d);
	FT_EQ(mc_link(&c, 1, "b", f, &a), 0);
	FT_EQ(a.ino, f);
	FT_EQ(a.nlinks, 2);
	FT_EQ(mc_ino(&c, 1, "b"), f);
	FT_TRUE(mc_holds(&c, mc_ino(&c, 1, "b"), "hello"));
	FT_EQ(mc_link(&c, d, "c", f, &a), 0); /* in another directory */
	FT_EQ(a.nlinks, 3);
	FT_EQ(mc_ino(&c, d, "c"), f);
	/* Errors, none of which leaves an entry behind. */
	FT_EQ(mc_link(&c, 1, "a", f, NULL), -EEXIST);
	FT_EQ(mc_link(&c, 1, "e", d, NULL), -EPERM); /* a directory */
	FT_EQ(mc_link(&c, 1, "e", 1, NULL), -EPERM);
	FT_EQ(mc_link(&c, 1, "e", 0, NULL), -ENOENT);
	FT_EQ(mc_link(&c, 1, "e", mc.mount.ninodes, NULL), -ENOENT); /* free */
	FT_EQ(mc_link(&c, 1, "e", mc.mount.ninodes + 1, NULL), -ENOENT);
	FT_EQ(mc_link(&c, f, "e", f, NULL), -ENOTDIR);
	FT_EQ(mc_link(&c, 1, mc_name61(), f, NULL), -ENAMETOOLONG);
	FT_EQ(mc_link(&c, 1, "", f, NULL), -EINVAL);
	FT_EQ(mc_link(&c, 1, "x/y", f, NULL), -EINVAL);
	FT_EQ(mc_lookup(&c, 1, "e", NULL), -ENOENT);
	FT_EQ(mc_attr(&c, f).nlinks, 3);
	/* The names go one by one; the data stays until the last. */
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "a", 0, NULL), 0);
	FT_EQ(mc_attr(&c, f).nlinks, 2);
	FT_EQ(mc_named(&c, MFS_UNLINK, d, "c", 0, NULL), 0);
	FT_EQ(mc_attr(&c, f).nlinks, 1);
	FT_TRUE(mc_holds(&c, f, "hello"));
	/* Anything but a directory: a FIFO, a symbolic link. */
	FT_EQ(mc_mknod(&c, 1, "fifo", MINIXFS_S_IFIFO | 0644, 0, &a), 0);
	FT_EQ(mc_link(&c, d, "fifo2", a.ino, &a), 0);
	FT_EQ(a.nlinks, 2);
	FT_EQ(mc_symlink(&c, 1, "sym", "b", 1, 0777, 1000, &a), 0);
	FT_EQ(mc_link(&c, d, "sym2", a.ino, &a), 0);
	FT_EQ(a.nlinks, 2);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_link, mo_link_main, 4, KIP_PROG_SYSTEM);

static void test_link(void)
{
	mc_test("1M", NULL, NULL, "mfso_link");
}

/* -------------------------------------------- EMLINK: crafted counts */

/* Boot 1: f (file), h (file, one more link as h2), full/ with full/empty/,
 * sub/, sub2/ and g (file). */
static int mo_emlink_setup_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_start(&c, mfs) < 0)
		return 1;
	mc.ino[0] = mc_file(&c, 1, "f", "f");
	mc.ino[1] = mc_dir(&c, 1, "full");
	mc.ino[2] = mc_dir(&c, 1, "sub");
	mc.ino[3] = mc_file(&c, 1, "g", "g");
	mc.ino[4] = mc_file(&c, 1, "h", "h");
	mc.ino[5] = mc_dir(&c, mc.ino[1], "empty");
	mc.ino[6] = mc_dir(&c, 1, "sub2");
	for (int i = 0; i < 7; i++)
		FT_TRUE(mc.ino[i] != 0);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_emlink_setup, mo_emlink_setup_main, 4, KIP_PROG_SYSTEM);

/* Boot 2: f and full have MINIXFS_LINK_MAX links, h one fewer. */
static int mo_emlink_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	uint32_t f = mc.ino[0], full = mc.ino[1], h = mc.ino[4];
	if (mc_start(&c, mfs) < 0)
		return 1;
	FT_EQ(mc_link(&c, 1, "f2", f, NULL), -EMLINK);
	FT_EQ(mc_lookup(&c, 1, "f2", NULL), -ENOENT);
	FT_EQ(mc_attr(&c, f).nlinks, MINIXFS_LINK_MAX);
	FT_EQ(mc_link(&c, 1, "h3", h, &a), 0); /* the last one allowed */
	FT_EQ(a.nlinks, MINIXFS_LINK_MAX);
	FT_EQ(mc_link(&c, 1, "h4", h, NULL), -EMLINK);
	FT_EQ(mc_named(&c, MFS_MKDIR, full, "x", 0755, NULL), -EMLINK);
	/* A directory moving in would add a ".." link; a file adds none;
	 * a directory replacing an empty one adds none either. */
	FT_EQ(mc_rename(&c, 1, "sub", full, "sub"), -EMLINK);
	FT_EQ(mc_ino(&c, 1, "sub"), mc.ino[2]);
	FT_EQ(mc_lookup(&c, full, "sub", NULL), -ENOENT);
	FT_EQ(mc_rename(&c, 1, "g", full, "g"), 0);
	FT_EQ(mc_ino(&c, full, "g"), mc.ino[3]);
	FT_EQ(mc_rename(&c, 1, "sub2", full, "empty"), 0);
	FT_EQ(mc_ino(&c, full, "empty"), mc.ino[6]);
	FT_EQ(mc_attr(&c, full).nlinks, MINIXFS_LINK_MAX);
	FT_EQ(mc_attr(&c, 1).nlinks, 4); /* ., .., full, sub; sub2 left */
	return mc_end(&c);
}
KIP_PROGRAM(mfso_emlink, mo_emlink_main, 4, KIP_PROG_SYSTEM);

/* Set the link count of inode `ino` in the image (a crafted image). */
static void mo_patch_nlinks(uint32_t ino, uint16_t nlinks)
{
	struct minixfs_super sb = ft_super();
	off_t off =
		(off_t)minixfs_inode_offset(&sb, ino) + offsetof(struct minixfs_inode, i_nlinks);
	ft_patch(off, &nlinks, sizeof(nlinks));
}

static void test_link_rename_emlink(void)
{
	mc_make_image("1M", NULL);
	mc_run("mfso_emlink_setup", MC_E1);
	ft_judge(FT_FSCK_BOTH, "emlink: the setup");
	mo_patch_nlinks(mc.ino[0], MINIXFS_LINK_MAX);
	mo_patch_nlinks(mc.ino[1], MINIXFS_LINK_MAX);
	mo_patch_nlinks(mc.ino[4], MINIXFS_LINK_MAX - 1);
	mc_run("mfso_emlink", MC_E1);
	/* The true counts back: if the refused calls left nothing behind, the
	 * image is clean.  f: 1; full: its entry, ".", empty's ".."; h: h, h3. */
	mo_patch_nlinks(mc.ino[0], 1);
	mo_patch_nlinks(mc.ino[1], 3);
	mo_patch_nlinks(mc.ino[4], 2);
	mc_finish();
}

/* --------------------------------------------------- symlink, readlink */

static int mo_symlink_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	if (mc_start(&c, mfs) < 0)
		return 1;
	char *target = (char *)c.data + 8192; /* mc_holds uses the start of c.data */
	uint32_t f = mc_file(&c, 1, "file", "x");
	uint32_t d = mc_dir(&c, 1, "dir");
	struct mfs_statfs s0 = mc_fs(&c);
	FT_EQ(mc_symlink(&c, 1, "ln", "file", 4, 0, 1000, &a), 0);
	uint32_t ln = a.ino;
	FT_EQ(a.mode, MINIXFS_S_IFLNK | 0777); /* no permission bits given: 0777 */
	FT_EQ(a.size, 4);
	FT_EQ(a.nlinks, 1);
	FT_EQ(a.uid, 1000);
	FT_EQ(a.gid, 100);
	FT_EQ(a.rdev, 0);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 1); /* the target's zone */
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 1);
	FT_EQ(mc_ino(&c, 1, "ln"), ln);
	memset(target, 0, 64);
	FT_EQ(mc_io(&c, MFS_READLINK, ln, 0, target, 64), 4);
	FT_EQ(memcmp(target, "file", 4), 0);
	FT_EQ(target[4], 0); /* no NUL copied */
	FT_EQ(mc_io(&c, MFS_READLINK, ln, 0, target, 2), 2);
	FT_EQ(mc_io(&c, MFS_READLINK, f, 0, target, 64), -EINVAL);
	FT_EQ(mc_io(&c, MFS_READLINK, d, 0, target, 64), -EINVAL);
	FT_EQ(mc_io(&c, MFS_READLINK, mc.mount.ninodes, 0, target, 64), -ENOENT);
	/* The mode's type may be S_IFLNK; permission bits are kept. */
	FT_EQ(mc_symlink(&c, d, "l2", "../file", 7, MINIXFS_S_IFLNK | 0700, 1000, &a), 0);
	FT_EQ(a.mode, MINIXFS_S_IFLNK | 0700);
	FT_EQ(mc_symlink(&c, 1, "bad", "x", 1, MINIXFS_S_IFREG | 0644, 1000, NULL), -EINVAL);
	/* The longest target: a block less one byte. */
	for (int i = 0; i < 1023; i++)
		target[i] = (char)('a' + i % 26);
	FT_EQ(mc_symlink(&c, 1, "long", target, 1023, 0777, 1000, &a), 0);
	FT_EQ(a.size, 1023);
	uint32_t lg = a.ino;
	memset(target, 0, 2048);
	FT_EQ(mc_io(&c, MFS_READLINK, lg, 0, target, 2048), 1023);
	int bad = 0;
	for (int i = 0; i < 1023; i++)
		bad += target[i] != (char)('a' + i % 26);
	FT_EQ(bad, 0);
	/* Errors. */
	FT_EQ(mc_symlink(&c, 1, "toolong", target, 1024, 0777, 1000, NULL), -ENAMETOOLONG);
	FT_EQ(mc_symlink(&c, 1, "empty", "", 0, 0777, 1000, NULL), -ENOENT);
	FT_EQ(mc_symlink(&c, 1, "nul", "a\0b", 3, 0777, 1000, NULL), -EINVAL);
	FT_EQ(mc_symlink(&c, 1, "ln", "y", 1, 0777, 1000, NULL), -EEXIST);
	FT_EQ(mc_symlink(&c, 1, "uid", "y", 1, 0777, 70000, NULL), -EINVAL);
	FT_EQ(mc_symlink(&c, f, "x", "y", 1, 0777, 1000, NULL), -ENOTDIR);
	FT_EQ(mc_symlink(&c, 1, mc_name61(), "y", 1, 0777, 1000, NULL), -ENAMETOOLONG);
	FT_EQ(mc_lookup(&c, 1, "toolong", NULL), -ENOENT);
	FT_EQ(mc_lookup(&c, 1, "uid", NULL), -ENOENT);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 3);
	/* Unlinking gives the zone back. */
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "long", 0, NULL), 0);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 2);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 2);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_symlink, mo_symlink_main, 4, KIP_PROG_SYSTEM);

static void test_symlink_readlink(void)
{
	mc_test("1M", NULL, NULL, "mfso_symlink");
}

static const struct kip_test mfs_ops_tests[] = {
	{"link: counts, errors, names removed one by one", test_link},
	{"link, mkdir and rename at LINK_MAX: EMLINK", test_link_rename_emlink},
	{"symlink and readlink", test_symlink_readlink},
	{NULL, NULL},
};
KIP_TEST_SUITE(mfs_ops, mfs_ops_tests);
