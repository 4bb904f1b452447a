/*
 * tests/kernel/test_mfs.c - the MINIX file server (servers/mfs/) on the
 * disk driver, in a booted kernel, on images made by `kip mkfs` (suite
 * `mfs`; writing is suite `mfs_write`, test_mfs_write.c).
 *
 * Pins: MFS_MOUNT of a good image reports its geometry; a bad magic and
 * impossible geometries (a file system bigger than the device, a bad block
 * size, a first data zone in the wrong place, no inodes) are refused with
 * EINVAL and a console line, and nothing else is served before a mount
 * (ENODEV); LOOKUP, STAT and READ of files put in by `kip mkfs --from`, one
 * of them crossing into the single and double indirect zones, give their
 * bytes (ENOENT, ENOTDIR, ENAMETOOLONG, EISDIR where due); a zone number
 * outside the data zones reads as EIO, and so does a failed disk read (MFS
 * goes on); GETDENTS lists the root, two records at a time.
 *
 * The clients (system programs, MFS's endpoint their argument) record
 * what each call returned in mc.r[] (tests/kernel/mfs_client.h); the host
 * asserts on it after the run.
 */
#include <stddef.h>
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "kernel/kernel.h"
#include "sim/disk.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kernel/mfs_client.h"
#include "tests/kip_test.h"

/* What the getdents client listed. */
static struct {
	char names[16][64];
	uint32_t inos[16];
	int nnames;
} mt;

/* ---------------------------------------------------------- host side */

/* Read the image's superblock, change it with fn, write it back. */
static void mt_patch_super(void (*fn)(struct minixfs_super *sb))
{
	struct minixfs_super sb = ft_super();
	fn(&sb);
	ft_patch(MINIXFS_SUPER_OFFSET, &sb, MINIXFS_SUPER_BYTES);
}

/* ---------------------------------------------------------------- mount */

static int mt_mount_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_simple(&c, MFS_SYNC); /* before a mount */
	mc.r[1] = mc_stat(&c, 1, &mc.attr[0]);
	mc.r[2] = mc_mount(&c);
	mc.r[3] = mc_stat(&c, MINIXFS_ROOT_INO, &mc.attr[0]);
	mc.r[4] = mc_simple(&c, MFS_SYNC);
	mc.r[5] = mc_simple(&c, MFS_MOUNT + 0x80); /* unknown */
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_mount, mt_mount_main, 4, KIP_PROG_SYSTEM);

static void test_mount_good_image(void)
{
	mc_make_image("2M", NULL);
	struct minixfs_super sb = ft_super();
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_mount", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], -ENODEV);
	CU_ASSERT_EQUAL(mc.r[1], -ENODEV);
	CU_ASSERT_EQUAL(mc.r[2], 0);
	CU_ASSERT_EQUAL(mc.mount.root_ino, MINIXFS_ROOT_INO);
	CU_ASSERT_EQUAL(mc.mount.block_size, 1024);
	CU_ASSERT_EQUAL(mc.mount.ninodes, sb.s_ninodes);
	CU_ASSERT_EQUAL(mc.mount.zones, sb.s_zones);
	CU_ASSERT_EQUAL(mc.mount.first_data_zone, sb.s_firstdatazone);
	CU_ASSERT_EQUAL(mc.mount.free_inodes, sb.s_ninodes - 1);
	CU_ASSERT_EQUAL(mc.mount.free_zones, sb.s_zones - sb.s_firstdatazone - 1);
	CU_ASSERT_EQUAL(mc.mount.dev_size, 2u << 20);
	CU_ASSERT_EQUAL(mc.r[3], 0);
	CU_ASSERT_EQUAL(mc.attr[0].mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);
	CU_ASSERT_EQUAL(mc.attr[0].nlinks, 2);
	CU_ASSERT_EQUAL(mc.attr[0].size, 2 * MINIXFS_DIRENT_SIZE);
	CU_ASSERT_EQUAL(mc.r[4], 0);
	CU_ASSERT_EQUAL(mc.r[5], -ENOSYS);
	ft_judge(FT_FSCK_BOTH, "mount");
	mc_cleanup();
}

