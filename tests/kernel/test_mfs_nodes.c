/*
 * tests/kernel/test_mfs_nodes.c - MFS's special files and inode references,
 * by inode number from a test process (suite `mfs_ops_nodes`).
 *
 * Pins: CREATE of FIFOs, sockets and device nodes (rdev in zone[0], never
 * taken for a zone, even when it is a zone in use; other types and a
 * 64-bit device number are EINVAL; no data in them); GETNODE and PUTNODE
 * (ENODEV before a mount; an unlinked file held open keeps its data and
 * zones until the last PUTNODE, and cannot be linked back; a removed
 * directory held open takes no names and lists nothing; RENAME over a held
 * file or empty directory; ENFILE past MFS_NR_NODES held inodes; a remount
 * drops the table, and the orphan left is freed by GETNODE + PUTNODE).
 * Each test ends with SYNC, then the image passes `fsck.minix -f` and
 * `kip fsck` (tests/kernel/mfs_client.h).
 */
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "servers/mfs/mfs.h" /* MFS_NR_NODES */
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/mfs_client.h"
#include "tests/kip_test.h"

/* ------------------------------------- FIFOs, sockets, device nodes */

static int mo_mknod_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	if (mc_start(&c, mfs) < 0)
		return 1;
	/* A device number that is also a zone in use (the root directory's):
	 * if anything took zone[0] for a zone, the counts and fsck would say. */
	uint32_t zone = mc.mount.first_data_zone;
	struct mfs_statfs s0 = mc_fs(&c);
	FT_EQ(mc_mknod(&c, 1, "fifo", MINIXFS_S_IFIFO | 0644, 0, &a), 0);
	FT_EQ(a.mode, MINIXFS_S_IFIFO | 0644);
	FT_EQ(a.rdev, 0);
	FT_EQ(a.size, 0);
	FT_EQ(mc_mknod(&c, 1, "sock", MINIXFS_S_IFSOCK | 0755, 0, &a), 0);
	FT_EQ(a.mode, MINIXFS_S_IFSOCK | 0755);
	FT_EQ(mc_mknod(&c, 1, "tty", MINIXFS_S_IFCHR | 0620, (4 << 8) | 1, &a), 0);
	uint32_t chr = a.ino;
	FT_EQ(a.mode, MINIXFS_S_IFCHR | 0620);
	FT_EQ(a.rdev, (4 << 8) | 1);
	FT_EQ(mc_mknod(&c, 1, "disk", MINIXFS_S_IFBLK | 0660, zone, &a), 0);
	uint32_t blk = a.ino;
	FT_EQ(a.rdev, zone);
	FT_EQ(mc_attr(&c, blk).rdev, zone);
	FT_EQ(mc_attr(&c, chr).rdev, (4 << 8) | 1);
	FT_EQ(mc_lookup(&c, 1, "disk", &a), 0);
	FT_EQ(a.rdev, zone);
	FT_EQ(a.mode, MINIXFS_S_IFBLK | 0660);
	/* A regular file ignores `position`: no rdev. */
	FT_EQ(mc_mknod(&c, 1, "reg", 0644, zone, &a), 0);
	FT_EQ(a.rdev, 0);
	FT_EQ(a.mode, MINIXFS_S_IFREG | 0644);
	/* No zone was taken: five inodes, the same free zones. */
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 5);
	/* Other types, bad numbers. */
	FT_EQ(mc_mknod(&c, 1, "d", MINIXFS_S_IFDIR | 0755, 0, NULL), -EINVAL);
	FT_EQ(mc_mknod(&c, 1, "l", MINIXFS_S_IFLNK | 0777, 0, NULL), -EINVAL);
	FT_EQ(mc_mknod(&c, 1, "t", 0170000 | 0644, 0, NULL), -EINVAL);
	FT_EQ(mc_mknod(&c, 1, "big", MINIXFS_S_IFCHR | 0600, 1ull << 32, NULL), -EINVAL);
	FT_EQ(mc_mknod(&c, 1, "tty", MINIXFS_S_IFCHR | 0600, 1, NULL), -EEXIST);
	FT_EQ(mc_lookup(&c, 1, "big", NULL), -ENOENT);
	/* No data in them. */
	FT_EQ(mc_io(&c, MFS_READ, blk, 0, c.data, 16), -EINVAL);
	FT_EQ(mc_io(&c, MFS_WRITE, chr, 0, c.data, 16), -EINVAL);
	message m;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = blk;
	FT_EQ(mc_call(&c, &m), -EINVAL);
	/* Removing them frees the inode and no zone. */
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "disk", 0, NULL), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "fifo", 0, NULL), 0);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 3);
	FT_EQ(mc_mknod(&c, 1, "disk2", MINIXFS_S_IFBLK | 0600, zone, NULL), 0);
	FT_EQ(mc_simple(&c, MFS_SYNC), 0);
	FT_EQ(mc_mount(&c), 0); /* the bitmaps recounted agree */
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones);
	FT_EQ(mc_attr(&c, mc_ino(&c, 1, "disk2")).rdev, zone);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_mknod, mo_mknod_main, 4, KIP_PROG_SYSTEM);

