/*
 * tests/kernel/test_mfs.c - the MINIX file server (servers/mfs/) on the
 * disk driver, in a booted kernel, on images made by `kip mkfs` (suite
 * `mfs`).
 *
 * Pins: MFS_MOUNT of a good image reports its geometry; a bad magic and
 * impossible geometries (a file system bigger than the device, a bad block
 * size, a first data zone in the wrong place) are refused with EINVAL and
 * a console line, and nothing else is served before a mount (ENODEV);
 * LOOKUP, STAT and READ of files put in by `kip mkfs --from`, one of them
 * crossing into the single and double indirect zones, give their bytes
 * (ENOENT, ENOTDIR, ENAMETOOLONG, EISDIR where due); a zone number outside
 * the data zones reads as EIO, and so does a failed disk read (MFS goes on); GETDENTS lists the root; CREATE, MKDIR,
 * WRITE (into the double indirect), READ back and SYNC leave an image that
 * `fsck.minix -f` and `kip fsck` pass; EEXIST; a full small image gives
 * ENOSPC and still passes both checkers; TRUNCATE (shrink, then grow into
 * a hole), UNLINK and RMDIR (EISDIR, ENOTEMPTY, ENOTDIR, EINVAL) give back
 * exactly the zones and inodes they should (a remount recounts the
 * bitmaps) and leave a clean image; 4 KiB blocks work too.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/grant.h"
#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "kernel/kernel.h"
#include "sim/disk.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define MT_BIG_SIZE (300u * 1024) /* 1 KiB blocks: direct, single and double indirect */
#define MT_NEW_SIZE (280u * 1024)

static struct {
	char image[64], tree[64];
	endpoint_t driver, mfs;
	int ok;
	int r[48];
	int bad[8];
	struct mfs_mount_info mount;
	struct mfs_attr attr[8];
	char names[16][64];
	uint32_t inos[16];
	int nnames;
} mt;

static uint8_t mt_pat(uint64_t i, uint8_t seed)
{
	return (uint8_t)(i * 7 + i / 1024 * 13 + seed);
}

/* ---------------------------------------------------------- host side */

static void mt_write_file(const char *dir, const char *name, uint32_t size, uint8_t seed)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	uint8_t *buf = malloc(size ? size : 1);
	for (uint32_t i = 0; i < size; i++)
		buf[i] = mt_pat(i, seed);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, buf, size) == (ssize_t)size);
	close(fd);
	free(buf);
}

/* A host tree: hello.txt, big (MT_BIG_SIZE), sub/inner.txt. */
static void mt_make_tree(void)
{
	char path[160];
	strcpy(mt.tree, "/tmp/kip-mfs-tree-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(mt.tree) != NULL);
	mt_write_file(mt.tree, "hello.txt", 11, 0);
	int fd = open(strcat(strcpy(path, mt.tree), "/hello.txt"), O_WRONLY | O_TRUNC);
	CU_ASSERT(write(fd, "hello, kip\n", 11) == 11);
	close(fd);
	mt_write_file(mt.tree, "big", MT_BIG_SIZE, 1);
	snprintf(path, sizeof(path), "%s/sub", mt.tree);
	CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
	mt_write_file(path, "inner.txt", 100, 2);
}

/* Make mt.image with `kip mkfs` (from the tree if `from`). */
static void mt_make_image(const char *size, int from)
{
	strcpy(mt.image, "/tmp/kip-mfs-img-XXXXXX");
	int fd = mkstemp(mt.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", mt.image, "--size", (char *)size, "--force", NULL, NULL, NULL};
	if (from) {
		mt_make_tree();
		argv[5] = "--from";
		argv[6] = mt.tree;
	}
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
}

/* Read the superblock of mt.image, change it with fn, write it back. */
static void mt_patch_super(void (*fn)(struct minixfs_super *sb))
{
	struct minixfs_super sb;
	memset(&sb, 0, sizeof(sb));
	int fd = open(mt.image, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pread(fd, &sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET) == MINIXFS_SUPER_BYTES);
	fn(&sb);
	CU_ASSERT(pwrite(fd, &sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET) ==
		  MINIXFS_SUPER_BYTES);
	close(fd);
}

static struct minixfs_super mt_read_super(void)
{
	struct minixfs_super sb;
	memset(&sb, 0, sizeof(sb));
	int fd = open(mt.image, O_RDONLY);
	CU_ASSERT(pread(fd, &sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET) == MINIXFS_SUPER_BYTES);
	close(fd);
	return sb;
}

/* Boot with mt.image, start the driver and MFS, run `client` as init. */
static int mt_run(const char *client)
{
	struct kip_config cfg;
	kt_default_config(&cfg, 0);
	cfg.disk_image = mt.image;
	kt_boot_config(&cfg);
	mt.driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(mt.driver >= 0);
	mt.mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)mt.driver, 0);
	CU_ASSERT_FATAL(mt.mfs >= 0);
	kt_spawn(client, (uint64_t)mt.mfs, SPAWN_INIT);
	return kt_run();
}