static void mt_bad_magic(struct minixfs_super *sb)
{
	sb->s_magic = MINIXFS_MAGIC_V2;
}

static void mt_too_big(struct minixfs_super *sb)
{
	sb->s_zones *= 2;
}

static void mt_bad_block_size(struct minixfs_super *sb)
{
	sb->s_blocksize = 3072;
}

static void mt_bad_first_zone(struct minixfs_super *sb)
{
	sb->s_firstdatazone += 1;
}

static void mt_no_inodes(struct minixfs_super *sb)
{
	sb->s_ninodes = 0;
}

static int mt_refused_main(uint64_t mfs)
{
	struct mc_client c;
	if (mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	mc.r[1] = mc_stat(&c, MINIXFS_ROOT_INO, &mc.attr[0]);
	mc.r[2] = mc_mount(&c); /* MFS is still there, still refusing */
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_refused, mt_refused_main, 4, KIP_PROG_SYSTEM);

/* Patch a fresh image with fn; MOUNT must be refused with a console line. */
static void mt_expect_refusal(void (*fn)(struct minixfs_super *sb), const char *why)
{
	mc_make_image("1M", NULL);
	mt_patch_super(fn);
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_refused", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], -EINVAL);
	CU_ASSERT_EQUAL(mc.r[1], -ENODEV);
	CU_ASSERT_EQUAL(mc.r[2], -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_console(), why));
	mc_cleanup();
}

static void test_mount_refuses_bad_images(void)
{
	mt_expect_refusal(mt_bad_magic, "not a MINIX v3 file system");
	mt_expect_refusal(mt_too_big, "bigger than the device");
	mt_expect_refusal(mt_bad_block_size, "bad block size");
	mt_expect_refusal(mt_bad_first_zone, "first data zone");
	mt_expect_refusal(mt_no_inodes, "no inodes");
}

/* ------------------------------------------------ lookup, stat, read */

