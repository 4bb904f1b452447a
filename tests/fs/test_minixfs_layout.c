/*
 * tests/fs/test_minixfs_layout.c - the MINIX v3 on-disk format
 * (kip/minixfs.h) and the host tools' writer and checker
 * (cli/minixfs_write.c, cli/minixfs_check.c) (suite `minixfs`).
 *
 *   The structs sit where util-linux's minix.h puts their fields.
 *   The bitmap and size helpers compute what mkfs.minix 2.38 writes: its
 *   inode counts, bitmap sizes and first data zones, measured on real
 *   `mkfs.minix -3` images, are pinned here.
 *   A block written at the first index of each indirection level lands
 *   behind the right zone[] slot, one pointer deep per level.
 *   A written image checks clean; one wrong link count makes it not.
 *
 * The end-to-end test (tests/e2e/t_mkfs_fsck.sh) judges whole images with
 * fsck.minix.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/minixfs_check.h"
#include "cli/minixfs_write.h"
#include "kip/minixfs.h"
#include "tests/kip_test.h"

static void test_struct_layout(void)
{
	/* util-linux disk-utils/minix.h: struct minix3_super_block,
	 * minix2_inode, minix3 directory entries. */
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_ninodes), 0);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_imap_blocks), 6);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_zmap_blocks), 8);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_firstdatazone), 10);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_log_zone_size), 12);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_max_size), 16);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_zones), 20);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_magic), 24);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_blocksize), 28);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_super, s_disk_version), 30);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_inode, i_nlinks), 2);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_inode, i_gid), 6);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_inode, i_atime), 12);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_inode, i_ctime), 20);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_inode, i_zone[9]), 60);
	CU_ASSERT_EQUAL(offsetof(struct minixfs_dirent, d_name), 4);
	CU_ASSERT_EQUAL(sizeof(struct minixfs_dirent), 64);
}

static void test_bitmap(void)
{
	uint8_t map[4] = {0};
	minixfs_bit_set(map, 0);
	minixfs_bit_set(map, 9);
	minixfs_bit_set(map, 31);
	CU_ASSERT_EQUAL(map[0], 0x01);
	CU_ASSERT_EQUAL(map[1], 0x02);
	CU_ASSERT_EQUAL(map[3], 0x80);
	CU_ASSERT_TRUE(minixfs_bit_test(map, 9));
	CU_ASSERT_FALSE(minixfs_bit_test(map, 8));
	minixfs_bit_clear(map, 9);
	CU_ASSERT_EQUAL(map[1], 0);
	/* Zone bitmap bit 1 is the first data zone. */
	CU_ASSERT_EQUAL(minixfs_zone_bit(175, 175), 1);
	CU_ASSERT_EQUAL(minixfs_zone_bit(175, 8191), 8017);
}

static void test_sizes(void)
{
	CU_ASSERT_EQUAL(minixfs_inodes_per_block(1024), 16);
	CU_ASSERT_EQUAL(minixfs_inodes_per_block(4096), 64);
	CU_ASSERT_EQUAL(minixfs_ptrs_per_block(1024), 256);
	CU_ASSERT_EQUAL(minixfs_dirents_per_block(4096), 64);
	CU_ASSERT_EQUAL(minixfs_max_file_blocks(1024), 7ull + 256 + 65536 + 16777216);
	struct minixfs_super sb = {.s_log_zone_size = 0};
	CU_ASSERT_EQUAL(minixfs_blocks_per_zone(&sb), 1);
	sb.s_log_zone_size = 3;
	CU_ASSERT_EQUAL(minixfs_blocks_per_zone(&sb), 8);
	char name[MINIXFS_NAME_MAX];
	memset(name, 'a', sizeof(name));
	CU_ASSERT_EQUAL(minixfs_name_len(name), 60); /* no NUL: all 60 */
	name[5] = '\0';
	CU_ASSERT_EQUAL(minixfs_name_len(name), 5);
	CU_ASSERT_TRUE(minixfs_type_valid(MINIXFS_S_IFLNK | 0777));
	CU_ASSERT_FALSE(minixfs_type_valid(0));
	CU_ASSERT_FALSE(minixfs_type_valid(0170000));
	CU_ASSERT_FALSE(minixfs_has_zones(MINIXFS_S_IFCHR | 0600));
}