static int mt_fsck_minix(void)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", mt.image);
	return system(cmd);
}

static int mt_fsck_kip(void)
{
	char *argv[] = {"fsck", mt.image, NULL};
	return kt_quiet(cli_fsck, argv);
}

static void mt_cleanup(void)
{
	char cmd[160];
	unlink(mt.image);
	if (mt.tree[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", mt.tree);
		CU_ASSERT(system(cmd) == 0);
	}
	memset(&mt, 0, sizeof(mt));
}

/* ------------------------------------------------------- client side */

struct mt_client {
	struct kip_grants *grants;
	endpoint_t mfs;
	char *name; /* a page of the client's for names (grants cover kip memory only) */
};

static int mt_init(struct mt_client *c, uint64_t mfs)
{
	c->grants = kip_grant_init(8);
	c->mfs = (endpoint_t)mfs;
	c->name = kip_page_alloc(1);
	return c->grants && c->name ? 0 : -1;
}

/* Send m to MFS; the reply's status (m holds the reply). */
static int mt_call(struct mt_client *c, message *m)
{
	int r = kip_sendrec(c->mfs, m);
	return r < 0 ? r : m->m_type;
}

static int mt_mount(struct mt_client *c)
{
	message m;
	kip_msg_init(&m, MFS_MOUNT);
	int r = mt_call(c, &m);
	if (r == 0)
		mt.mount = m.m_mfs_mount;
	return r;
}

/* LOOKUP, CREATE or MKDIR of `name` (its strlen) in dir; attributes in *a. */
static int mt_named(struct mt_client *c, int type, uint32_t dir, const char *name, uint32_t mode,
		    struct mfs_attr *a)
{
	message m;
	size_t len = strlen(name);
	memcpy(c->name, name, len + 1);
	kip_grant_id g =
		kip_grant_direct(c->grants, c->mfs, c->name, len ? len : 1, KIP_GRANT_READ);
	if (g < 0)
		return g;
	kip_msg_init(&m, type);
	m.m_mfs.ino = dir;
	m.m_mfs.grant = g;
	m.m_mfs.name_len = (uint32_t)len;
	m.m_mfs.mode = mode;
	m.m_mfs.uid = 1000;
	m.m_mfs.gid = 100;
	int r = mt_call(c, &m);
	kip_grant_revoke(c->grants, g);
	if (r == 0 && a)
		*a = m.m_mfs_attr;
	return r;
}

static int mt_lookup(struct mt_client *c, uint32_t dir, const char *name, struct mfs_attr *a)
{
	return mt_named(c, MFS_LOOKUP, dir, name, 0, a);
}

static int mt_stat(struct mt_client *c, uint32_t ino, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_STAT);
	m.m_mfs.ino = ino;
	int r = mt_call(c, &m);
	if (r == 0)
		*a = m.m_mfs_attr;
	return r;
}

/* READ, WRITE or GETDENTS through a grant on buf; *pos advanced if given. */
static int mt_io(struct mt_client *c, int type, uint32_t ino, uint64_t pos, void *buf, uint32_t len,
		 uint64_t *next)
{
	message m;
	int access = type == MFS_WRITE ? KIP_GRANT_READ : KIP_GRANT_WRITE;
	kip_grant_id g = kip_grant_direct(c->grants, c->mfs, buf, len ? len : 1, access);
	if (g < 0)
		return g;
	kip_msg_init(&m, type);
	m.m_mfs.ino = ino;
	m.m_mfs.position = pos;
	m.m_mfs.len = len;
	m.m_mfs.grant = g;
	int r = mt_call(c, &m);
	kip_grant_revoke(c->grants, g);
	if (r >= 0 && next)
		*next = m.m_mfs.position;
	return r;
}

static int mt_simple(struct mt_client *c, int type)
{
	message m;
	kip_msg_init(&m, type);
	return mt_call(c, &m);
}

static int mt_mismatches(const uint8_t *buf, uint64_t pos, uint32_t len, uint8_t seed)
{
	int bad = 0;
	for (uint32_t i = 0; i < len; i++)
		bad += buf[i] != mt_pat(pos + i, seed);
	return bad;
}

/* ---------------------------------------------------------------- mount */