static void test_mknod_types_and_rdev(void)
{
	mc_test("1M", NULL, NULL, "mfso_mknod");
}

/* ------------------------------------------------ getnode, putnode */

static int mo_node_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_attr a;
	if (mc_init(&c, mfs) < 0)
		return 1;
	FT_EQ(mc_node(&c, MFS_GETNODE, 1, 0), -ENODEV);
	FT_EQ(mc_node(&c, MFS_PUTNODE, 1, 1), -ENODEV);
	FT_EQ(mc_mount(&c), 0);
	struct mfs_statfs s0 = mc_fs(&c);

	/* An open file unlinked: its data stays, by number, until PUTNODE. */
	uint32_t f = mc_file(&c, 1, "open", "");
	for (uint32_t i = 0; i < 5000; i++)
		c.data[i] = (uint8_t)(i * 7);
	FT_EQ(mc_io(&c, MFS_WRITE, f, 0, c.data, 5000), 5000);
	FT_EQ(mc_node(&c, MFS_GETNODE, f, 0), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "open", 0, NULL), 0);
	FT_EQ(mc_lookup(&c, 1, "open", NULL), -ENOENT);
	a = mc_attr(&c, f);
	FT_EQ(a.nlinks, 0);
	FT_EQ(a.size, 5000);
	memset(c.data, 0, 5000);
	FT_EQ(mc_io(&c, MFS_READ, f, 0, c.data, 8192), 5000);
	int bad = 0;
	for (uint32_t i = 0; i < 5000; i++)
		bad += c.data[i] != (uint8_t)(i * 7);
	FT_EQ(bad, 0);
	FT_EQ(mc_io(&c, MFS_WRITE, f, 5000, c.data, 1000), 1000); /* one zone more */
	FT_EQ(mc_attr(&c, f).size, 6000);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 6);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 1);
	FT_EQ(mc_link(&c, 1, "back", f, NULL), -ENOENT); /* it cannot come back */
	FT_EQ(mc_node(&c, MFS_PUTNODE, f, 1), 0);
	FT_EQ(mc_stat(&c, f, NULL), -ENOENT);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes);
	FT_EQ(mc_node(&c, MFS_PUTNODE, f, 1), -EINVAL); /* no longer held */

	/* Two references: the second PUTNODE frees it. */
	uint32_t t = mc_file(&c, 1, "two", "2");
	FT_EQ(mc_node(&c, MFS_GETNODE, t, 0), 0);
	FT_EQ(mc_node(&c, MFS_GETNODE, t, 0), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "two", 0, NULL), 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, t, 1), 0);
	FT_EQ(mc_attr(&c, t).nlinks, 0);
	FT_TRUE(mc_holds(&c, t, "2"));
	FT_EQ(mc_node(&c, MFS_PUTNODE, t, 1), 0);
	FT_EQ(mc_stat(&c, t, NULL), -ENOENT);

	/* Several at once; not more than held, not none. */
	t = mc_file(&c, 1, "three", "3");
	FT_EQ(mc_node(&c, MFS_GETNODE, t, 0), 0);
	FT_EQ(mc_node(&c, MFS_GETNODE, t, 0), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "three", 0, NULL), 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, t, 3), -EINVAL);
	FT_EQ(mc_node(&c, MFS_PUTNODE, t, 0), -EINVAL);
	FT_EQ(mc_attr(&c, t).nlinks, 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, t, 2), 0);
	FT_EQ(mc_stat(&c, t, NULL), -ENOENT);

	/* A file with a link is not freed by PUTNODE. */
	uint32_t kept = mc_file(&c, 1, "kept", "k");
	FT_EQ(mc_node(&c, MFS_GETNODE, kept, 0), 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, kept, 1), 0);
	FT_EQ(mc_attr(&c, kept).nlinks, 1);
	FT_TRUE(mc_holds(&c, kept, "k"));
	/* GETNODE needs an inode in use. */
	FT_EQ(mc_node(&c, MFS_GETNODE, mc.mount.ninodes, 0), -ENOENT);
	FT_EQ(mc_node(&c, MFS_GETNODE, 0, 0), -ENOENT);
	FT_EQ(mc_node(&c, MFS_GETNODE, mc.mount.ninodes + 1, 0), -ENOENT);
	FT_EQ(mc_node(&c, MFS_PUTNODE, 0, 1), -EINVAL);

	/* A directory removed while held: dead, then freed. */
	uint32_t dd = mc_dir(&c, 1, "dd");
	FT_EQ(mc_node(&c, MFS_GETNODE, dd, 0), 0);
	FT_EQ(mc_named(&c, MFS_RMDIR, 1, "dd", 0, NULL), 0);
	a = mc_attr(&c, dd);
	FT_EQ(a.nlinks, 0);
	FT_EQ(a.mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);
	FT_EQ(mc_attr(&c, 1).nlinks, 2);
	FT_EQ(mc_lookup(&c, dd, ".", NULL), -ENOENT);
	FT_EQ(mc_lookup(&c, dd, "..", NULL), -ENOENT);
	FT_EQ(mc_named(&c, MFS_CREATE, dd, "n", 0644, NULL), -ENOENT);
	FT_EQ(mc_named(&c, MFS_MKDIR, dd, "n", 0755, NULL), -ENOENT);
	FT_EQ(mc_mknod(&c, dd, "n", MINIXFS_S_IFIFO | 0644, 0, NULL), -ENOENT);
	FT_EQ(mc_symlink(&c, dd, "n", "t", 1, 0777, 1000, NULL), -ENOENT);
	FT_EQ(mc_link(&c, dd, "n", kept, NULL), -ENOENT);
	FT_EQ(mc_rename(&c, 1, "kept", dd, "n"), -ENOENT);
	FT_EQ(mc_named(&c, MFS_UNLINK, dd, "n", 0, NULL), -ENOENT);
	FT_EQ(mc_named(&c, MFS_RMDIR, dd, "..", 0, NULL), -ENOENT);
	FT_EQ(mc_io(&c, MFS_GETDENTS, dd, 0, c.data, 4096), 0); /* lists nothing */
	FT_EQ(mc_ino(&c, 1, "kept"), kept);
	FT_EQ(mc_node(&c, MFS_PUTNODE, dd, 1), 0);
	FT_EQ(mc_stat(&c, dd, NULL), -ENOENT);

	/* RENAME over a held file, and over a held empty directory. */
	uint32_t victim = mc_file(&c, 1, "victim", "precious");
	uint32_t src = mc_file(&c, 1, "src", "new");
	FT_EQ(mc_node(&c, MFS_GETNODE, victim, 0), 0);
	FT_EQ(mc_rename(&c, 1, "src", 1, "victim"), 0);
	FT_EQ(mc_ino(&c, 1, "victim"), src);
	FT_EQ(mc_attr(&c, victim).nlinks, 0);
	FT_TRUE(mc_holds(&c, victim, "precious"));
	FT_EQ(mc_node(&c, MFS_PUTNODE, victim, 1), 0);
	FT_EQ(mc_stat(&c, victim, NULL), -ENOENT);
	uint32_t ed = mc_dir(&c, 1, "ed"), sd = mc_dir(&c, 1, "sd");
	FT_EQ(mc_node(&c, MFS_GETNODE, ed, 0), 0);
	FT_EQ(mc_rename(&c, 1, "sd", 1, "ed"), 0);
	FT_EQ(mc_ino(&c, 1, "ed"), sd);
	FT_EQ(mc_attr(&c, ed).nlinks, 0);
	FT_EQ(mc_named(&c, MFS_CREATE, ed, "n", 0644, NULL), -ENOENT);
	FT_EQ(mc_node(&c, MFS_PUTNODE, ed, 1), 0);
	FT_EQ(mc_stat(&c, ed, NULL), -ENOENT);
	FT_EQ(mc_attr(&c, 1).nlinks, 3); /* ., .., ed (was sd) */

	/* Left, one zone each: kept, victim (was src), ed (was sd). */
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes - 3);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones - 3);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_node, mo_node_main, 4, KIP_PROG_SYSTEM);