/* What `mkfs.minix -3 [-i INODES] IMG BLOCKS` (util-linux 2.38.1) wrote. */
static const struct {
	uint64_t blocks, want_inodes;
	uint32_t inodes, imap, zmap, first;
} mkfs_minix[] = {
	{10, 0, 16, 1, 1, 5},
	{100, 0, 48, 1, 1, 7},
	{1000, 0, 336, 1, 1, 25},
	{8192, 0, 2736, 1, 1, 175},
	{8192, 100, 112, 1, 1, 11},
	{65536, 0, 21856, 3, 8, 1379},
	{200000, 0, 66672, 9, 24, 4202},
	{1000000, 0, 125008, 16, 122, 7953},
};

static void test_geometry_like_mkfs_minix(void)
{
	for (size_t i = 0; i < sizeof(mkfs_minix) / sizeof(mkfs_minix[0]); i++) {
		struct mfsw_geometry g;
		int rc = mfsw_geometry(&g, mkfs_minix[i].blocks * 1024, 1024,
				       mkfs_minix[i].want_inodes);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_EQUAL(g.zones, mkfs_minix[i].blocks);
		CU_ASSERT_EQUAL(g.inodes, mkfs_minix[i].inodes);
		CU_ASSERT_EQUAL(g.imap_blocks, mkfs_minix[i].imap);
		CU_ASSERT_EQUAL(g.zmap_blocks, mkfs_minix[i].zmap);
		CU_ASSERT_EQUAL(g.first_data_zone, mkfs_minix[i].first);
	}
}

static void test_geometry_limits(void)
{
	struct mfsw_geometry g;
	CU_ASSERT_EQUAL(mfsw_geometry(&g, 64 << 20, 512, 0), -EINVAL);
	CU_ASSERT_EQUAL(mfsw_geometry(&g, 5 * 1024, 1024, 0), -ENOSPC);
	/* More inode table than image; a first data zone past 65535. */
	CU_ASSERT_EQUAL(mfsw_geometry(&g, 64 << 20, 1024, 10000000), -ENOSPC);
	CU_ASSERT_EQUAL(mfsw_geometry(&g, 1 << 30, 1024, 2000000), -EFBIG);
	/* 4 KiB blocks: every area fits, and the bitmaps cover their counts. */
	CU_ASSERT_EQUAL_FATAL(mfsw_geometry(&g, 64 << 20, 4096, 0), 0);
	CU_ASSERT_EQUAL(g.zones, 16384);
	CU_ASSERT_EQUAL(g.inodes % 64, 0);
	CU_ASSERT_EQUAL(g.first_data_zone, 2 + g.imap_blocks + g.zmap_blocks + g.itable_blocks);
	CU_ASSERT_TRUE((uint64_t)g.zmap_blocks * 4096 * 8 >= g.zones - g.first_data_zone + 1);
	/* A huge image with 1 KiB blocks: the default inode count shrinks so
	 * that the first data zone fits its 16 bits. */
	CU_ASSERT_EQUAL_FATAL(mfsw_geometry(&g, 64ull << 30, 1024, 0), 0);
	CU_ASSERT_TRUE(g.first_data_zone <= 65535);
}

/* A fresh image in a temporary file; the root directory only. */
static int make_image(FILE **f, struct mfsw *w, uint32_t bs)
{
	struct mfsw_geometry g;
	struct mfsw_dir d;
	uint32_t root;
	*f = tmpfile();
	if (!*f || mfsw_geometry(&g, 1 << 20, bs, 0) < 0 ||
	    ftruncate(fileno(*f), (off_t)g.zones * bs) < 0 || mfsw_open(w, fileno(*f), &g) < 0 ||
	    mfsw_alloc_inode(w, &root) < 0)
		return -1;
	mfsw_inode(w, root)->i_mode = MINIXFS_S_IFDIR | 0755;
	mfsw_inode(w, root)->i_nlinks = 2;
	mfsw_dir_init(&d, root);
	int rc = mfsw_dir_add(&d, ".", root) || mfsw_dir_add(&d, "..", root) ||
		 mfsw_dir_write(w, &d);
	mfsw_dir_free(&d);
	return rc ? -1 : 0;
}

