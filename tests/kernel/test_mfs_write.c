/*
 * tests/kernel/test_mfs_write.c - the MINIX file server (servers/mfs/)
 * writing, on the disk driver in a booted kernel, on images made by `kip
 * mkfs` (suite `mfs_write`; reading is suite `mfs`, test_mfs.c).
 *
 * Pins: CREATE, MKDIR, WRITE (into the double indirect), READ back and SYNC
 * leave an image that `fsck.minix -f` and `kip fsck` pass; EEXIST, names of
 * 60 bytes, a slash or none (EINVAL), a file as directory (ENOTDIR); a root
 * directory growing past its first block; a full small image gives a short
 * write, then ENOSPC, and still passes both checkers; TRUNCATE (shrink,
 * then grow into a hole that reads as zeros), UNLINK and RMDIR (EISDIR,
 * ENOTEMPTY, ENOTDIR, EINVAL) give back exactly the zones and inodes they
 * should (a remount recounts the bitmaps) and leave a clean image; 4 KiB
 * blocks work too.
 *
 * The clients record what each call returned in mc.r[]
 * (tests/kernel/mfs_client.h); the host asserts on it after the run.
 */
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/mfs_client.h"
#include "tests/kip_test.h"

#define MT_NEW_SIZE (280u * 1024)

/* ------------------------------------------- create, write, sync, fsck */