static int mt_read_main(uint64_t mfs)
{
	struct mc_client c;
	uint8_t *buf = kip_page_alloc(MC_BIG_SIZE / 4096 + 1);
	char name61[62];
	if (!buf || mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	mc.r[1] = mc_lookup(&c, 1, "hello.txt", &mc.attr[0]);
	mc.r[2] = mc_io(&c, MFS_READ, mc.attr[0].ino, 0, buf, 100);
	mc.bad[0] = memcmp(buf, "hello, kip\n", 11) != 0;
	mc.r[3] = mc_io(&c, MFS_READ, mc.attr[0].ino, 7, buf, 100);
	mc.bad[1] = memcmp(buf, "kip\n", 4) != 0;
	mc.r[4] = mc_io(&c, MFS_READ, mc.attr[0].ino, 11, buf, 100); /* at the end */
	/* The big file: whole, then pieces across the indirect boundaries. */
	mc.r[5] = mc_lookup(&c, 1, "big", &mc.attr[1]);
	uint32_t big = mc.attr[1].ino;
	mc.r[6] = mc_io(&c, MFS_READ, big, 0, buf, MC_BIG_SIZE);
	mc.bad[2] = mc_mismatches(buf, 0, MC_BIG_SIZE, 1);
	mc.r[7] = mc_io(&c, MFS_READ, big, 7 * 1024 - 10, buf, 20);
	mc.bad[3] = mc_mismatches(buf, 7 * 1024 - 10, 20, 1);
	mc.r[8] = mc_io(&c, MFS_READ, big, 263 * 1024 - 100, buf, 3000);
	mc.bad[4] = mc_mismatches(buf, 263 * 1024 - 100, 3000, 1);
	/* A subdirectory, and the errors. */
	mc.r[9] = mc_lookup(&c, 1, "sub", &mc.attr[2]);
	mc.r[10] = mc_lookup(&c, mc.attr[2].ino, "inner.txt", &mc.attr[3]);
	mc.r[11] = mc_lookup(&c, mc.attr[2].ino, "..", &mc.attr[4]);
	mc.r[12] = mc_lookup(&c, 1, "nothing", NULL);
	mc.r[13] = mc_lookup(&c, big, "x", NULL);
	memset(name61, 'n', 61);
	name61[61] = '\0';
	mc.r[14] = mc_lookup(&c, 1, name61, NULL);
	mc.r[15] = mc_io(&c, MFS_READ, 1, 0, buf, 64);
	mc.r[16] = mc_stat(&c, 9999999, &mc.attr[5]);
	mc.r[17] = mc_stat(&c, 0, &mc.attr[5]);
	mc.r[18] = mc_stat(&c, big, &mc.attr[5]);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_read, mt_read_main, 4, KIP_PROG_SYSTEM);

static void test_lookup_stat_read(void)
{
	mc_make_tree_image(kip_test_small() ? "2M" : "8M");
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_read", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.r[1], 0);
	CU_ASSERT_EQUAL(mc.attr[0].size, 11);
	CU_ASSERT_EQUAL(mc.attr[0].mode & MINIXFS_S_IFMT, MINIXFS_S_IFREG);
	CU_ASSERT_EQUAL(mc.r[2], 11);
	CU_ASSERT_EQUAL(mc.bad[0], 0);
	CU_ASSERT_EQUAL(mc.r[3], 4);
	CU_ASSERT_EQUAL(mc.bad[1], 0);
	CU_ASSERT_EQUAL(mc.r[4], 0);
	CU_ASSERT_EQUAL(mc.r[5], 0);
	CU_ASSERT_EQUAL(mc.attr[1].size, MC_BIG_SIZE);
	CU_ASSERT_EQUAL(mc.r[6], MC_BIG_SIZE);
	CU_ASSERT_EQUAL(mc.bad[2], 0);
	CU_ASSERT_EQUAL(mc.r[7], 20);
	CU_ASSERT_EQUAL(mc.bad[3], 0);
	CU_ASSERT_EQUAL(mc.r[8], 3000);
	CU_ASSERT_EQUAL(mc.bad[4], 0);
	CU_ASSERT_EQUAL(mc.r[9], 0);
	CU_ASSERT_EQUAL(mc.attr[2].mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);
	CU_ASSERT_EQUAL(mc.r[10], 0);
	CU_ASSERT_EQUAL(mc.attr[3].size, 100);
	CU_ASSERT_EQUAL(mc.r[11], 0);
	CU_ASSERT_EQUAL(mc.attr[4].ino, MINIXFS_ROOT_INO);
	CU_ASSERT_EQUAL(mc.attr[4].nlinks, 3);
	CU_ASSERT_EQUAL(mc.r[12], -ENOENT);
	CU_ASSERT_EQUAL(mc.r[13], -ENOTDIR);
	CU_ASSERT_EQUAL(mc.r[14], -ENAMETOOLONG);
	CU_ASSERT_EQUAL(mc.r[15], -EISDIR);
	CU_ASSERT_EQUAL(mc.r[16], -ENOENT);
	CU_ASSERT_EQUAL(mc.r[17], -ENOENT);
	CU_ASSERT_EQUAL(mc.r[18], 0);
	CU_ASSERT_EQUAL(mc.attr[5].size, MC_BIG_SIZE);
	mc_cleanup();
}

/* ------------------------------------------------------ a bad zone: EIO */

static int mt_eio_main(uint64_t mfs)
{
	struct mc_client c;
	uint8_t *buf = kip_page_alloc(1);
	if (!buf || mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	mc.r[1] = mc_lookup(&c, 1, "hello.txt", &mc.attr[0]);
	mc.r[2] = mc_io(&c, MFS_READ, mc.attr[0].ino, 0, buf, 11);
	mc.r[3] = mc_lookup(&c, 1, "big", &mc.attr[1]);
	mc.r[4] = mc_io(&c, MFS_READ, mc.attr[1].ino, 0, buf, 100);
	/* A disk error: that request fails with EIO, MFS goes on. */
	mc.r[5] = mc_lookup(&c, 1, "sub", &mc.attr[2]);
	mc.r[6] = mc_lookup(&c, mc.attr[2].ino, "inner.txt", &mc.attr[3]);
	struct sim_device *disk = bus_device(&kern->bus, kernel_device_find("disk", NULL));
	disk_fail_next(disk, 1);
	mc.r[7] = mc_io(&c, MFS_READ, mc.attr[3].ino, 0, buf, 100); /* not cached yet */
	mc.r[8] = mc_io(&c, MFS_READ, mc.attr[3].ino, 0, buf, 100);
	mc.bad[0] = mc_mismatches(buf, 0, 100, 2);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_eio, mt_eio_main, 4, KIP_PROG_SYSTEM);

/* Set zone[0] of inode `ino` in the image to `zone`. */
static void mt_patch_zone(uint32_t ino, uint32_t zone)
{
	struct minixfs_super sb = ft_super();
	off_t off = (off_t)minixfs_inode_offset(&sb, ino) + offsetof(struct minixfs_inode, i_zone);
	ft_patch(off, &zone, 4);
}

static void test_bad_zone_is_eio(void)
{
	mc_make_tree_image("2M");
	mt_patch_zone(2, 0x00ffffff); /* the first file in name order: big */
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_eio", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.r[2], 11); /* the other file is fine */
	CU_ASSERT_EQUAL(mc.r[3], 0);
	CU_ASSERT_EQUAL(mc.attr[1].ino, 2);
	CU_ASSERT_EQUAL(mc.r[4], -EIO);
	CU_ASSERT_EQUAL(mc.r[5], 0);
	CU_ASSERT_EQUAL(mc.r[6], 0);
	CU_ASSERT_EQUAL(mc.r[7], -EIO);
	CU_ASSERT_EQUAL(mc.r[8], 100);
	CU_ASSERT_EQUAL(mc.bad[0], 0);
	mc_cleanup();
}

/* ------------------------------------------------------------ getdents */

static int mt_dents_main(uint64_t mfs)
{
	struct mc_client c;
	struct mfs_dent *d = kip_page_alloc(1);
	uint64_t pos = 0;
	if (!d || mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	/* Two records at a time, until the end. */
	for (int round = 0; round < 8; round++) {
		int r = mc_io(&c, MFS_GETDENTS, 1, pos, d, 2 * MFS_DENT_SIZE + 10);
		mc.r[1 + round] = r;
		if (r <= 0)
			break;
		pos = c.pos;
		for (int i = 0; i < r / MFS_DENT_SIZE && mt.nnames < 16; i++) {
			memcpy(mt.names[mt.nnames], d[i].name, sizeof(d[i].name));
			mt.inos[mt.nnames++] = d[i].ino;
		}
	}
	mc.r[10] = mc_io(&c, MFS_GETDENTS, 1, 0, d, 10);   /* no room for one */
	mc.r[11] = mc_io(&c, MFS_GETDENTS, 1, 3, d, 4096); /* unaligned */
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_dents, mt_dents_main, 4, KIP_PROG_SYSTEM);

static void test_getdents_lists_the_root(void)
{
	memset(&mt, 0, sizeof(mt));
	mc_make_tree_image("2M");
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_dents", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.r[1], 2 * MFS_DENT_SIZE);
	CU_ASSERT_EQUAL(mc.r[2], 2 * MFS_DENT_SIZE);
	CU_ASSERT_EQUAL(mc.r[3], 1 * MFS_DENT_SIZE);
	CU_ASSERT_EQUAL(mc.r[4], 0);
	CU_ASSERT_EQUAL(mt.nnames, 5);
	const char *want[] = {".", "..", "big", "hello.txt", "sub"};
	for (int i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(mt.names[i], want[i]);
	CU_ASSERT_EQUAL(mt.inos[0], 1);
	CU_ASSERT_EQUAL(mt.inos[1], 1);
	CU_ASSERT_EQUAL(mc.r[10], -EINVAL);
	CU_ASSERT_EQUAL(mc.r[11], -EINVAL);
	mc_cleanup();
}

static const struct kip_test mfs_tests[] = {
	{"mount of a good image", test_mount_good_image},
	{"mount refuses bad magic and impossible geometry", test_mount_refuses_bad_images},
	{"lookup, stat and read of mkfs --from files", test_lookup_stat_read},
	{"a bad zone number and a disk error are EIO", test_bad_zone_is_eio},
	{"getdents lists the root", test_getdents_lists_the_root},
	{NULL, NULL},
};
KIP_TEST_SUITE(mfs, mfs_tests);