static uint32_t read_u32(int fd, uint64_t off)
{
	uint32_t v = 0;
	CU_ASSERT_EQUAL(pread(fd, &v, sizeof(v), (off_t)off), (ssize_t)sizeof(v));
	return v;
}

static void test_indirect_levels(void)
{
	FILE *f;
	struct mfsw w;
	uint32_t ino;
	uint8_t data[1024];
	CU_ASSERT_EQUAL_FATAL(make_image(&f, &w, 1024), 0);
	CU_ASSERT_EQUAL_FATAL(mfsw_alloc_inode(&w, &ino), 0);
	memset(data, 0x5a, sizeof(data));
	/* The first block of each level: direct 6, single 7, double 263,
	 * triple 65799. */
	const uint64_t first[] = {6, 7, 263, 65799};
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(mfsw_write_block(&w, ino, first[i], data), 0);
	CU_ASSERT_EQUAL(mfsw_write_block(&w, ino, minixfs_max_file_blocks(1024), data), -EFBIG);
	CU_ASSERT_EQUAL_FATAL(mfsw_finish(&w), 0);
	struct minixfs_inode *ip = mfsw_inode(&w, ino);
	int fd = fileno(f);
	CU_ASSERT_NOT_EQUAL(ip->i_zone[6], 0);
	/* Each level's first entry points one level down, ending at data. */
	for (int level = 1; level <= 3; level++) {
		uint32_t z = ip->i_zone[MINIXFS_IND + level - 1];
		for (int d = level; d > 0 && z; d--)
			z = read_u32(fd, (uint64_t)z * 1024);
		CU_ASSERT_TRUE(z >= w.g.first_data_zone && z < w.g.zones);
		CU_ASSERT_EQUAL(read_u32(fd, (uint64_t)z * 1024), 0x5a5a5a5a);
	}
	mfsw_close(&w);
	fclose(f);
}

static void test_checker_sees_a_bad_link_count(void)
{
	FILE *f, *out = fopen("/dev/null", "w");
	struct mfsw w;
	struct mfsck_stats st;
	char why[256];
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL_FATAL(make_image(&f, &w, 4096), 0);
	CU_ASSERT_EQUAL_FATAL(mfsw_finish(&w), 0);
	uint64_t bytes = (uint64_t)w.g.zones * 4096;
	CU_ASSERT_EQUAL(mfsck_check(fileno(f), bytes, out, false, 10, &st, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(st.problems, 0);
	CU_ASSERT_EQUAL(st.dirs, 1);
	uint16_t three = 3;
	uint64_t nlinks_at = minixfs_inode_offset(&w.sb, MINIXFS_ROOT_INO) + 2;
	CU_ASSERT_EQUAL(pwrite(fileno(f), &three, 2, (off_t)nlinks_at), 2);
	CU_ASSERT_EQUAL(mfsck_check(fileno(f), bytes, out, false, 10, &st, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(st.problems, 1);
	/* A file too short for its superblock cannot be checked at all. */
	CU_ASSERT_EQUAL(mfsck_check(fileno(f), 2000, out, false, 10, &st, why, sizeof(why)),
			-EINVAL);
	mfsw_close(&w);
	fclose(f);
	fclose(out);
}

static const struct kip_test minixfs_tests[] = {
	{"structs sit where util-linux puts them", test_struct_layout},
	{"bitmap helpers, LSB first", test_bitmap},
	{"size helpers", test_sizes},
	{"geometry matches mkfs.minix -3", test_geometry_like_mkfs_minix},
	{"geometry limits", test_geometry_limits},
	{"blocks map through each indirection level", test_indirect_levels},
	{"the checker sees a bad link count", test_checker_sees_a_bad_link_count},
	{NULL, NULL},
};
KIP_TEST_SUITE(minixfs, minixfs_tests);