static int mt_create_main(uint64_t mfs)
{
	struct mc_client c;
	uint8_t *buf = kip_page_alloc(MT_NEW_SIZE / 4096 + 1);
	char name60[61];
	if (!buf || mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	mc.r[1] = mc_named(&c, MFS_CREATE, 1, "new.txt", 0644, &mc.attr[0]);
	uint32_t f = mc.attr[0].ino;
	for (uint32_t i = 0; i < MT_NEW_SIZE; i++)
		buf[i] = mc_pat(i, 9);
	/* Written in two pieces, the second past the double-indirect start. */
	mc.r[2] = mc_io(&c, MFS_WRITE, f, 0, buf, 100000);
	mc.r[3] = mc_io(&c, MFS_WRITE, f, 100000, buf + 100000, MT_NEW_SIZE - 100000);
	memset(buf, 0, MT_NEW_SIZE);
	mc.r[4] = mc_io(&c, MFS_READ, f, 0, buf, MT_NEW_SIZE);
	mc.bad[0] = mc_mismatches(buf, 0, MT_NEW_SIZE, 9);
	mc.r[5] = mc_named(&c, MFS_CREATE, 1, "new.txt", 0644, NULL);
	mc.r[6] = mc_named(&c, MFS_MKDIR, 1, "dir", 0755, &mc.attr[1]);
	uint32_t d = mc.attr[1].ino;
	mc.r[7] = mc_named(&c, MFS_CREATE, d, "inside", 0600, &mc.attr[2]);
	memcpy(buf, "inside\n", 7);
	mc.r[8] = mc_io(&c, MFS_WRITE, mc.attr[2].ino, 0, buf, 7);
	mc.r[9] = mc_named(&c, MFS_MKDIR, d, "deeper", 0700, NULL);
	mc.r[10] = mc_stat(&c, 1, &mc.attr[3]);
	mc.r[11] = mc_stat(&c, d, &mc.attr[4]);
	memset(name60, 'x', 60);
	name60[60] = '\0';
	mc.r[12] = mc_named(&c, MFS_CREATE, 1, name60, 0644, NULL);
	mc.r[13] = mc_named(&c, MFS_CREATE, 1, "bad/name", 0644, NULL);
	mc.r[14] = mc_named(&c, MFS_CREATE, f, "x", 0644, NULL);
	mc.r[15] = mc_named(&c, MFS_CREATE, 1, "", 0644, NULL);
	/* Many entries: the root directory grows past its first block. */
	for (int i = 0; i < 20; i++) {
		char n[8] = {'f', (char)('a' + i), 0};
		int r = mc_named(&c, MFS_CREATE, 1, n, 0644, NULL);
		if (r < 0)
			mc.r[16] = r;
	}
	mc.r[17] = mc_lookup(&c, 1, "ft", &mc.attr[5]);
	mc.r[18] = mc_simple(&c, MFS_SYNC);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_create, mt_create_main, 4, KIP_PROG_SYSTEM);

static void test_create_write_sync_passes_fsck(void)
{
	mc_make_tree_image(kip_test_small() ? "2M" : "8M");
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_create", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.r[1], 0);
	CU_ASSERT_EQUAL(mc.attr[0].mode, MINIXFS_S_IFREG | 0644);
	CU_ASSERT_EQUAL(mc.attr[0].uid, 1000);
	CU_ASSERT_EQUAL(mc.attr[0].gid, 100);
	CU_ASSERT_EQUAL(mc.attr[0].nlinks, 1);
	CU_ASSERT_EQUAL(mc.r[2], 100000);
	CU_ASSERT_EQUAL(mc.r[3], MT_NEW_SIZE - 100000);
	CU_ASSERT_EQUAL(mc.r[4], MT_NEW_SIZE);
	CU_ASSERT_EQUAL(mc.bad[0], 0);
	CU_ASSERT_EQUAL(mc.r[5], -EEXIST);
	CU_ASSERT_EQUAL(mc.r[6], 0);
	CU_ASSERT_EQUAL(mc.attr[1].mode, MINIXFS_S_IFDIR | 0755);
	CU_ASSERT_EQUAL(mc.attr[1].nlinks, 2);
	CU_ASSERT_EQUAL(mc.r[7], 0);
	CU_ASSERT_EQUAL(mc.r[8], 7);
	CU_ASSERT_EQUAL(mc.r[9], 0);
	CU_ASSERT_EQUAL(mc.r[10], 0);
	CU_ASSERT_EQUAL(mc.attr[3].nlinks, 4); /* ., .., sub/.., dir/.. */
	CU_ASSERT_EQUAL(mc.r[11], 0);
	CU_ASSERT_EQUAL(mc.attr[4].nlinks, 3);
	CU_ASSERT_EQUAL(mc.r[12], 0); /* exactly 60 bytes is fine */
	CU_ASSERT_EQUAL(mc.r[13], -EINVAL);
	CU_ASSERT_EQUAL(mc.r[14], -ENOTDIR);
	CU_ASSERT_EQUAL(mc.r[15], -EINVAL);
	CU_ASSERT_EQUAL(mc.r[16], 0);
	CU_ASSERT_EQUAL(mc.r[17], 0);
	CU_ASSERT_EQUAL(mc.r[18], 0);
	ft_judge(FT_FSCK_BOTH, "mfs");
	mc_cleanup();
}

/* ---------------------------------------------------------------- ENOSPC */

static int mt_full_main(uint64_t mfs)
{
	struct mc_client c;
	uint8_t *buf = kip_page_alloc(16);
	uint64_t pos = 0;
	if (!buf || mc_init(&c, mfs) < 0)
		return 1;
	memset(buf, 0x5a, 16 * 4096);
	mc.r[0] = mc_mount(&c);
	mc.r[1] = mc_named(&c, MFS_CREATE, 1, "fill", 0644, &mc.attr[0]);
	int r;
	do {
		r = mc_io(&c, MFS_WRITE, mc.attr[0].ino, pos, buf, 16 * 4096);
		if (r > 0)
			pos += (uint64_t)r;
	} while (r == 16 * 4096);
	mc.r[2] = r; /* the short write */
	mc.r[3] = mc_io(&c, MFS_WRITE, mc.attr[0].ino, pos, buf, 4096);
	mc.r[4] = mc_stat(&c, mc.attr[0].ino, &mc.attr[1]);
	mc.r[5] = mc_named(&c, MFS_MKDIR, 1, "d", 0755, NULL);
	mc.r[6] = mc_simple(&c, MFS_SYNC);
	mc.r[7] = (int)(pos / 1024);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_full, mt_full_main, 4, KIP_PROG_SYSTEM);

static void test_full_image_gives_enospc(void)
{
	mc_make_image("200K", NULL);
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_full", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.r[1], 0);
	CU_ASSERT(mc.r[2] >= 0 && mc.r[2] < 16 * 4096);
	CU_ASSERT_EQUAL(mc.r[3], -ENOSPC);
	CU_ASSERT_EQUAL(mc.r[4], 0);
	CU_ASSERT_EQUAL(mc.attr[1].size, (uint32_t)mc.r[7] * 1024);
	CU_ASSERT(mc.r[7] > 100);
	CU_ASSERT_EQUAL(mc.r[5], -ENOSPC);
	CU_ASSERT_EQUAL(mc.r[6], 0);
	ft_judge(FT_FSCK_BOTH, "mfs");
	mc_cleanup();
}

/* ------------------------------------------- unlink, rmdir, truncate */

static int mt_remove_main(uint64_t mfs)
{
	struct mc_client c;
	uint8_t *buf = kip_page_alloc(MC_BIG_SIZE / 4096 + 1);
	if (!buf || mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	struct mfs_mount_info before = mc.mount;
	mc.r[1] = mc_lookup(&c, 1, "big", &mc.attr[0]);
	uint32_t big = mc.attr[0].ino;
	/* Shrink into the direct zones, then grow: the new part reads as zeros. */
	message m;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = big;
	m.m_mfs.position = 5000;
	mc.r[2] = mc_call(&c, &m);
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = big;
	m.m_mfs.position = 10000;
	mc.r[3] = mc_call(&c, &m);
	memset(buf, 0xff, 10000);
	mc.r[4] = mc_io(&c, MFS_READ, big, 0, buf, MC_BIG_SIZE);
	mc.bad[0] = mc_mismatches(buf, 0, 5000, 1);
	for (int i = 5000; i < 10000; i++)
		mc.bad[1] += buf[i] != 0;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = 1;
	mc.r[5] = mc_call(&c, &m); /* a directory */
	/* Names. */
	mc.r[6] = mc_named(&c, MFS_UNLINK, 1, "hello.txt", 0, NULL);
	mc.r[7] = mc_lookup(&c, 1, "hello.txt", NULL);
	mc.r[8] = mc_named(&c, MFS_UNLINK, 1, "sub", 0, NULL);
	mc.r[9] = mc_named(&c, MFS_RMDIR, 1, "sub", 0, NULL);
	mc.r[10] = mc_lookup(&c, 1, "sub", &mc.attr[1]);
	mc.r[11] = mc_named(&c, MFS_UNLINK, mc.attr[1].ino, "inner.txt", 0, NULL);
	mc.r[12] = mc_named(&c, MFS_RMDIR, 1, "sub", 0, NULL);
	mc.r[13] = mc_stat(&c, 1, &mc.attr[2]);
	mc.r[14] = mc_named(&c, MFS_RMDIR, 1, ".", 0, NULL);
	mc.r[15] = mc_named(&c, MFS_RMDIR, 1, "..", 0, NULL);
	mc.r[16] = mc_named(&c, MFS_RMDIR, 1, "big", 0, NULL);
	mc.r[17] = mc_named(&c, MFS_UNLINK, 1, "nothing", 0, NULL);
	/* A file written into the double indirect, then unlinked: every zone back. */
	mc.r[18] = mc_named(&c, MFS_CREATE, 1, "tmp", 0644, &mc.attr[3]);
	mc.r[19] = mc_io(&c, MFS_WRITE, mc.attr[3].ino, 0, buf, MC_BIG_SIZE);
	mc.r[20] = mc_named(&c, MFS_UNLINK, 1, "tmp", 0, NULL);
	mc.r[21] = mc_simple(&c, MFS_SYNC);
	mc.r[22] = mc_mount(&c); /* a remount counts the bitmaps again */
	mc.r[23] = (int)(mc.mount.free_zones - before.free_zones);
	mc.r[24] = (int)(mc.mount.free_inodes - before.free_inodes);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_remove, mt_remove_main, 4, KIP_PROG_SYSTEM);

static void test_unlink_rmdir_truncate(void)
{
	mc_make_tree_image("2M");
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_remove", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.r[1], 0);
	CU_ASSERT_EQUAL(mc.r[2], 0);
	CU_ASSERT_EQUAL(mc.r[3], 0);
	CU_ASSERT_EQUAL(mc.r[4], 10000);
	CU_ASSERT_EQUAL(mc.bad[0], 0);
	CU_ASSERT_EQUAL(mc.bad[1], 0);
	CU_ASSERT_EQUAL(mc.r[5], -EISDIR);
	CU_ASSERT_EQUAL(mc.r[6], 0);
	CU_ASSERT_EQUAL(mc.r[7], -ENOENT);
	CU_ASSERT_EQUAL(mc.r[8], -EISDIR);
	CU_ASSERT_EQUAL(mc.r[9], -ENOTEMPTY);
	CU_ASSERT_EQUAL(mc.r[10], 0);
	CU_ASSERT_EQUAL(mc.r[11], 0);
	CU_ASSERT_EQUAL(mc.r[12], 0);
	CU_ASSERT_EQUAL(mc.r[13], 0);
	CU_ASSERT_EQUAL(mc.attr[2].nlinks, 2);
	CU_ASSERT_EQUAL(mc.r[14], -EINVAL);
	CU_ASSERT_EQUAL(mc.r[15], -ENOTEMPTY);
	CU_ASSERT_EQUAL(mc.r[16], -ENOTDIR);
	CU_ASSERT_EQUAL(mc.r[17], -ENOENT);
	CU_ASSERT_EQUAL(mc.r[18], 0);
	CU_ASSERT_EQUAL(mc.r[19], MC_BIG_SIZE);
	CU_ASSERT_EQUAL(mc.r[20], 0);
	CU_ASSERT_EQUAL(mc.r[21], 0);
	CU_ASSERT_EQUAL(mc.r[22], 0);
	/* Freed: hello.txt 1, big 300 data + 3 indirect - 5 kept, sub 1, inner 1. */
	CU_ASSERT_EQUAL(mc.r[23], 1 + 298 + 1 + 1);
	CU_ASSERT_EQUAL(mc.r[24], 3);
	ft_judge(FT_FSCK_BOTH, "mfs");
	mc_cleanup();
}

/* ---------------------------------------------------- 4 KiB blocks */

static int mt_big_block_main(uint64_t mfs)
{
	struct mc_client c;
	uint8_t *buf = kip_page_alloc(MC_BIG_SIZE / 4096 + 1);
	if (!buf || mc_init(&c, mfs) < 0)
		return 1;
	mc.r[0] = mc_mount(&c);
	mc.r[1] = mc_named(&c, MFS_MKDIR, 1, "d", 0755, &mc.attr[0]);
	mc.r[2] = mc_named(&c, MFS_CREATE, mc.attr[0].ino, "f", 0644, &mc.attr[1]);
	for (uint32_t i = 0; i < MC_BIG_SIZE; i++)
		buf[i] = mc_pat(i, 4);
	mc.r[3] = mc_io(&c, MFS_WRITE, mc.attr[1].ino, 0, buf, MC_BIG_SIZE);
	memset(buf, 0, MC_BIG_SIZE);
	mc.r[4] = mc_io(&c, MFS_READ, mc.attr[1].ino, 0, buf, MC_BIG_SIZE);
	mc.bad[0] = mc_mismatches(buf, 0, MC_BIG_SIZE, 4);
	mc.r[5] = mc_simple(&c, MFS_SYNC);
	mc.done = 1;
	return 0;
}
KIP_PROGRAM(mfst_big_block, mt_big_block_main, 4, KIP_PROG_SYSTEM);

static void test_4k_blocks(void)
{
	memset(&mc, 0, sizeof(mc));
	ft_mkfs("mfs", "4M", "--block-size", "4096", NULL);
	CU_ASSERT_EQUAL(ft_run_mfs("mfst_big_block", 0), 0);
	CU_ASSERT(mc.done);
	CU_ASSERT_EQUAL(mc.r[0], 0);
	CU_ASSERT_EQUAL(mc.mount.block_size, 4096);
	CU_ASSERT_EQUAL(mc.r[1], 0);
	CU_ASSERT_EQUAL(mc.r[2], 0);
	CU_ASSERT_EQUAL(mc.r[3], MC_BIG_SIZE);
	CU_ASSERT_EQUAL(mc.r[4], MC_BIG_SIZE);
	CU_ASSERT_EQUAL(mc.bad[0], 0);
	CU_ASSERT_EQUAL(mc.r[5], 0);
	ft_judge(FT_FSCK_KIP, "4 KiB blocks"); /* fsck.minix reads 1 KiB blocks only */
	mc_cleanup();
}

static const struct kip_test mfs_write_tests[] = {
	{"create, mkdir, write, sync: fsck passes", test_create_write_sync_passes_fsck},
	{"a full image gives ENOSPC and stays clean", test_full_image_gives_enospc},
	{"unlink, rmdir, truncate give their zones back", test_unlink_rmdir_truncate},
	{"4 KiB blocks: mkdir, create, write, read, sync", test_4k_blocks},
	{NULL, NULL},
};
KIP_TEST_SUITE(mfs_write, mfs_write_tests);