static void test_getnode_putnode(void)
{
	mc_test("1M", NULL, NULL, "mfso_node");
}

/* ENFILE: MFS_NR_NODES inodes held at once, and no more. */

static int mo_enfile_main(uint64_t mfs)
{
	struct mc_client c;
	char name[8];
	uint32_t *inos = kip_page_alloc(1);
	if (!inos || mc_start(&c, mfs) < 0)
		return 1;
	uint32_t d = mc_dir(&c, 1, "d");
	int made = 0;
	for (int i = 0; i <= MFS_NR_NODES; i++) {
		name[0] = 'f';
		name[1] = (char)('a' + i / 26 / 26);
		name[2] = (char)('a' + i / 26 % 26);
		name[3] = (char)('a' + i % 26);
		name[4] = '\0';
		struct mfs_attr a;
		if (mc_named(&c, MFS_CREATE, d, name, 0644, &a) == 0)
			inos[made++] = a.ino;
	}
	FT_EQ(made, MFS_NR_NODES + 1);
	int held = 0;
	for (int i = 0; i < MFS_NR_NODES; i++)
		held += mc_node(&c, MFS_GETNODE, inos[i], 0) == 0;
	FT_EQ(held, MFS_NR_NODES);
	FT_EQ(mc_node(&c, MFS_GETNODE, inos[MFS_NR_NODES], 0), -ENFILE);
	FT_EQ(mc_node(&c, MFS_GETNODE, inos[0], 0), 0); /* one already held: no new slot */
	FT_EQ(mc_node(&c, MFS_PUTNODE, inos[0], 2), 0);
	FT_EQ(mc_node(&c, MFS_GETNODE, inos[MFS_NR_NODES], 0), 0); /* a slot is free */
	int put = 0;
	for (int i = 1; i <= MFS_NR_NODES; i++)
		put += mc_node(&c, MFS_PUTNODE, inos[i], 1) == 0;
	FT_EQ(put, MFS_NR_NODES);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_enfile, mo_enfile_main, 4, KIP_PROG_SYSTEM);