static int mt_mount_main(uint64_t mfs)
{
	struct mt_client c;
	if (mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_simple(&c, MFS_SYNC); /* before a mount */
	mt.r[1] = mt_stat(&c, 1, &mt.attr[0]);
	mt.r[2] = mt_mount(&c);
	mt.r[3] = mt_stat(&c, MINIXFS_ROOT_INO, &mt.attr[0]);
	mt.r[4] = mt_simple(&c, MFS_SYNC);
	mt.r[5] = mt_simple(&c, MFS_MOUNT + 0x80); /* unknown */
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_mount, mt_mount_main, 4, KIP_PROG_SYSTEM);

static void test_mount_good_image(void)
{
	mt_make_image("2M", 0);
	struct minixfs_super sb = mt_read_super();
	CU_ASSERT_EQUAL(mt_run("mfst_mount"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], -ENODEV);
	CU_ASSERT_EQUAL(mt.r[1], -ENODEV);
	CU_ASSERT_EQUAL(mt.r[2], 0);
	CU_ASSERT_EQUAL(mt.mount.root_ino, MINIXFS_ROOT_INO);
	CU_ASSERT_EQUAL(mt.mount.block_size, 1024);
	CU_ASSERT_EQUAL(mt.mount.ninodes, sb.s_ninodes);
	CU_ASSERT_EQUAL(mt.mount.zones, sb.s_zones);
	CU_ASSERT_EQUAL(mt.mount.first_data_zone, sb.s_firstdatazone);
	CU_ASSERT_EQUAL(mt.mount.free_inodes, sb.s_ninodes - 1);
	CU_ASSERT_EQUAL(mt.mount.free_zones, sb.s_zones - sb.s_firstdatazone - 1);
	CU_ASSERT_EQUAL(mt.mount.dev_size, 2u << 20);
	CU_ASSERT_EQUAL(mt.r[3], 0);
	CU_ASSERT_EQUAL(mt.attr[0].mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);
	CU_ASSERT_EQUAL(mt.attr[0].nlinks, 2);
	CU_ASSERT_EQUAL(mt.attr[0].size, 2 * MINIXFS_DIRENT_SIZE);
	CU_ASSERT_EQUAL(mt.r[4], 0);
	CU_ASSERT_EQUAL(mt.r[5], -ENOSYS);
	CU_ASSERT_EQUAL(mt_fsck_minix(), 0);
	mt_cleanup();
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
	struct mt_client c;
	if (mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	mt.r[1] = mt_stat(&c, MINIXFS_ROOT_INO, &mt.attr[0]);
	mt.r[2] = mt_mount(&c); /* MFS is still there, still refusing */
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_refused, mt_refused_main, 4, KIP_PROG_SYSTEM);

/* Patch a fresh image with fn; MOUNT must be refused with a console line. */
static void mt_expect_refusal(void (*fn)(struct minixfs_super *sb), const char *why)
{
	mt_make_image("1M", 0);
	mt_patch_super(fn);
	CU_ASSERT_EQUAL(mt_run("mfst_refused"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], -EINVAL);
	CU_ASSERT_EQUAL(mt.r[1], -ENODEV);
	CU_ASSERT_EQUAL(mt.r[2], -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_console(), why));
	mt_cleanup();
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
	struct mt_client c;
	uint8_t *buf = kip_page_alloc(MT_BIG_SIZE / 4096 + 1);
	char name61[62];
	if (!buf || mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	mt.r[1] = mt_lookup(&c, 1, "hello.txt", &mt.attr[0]);
	mt.r[2] = mt_io(&c, MFS_READ, mt.attr[0].ino, 0, buf, 100, NULL);
	mt.bad[0] = memcmp(buf, "hello, kip\n", 11) != 0;
	mt.r[3] = mt_io(&c, MFS_READ, mt.attr[0].ino, 7, buf, 100, NULL);
	mt.bad[1] = memcmp(buf, "kip\n", 4) != 0;
	mt.r[4] = mt_io(&c, MFS_READ, mt.attr[0].ino, 11, buf, 100, NULL); /* at the end */
	/* The big file: whole, then pieces across the indirect boundaries. */
	mt.r[5] = mt_lookup(&c, 1, "big", &mt.attr[1]);
	uint32_t big = mt.attr[1].ino;
	mt.r[6] = mt_io(&c, MFS_READ, big, 0, buf, MT_BIG_SIZE, NULL);
	mt.bad[2] = mt_mismatches(buf, 0, MT_BIG_SIZE, 1);
	mt.r[7] = mt_io(&c, MFS_READ, big, 7 * 1024 - 10, buf, 20, NULL);
	mt.bad[3] = mt_mismatches(buf, 7 * 1024 - 10, 20, 1);
	mt.r[8] = mt_io(&c, MFS_READ, big, 263 * 1024 - 100, buf, 3000, NULL);
	mt.bad[4] = mt_mismatches(buf, 263 * 1024 - 100, 3000, 1);
	/* A subdirectory, and the errors. */
	mt.r[9] = mt_lookup(&c, 1, "sub", &mt.attr[2]);
	mt.r[10] = mt_lookup(&c, mt.attr[2].ino, "inner.txt", &mt.attr[3]);
	mt.r[11] = mt_lookup(&c, mt.attr[2].ino, "..", &mt.attr[4]);
	mt.r[12] = mt_lookup(&c, 1, "nothing", NULL);
	mt.r[13] = mt_lookup(&c, big, "x", NULL);
	memset(name61, 'n', 61);
	name61[61] = '\0';
	mt.r[14] = mt_lookup(&c, 1, name61, NULL);
	mt.r[15] = mt_io(&c, MFS_READ, 1, 0, buf, 64, NULL);
	mt.r[16] = mt_stat(&c, 9999999, &mt.attr[5]);
	mt.r[17] = mt_stat(&c, 0, &mt.attr[5]);
	mt.r[18] = mt_stat(&c, big, &mt.attr[5]);
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_read, mt_read_main, 4, KIP_PROG_SYSTEM);

static void test_lookup_stat_read(void)
{
	mt_make_image(kip_test_small() ? "2M" : "8M", 1);
	CU_ASSERT_EQUAL(mt_run("mfst_read"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.r[1], 0);
	CU_ASSERT_EQUAL(mt.attr[0].size, 11);
	CU_ASSERT_EQUAL(mt.attr[0].mode & MINIXFS_S_IFMT, MINIXFS_S_IFREG);
	CU_ASSERT_EQUAL(mt.r[2], 11);
	CU_ASSERT_EQUAL(mt.bad[0], 0);
	CU_ASSERT_EQUAL(mt.r[3], 4);
	CU_ASSERT_EQUAL(mt.bad[1], 0);
	CU_ASSERT_EQUAL(mt.r[4], 0);
	CU_ASSERT_EQUAL(mt.r[5], 0);
	CU_ASSERT_EQUAL(mt.attr[1].size, MT_BIG_SIZE);
	CU_ASSERT_EQUAL(mt.r[6], MT_BIG_SIZE);
	CU_ASSERT_EQUAL(mt.bad[2], 0);
	CU_ASSERT_EQUAL(mt.r[7], 20);
	CU_ASSERT_EQUAL(mt.bad[3], 0);
	CU_ASSERT_EQUAL(mt.r[8], 3000);
	CU_ASSERT_EQUAL(mt.bad[4], 0);
	CU_ASSERT_EQUAL(mt.r[9], 0);
	CU_ASSERT_EQUAL(mt.attr[2].mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);
	CU_ASSERT_EQUAL(mt.r[10], 0);
	CU_ASSERT_EQUAL(mt.attr[3].size, 100);
	CU_ASSERT_EQUAL(mt.r[11], 0);
	CU_ASSERT_EQUAL(mt.attr[4].ino, MINIXFS_ROOT_INO);
	CU_ASSERT_EQUAL(mt.attr[4].nlinks, 3);
	CU_ASSERT_EQUAL(mt.r[12], -ENOENT);
	CU_ASSERT_EQUAL(mt.r[13], -ENOTDIR);
	CU_ASSERT_EQUAL(mt.r[14], -ENAMETOOLONG);
	CU_ASSERT_EQUAL(mt.r[15], -EISDIR);
	CU_ASSERT_EQUAL(mt.r[16], -ENOENT);
	CU_ASSERT_EQUAL(mt.r[17], -ENOENT);
	CU_ASSERT_EQUAL(mt.r[18], 0);
	CU_ASSERT_EQUAL(mt.attr[5].size, MT_BIG_SIZE);
	mt_cleanup();
}

/* ------------------------------------------------------ a bad zone: EIO */

static int mt_eio_main(uint64_t mfs)
{
	struct mt_client c;
	uint8_t *buf = kip_page_alloc(1);
	if (!buf || mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	mt.r[1] = mt_lookup(&c, 1, "hello.txt", &mt.attr[0]);
	mt.r[2] = mt_io(&c, MFS_READ, mt.attr[0].ino, 0, buf, 11, NULL);
	mt.r[3] = mt_lookup(&c, 1, "big", &mt.attr[1]);
	mt.r[4] = mt_io(&c, MFS_READ, mt.attr[1].ino, 0, buf, 100, NULL);
	/* A disk error: that request fails with EIO, MFS goes on. */
	mt.r[5] = mt_lookup(&c, 1, "sub", &mt.attr[2]);
	mt.r[6] = mt_lookup(&c, mt.attr[2].ino, "inner.txt", &mt.attr[3]);
	struct sim_device *disk = bus_device(&kern->bus, kernel_device_find("disk", NULL));
	disk_fail_next(disk, 1);
	mt.r[7] = mt_io(&c, MFS_READ, mt.attr[3].ino, 0, buf, 100, NULL); /* not cached yet */
	mt.r[8] = mt_io(&c, MFS_READ, mt.attr[3].ino, 0, buf, 100, NULL);
	mt.bad[0] = mt_mismatches(buf, 0, 100, 2);
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_eio, mt_eio_main, 4, KIP_PROG_SYSTEM);

/* Set zone[0] of inode `ino` in mt.image to `zone`. */
static void mt_patch_zone(uint32_t ino, uint32_t zone)
{
	struct minixfs_super sb = mt_read_super();
	int fd = open(mt.image, O_RDWR);
	off_t off = (off_t)minixfs_inode_offset(&sb, ino) + offsetof(struct minixfs_inode, i_zone);
	CU_ASSERT(pwrite(fd, &zone, 4, off) == 4);
	close(fd);
}

static void test_bad_zone_is_eio(void)
{
	mt_make_image("2M", 1);
	mt_patch_zone(2, 0x00ffffff); /* the first file in name order: big */
	CU_ASSERT_EQUAL(mt_run("mfst_eio"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.r[2], 11); /* the other file is fine */
	CU_ASSERT_EQUAL(mt.r[3], 0);
	CU_ASSERT_EQUAL(mt.attr[1].ino, 2);
	CU_ASSERT_EQUAL(mt.r[4], -EIO);
	CU_ASSERT_EQUAL(mt.r[5], 0);
	CU_ASSERT_EQUAL(mt.r[6], 0);
	CU_ASSERT_EQUAL(mt.r[7], -EIO);
	CU_ASSERT_EQUAL(mt.r[8], 100);
	CU_ASSERT_EQUAL(mt.bad[0], 0);
	mt_cleanup();
}

/* ------------------------------------------------------------ getdents */

static int mt_dents_main(uint64_t mfs)
{
	struct mt_client c;
	struct mfs_dent *d = kip_page_alloc(1);
	uint64_t pos = 0;
	if (!d || mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	/* Two records at a time, until the end. */
	for (int round = 0; round < 8; round++) {
		int r = mt_io(&c, MFS_GETDENTS, 1, pos, d, 2 * MFS_DENT_SIZE + 10, &pos);
		mt.r[1 + round] = r;
		if (r <= 0)
			break;
		for (int i = 0; i < r / MFS_DENT_SIZE && mt.nnames < 16; i++) {
			memcpy(mt.names[mt.nnames], d[i].name, sizeof(d[i].name));
			mt.inos[mt.nnames++] = d[i].ino;
		}
	}
	mt.r[10] = mt_io(&c, MFS_GETDENTS, 1, 0, d, 10, &pos);	 /* no room for one */
	mt.r[11] = mt_io(&c, MFS_GETDENTS, 1, 3, d, 4096, &pos); /* unaligned */
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_dents, mt_dents_main, 4, KIP_PROG_SYSTEM);

static void test_getdents_lists_the_root(void)
{
	mt_make_image("2M", 1);
	CU_ASSERT_EQUAL(mt_run("mfst_dents"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.r[1], 2 * MFS_DENT_SIZE);
	CU_ASSERT_EQUAL(mt.r[2], 2 * MFS_DENT_SIZE);
	CU_ASSERT_EQUAL(mt.r[3], 1 * MFS_DENT_SIZE);
	CU_ASSERT_EQUAL(mt.r[4], 0);
	CU_ASSERT_EQUAL(mt.nnames, 5);
	const char *want[] = {".", "..", "big", "hello.txt", "sub"};
	for (int i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(mt.names[i], want[i]);
	CU_ASSERT_EQUAL(mt.inos[0], 1);
	CU_ASSERT_EQUAL(mt.inos[1], 1);
	CU_ASSERT_EQUAL(mt.r[10], -EINVAL);
	CU_ASSERT_EQUAL(mt.r[11], -EINVAL);
	mt_cleanup();
}

/* ------------------------------------------- create, write, sync, fsck */

static int mt_create_main(uint64_t mfs)
{
	struct mt_client c;
	uint8_t *buf = kip_page_alloc(MT_NEW_SIZE / 4096 + 1);
	char name60[61];
	if (!buf || mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	mt.r[1] = mt_named(&c, MFS_CREATE, 1, "new.txt", 0644, &mt.attr[0]);
	uint32_t f = mt.attr[0].ino;
	for (uint32_t i = 0; i < MT_NEW_SIZE; i++)
		buf[i] = mt_pat(i, 9);
	/* Written in two pieces, the second past the double-indirect start. */
	mt.r[2] = mt_io(&c, MFS_WRITE, f, 0, buf, 100000, NULL);
	mt.r[3] = mt_io(&c, MFS_WRITE, f, 100000, buf + 100000, MT_NEW_SIZE - 100000, NULL);
	memset(buf, 0, MT_NEW_SIZE);
	mt.r[4] = mt_io(&c, MFS_READ, f, 0, buf, MT_NEW_SIZE, NULL);
	mt.bad[0] = mt_mismatches(buf, 0, MT_NEW_SIZE, 9);
	mt.r[5] = mt_named(&c, MFS_CREATE, 1, "new.txt", 0644, NULL);
	mt.r[6] = mt_named(&c, MFS_MKDIR, 1, "dir", 0755, &mt.attr[1]);
	uint32_t d = mt.attr[1].ino;
	mt.r[7] = mt_named(&c, MFS_CREATE, d, "inside", 0600, &mt.attr[2]);
	memcpy(buf, "inside\n", 7);
	mt.r[8] = mt_io(&c, MFS_WRITE, mt.attr[2].ino, 0, buf, 7, NULL);
	mt.r[9] = mt_named(&c, MFS_MKDIR, d, "deeper", 0700, NULL);
	mt.r[10] = mt_stat(&c, 1, &mt.attr[3]);
	mt.r[11] = mt_stat(&c, d, &mt.attr[4]);
	memset(name60, 'x', 60);
	name60[60] = '\0';
	mt.r[12] = mt_named(&c, MFS_CREATE, 1, name60, 0644, NULL);
	mt.r[13] = mt_named(&c, MFS_CREATE, 1, "bad/name", 0644, NULL);
	mt.r[14] = mt_named(&c, MFS_CREATE, f, "x", 0644, NULL);
	mt.r[15] = mt_named(&c, MFS_CREATE, 1, "", 0644, NULL);
	/* Many entries: the root directory grows past its first block. */
	for (int i = 0; i < 20; i++) {
		char n[8] = {'f', (char)('a' + i), 0};
		int r = mt_named(&c, MFS_CREATE, 1, n, 0644, NULL);
		if (r < 0)
			mt.r[16] = r;
	}
	mt.r[17] = mt_lookup(&c, 1, "ft", &mt.attr[5]);
	mt.r[18] = mt_simple(&c, MFS_SYNC);
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_create, mt_create_main, 4, KIP_PROG_SYSTEM);

static void test_create_write_sync_passes_fsck(void)
{
	mt_make_image(kip_test_small() ? "2M" : "8M", 1);
	CU_ASSERT_EQUAL(mt_run("mfst_create"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.r[1], 0);
	CU_ASSERT_EQUAL(mt.attr[0].mode, MINIXFS_S_IFREG | 0644);
	CU_ASSERT_EQUAL(mt.attr[0].uid, 1000);
	CU_ASSERT_EQUAL(mt.attr[0].gid, 100);
	CU_ASSERT_EQUAL(mt.attr[0].nlinks, 1);
	CU_ASSERT_EQUAL(mt.r[2], 100000);
	CU_ASSERT_EQUAL(mt.r[3], MT_NEW_SIZE - 100000);
	CU_ASSERT_EQUAL(mt.r[4], MT_NEW_SIZE);
	CU_ASSERT_EQUAL(mt.bad[0], 0);
	CU_ASSERT_EQUAL(mt.r[5], -EEXIST);
	CU_ASSERT_EQUAL(mt.r[6], 0);
	CU_ASSERT_EQUAL(mt.attr[1].mode, MINIXFS_S_IFDIR | 0755);
	CU_ASSERT_EQUAL(mt.attr[1].nlinks, 2);
	CU_ASSERT_EQUAL(mt.r[7], 0);
	CU_ASSERT_EQUAL(mt.r[8], 7);
	CU_ASSERT_EQUAL(mt.r[9], 0);
	CU_ASSERT_EQUAL(mt.r[10], 0);
	CU_ASSERT_EQUAL(mt.attr[3].nlinks, 4); /* ., .., sub/.., dir/.. */
	CU_ASSERT_EQUAL(mt.r[11], 0);
	CU_ASSERT_EQUAL(mt.attr[4].nlinks, 3);
	CU_ASSERT_EQUAL(mt.r[12], 0); /* exactly 60 bytes is fine */
	CU_ASSERT_EQUAL(mt.r[13], -EINVAL);
	CU_ASSERT_EQUAL(mt.r[14], -ENOTDIR);
	CU_ASSERT_EQUAL(mt.r[15], -EINVAL);
	CU_ASSERT_EQUAL(mt.r[16], 0);
	CU_ASSERT_EQUAL(mt.r[17], 0);
	CU_ASSERT_EQUAL(mt.r[18], 0);
	CU_ASSERT_EQUAL(mt_fsck_minix(), 0);
	CU_ASSERT_EQUAL(mt_fsck_kip(), 0);
	mt_cleanup();
}

/* ---------------------------------------------------------------- ENOSPC */

static int mt_full_main(uint64_t mfs)
{
	struct mt_client c;
	uint8_t *buf = kip_page_alloc(16);
	uint64_t pos = 0;
	if (!buf || mt_init(&c, mfs) < 0)
		return 1;
	memset(buf, 0x5a, 16 * 4096);
	mt.r[0] = mt_mount(&c);
	mt.r[1] = mt_named(&c, MFS_CREATE, 1, "fill", 0644, &mt.attr[0]);
	int r;
	do {
		r = mt_io(&c, MFS_WRITE, mt.attr[0].ino, pos, buf, 16 * 4096, NULL);
		if (r > 0)
			pos += (uint64_t)r;
	} while (r == 16 * 4096);
	mt.r[2] = r; /* the short write */
	mt.r[3] = mt_io(&c, MFS_WRITE, mt.attr[0].ino, pos, buf, 4096, NULL);
	mt.r[4] = mt_stat(&c, mt.attr[0].ino, &mt.attr[1]);
	mt.r[5] = mt_named(&c, MFS_MKDIR, 1, "d", 0755, NULL);
	mt.r[6] = mt_simple(&c, MFS_SYNC);
	mt.r[7] = (int)(pos / 1024);
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_full, mt_full_main, 4, KIP_PROG_SYSTEM);

static void test_full_image_gives_enospc(void)
{
	mt_make_image("200K", 0);
	CU_ASSERT_EQUAL(mt_run("mfst_full"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.r[1], 0);
	CU_ASSERT(mt.r[2] >= 0 && mt.r[2] < 16 * 4096);
	CU_ASSERT_EQUAL(mt.r[3], -ENOSPC);
	CU_ASSERT_EQUAL(mt.r[4], 0);
	CU_ASSERT_EQUAL(mt.attr[1].size, (uint32_t)mt.r[7] * 1024);
	CU_ASSERT(mt.r[7] > 100);
	CU_ASSERT_EQUAL(mt.r[5], -ENOSPC);
	CU_ASSERT_EQUAL(mt.r[6], 0);
	CU_ASSERT_EQUAL(mt_fsck_minix(), 0);
	CU_ASSERT_EQUAL(mt_fsck_kip(), 0);
	mt_cleanup();
}

/* ------------------------------------------- unlink, rmdir, truncate */

static int mt_remove_main(uint64_t mfs)
{
	struct mt_client c;
	uint8_t *buf = kip_page_alloc(MT_BIG_SIZE / 4096 + 1);
	if (!buf || mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	struct mfs_mount_info before = mt.mount;
	mt.r[1] = mt_lookup(&c, 1, "big", &mt.attr[0]);
	uint32_t big = mt.attr[0].ino;
	/* Shrink into the direct zones, then grow: the new part reads as zeros. */
	message m;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = big;
	m.m_mfs.position = 5000;
	mt.r[2] = mt_call(&c, &m);
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = big;
	m.m_mfs.position = 10000;
	mt.r[3] = mt_call(&c, &m);
	memset(buf, 0xff, 10000);
	mt.r[4] = mt_io(&c, MFS_READ, big, 0, buf, MT_BIG_SIZE, NULL);
	mt.bad[0] = mt_mismatches(buf, 0, 5000, 1);
	for (int i = 5000; i < 10000; i++)
		mt.bad[1] += buf[i] != 0;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = 1;
	mt.r[5] = mt_call(&c, &m); /* a directory */
	/* Names. */
	mt.r[6] = mt_named(&c, MFS_UNLINK, 1, "hello.txt", 0, NULL);
	mt.r[7] = mt_lookup(&c, 1, "hello.txt", NULL);
	mt.r[8] = mt_named(&c, MFS_UNLINK, 1, "sub", 0, NULL);
	mt.r[9] = mt_named(&c, MFS_RMDIR, 1, "sub", 0, NULL);
	mt.r[10] = mt_lookup(&c, 1, "sub", &mt.attr[1]);
	mt.r[11] = mt_named(&c, MFS_UNLINK, mt.attr[1].ino, "inner.txt", 0, NULL);
	mt.r[12] = mt_named(&c, MFS_RMDIR, 1, "sub", 0, NULL);
	mt.r[13] = mt_stat(&c, 1, &mt.attr[2]);
	mt.r[14] = mt_named(&c, MFS_RMDIR, 1, ".", 0, NULL);
	mt.r[15] = mt_named(&c, MFS_RMDIR, 1, "..", 0, NULL);
	mt.r[16] = mt_named(&c, MFS_RMDIR, 1, "big", 0, NULL);
	mt.r[17] = mt_named(&c, MFS_UNLINK, 1, "nothing", 0, NULL);
	/* A file written into the double indirect, then unlinked: every zone back. */
	mt.r[18] = mt_named(&c, MFS_CREATE, 1, "tmp", 0644, &mt.attr[3]);
	mt.r[19] = mt_io(&c, MFS_WRITE, mt.attr[3].ino, 0, buf, MT_BIG_SIZE, NULL);
	mt.r[20] = mt_named(&c, MFS_UNLINK, 1, "tmp", 0, NULL);
	mt.r[21] = mt_simple(&c, MFS_SYNC);
	mt.r[22] = mt_mount(&c); /* a remount counts the bitmaps again */
	mt.r[23] = (int)(mt.mount.free_zones - before.free_zones);
	mt.r[24] = (int)(mt.mount.free_inodes - before.free_inodes);
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_remove, mt_remove_main, 4, KIP_PROG_SYSTEM);

static void test_unlink_rmdir_truncate(void)
{
	mt_make_image("2M", 1);
	CU_ASSERT_EQUAL(mt_run("mfst_remove"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.r[1], 0);
	CU_ASSERT_EQUAL(mt.r[2], 0);
	CU_ASSERT_EQUAL(mt.r[3], 0);
	CU_ASSERT_EQUAL(mt.r[4], 10000);
	CU_ASSERT_EQUAL(mt.bad[0], 0);
	CU_ASSERT_EQUAL(mt.bad[1], 0);
	CU_ASSERT_EQUAL(mt.r[5], -EISDIR);
	CU_ASSERT_EQUAL(mt.r[6], 0);
	CU_ASSERT_EQUAL(mt.r[7], -ENOENT);
	CU_ASSERT_EQUAL(mt.r[8], -EISDIR);
	CU_ASSERT_EQUAL(mt.r[9], -ENOTEMPTY);
	CU_ASSERT_EQUAL(mt.r[10], 0);
	CU_ASSERT_EQUAL(mt.r[11], 0);
	CU_ASSERT_EQUAL(mt.r[12], 0);
	CU_ASSERT_EQUAL(mt.r[13], 0);
	CU_ASSERT_EQUAL(mt.attr[2].nlinks, 2);
	CU_ASSERT_EQUAL(mt.r[14], -EINVAL);
	CU_ASSERT_EQUAL(mt.r[15], -ENOTEMPTY);
	CU_ASSERT_EQUAL(mt.r[16], -ENOTDIR);
	CU_ASSERT_EQUAL(mt.r[17], -ENOENT);
	CU_ASSERT_EQUAL(mt.r[18], 0);
	CU_ASSERT_EQUAL(mt.r[19], MT_BIG_SIZE);
	CU_ASSERT_EQUAL(mt.r[20], 0);
	CU_ASSERT_EQUAL(mt.r[21], 0);
	CU_ASSERT_EQUAL(mt.r[22], 0);
	/* Freed: hello.txt 1, big 300 data + 3 indirect - 5 kept, sub 1, inner 1. */
	CU_ASSERT_EQUAL(mt.r[23], 1 + 298 + 1 + 1);
	CU_ASSERT_EQUAL(mt.r[24], 3);
	CU_ASSERT_EQUAL(mt_fsck_minix(), 0);
	CU_ASSERT_EQUAL(mt_fsck_kip(), 0);
	mt_cleanup();
}

/* ---------------------------------------------------- 4 KiB blocks */

static int mt_big_block_main(uint64_t mfs)
{
	struct mt_client c;
	uint8_t *buf = kip_page_alloc(MT_BIG_SIZE / 4096 + 1);
	if (!buf || mt_init(&c, mfs) < 0)
		return 1;
	mt.r[0] = mt_mount(&c);
	mt.r[1] = mt_named(&c, MFS_MKDIR, 1, "d", 0755, &mt.attr[0]);
	mt.r[2] = mt_named(&c, MFS_CREATE, mt.attr[0].ino, "f", 0644, &mt.attr[1]);
	for (uint32_t i = 0; i < MT_BIG_SIZE; i++)
		buf[i] = mt_pat(i, 4);
	mt.r[3] = mt_io(&c, MFS_WRITE, mt.attr[1].ino, 0, buf, MT_BIG_SIZE, NULL);
	memset(buf, 0, MT_BIG_SIZE);
	mt.r[4] = mt_io(&c, MFS_READ, mt.attr[1].ino, 0, buf, MT_BIG_SIZE, NULL);
	mt.bad[0] = mt_mismatches(buf, 0, MT_BIG_SIZE, 4);
	mt.r[5] = mt_simple(&c, MFS_SYNC);
	mt.ok = 1;
	return 0;
}
KIP_PROGRAM(mfst_big_block, mt_big_block_main, 4, KIP_PROG_SYSTEM);

static void test_4k_blocks(void)
{
	strcpy(mt.image, "/tmp/kip-mfs-img-XXXXXX");
	int fd = mkstemp(mt.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", mt.image, "--size", "4M", "--block-size", "4096", "--force", NULL};
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
	CU_ASSERT_EQUAL(mt_run("mfst_big_block"), 0);
	CU_ASSERT(mt.ok);
	CU_ASSERT_EQUAL(mt.r[0], 0);
	CU_ASSERT_EQUAL(mt.mount.block_size, 4096);
	CU_ASSERT_EQUAL(mt.r[1], 0);
	CU_ASSERT_EQUAL(mt.r[2], 0);
	CU_ASSERT_EQUAL(mt.r[3], MT_BIG_SIZE);
	CU_ASSERT_EQUAL(mt.r[4], MT_BIG_SIZE);
	CU_ASSERT_EQUAL(mt.bad[0], 0);
	CU_ASSERT_EQUAL(mt.r[5], 0);
	CU_ASSERT_EQUAL(mt_fsck_kip(), 0); /* fsck.minix reads 1 KiB blocks only */
	mt_cleanup();
}

static const struct kip_test mfs_tests[] = {
	{"mount of a good image", test_mount_good_image},
	{"mount refuses bad magic and impossible geometry", test_mount_refuses_bad_images},
	{"lookup, stat and read of mkfs --from files", test_lookup_stat_read},
	{"a bad zone number and a disk error are EIO", test_bad_zone_is_eio},
	{"getdents lists the root", test_getdents_lists_the_root},
	{"create, mkdir, write, sync: fsck passes", test_create_write_sync_passes_fsck},
	{"a full image gives ENOSPC and stays clean", test_full_image_gives_enospc},
	{"unlink, rmdir, truncate give their zones back", test_unlink_rmdir_truncate},
	{"4 KiB blocks: mkdir, create, write, read, sync", test_4k_blocks},
	{NULL, NULL},
};

KIP_TEST_SUITE(mfs, mfs_tests);