static void test_getnode_enfile(void)
{
	mc_test("1M", "600", NULL, "mfso_enfile");
}

/* An image synced while an unlinked file is held keeps it, with 0 links
 * (fsck reports it); a remount forgets the references; GETNODE + PUTNODE
 * of the orphan frees it. */
static int mo_orphan_setup_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_start(&c, mfs) < 0)
		return 1;
	mc.ino[0] = mc_file(&c, 1, "orphan", "one zone of data");
	FT_EQ(mc_node(&c, MFS_GETNODE, mc.ino[0], 0), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "orphan", 0, NULL), 0);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_orphan_setup, mo_orphan_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_orphan_main(uint64_t mfs)
{
	struct mc_client c;
	uint32_t o = mc.ino[0];
	if (mc_start(&c, mfs) < 0)
		return 1;
	struct mfs_statfs s0 = mc_fs(&c);
	FT_EQ(mc_attr(&c, o).nlinks, 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, o, 1), -EINVAL); /* a new MFS holds nothing */
	FT_EQ(mc_node(&c, MFS_GETNODE, o, 0), 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, o, 1), 0);
	FT_EQ(mc_stat(&c, o, NULL), -ENOENT);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes + 1);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones + 1);
	/* A second MOUNT drops the table the same way. */
	uint32_t x = mc_file(&c, 1, "x", "x");
	FT_EQ(mc_node(&c, MFS_GETNODE, x, 0), 0);
	FT_EQ(mc_named(&c, MFS_UNLINK, 1, "x", 0, NULL), 0);
	FT_EQ(mc_mount(&c), 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, x, 1), -EINVAL);
	FT_EQ(mc_attr(&c, x).nlinks, 0);
	FT_EQ(mc_node(&c, MFS_GETNODE, x, 0), 0);
	FT_EQ(mc_node(&c, MFS_PUTNODE, x, 1), 0);
	FT_EQ(mc_stat(&c, x, NULL), -ENOENT);
	FT_EQ(mc_fs(&c).free_inodes, s0.free_inodes + 1);
	FT_EQ(mc_fs(&c).free_zones, s0.free_zones + 1);
	return mc_end(&c);
}
KIP_PROGRAM(mfso_orphan, mo_orphan_main, 4, KIP_PROG_SYSTEM);

static void test_orphan_after_remount(void)
{
	mc_make_image("1M", NULL);
	mc_run("mfso_orphan_setup", MC_E1);
	CU_ASSERT_NOT_EQUAL(ft_fsck_kip(), 0); /* an allocated inode no entry names */
	mc_run("mfso_orphan", MC_E1);
	mc_finish();
}

static const struct kip_test mfs_ops_nodes_tests[] = {
	{"create of FIFOs, sockets and device nodes: rdev", test_mknod_types_and_rdev},
	{"getnode, putnode: unlinked but open", test_getnode_putnode},
	{"getnode: ENFILE past the table", test_getnode_enfile},
	{"an orphan after a remount is freed by getnode+putnode", test_orphan_after_remount},
	{NULL, NULL},
};
KIP_TEST_SUITE(mfs_ops_nodes, mfs_ops_nodes_tests);
