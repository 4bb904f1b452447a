/*
 * tests/kernel/test_mfs_ops.c - MFS's calls beyond create, read and write
 * (suite `mfs_ops`), by inode number from a test process, as in test_mfs.c.
 *
 * Pins: LINK (EEXIST, EPERM for a directory, ENOENT, ENOTDIR, EMLINK at
 * MINIXFS_LINK_MAX on a crafted link count); RENAME (over a file, across
 * directories, a directory over an empty one and its "..", ENOTEMPTY,
 * EISDIR, ENOTDIR, EINVAL into its own subtree and for "." and "..", two
 * names of one inode are a no-op, EMLINK, ENOSPC on a full disk leaving
 * everything as it was); a WRITE across the largest file size writes what
 * fits, one at it is EFBIG; SYMLINK and READLINK (the target in the first
 * zone, its limits and errors); CREATE of FIFOs, sockets and device nodes
 * (rdev in zone[0], never taken for a zone); SETATTR (each field, uid
 * 70000 is EINVAL, nothing changes when one field is bad); STATFS figures
 * that follow creates and removals; GETNODE and PUTNODE (an unlinked file
 * held open keeps its data and zones until the last PUTNODE; a removed
 * directory held open takes no names; ENFILE; a remount drops the table
 * and the orphan left is freed by GETNODE + PUTNODE); relatime atime on
 * READ, GETDENTS and READLINK; mtime and ctime of the directories every
 * namespace call changes.  Each writing test ends with SYNC, then the
 * image passes `fsck.minix -f` and `kip fsck`.
 *
 * Times: a test that checks that a call sets a time boots twice - the
 * setup at epoch MO_E1, the calls two days later at MO_E2 - so "set" is
 * >= MO_E2 and "left alone" is < MO_E2.  Checks run in the kip process
 * (no CUnit there): MO_EQ records a mismatch with its line, and mo_report
 * turns each into a CUnit failure on the host side.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/grant.h"
#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "kernel/kernel.h"
#include "servers/mfs/mfs.h" /* MFS_NR_NODES */
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define MO_E1 1700000000u	   /* epoch of the first boot, seconds since 1970 */
#define MO_E2 (MO_E1 + 2 * 86400u) /* of the second boot */
#define MO_SLACK 60		   /* seconds a boot may run */
#define MO_MAX_FAILS 16

struct mo_fail {
	int line;
	const char *what;
	long long got, want;
};

static struct {
	char image[64];
	int done; /* the client reached its end */
	int checks, nfails;
	struct mo_fail fails[MO_MAX_FAILS];
	uint32_t ino[32]; /* inode numbers handed from one boot to the next */
	struct mfs_mount_info mount;
} mo;

/* ------------------------------------------------ checks in a process */

static void mo_eq(int line, const char *what, long long got, long long want)
{
	mo.checks++;
	if (got == want)
		return;
	if (mo.nfails < MO_MAX_FAILS)
		mo.fails[mo.nfails] = (struct mo_fail){line, what, got, want};
	mo.nfails++;
}

#define MO_EQ(got, want) mo_eq(__LINE__, #got " == " #want, (long long)(got), (long long)(want))
#define MO_TRUE(cond) mo_eq(__LINE__, #cond, !!(cond), 1)
/* A time the second boot set (now), or one it left alone. */
#define MO_NOW2(t) MO_TRUE((t) >= MO_E2 && (t) < MO_E2 + MO_SLACK)
#define MO_OLD(t) MO_TRUE((t) < MO_E2)

/* On the host: every recorded mismatch becomes a CUnit failure. */
static void mo_report(void)
{
	char msg[256];
	CU_ASSERT(mo.done);
	CU_ASSERT(mo.checks > 0);
	for (int i = 0; i < mo.nfails && i < MO_MAX_FAILS; i++) {
		const struct mo_fail *f = &mo.fails[i];
		snprintf(msg, sizeof(msg), "%s (got %lld, want %lld)", f->what, f->got, f->want);
		CU_assertImplementation(CU_FALSE, (unsigned)f->line, msg, __FILE__, "", CU_FALSE);
	}
	CU_ASSERT_EQUAL(mo.nfails, 0);
	mo.done = mo.checks = mo.nfails = 0;
}

/* ---------------------------------------------------------- host side */

static void mo_make_image(const char *size, const char *inodes)
{
	strcpy(mo.image, "/tmp/kip-mfs-ops-XXXXXX");
	int fd = mkstemp(mo.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", mo.image, "--size", (char *)size, "--force", NULL, NULL, NULL};
	if (inodes) {
		argv[5] = "--inodes";
		argv[6] = (char *)inodes;
	}
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
}

static struct minixfs_super mo_read_super(void)
{
	struct minixfs_super sb;
	memset(&sb, 0, sizeof(sb));
	int fd = open(mo.image, O_RDONLY);
	CU_ASSERT(pread(fd, &sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET) == MINIXFS_SUPER_BYTES);
	close(fd);
	return sb;
}

/* Set the link count of inode `ino` in the image (a crafted image). */
static void mo_patch_nlinks(uint32_t ino, uint16_t nlinks)
{
	struct minixfs_super sb = mo_read_super();
	int fd = open(mo.image, O_RDWR);
	off_t off =
		(off_t)minixfs_inode_offset(&sb, ino) + offsetof(struct minixfs_inode, i_nlinks);
	CU_ASSERT(pwrite(fd, &nlinks, sizeof(nlinks), off) == (ssize_t)sizeof(nlinks));
	close(fd);
}

/* Boot at `epoch` (seconds) with mo.image, the disk driver and MFS; run
 * `client` (its argument: MFS's endpoint) as init.  Its exit status. */
static int mo_run(const char *client, uint32_t epoch)
{
	struct kip_config cfg;
	kt_default_config(&cfg, 0);
	cfg.disk_image = mo.image;
	cfg.epoch = (uint64_t)epoch * 1000000000ull;
	kt_boot_config(&cfg);
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(driver >= 0);
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	CU_ASSERT_FATAL(mfs >= 0);
	kt_spawn(client, (uint64_t)mfs, SPAWN_INIT);
	return kt_run();
}

/* Run `client`, then turn what it saw into CUnit results. */
static void mo_run_checked(const char *client, uint32_t epoch)
{
	CU_ASSERT_EQUAL(mo_run(client, epoch), 0);
	mo_report();
}

static int mo_fsck_minix(void)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", mo.image);
	return system(cmd);
}

static int mo_fsck_kip(void)
{
	char *argv[] = {"fsck", mo.image, NULL};
	return kt_quiet(cli_fsck, argv);
}

/* Both checkers pass the image. */
static void mo_assert_clean(void)
{
	CU_ASSERT_EQUAL(mo_fsck_minix(), 0);
	CU_ASSERT_EQUAL(mo_fsck_kip(), 0);
}

static void mo_cleanup(void)
{
	unlink(mo.image);
	memset(&mo, 0, sizeof(mo));
}

/* ------------------------------------------------------- client side */

struct mo_client {
	struct kip_grants *grants;
	endpoint_t mfs;
	char *name;    /* a page for names and targets (grants cover kip memory only) */
	uint8_t *data; /* 16 pages for data */
};

static int mo_init(struct mo_client *c, uint64_t mfs)
{
	c->grants = kip_grant_init(8);
	c->mfs = (endpoint_t)mfs;
	c->name = kip_page_alloc(1);
	c->data = kip_page_alloc(16);
	return c->grants && c->name && c->data ? 0 : -1;
}

/* Send m to MFS; the reply's status (m holds the reply). */
static int mo_call(struct mo_client *c, message *m)
{
	int r = kip_sendrec(c->mfs, m);
	return r < 0 ? r : m->m_type;
}

static int mo_simple(struct mo_client *c, int type)
{
	message m;
	kip_msg_init(&m, type);
	return mo_call(c, &m);
}

static int mo_mount(struct mo_client *c)
{
	message m;
	kip_msg_init(&m, MFS_MOUNT);
	int r = mo_call(c, &m);
	if (r == 0)
		mo.mount = m.m_mfs_mount;
	return r;
}

/* A named request (m set up by the caller): `name`, then `tail_len` bytes
 * of `tail` (RENAME's new name, SYMLINK's target) in one grant.  The
 * reply's attributes in *a if it succeeded and a is given. */
static int mo_named_req(struct mo_client *c, message *m, const char *name, const void *tail,
			uint32_t tail_len, struct mfs_attr *a)
{
	size_t len = strlen(name);
	memcpy(c->name, name, len);
	if (tail_len)
		memcpy(c->name + len, tail, tail_len);
	size_t total = len + tail_len;
	kip_grant_id g =
		kip_grant_direct(c->grants, c->mfs, c->name, total ? total : 1, KIP_GRANT_READ);
	if (g < 0)
		return g;
	m->m_mfs.grant = g;
	m->m_mfs.name_len = (uint32_t)len;
	int r = mo_call(c, m);
	kip_grant_revoke(c->grants, g);
	if (r == 0 && a)
		*a = m->m_mfs_attr;
	return r;
}

/* LOOKUP, CREATE, MKDIR, UNLINK, RMDIR of `name` in dir (owner 1000:100). */
static int mo_named(struct mo_client *c, int type, uint32_t dir, const char *name, uint32_t mode,
		    struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, type);
	m.m_mfs.ino = dir;
	m.m_mfs.mode = mode;
	m.m_mfs.uid = 1000;
	m.m_mfs.gid = 100;
	return mo_named_req(c, &m, name, NULL, 0, a);
}

static int mo_lookup(struct mo_client *c, uint32_t dir, const char *name, struct mfs_attr *a)
{
	return mo_named(c, MFS_LOOKUP, dir, name, 0, a);
}

/* The inode `name` names in dir, or 0. */
static uint32_t mo_ino(struct mo_client *c, uint32_t dir, const char *name)
{
	struct mfs_attr a;
	return mo_lookup(c, dir, name, &a) == 0 ? a.ino : 0;
}

/* CREATE with a device number. */
static int mo_mknod(struct mo_client *c, uint32_t dir, const char *name, uint32_t mode,
		    uint64_t rdev, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_CREATE);
	m.m_mfs.ino = dir;
	m.m_mfs.mode = mode;
	m.m_mfs.position = rdev;
	m.m_mfs.uid = 1000;
	m.m_mfs.gid = 100;
	return mo_named_req(c, &m, name, NULL, 0, a);
}

static int mo_link(struct mo_client *c, uint32_t dir, const char *name, uint32_t ino,
		   struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_LINK);
	m.m_mfs.ino = dir;
	m.m_mfs.ino2 = ino;
	return mo_named_req(c, &m, name, NULL, 0, a);
}

static int mo_rename(struct mo_client *c, uint32_t odir, const char *oname, uint32_t ndir,
		     const char *nname)
{
	message m;
	kip_msg_init(&m, MFS_RENAME);
	m.m_mfs.ino = odir;
	m.m_mfs.ino2 = ndir;
	m.m_mfs.name_len2 = (uint32_t)strlen(nname);
	return mo_named_req(c, &m, oname, nname, (uint32_t)strlen(nname), NULL);
}

static int mo_symlink(struct mo_client *c, uint32_t dir, const char *name, const void *target,
		      uint32_t len, uint32_t mode, uint32_t uid, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_SYMLINK);
	m.m_mfs.ino = dir;
	m.m_mfs.mode = mode;
	m.m_mfs.len = len;
	m.m_mfs.uid = uid;
	m.m_mfs.gid = 100;
	return mo_named_req(c, &m, name, target, len, a);
}

/* READ, WRITE, GETDENTS and READLINK through a grant on buf. */
static int mo_io(struct mo_client *c, int type, uint32_t ino, uint64_t pos, void *buf, uint32_t len)
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
	int r = mo_call(c, &m);
	kip_grant_revoke(c->grants, g);
	return r;
}

static int mo_stat(struct mo_client *c, uint32_t ino, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_STAT);
	m.m_mfs.ino = ino;
	int r = mo_call(c, &m);
	if (r == 0 && a)
		*a = m.m_mfs_attr;
	return r;
}

/* STAT that must succeed: the attributes (zeros after a recorded failure). */
static struct mfs_attr mo_attr(struct mo_client *c, uint32_t ino)
{
	struct mfs_attr a;
	memset(&a, 0, sizeof(a));
	mo_eq(__LINE__, "mo_attr: STAT", mo_stat(c, ino, &a), 0);
	return a;
}

static int mo_setattr(struct mo_client *c, uint32_t ino, uint32_t mask, uint32_t mode, uint32_t uid,
		      uint32_t gid, uint32_t atime, uint32_t mtime, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_SETATTR);
	m.m_mfs_setattr = (struct mfs_setattr){ino, mask, mode, uid, gid, atime, mtime};
	int r = mo_call(c, &m);
	if (r == 0 && a)
		*a = m.m_mfs_attr;
	return r;
}

/* Set atime and mtime of ino. */
static int mo_times(struct mo_client *c, uint32_t ino, uint32_t atime, uint32_t mtime)
{
	return mo_setattr(c, ino, MFS_SET_ATIME | MFS_SET_MTIME, 0, 0, 0, atime, mtime, NULL);
}

static int mo_statfs(struct mo_client *c, struct mfs_statfs *st)
{
	message m;
	kip_msg_init(&m, MFS_STATFS);
	int r = mo_call(c, &m);
	if (r == 0)
		*st = m.m_mfs_statfs;
	return r;
}

/* STATFS that must succeed. */
static struct mfs_statfs mo_fs(struct mo_client *c)
{
	struct mfs_statfs st;
	memset(&st, 0, sizeof(st));
	mo_eq(__LINE__, "mo_fs: STATFS", mo_statfs(c, &st), 0);
	return st;
}

/* GETNODE (count ignored) or PUTNODE of `count` references. */
static int mo_node(struct mo_client *c, int type, uint32_t ino, uint32_t count)
{
	message m;
	kip_msg_init(&m, type);
	m.m_mfs.ino = ino;
	m.m_mfs.len = count;
	return mo_call(c, &m);
}

/* Create dir/name holding `text`; its inode number (0 on failure). */
static uint32_t mo_file(struct mo_client *c, uint32_t dir, const char *name, const char *text)
{
	struct mfs_attr a;
	uint32_t len = (uint32_t)strlen(text);
	if (mo_named(c, MFS_CREATE, dir, name, 0644, &a) < 0)
		return 0;
	memcpy(c->data, text, len);
	if (len && mo_io(c, MFS_WRITE, a.ino, 0, c->data, len) != (int)len)
		return 0;
	return a.ino;
}

static uint32_t mo_dir(struct mo_client *c, uint32_t dir, const char *name)
{
	struct mfs_attr a;
	return mo_named(c, MFS_MKDIR, dir, name, 0755, &a) == 0 ? a.ino : 0;
}

/* Does inode ino hold exactly `text`? */
static bool mo_holds(struct mo_client *c, uint32_t ino, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	memset(c->data, 0, len + 16);
	return mo_io(c, MFS_READ, ino, 0, c->data, len + 16) == (int)len &&
	       memcmp(c->data, text, len) == 0;
}

/* A name of 61 bytes. */
static const char *mo_name61(void)
{
	return "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
}

/* ----------------------------------------------------------------- link */

static int mo_link_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	uint32_t f = mo_file(&c, 1, "a", "hello");
	uint32_t d = mo_dir(&c, 1, "d");
	MO_TRUE(f && d);
	MO_EQ(mo_link(&c, 1, "b", f, &a), 0);
	MO_EQ(a.ino, f);
	MO_EQ(a.nlinks, 2);
	MO_EQ(mo_ino(&c, 1, "b"), f);
	MO_TRUE(mo_holds(&c, mo_ino(&c, 1, "b"), "hello"));
	MO_EQ(mo_link(&c, d, "c", f, &a), 0); /* in another directory */
	MO_EQ(a.nlinks, 3);
	MO_EQ(mo_ino(&c, d, "c"), f);
	/* Errors, none of which leaves an entry behind. */
	MO_EQ(mo_link(&c, 1, "a", f, NULL), -EEXIST);
	MO_EQ(mo_link(&c, 1, "e", d, NULL), -EPERM); /* a directory */
	MO_EQ(mo_link(&c, 1, "e", 1, NULL), -EPERM);
	MO_EQ(mo_link(&c, 1, "e", 0, NULL), -ENOENT);
	MO_EQ(mo_link(&c, 1, "e", mo.mount.ninodes, NULL), -ENOENT); /* free */
	MO_EQ(mo_link(&c, 1, "e", mo.mount.ninodes + 1, NULL), -ENOENT);
	MO_EQ(mo_link(&c, f, "e", f, NULL), -ENOTDIR);
	MO_EQ(mo_link(&c, 1, mo_name61(), f, NULL), -ENAMETOOLONG);
	MO_EQ(mo_link(&c, 1, "", f, NULL), -EINVAL);
	MO_EQ(mo_link(&c, 1, "x/y", f, NULL), -EINVAL);
	MO_EQ(mo_lookup(&c, 1, "e", NULL), -ENOENT);
	MO_EQ(mo_attr(&c, f).nlinks, 3);
	/* The names go one by one; the data stays until the last. */
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "a", 0, NULL), 0);
	MO_EQ(mo_attr(&c, f).nlinks, 2);
	MO_EQ(mo_named(&c, MFS_UNLINK, d, "c", 0, NULL), 0);
	MO_EQ(mo_attr(&c, f).nlinks, 1);
	MO_TRUE(mo_holds(&c, f, "hello"));
	/* Anything but a directory: a FIFO, a symbolic link. */
	MO_EQ(mo_mknod(&c, 1, "fifo", MINIXFS_S_IFIFO | 0644, 0, &a), 0);
	MO_EQ(mo_link(&c, d, "fifo2", a.ino, &a), 0);
	MO_EQ(a.nlinks, 2);
	MO_EQ(mo_symlink(&c, 1, "sym", "b", 1, 0777, 1000, &a), 0);
	MO_EQ(mo_link(&c, d, "sym2", a.ino, &a), 0);
	MO_EQ(a.nlinks, 2);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_link, mo_link_main, 4, KIP_PROG_SYSTEM);

static void test_link(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_link", MO_E1);
	mo_assert_clean();
	mo_cleanup();
}

/* -------------------------------------------- EMLINK: crafted counts */

/* Boot 1: f (file), h (file, one more link as h2), full/ with full/empty/,
 * sub/, sub2/ and g (file). */
static int mo_emlink_setup_main(uint64_t mfs)
{
	struct mo_client c;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	mo.ino[0] = mo_file(&c, 1, "f", "f");
	mo.ino[1] = mo_dir(&c, 1, "full");
	mo.ino[2] = mo_dir(&c, 1, "sub");
	mo.ino[3] = mo_file(&c, 1, "g", "g");
	mo.ino[4] = mo_file(&c, 1, "h", "h");
	mo.ino[5] = mo_dir(&c, mo.ino[1], "empty");
	mo.ino[6] = mo_dir(&c, 1, "sub2");
	for (int i = 0; i < 7; i++)
		MO_TRUE(mo.ino[i] != 0);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_emlink_setup, mo_emlink_setup_main, 4, KIP_PROG_SYSTEM);

/* Boot 2: f and full have MINIXFS_LINK_MAX links, h one fewer. */
static int mo_emlink_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	uint32_t f = mo.ino[0], full = mo.ino[1], h = mo.ino[4];
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	MO_EQ(mo_link(&c, 1, "f2", f, NULL), -EMLINK);
	MO_EQ(mo_lookup(&c, 1, "f2", NULL), -ENOENT);
	MO_EQ(mo_attr(&c, f).nlinks, MINIXFS_LINK_MAX);
	MO_EQ(mo_link(&c, 1, "h3", h, &a), 0); /* the last one allowed */
	MO_EQ(a.nlinks, MINIXFS_LINK_MAX);
	MO_EQ(mo_link(&c, 1, "h4", h, NULL), -EMLINK);
	MO_EQ(mo_named(&c, MFS_MKDIR, full, "x", 0755, NULL), -EMLINK);
	/* A directory moving in would add a ".." link; a file adds none;
	 * a directory replacing an empty one adds none either. */
	MO_EQ(mo_rename(&c, 1, "sub", full, "sub"), -EMLINK);
	MO_EQ(mo_ino(&c, 1, "sub"), mo.ino[2]);
	MO_EQ(mo_lookup(&c, full, "sub", NULL), -ENOENT);
	MO_EQ(mo_rename(&c, 1, "g", full, "g"), 0);
	MO_EQ(mo_ino(&c, full, "g"), mo.ino[3]);
	MO_EQ(mo_rename(&c, 1, "sub2", full, "empty"), 0);
	MO_EQ(mo_ino(&c, full, "empty"), mo.ino[6]);
	MO_EQ(mo_attr(&c, full).nlinks, MINIXFS_LINK_MAX);
	MO_EQ(mo_attr(&c, 1).nlinks, 4); /* ., .., full, sub; sub2 left */
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_emlink, mo_emlink_main, 4, KIP_PROG_SYSTEM);

static void test_link_rename_emlink(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_emlink_setup", MO_E1);
	mo_assert_clean();
	mo_patch_nlinks(mo.ino[0], MINIXFS_LINK_MAX);
	mo_patch_nlinks(mo.ino[1], MINIXFS_LINK_MAX);
	mo_patch_nlinks(mo.ino[4], MINIXFS_LINK_MAX - 1);
	mo_run_checked("mfso_emlink", MO_E1);
	/* The true counts back: if the refused calls left nothing behind, the
	 * image is clean.  f: 1; full: its entry, ".", empty's ".."; h: h, h3. */
	mo_patch_nlinks(mo.ino[0], 1);
	mo_patch_nlinks(mo.ino[1], 3);
	mo_patch_nlinks(mo.ino[4], 2);
	mo_assert_clean();
	mo_cleanup();
}

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
	struct mo_client c;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	mo.ino[R_F1] = mo_file(&c, 1, "f1", "one");
	mo.ino[R_F2] = mo_file(&c, 1, "f2", "two");
	mo.ino[R_H] = mo_file(&c, 1, "h1", "hh");
	MO_EQ(mo_link(&c, 1, "h2", mo.ino[R_H], NULL), 0);
	mo.ino[R_A] = mo_dir(&c, 1, "A");
	mo.ino[R_SUB] = mo_dir(&c, mo.ino[R_A], "sub");
	mo.ino[R_DEEP] = mo_dir(&c, mo.ino[R_SUB], "deep");
	mo.ino[R_B] = mo_dir(&c, 1, "B");
	mo.ino[R_X] = mo_file(&c, mo.ino[R_B], "x", "x");
	mo.ino[R_E] = mo_dir(&c, 1, "E");
	mo.ino[R_C] = mo_dir(&c, 1, "C");
	mo.ino[R_R] = mo_dir(&c, 1, "R");
	mo.ino[R_Y] = mo_file(&c, mo.ino[R_R], "y", "why");
	mo.ino[R_G] = mo_dir(&c, 1, "G");
	for (int i = R_F1; i <= R_G; i++)
		MO_TRUE(mo.ino[i] != 0);
	char name[4] = "n0";
	for (int i = 0; i < 14; i++) {
		name[1] = (char)('a' + i);
		MO_EQ(mo_named(&c, MFS_CREATE, mo.ino[R_G], name, 0644, NULL), 0);
	}
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_rename_setup, mo_rename_setup_main, 4, KIP_PROG_SYSTEM);

/* Boot 2, two days later. */
static int mo_rename_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	const uint32_t *n = mo.ino;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	struct mfs_statfs s0 = mo_fs(&c);

	/* Over an existing file: f2's inode and zone are freed. */
	MO_EQ(mo_rename(&c, 1, "f1", 1, "f2"), 0);
	MO_EQ(mo_lookup(&c, 1, "f1", NULL), -ENOENT);
	MO_EQ(mo_ino(&c, 1, "f2"), n[R_F1]);
	MO_TRUE(mo_holds(&c, n[R_F1], "one"));
	MO_EQ(mo_attr(&c, n[R_F1]).nlinks, 1);
	MO_EQ(mo_stat(&c, n[R_F2], NULL), -ENOENT);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes + 1);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones + 1);

	/* Across directories: both get mtime and ctime, the inode ctime. */
	MO_EQ(mo_rename(&c, 1, "f2", n[R_A], "moved"), 0);
	MO_EQ(mo_ino(&c, n[R_A], "moved"), n[R_F1]);
	MO_EQ(mo_lookup(&c, 1, "f2", NULL), -ENOENT);
	a = mo_attr(&c, 1);
	MO_NOW2(a.mtime);
	MO_NOW2(a.ctime);
	a = mo_attr(&c, n[R_A]);
	MO_NOW2(a.mtime);
	MO_NOW2(a.ctime);
	a = mo_attr(&c, n[R_F1]);
	MO_NOW2(a.ctime);
	MO_OLD(a.mtime);
	a = mo_attr(&c, n[R_C]); /* untouched */
	MO_OLD(a.mtime);
	MO_OLD(a.ctime);

	/* A directory over an empty one, to another parent: E is freed, sub's
	 * ".." names the root, A loses a link, the root's count stays. */
	MO_EQ(mo_attr(&c, 1).nlinks, 8); /* ., .., A, B, E, C, R, G */
	MO_EQ(mo_attr(&c, n[R_A]).nlinks, 3);
	MO_EQ(mo_rename(&c, n[R_A], "sub", 1, "E"), 0);
	MO_EQ(mo_ino(&c, 1, "E"), n[R_SUB]);
	MO_EQ(mo_lookup(&c, n[R_A], "sub", NULL), -ENOENT);
	MO_EQ(mo_ino(&c, n[R_SUB], ".."), 1);
	MO_EQ(mo_ino(&c, n[R_SUB], "deep"), n[R_DEEP]);
	MO_EQ(mo_ino(&c, n[R_DEEP], ".."), n[R_SUB]);
	MO_EQ(mo_stat(&c, n[R_E], NULL), -ENOENT);
	MO_EQ(mo_attr(&c, 1).nlinks, 8);
	MO_EQ(mo_attr(&c, n[R_A]).nlinks, 2);
	MO_NOW2(mo_attr(&c, n[R_SUB]).ctime);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes + 2);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones + 2);

	/* Within a full directory: the new entry needs a new block. */
	MO_EQ(mo_attr(&c, n[R_G]).size, 16 * MINIXFS_DIRENT_SIZE);
	uint32_t na = mo_ino(&c, n[R_G], "na");
	MO_EQ(mo_rename(&c, n[R_G], "na", n[R_G], "new"), 0);
	MO_EQ(mo_attr(&c, n[R_G]).size, 17 * MINIXFS_DIRENT_SIZE);
	MO_EQ(mo_ino(&c, n[R_G], "new"), na);
	MO_EQ(mo_lookup(&c, n[R_G], "na", NULL), -ENOENT);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones + 1);

	/* Refusals, each leaving everything as it was. */
	MO_EQ(mo_rename(&c, 1, "E", 1, "B"), -ENOTEMPTY);	/* B holds x */
	MO_EQ(mo_rename(&c, n[R_B], "x", 1, "A"), -EISDIR);	/* file over directory */
	MO_EQ(mo_rename(&c, 1, "A", n[R_B], "x"), -ENOTDIR);	/* directory over file */
	MO_EQ(mo_rename(&c, 1, "E", n[R_DEEP], "in"), -EINVAL); /* below itself */
	MO_EQ(mo_rename(&c, 1, "E", n[R_SUB], "in"), -EINVAL);	/* into itself */
	MO_EQ(mo_rename(&c, 1, ".", 1, "z"), -EINVAL);
	MO_EQ(mo_rename(&c, n[R_A], "..", 1, "z"), -EINVAL);
	MO_EQ(mo_rename(&c, 1, "h1", 1, ".."), -EINVAL);
	MO_EQ(mo_rename(&c, 1, "h1", 1, "."), -EINVAL);
	MO_EQ(mo_rename(&c, 1, "nothing", 1, "z"), -ENOENT);
	MO_EQ(mo_rename(&c, 1, "h1", mo.mount.ninodes + 1, "z"), -ENOENT);
	MO_EQ(mo_rename(&c, 1, "h1", n[R_H], "z"), -ENOTDIR);
	MO_EQ(mo_rename(&c, 1, "h1", 1, mo_name61()), -ENAMETOOLONG);
	MO_EQ(mo_rename(&c, 1, mo_name61(), 1, "z"), -ENAMETOOLONG);
	MO_EQ(mo_rename(&c, 1, "h1", 1, ""), -EINVAL);
	MO_EQ(mo_lookup(&c, 1, "z", NULL), -ENOENT);
	MO_EQ(mo_lookup(&c, n[R_DEEP], "in", NULL), -ENOENT);
	MO_EQ(mo_ino(&c, 1, "E"), n[R_SUB]);
	MO_EQ(mo_ino(&c, n[R_SUB], ".."), 1);
	MO_EQ(mo_ino(&c, n[R_B], "x"), n[R_X]);
	MO_EQ(mo_attr(&c, 1).nlinks, 8);

	/* Two names of one inode: success, and both names stay. */
	MO_EQ(mo_rename(&c, 1, "h1", 1, "h2"), 0);
	MO_EQ(mo_ino(&c, 1, "h1"), n[R_H]);
	MO_EQ(mo_ino(&c, 1, "h2"), n[R_H]);
	MO_EQ(mo_attr(&c, n[R_H]).nlinks, 2);
	MO_EQ(mo_rename(&c, 1, "h1", 1, "h1"), 0);
	MO_EQ(mo_ino(&c, 1, "h1"), n[R_H]);

	/* Within one directory: a file, then a directory ("..", counts kept). */
	MO_EQ(mo_rename(&c, 1, "h1", 1, "h3"), 0);
	MO_EQ(mo_lookup(&c, 1, "h1", NULL), -ENOENT);
	MO_EQ(mo_ino(&c, 1, "h3"), n[R_H]);
	MO_EQ(mo_attr(&c, n[R_H]).nlinks, 2);
	MO_EQ(mo_rename(&c, 1, "B", 1, "B2"), 0);
	MO_EQ(mo_ino(&c, 1, "B2"), n[R_B]);
	MO_EQ(mo_ino(&c, n[R_B], ".."), 1);
	MO_EQ(mo_attr(&c, 1).nlinks, 8);

	/* Over a name of a file with two: it keeps the other. */
	uint32_t f4 = mo_file(&c, 1, "f4", "four");
	MO_EQ(mo_rename(&c, 1, "f4", 1, "h3"), 0);
	MO_EQ(mo_ino(&c, 1, "h3"), f4);
	MO_EQ(mo_attr(&c, n[R_H]).nlinks, 1);
	MO_TRUE(mo_holds(&c, mo_ino(&c, 1, "h2"), "hh"));

	/* A directory over an empty one in the same parent: one link less. */
	uint32_t e3 = mo_dir(&c, 1, "E3"), e4 = mo_dir(&c, 1, "E4");
	MO_EQ(mo_attr(&c, 1).nlinks, 10);
	MO_EQ(mo_rename(&c, 1, "E3", 1, "E4"), 0);
	MO_EQ(mo_ino(&c, 1, "E4"), e3);
	MO_EQ(mo_stat(&c, e4, NULL), -ENOENT);
	MO_EQ(mo_attr(&c, 1).nlinks, 9);

	/* A directory down into a sibling's subtree, and back up. */
	MO_EQ(mo_rename(&c, 1, "E4", n[R_DEEP], "e"), 0);
	MO_EQ(mo_ino(&c, e3, ".."), n[R_DEEP]);
	MO_EQ(mo_attr(&c, n[R_DEEP]).nlinks, 3);
	MO_EQ(mo_attr(&c, 1).nlinks, 8);
	MO_EQ(mo_rename(&c, n[R_DEEP], "e", 1, "E5"), 0);
	MO_EQ(mo_ino(&c, e3, ".."), 1);
	MO_EQ(mo_attr(&c, n[R_DEEP]).nlinks, 2);
	MO_EQ(mo_attr(&c, 1).nlinks, 9);

	/* Over a file in another directory: that one's entry only changes
	 * inode, and the directory still gets its times. */
	MO_OLD(mo_attr(&c, n[R_R]).mtime);
	MO_EQ(mo_rename(&c, n[R_B], "x", n[R_R], "y"), 0);
	MO_EQ(mo_ino(&c, n[R_R], "y"), n[R_X]);
	MO_EQ(mo_stat(&c, n[R_Y], NULL), -ENOENT);
	a = mo_attr(&c, n[R_R]);
	MO_NOW2(a.mtime);
	MO_NOW2(a.ctime);
	MO_EQ(mo_io(&c, MFS_GETDENTS, n[R_B], 0, c.data, 4096), 2 * MFS_DENT_SIZE);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_rename, mo_rename_main, 4, KIP_PROG_SYSTEM);

static void test_rename(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_rename_setup", MO_E1);
	mo_run_checked("mfso_rename", MO_E2);
	mo_assert_clean();
	mo_cleanup();
}

/* ------------------------------------------- a full disk: ENOSPC */

static int mo_full_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	char name[8] = "n00";
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	/* d's one block holds ".", ".." and 14 names: full. */
	uint32_t d = mo_dir(&c, 1, "d");
	for (int i = 0; i < 14; i++) {
		name[1] = (char)('a' + i);
		MO_EQ(mo_named(&c, MFS_CREATE, d, name, 0644, NULL), 0);
	}
	MO_EQ(mo_attr(&c, d).size, 16 * MINIXFS_DIRENT_SIZE);
	uint32_t f = mo_file(&c, 1, "f", "data");
	/* Fill the disk. */
	MO_EQ(mo_named(&c, MFS_CREATE, 1, "fill", 0644, &a), 0);
	memset(c.data, 0x5a, 16 * 4096);
	uint64_t pos = 0;
	int r;
	do {
		r = mo_io(&c, MFS_WRITE, a.ino, pos, c.data, 16 * 4096);
		if (r > 0)
			pos += (uint64_t)r;
	} while (r == 16 * 4096);
	/* The last zone or two, which a data block plus an indirect one
	 * could not use: one-block files. */
	for (int i = 0; i < 4 && mo_fs(&c).free_zones > 0; i++) {
		name[0] = 'z';
		name[1] = (char)('a' + i);
		MO_TRUE(mo_file(&c, 1, name, "z") != 0);
	}
	MO_EQ(mo_fs(&c).free_zones, 0);
	/* A new entry in d needs a zone: refused, nothing changed. */
	MO_EQ(mo_rename(&c, 1, "f", d, "new"), -ENOSPC);
	MO_EQ(mo_ino(&c, 1, "f"), f);
	MO_EQ(mo_lookup(&c, d, "new", NULL), -ENOENT);
	MO_EQ(mo_attr(&c, d).size, 16 * MINIXFS_DIRENT_SIZE);
	MO_EQ(mo_attr(&c, f).nlinks, 1);
	MO_EQ(mo_link(&c, d, "l", f, NULL), -ENOSPC);
	MO_EQ(mo_attr(&c, f).nlinks, 1);
	MO_EQ(mo_symlink(&c, 1, "s", "f", 1, 0777, 1000, NULL), -ENOSPC);
	MO_EQ(mo_lookup(&c, 1, "s", NULL), -ENOENT);
	/* What needs no zone still works. */
	MO_EQ(mo_rename(&c, 1, "f", 1, "g"), 0);
	MO_EQ(mo_ino(&c, 1, "g"), f);
	MO_EQ(mo_mknod(&c, 1, "p", MINIXFS_S_IFIFO | 0600, 0, NULL), 0);
	MO_EQ(mo_rename(&c, d, "nb0", 1, "nb0"), 0); /* a slot in d frees up */
	MO_EQ(mo_rename(&c, 1, "g", d, "new"), 0);
	MO_EQ(mo_ino(&c, d, "new"), f);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_full, mo_full_main, 4, KIP_PROG_SYSTEM);

static void test_full_disk_enospc(void)
{
	mo_make_image("200K", NULL);
	mo_run_checked("mfso_full", MO_E1);
	mo_assert_clean();
	mo_cleanup();
}

/* ------------------------------- EFBIG: a write across the largest file */

static int mo_efbig_main(uint64_t mfs)
{
	struct mo_client c;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	uint64_t max = mo.mount.max_size;
	uint32_t f = mo_file(&c, 1, "big", "");
	struct mfs_statfs s0 = mo_fs(&c);
	memcpy(c.data, "ABCDEFGH", 8);
	MO_EQ(mo_io(&c, MFS_WRITE, f, max - 3, c.data, 8), 3); /* what fits */
	MO_EQ(mo_attr(&c, f).size, max);
	MO_EQ(mo_io(&c, MFS_WRITE, f, max, c.data, 1), -EFBIG); /* no byte fits */
	MO_EQ(mo_io(&c, MFS_WRITE, f, max + 10, c.data, 1), -EFBIG);
	MO_EQ(mo_io(&c, MFS_WRITE, f, max, c.data, 0), 0);
	MO_EQ(mo_attr(&c, f).size, max);
	memset(c.data, 0, 100);
	MO_EQ(mo_io(&c, MFS_READ, f, max - 3, c.data, 100), 3);
	MO_EQ(memcmp(c.data, "ABC", 3), 0);
	/* 1 KiB blocks: the last block is under the triple indirect zone. */
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 4);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_efbig, mo_efbig_main, 4, KIP_PROG_SYSTEM);

static void test_write_across_max_size(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_efbig", MO_E1);
	CU_ASSERT_EQUAL(mo.mount.max_size, MINIXFS_MAX_SIZE);
	mo_assert_clean();
	mo_cleanup();
}

/* --------------------------------------------------- symlink, readlink */

static int mo_symlink_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	if (mo_init(&c, mfs) < 0)
		return 1;
	char *target = (char *)c.data + 8192; /* mo_holds uses the start of c.data */
	MO_EQ(mo_mount(&c), 0);
	uint32_t f = mo_file(&c, 1, "file", "x");
	uint32_t d = mo_dir(&c, 1, "dir");
	struct mfs_statfs s0 = mo_fs(&c);
	MO_EQ(mo_symlink(&c, 1, "ln", "file", 4, 0, 1000, &a), 0);
	uint32_t ln = a.ino;
	MO_EQ(a.mode, MINIXFS_S_IFLNK | 0777); /* no permission bits given: 0777 */
	MO_EQ(a.size, 4);
	MO_EQ(a.nlinks, 1);
	MO_EQ(a.uid, 1000);
	MO_EQ(a.gid, 100);
	MO_EQ(a.rdev, 0);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 1); /* the target's zone */
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 1);
	MO_EQ(mo_ino(&c, 1, "ln"), ln);
	memset(target, 0, 64);
	MO_EQ(mo_io(&c, MFS_READLINK, ln, 0, target, 64), 4);
	MO_EQ(memcmp(target, "file", 4), 0);
	MO_EQ(target[4], 0); /* no NUL copied */
	MO_EQ(mo_io(&c, MFS_READLINK, ln, 0, target, 2), 2);
	MO_EQ(mo_io(&c, MFS_READLINK, f, 0, target, 64), -EINVAL);
	MO_EQ(mo_io(&c, MFS_READLINK, d, 0, target, 64), -EINVAL);
	MO_EQ(mo_io(&c, MFS_READLINK, mo.mount.ninodes, 0, target, 64), -ENOENT);
	/* The mode's type may be S_IFLNK; permission bits are kept. */
	MO_EQ(mo_symlink(&c, d, "l2", "../file", 7, MINIXFS_S_IFLNK | 0700, 1000, &a), 0);
	MO_EQ(a.mode, MINIXFS_S_IFLNK | 0700);
	MO_EQ(mo_symlink(&c, 1, "bad", "x", 1, MINIXFS_S_IFREG | 0644, 1000, NULL), -EINVAL);
	/* The longest target: a block less one byte. */
	for (int i = 0; i < 1023; i++)
		target[i] = (char)('a' + i % 26);
	MO_EQ(mo_symlink(&c, 1, "long", target, 1023, 0777, 1000, &a), 0);
	MO_EQ(a.size, 1023);
	uint32_t lg = a.ino;
	memset(target, 0, 2048);
	MO_EQ(mo_io(&c, MFS_READLINK, lg, 0, target, 2048), 1023);
	int bad = 0;
	for (int i = 0; i < 1023; i++)
		bad += target[i] != (char)('a' + i % 26);
	MO_EQ(bad, 0);
	/* Errors. */
	MO_EQ(mo_symlink(&c, 1, "toolong", target, 1024, 0777, 1000, NULL), -ENAMETOOLONG);
	MO_EQ(mo_symlink(&c, 1, "empty", "", 0, 0777, 1000, NULL), -ENOENT);
	MO_EQ(mo_symlink(&c, 1, "nul", "a\0b", 3, 0777, 1000, NULL), -EINVAL);
	MO_EQ(mo_symlink(&c, 1, "ln", "y", 1, 0777, 1000, NULL), -EEXIST);
	MO_EQ(mo_symlink(&c, 1, "uid", "y", 1, 0777, 70000, NULL), -EINVAL);
	MO_EQ(mo_symlink(&c, f, "x", "y", 1, 0777, 1000, NULL), -ENOTDIR);
	MO_EQ(mo_symlink(&c, 1, mo_name61(), "y", 1, 0777, 1000, NULL), -ENAMETOOLONG);
	MO_EQ(mo_lookup(&c, 1, "toolong", NULL), -ENOENT);
	MO_EQ(mo_lookup(&c, 1, "uid", NULL), -ENOENT);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 3);
	/* Unlinking gives the zone back. */
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "long", 0, NULL), 0);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 2);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 2);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_symlink, mo_symlink_main, 4, KIP_PROG_SYSTEM);

static void test_symlink_readlink(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_symlink", MO_E1);
	mo_assert_clean();
	mo_cleanup();
}

/* ------------------------------------- FIFOs, sockets, device nodes */

static int mo_mknod_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	/* A device number that is also a zone in use (the root directory's):
	 * if anything took zone[0] for a zone, the counts and fsck would say. */
	uint32_t zone = mo.mount.first_data_zone;
	struct mfs_statfs s0 = mo_fs(&c);
	MO_EQ(mo_mknod(&c, 1, "fifo", MINIXFS_S_IFIFO | 0644, 0, &a), 0);
	MO_EQ(a.mode, MINIXFS_S_IFIFO | 0644);
	MO_EQ(a.rdev, 0);
	MO_EQ(a.size, 0);
	MO_EQ(mo_mknod(&c, 1, "sock", MINIXFS_S_IFSOCK | 0755, 0, &a), 0);
	MO_EQ(a.mode, MINIXFS_S_IFSOCK | 0755);
	MO_EQ(mo_mknod(&c, 1, "tty", MINIXFS_S_IFCHR | 0620, (4 << 8) | 1, &a), 0);
	uint32_t chr = a.ino;
	MO_EQ(a.mode, MINIXFS_S_IFCHR | 0620);
	MO_EQ(a.rdev, (4 << 8) | 1);
	MO_EQ(mo_mknod(&c, 1, "disk", MINIXFS_S_IFBLK | 0660, zone, &a), 0);
	uint32_t blk = a.ino;
	MO_EQ(a.rdev, zone);
	MO_EQ(mo_attr(&c, blk).rdev, zone);
	MO_EQ(mo_attr(&c, chr).rdev, (4 << 8) | 1);
	MO_EQ(mo_lookup(&c, 1, "disk", &a), 0);
	MO_EQ(a.rdev, zone);
	MO_EQ(a.mode, MINIXFS_S_IFBLK | 0660);
	/* A regular file ignores `position`: no rdev. */
	MO_EQ(mo_mknod(&c, 1, "reg", 0644, zone, &a), 0);
	MO_EQ(a.rdev, 0);
	MO_EQ(a.mode, MINIXFS_S_IFREG | 0644);
	/* No zone was taken: five inodes, the same free zones. */
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 5);
	/* Other types, bad numbers. */
	MO_EQ(mo_mknod(&c, 1, "d", MINIXFS_S_IFDIR | 0755, 0, NULL), -EINVAL);
	MO_EQ(mo_mknod(&c, 1, "l", MINIXFS_S_IFLNK | 0777, 0, NULL), -EINVAL);
	MO_EQ(mo_mknod(&c, 1, "t", 0170000 | 0644, 0, NULL), -EINVAL);
	MO_EQ(mo_mknod(&c, 1, "big", MINIXFS_S_IFCHR | 0600, 1ull << 32, NULL), -EINVAL);
	MO_EQ(mo_mknod(&c, 1, "tty", MINIXFS_S_IFCHR | 0600, 1, NULL), -EEXIST);
	MO_EQ(mo_lookup(&c, 1, "big", NULL), -ENOENT);
	/* No data in them. */
	MO_EQ(mo_io(&c, MFS_READ, blk, 0, c.data, 16), -EINVAL);
	MO_EQ(mo_io(&c, MFS_WRITE, chr, 0, c.data, 16), -EINVAL);
	message m;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = blk;
	MO_EQ(mo_call(&c, &m), -EINVAL);
	/* Removing them frees the inode and no zone. */
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "disk", 0, NULL), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "fifo", 0, NULL), 0);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 3);
	MO_EQ(mo_mknod(&c, 1, "disk2", MINIXFS_S_IFBLK | 0600, zone, NULL), 0);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	MO_EQ(mo_mount(&c), 0); /* the bitmaps recounted agree */
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones);
	MO_EQ(mo_attr(&c, mo_ino(&c, 1, "disk2")).rdev, zone);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_mknod, mo_mknod_main, 4, KIP_PROG_SYSTEM);

static void test_mknod_types_and_rdev(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_mknod", MO_E1);
	mo_assert_clean();
	mo_cleanup();
}

/* -------------------------------------------------------------- setattr */

static int mo_setattr_setup_main(uint64_t mfs)
{
	struct mo_client c;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	mo.ino[0] = mo_file(&c, 1, "f", "data");
	mo.ino[1] = mo_dir(&c, 1, "d");
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_setattr_setup, mo_setattr_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_setattr_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	uint32_t f = mo.ino[0], d = mo.ino[1];
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	/* Nothing asked: nothing changes, not even ctime. */
	MO_EQ(mo_setattr(&c, f, 0, 0, 0, 0, 0, 0, &a), 0);
	MO_EQ(a.mode, MINIXFS_S_IFREG | 0644);
	MO_OLD(a.ctime);
	/* Refusals: nothing changes, even beside a good field. */
	MO_EQ(mo_setattr(&c, f, MFS_SET_MODE, MINIXFS_S_IFDIR | 0644, 0, 0, 0, 0, NULL), -EINVAL);
	MO_EQ(mo_setattr(&c, f, MFS_SET_UID, 0, 70000, 0, 0, 0, NULL), -EINVAL);
	MO_EQ(mo_setattr(&c, f, MFS_SET_GID, 0, 0, 65536, 0, 0, NULL), -EINVAL);
	MO_EQ(mo_setattr(&c, f, MFS_SET_MODE | MFS_SET_UID, 0600, 70000, 0, 0, 0, NULL), -EINVAL);
	MO_EQ(mo_setattr(&c, f, MFS_SET_ATIME | MFS_SET_ATIME_NOW, 0, 0, 0, 5, 0, NULL), -EINVAL);
	MO_EQ(mo_setattr(&c, f, MFS_SET_MTIME | MFS_SET_MTIME_NOW, 0, 0, 0, 0, 5, NULL), -EINVAL);
	MO_EQ(mo_setattr(&c, f, 1u << 7, 0, 0, 0, 0, 0, NULL), -EINVAL);
	a = mo_attr(&c, f);
	MO_EQ(a.mode, MINIXFS_S_IFREG | 0644);
	MO_EQ(a.uid, 1000);
	MO_EQ(a.gid, 100);
	MO_OLD(a.ctime);
	MO_EQ(mo_setattr(&c, mo.mount.ninodes, MFS_SET_MODE, 0600, 0, 0, 0, 0, NULL), -ENOENT);
	MO_EQ(mo_setattr(&c, 0, MFS_SET_MODE, 0600, 0, 0, 0, 0, NULL), -ENOENT);
	/* Each field; ctime follows. */
	MO_EQ(mo_setattr(&c, f, MFS_SET_MODE, 04750, 0, 0, 0, 0, &a), 0);
	MO_EQ(a.mode, MINIXFS_S_IFREG | 04750);
	MO_NOW2(a.ctime);
	MO_OLD(a.mtime);
	MO_EQ(mo_setattr(&c, f, MFS_SET_UID, 0, 65535, 0, 0, 0, &a), 0);
	MO_EQ(a.uid, 65535);
	MO_EQ(a.gid, 100);
	MO_EQ(mo_setattr(&c, f, MFS_SET_GID, 0, 0, 7, 0, 0, &a), 0);
	MO_EQ(a.gid, 7);
	MO_EQ(a.uid, 65535);
	MO_EQ(mo_setattr(&c, f, MFS_SET_UID | MFS_SET_GID, 0, 0, 0, 0, 0, &a), 0);
	MO_EQ(a.uid, 0);
	MO_EQ(a.gid, 0);
	MO_EQ(mo_setattr(&c, f, MFS_SET_ATIME | MFS_SET_MTIME, 0, 0, 0, 12345, 67890, &a), 0);
	MO_EQ(a.atime, 12345);
	MO_EQ(a.mtime, 67890);
	MO_NOW2(a.ctime);
	MO_EQ(mo_setattr(&c, f, MFS_SET_ATIME_NOW, 0, 0, 0, 1, 1, &a), 0);
	MO_NOW2(a.atime);
	MO_EQ(a.mtime, 67890);
	MO_EQ(mo_setattr(&c, f, MFS_SET_MTIME_NOW, 0, 0, 0, 1, 1, &a), 0);
	MO_NOW2(a.mtime);
	MO_EQ(a.size, 4);
	MO_EQ(mo_setattr(&c, d, MFS_SET_MODE, 0700, 0, 0, 0, 0, &a), 0);
	MO_EQ(a.mode, MINIXFS_S_IFDIR | 0700);
	/* It reaches the disk. */
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	MO_EQ(mo_mount(&c), 0);
	a = mo_attr(&c, f);
	MO_EQ(a.mode, MINIXFS_S_IFREG | 04750);
	MO_EQ(a.uid, 0);
	MO_NOW2(a.mtime);
	MO_EQ(mo_attr(&c, d).mode, MINIXFS_S_IFDIR | 0700);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_setattr, mo_setattr_main, 4, KIP_PROG_SYSTEM);

static void test_setattr(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_setattr_setup", MO_E1);
	mo_run_checked("mfso_setattr", MO_E2);
	mo_assert_clean();
	mo_cleanup();
}

/* --------------------------------------------------------------- statfs */

static int mo_statfs_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_statfs st;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_statfs(&c, &st), -ENODEV);
	MO_EQ(mo_mount(&c), 0);
	struct mfs_statfs s0 = mo_fs(&c);
	MO_EQ(s0.block_size, 1024);
	MO_EQ(s0.zones, mo.mount.zones - mo.mount.first_data_zone);
	MO_EQ(s0.free_zones, mo.mount.free_zones);
	MO_EQ(s0.inodes, mo.mount.ninodes);
	MO_EQ(s0.free_inodes, mo.mount.free_inodes);
	MO_EQ(s0.name_max, MINIXFS_NAME_MAX);
	MO_EQ(s0.max_size, mo.mount.max_size);
	/* The counts follow what is made and removed. */
	uint32_t f = mo_file(&c, 1, "f", "");
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 1);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones);
	memset(c.data, 1, 3000);
	MO_EQ(mo_io(&c, MFS_WRITE, f, 0, c.data, 3000), 3000);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 3);
	MO_TRUE(mo_dir(&c, 1, "d") != 0);
	st = mo_fs(&c);
	MO_EQ(st.free_zones, s0.free_zones - 4);
	MO_EQ(st.free_inodes, s0.free_inodes - 2);
	MO_EQ(st.zones, s0.zones);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "f", 0, NULL), 0);
	MO_EQ(mo_named(&c, MFS_RMDIR, 1, "d", 0, NULL), 0);
	st = mo_fs(&c);
	MO_EQ(st.free_zones, s0.free_zones);
	MO_EQ(st.free_inodes, s0.free_inodes);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_statfs, mo_statfs_main, 4, KIP_PROG_SYSTEM);

static void test_statfs(void)
{
	mo_make_image("2M", "100");
	struct minixfs_super sb = mo_read_super();
	mo_run_checked("mfso_statfs", MO_E1);
	CU_ASSERT_EQUAL(mo.mount.ninodes, sb.s_ninodes);
	CU_ASSERT(sb.s_ninodes >= 100);
	CU_ASSERT_EQUAL(mo.mount.zones, sb.s_zones);
	mo_assert_clean();
	mo_cleanup();
}

/* ------------------------------------------------ getnode, putnode */

static int mo_node_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_node(&c, MFS_GETNODE, 1, 0), -ENODEV);
	MO_EQ(mo_node(&c, MFS_PUTNODE, 1, 1), -ENODEV);
	MO_EQ(mo_mount(&c), 0);
	struct mfs_statfs s0 = mo_fs(&c);

	/* An open file unlinked: its data stays, by number, until PUTNODE. */
	uint32_t f = mo_file(&c, 1, "open", "");
	for (uint32_t i = 0; i < 5000; i++)
		c.data[i] = (uint8_t)(i * 7);
	MO_EQ(mo_io(&c, MFS_WRITE, f, 0, c.data, 5000), 5000);
	MO_EQ(mo_node(&c, MFS_GETNODE, f, 0), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "open", 0, NULL), 0);
	MO_EQ(mo_lookup(&c, 1, "open", NULL), -ENOENT);
	a = mo_attr(&c, f);
	MO_EQ(a.nlinks, 0);
	MO_EQ(a.size, 5000);
	memset(c.data, 0, 5000);
	MO_EQ(mo_io(&c, MFS_READ, f, 0, c.data, 8192), 5000);
	int bad = 0;
	for (uint32_t i = 0; i < 5000; i++)
		bad += c.data[i] != (uint8_t)(i * 7);
	MO_EQ(bad, 0);
	MO_EQ(mo_io(&c, MFS_WRITE, f, 5000, c.data, 1000), 1000); /* one zone more */
	MO_EQ(mo_attr(&c, f).size, 6000);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 6);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 1);
	MO_EQ(mo_link(&c, 1, "back", f, NULL), -ENOENT); /* it cannot come back */
	MO_EQ(mo_node(&c, MFS_PUTNODE, f, 1), 0);
	MO_EQ(mo_stat(&c, f, NULL), -ENOENT);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes);
	MO_EQ(mo_node(&c, MFS_PUTNODE, f, 1), -EINVAL); /* no longer held */

	/* Two references: the second PUTNODE frees it. */
	uint32_t t = mo_file(&c, 1, "two", "2");
	MO_EQ(mo_node(&c, MFS_GETNODE, t, 0), 0);
	MO_EQ(mo_node(&c, MFS_GETNODE, t, 0), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "two", 0, NULL), 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, t, 1), 0);
	MO_EQ(mo_attr(&c, t).nlinks, 0);
	MO_TRUE(mo_holds(&c, t, "2"));
	MO_EQ(mo_node(&c, MFS_PUTNODE, t, 1), 0);
	MO_EQ(mo_stat(&c, t, NULL), -ENOENT);

	/* Several at once; not more than held, not none. */
	t = mo_file(&c, 1, "three", "3");
	MO_EQ(mo_node(&c, MFS_GETNODE, t, 0), 0);
	MO_EQ(mo_node(&c, MFS_GETNODE, t, 0), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "three", 0, NULL), 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, t, 3), -EINVAL);
	MO_EQ(mo_node(&c, MFS_PUTNODE, t, 0), -EINVAL);
	MO_EQ(mo_attr(&c, t).nlinks, 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, t, 2), 0);
	MO_EQ(mo_stat(&c, t, NULL), -ENOENT);

	/* A file with a link is not freed by PUTNODE. */
	uint32_t kept = mo_file(&c, 1, "kept", "k");
	MO_EQ(mo_node(&c, MFS_GETNODE, kept, 0), 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, kept, 1), 0);
	MO_EQ(mo_attr(&c, kept).nlinks, 1);
	MO_TRUE(mo_holds(&c, kept, "k"));
	/* GETNODE needs an inode in use. */
	MO_EQ(mo_node(&c, MFS_GETNODE, mo.mount.ninodes, 0), -ENOENT);
	MO_EQ(mo_node(&c, MFS_GETNODE, 0, 0), -ENOENT);
	MO_EQ(mo_node(&c, MFS_GETNODE, mo.mount.ninodes + 1, 0), -ENOENT);
	MO_EQ(mo_node(&c, MFS_PUTNODE, 0, 1), -EINVAL);

	/* A directory removed while held: dead, then freed. */
	uint32_t dd = mo_dir(&c, 1, "dd");
	MO_EQ(mo_node(&c, MFS_GETNODE, dd, 0), 0);
	MO_EQ(mo_named(&c, MFS_RMDIR, 1, "dd", 0, NULL), 0);
	a = mo_attr(&c, dd);
	MO_EQ(a.nlinks, 0);
	MO_EQ(a.mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);
	MO_EQ(mo_attr(&c, 1).nlinks, 2);
	MO_EQ(mo_lookup(&c, dd, ".", NULL), -ENOENT);
	MO_EQ(mo_lookup(&c, dd, "..", NULL), -ENOENT);
	MO_EQ(mo_named(&c, MFS_CREATE, dd, "n", 0644, NULL), -ENOENT);
	MO_EQ(mo_named(&c, MFS_MKDIR, dd, "n", 0755, NULL), -ENOENT);
	MO_EQ(mo_mknod(&c, dd, "n", MINIXFS_S_IFIFO | 0644, 0, NULL), -ENOENT);
	MO_EQ(mo_symlink(&c, dd, "n", "t", 1, 0777, 1000, NULL), -ENOENT);
	MO_EQ(mo_link(&c, dd, "n", kept, NULL), -ENOENT);
	MO_EQ(mo_rename(&c, 1, "kept", dd, "n"), -ENOENT);
	MO_EQ(mo_named(&c, MFS_UNLINK, dd, "n", 0, NULL), -ENOENT);
	MO_EQ(mo_named(&c, MFS_RMDIR, dd, "..", 0, NULL), -ENOENT);
	MO_EQ(mo_io(&c, MFS_GETDENTS, dd, 0, c.data, 4096), 0); /* lists nothing */
	MO_EQ(mo_ino(&c, 1, "kept"), kept);
	MO_EQ(mo_node(&c, MFS_PUTNODE, dd, 1), 0);
	MO_EQ(mo_stat(&c, dd, NULL), -ENOENT);

	/* RENAME over a held file, and over a held empty directory. */
	uint32_t victim = mo_file(&c, 1, "victim", "precious");
	uint32_t src = mo_file(&c, 1, "src", "new");
	MO_EQ(mo_node(&c, MFS_GETNODE, victim, 0), 0);
	MO_EQ(mo_rename(&c, 1, "src", 1, "victim"), 0);
	MO_EQ(mo_ino(&c, 1, "victim"), src);
	MO_EQ(mo_attr(&c, victim).nlinks, 0);
	MO_TRUE(mo_holds(&c, victim, "precious"));
	MO_EQ(mo_node(&c, MFS_PUTNODE, victim, 1), 0);
	MO_EQ(mo_stat(&c, victim, NULL), -ENOENT);
	uint32_t ed = mo_dir(&c, 1, "ed"), sd = mo_dir(&c, 1, "sd");
	MO_EQ(mo_node(&c, MFS_GETNODE, ed, 0), 0);
	MO_EQ(mo_rename(&c, 1, "sd", 1, "ed"), 0);
	MO_EQ(mo_ino(&c, 1, "ed"), sd);
	MO_EQ(mo_attr(&c, ed).nlinks, 0);
	MO_EQ(mo_named(&c, MFS_CREATE, ed, "n", 0644, NULL), -ENOENT);
	MO_EQ(mo_node(&c, MFS_PUTNODE, ed, 1), 0);
	MO_EQ(mo_stat(&c, ed, NULL), -ENOENT);
	MO_EQ(mo_attr(&c, 1).nlinks, 3); /* ., .., ed (was sd) */

	/* Left, one zone each: kept, victim (was src), ed (was sd). */
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes - 3);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones - 3);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_node, mo_node_main, 4, KIP_PROG_SYSTEM);

static void test_getnode_putnode(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_node", MO_E1);
	mo_assert_clean();
	mo_cleanup();
}

/* ENFILE: MFS_NR_NODES inodes held at once, and no more. */
#define MO_NR_NODES MFS_NR_NODES

static int mo_enfile_main(uint64_t mfs)
{
	struct mo_client c;
	char name[8];
	uint32_t *inos = kip_page_alloc(1);
	if (!inos || mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	uint32_t d = mo_dir(&c, 1, "d");
	int made = 0;
	for (int i = 0; i <= MO_NR_NODES; i++) {
		name[0] = 'f';
		name[1] = (char)('a' + i / 26 / 26);
		name[2] = (char)('a' + i / 26 % 26);
		name[3] = (char)('a' + i % 26);
		name[4] = '\0';
		struct mfs_attr a;
		if (mo_named(&c, MFS_CREATE, d, name, 0644, &a) == 0)
			inos[made++] = a.ino;
	}
	MO_EQ(made, MO_NR_NODES + 1);
	int held = 0;
	for (int i = 0; i < MO_NR_NODES; i++)
		held += mo_node(&c, MFS_GETNODE, inos[i], 0) == 0;
	MO_EQ(held, MO_NR_NODES);
	MO_EQ(mo_node(&c, MFS_GETNODE, inos[MO_NR_NODES], 0), -ENFILE);
	MO_EQ(mo_node(&c, MFS_GETNODE, inos[0], 0), 0); /* one already held: no new slot */
	MO_EQ(mo_node(&c, MFS_PUTNODE, inos[0], 2), 0);
	MO_EQ(mo_node(&c, MFS_GETNODE, inos[MO_NR_NODES], 0), 0); /* a slot is free */
	int put = 0;
	for (int i = 1; i <= MO_NR_NODES; i++)
		put += mo_node(&c, MFS_PUTNODE, inos[i], 1) == 0;
	MO_EQ(put, MO_NR_NODES);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_enfile, mo_enfile_main, 4, KIP_PROG_SYSTEM);

static void test_getnode_enfile(void)
{
	mo_make_image("1M", "600");
	mo_run_checked("mfso_enfile", MO_E1);
	mo_assert_clean();
	mo_cleanup();
}

/* An image synced while an unlinked file is held keeps it, with 0 links
 * (fsck reports it); a remount forgets the references; GETNODE + PUTNODE
 * of the orphan frees it. */
static int mo_orphan_setup_main(uint64_t mfs)
{
	struct mo_client c;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	mo.ino[0] = mo_file(&c, 1, "orphan", "one zone of data");
	MO_EQ(mo_node(&c, MFS_GETNODE, mo.ino[0], 0), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "orphan", 0, NULL), 0);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_orphan_setup, mo_orphan_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_orphan_main(uint64_t mfs)
{
	struct mo_client c;
	uint32_t o = mo.ino[0];
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	struct mfs_statfs s0 = mo_fs(&c);
	MO_EQ(mo_attr(&c, o).nlinks, 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, o, 1), -EINVAL); /* a new MFS holds nothing */
	MO_EQ(mo_node(&c, MFS_GETNODE, o, 0), 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, o, 1), 0);
	MO_EQ(mo_stat(&c, o, NULL), -ENOENT);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes + 1);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones + 1);
	/* A second MOUNT drops the table the same way. */
	uint32_t x = mo_file(&c, 1, "x", "x");
	MO_EQ(mo_node(&c, MFS_GETNODE, x, 0), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, 1, "x", 0, NULL), 0);
	MO_EQ(mo_mount(&c), 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, x, 1), -EINVAL);
	MO_EQ(mo_attr(&c, x).nlinks, 0);
	MO_EQ(mo_node(&c, MFS_GETNODE, x, 0), 0);
	MO_EQ(mo_node(&c, MFS_PUTNODE, x, 1), 0);
	MO_EQ(mo_stat(&c, x, NULL), -ENOENT);
	MO_EQ(mo_fs(&c).free_inodes, s0.free_inodes + 1);
	MO_EQ(mo_fs(&c).free_zones, s0.free_zones + 1);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_orphan, mo_orphan_main, 4, KIP_PROG_SYSTEM);

static void test_orphan_after_remount(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_orphan_setup", MO_E1);
	CU_ASSERT_NOT_EQUAL(mo_fsck_kip(), 0); /* an allocated inode no entry names */
	mo_run_checked("mfso_orphan", MO_E1);
	mo_assert_clean();
	mo_cleanup();
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
	struct mo_client c;
	uint32_t *n = mo.ino;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	n[T_OLD] = mo_file(&c, 1, "old", "0123456789");
	n[T_MTIME] = mo_file(&c, 1, "mtime", "0123456789");
	n[T_CTIME] = mo_file(&c, 1, "ctime", "0123456789");
	n[T_FRESH] = mo_file(&c, 1, "fresh", "0123456789");
	n[T_ZERO] = mo_file(&c, 1, "zero", "0123456789");
	n[T_WRITE] = mo_file(&c, 1, "write", "0123456789");
	n[T_DL] = mo_dir(&c, 1, "dl");
	n[T_DFRESH] = mo_dir(&c, 1, "dfresh");
	struct mfs_attr a;
	MO_EQ(mo_symlink(&c, 1, "sl", "old", 3, 0777, 1000, &a), 0);
	n[T_SL] = a.ino;
	/* ctime is MO_E1 for all (SETATTR sets it). */
	MO_EQ(mo_times(&c, n[T_OLD], MO_E1 + 10, MO_E1 - 100), 0);   /* a day old by boot 2 */
	MO_EQ(mo_times(&c, n[T_MTIME], MO_E2 - 100, MO_E2 - 50), 0); /* atime <= mtime */
	MO_EQ(mo_times(&c, n[T_CTIME], MO_E2 - 100, MO_E1 - 100), 0);
	MO_EQ(mo_times(&c, n[T_FRESH], MO_E2 - 100, MO_E1 - 100), 0);
	MO_EQ(mo_times(&c, n[T_ZERO], MO_E2 - 100, MO_E2 - 50), 0);
	MO_EQ(mo_times(&c, n[T_WRITE], MO_E2 - 100, MO_E1 - 100), 0);
	MO_EQ(mo_times(&c, n[T_DL], MO_E2 - 100, MO_E2 - 50), 0);
	MO_EQ(mo_times(&c, n[T_DFRESH], MO_E2 - 100, MO_E1 - 100), 0);
	MO_EQ(mo_times(&c, n[T_SL], MO_E1 + 10, MO_E1 - 100), 0);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_atime_setup, mo_atime_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_atime_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	const uint32_t *n = mo.ino;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	/* Updated: a day old; not newer than mtime; not newer than ctime. */
	MO_EQ(mo_io(&c, MFS_READ, n[T_OLD], 0, c.data, 10), 10);
	MO_NOW2(mo_attr(&c, n[T_OLD]).atime);
	MO_EQ(mo_io(&c, MFS_READ, n[T_MTIME], 0, c.data, 10), 10);
	MO_NOW2(mo_attr(&c, n[T_MTIME]).atime);
	MO_EQ(mo_setattr(&c, n[T_CTIME], MFS_SET_MODE, 0600, 0, 0, 0, 0, &a), 0);
	MO_EQ(a.atime, MO_E2 - 100);
	MO_EQ(mo_io(&c, MFS_READ, n[T_CTIME], 0, c.data, 10), 10);
	MO_NOW2(mo_attr(&c, n[T_CTIME]).atime);
	/* Not updated: newer than both, and less than a day old. */
	MO_EQ(mo_io(&c, MFS_READ, n[T_FRESH], 0, c.data, 10), 10);
	MO_EQ(mo_attr(&c, n[T_FRESH]).atime, MO_E2 - 100);
	/* A read of no bytes is no access. */
	MO_EQ(mo_io(&c, MFS_READ, n[T_ZERO], 0, c.data, 0), 0);
	MO_EQ(mo_attr(&c, n[T_ZERO]).atime, MO_E2 - 100);
	/* WRITE sets mtime and ctime, not atime. */
	MO_EQ(mo_io(&c, MFS_WRITE, n[T_WRITE], 0, c.data, 4), 4);
	a = mo_attr(&c, n[T_WRITE]);
	MO_NOW2(a.mtime);
	MO_NOW2(a.ctime);
	MO_EQ(a.atime, MO_E2 - 100);
	/* GETDENTS and READLINK follow the same rule. */
	MO_TRUE(mo_io(&c, MFS_GETDENTS, n[T_DL], 0, c.data, 4096) > 0);
	MO_NOW2(mo_attr(&c, n[T_DL]).atime);
	MO_TRUE(mo_io(&c, MFS_GETDENTS, n[T_DFRESH], 0, c.data, 4096) > 0);
	MO_EQ(mo_attr(&c, n[T_DFRESH]).atime, MO_E2 - 100);
	MO_EQ(mo_io(&c, MFS_READLINK, n[T_SL], 0, c.data, 64), 3);
	MO_NOW2(mo_attr(&c, n[T_SL]).atime);
	/* Neither changes mtime or ctime. */
	a = mo_attr(&c, n[T_OLD]);
	MO_EQ(a.mtime, MO_E1 - 100);
	MO_OLD(a.ctime);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_atime, mo_atime_main, 4, KIP_PROG_SYSTEM);

static void test_atime_relatime(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_atime_setup", MO_E1);
	mo_run_checked("mfso_atime", MO_E2);
	mo_assert_clean();
	mo_cleanup();
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
	struct mo_client c;
	static const char *const names[] = {"create", "mkdir", "symlink", "link",   "unlink",
					    "rmdir",  "mknod", "reuse",	  "control"};
	uint32_t *n = mo.ino;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	for (int i = D_CREATE; i <= D_CTL; i++) {
		n[i] = mo_dir(&c, 1, names[i]);
		MO_TRUE(n[i] != 0);
	}
	n[D_FILE] = mo_file(&c, 1, "file", "f");
	MO_TRUE(mo_file(&c, n[D_UNLINK], "f", "f") != 0);
	MO_TRUE(mo_dir(&c, n[D_RMDIR], "s") != 0);
	/* A free slot in "reuse": the next entry goes there, not at the end. */
	MO_TRUE(mo_file(&c, n[D_REUSE], "a", "a") != 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, n[D_REUSE], "a", 0, NULL), 0);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_dirtime_setup, mo_dirtime_setup_main, 4, KIP_PROG_SYSTEM);

static int mo_dirtime_main(uint64_t mfs)
{
	struct mo_client c;
	struct mfs_attr a;
	const uint32_t *n = mo.ino;
	if (mo_init(&c, mfs) < 0)
		return 1;
	MO_EQ(mo_mount(&c), 0);
	uint32_t reuse_size = mo_attr(&c, n[D_REUSE]).size;
	MO_EQ(mo_named(&c, MFS_CREATE, n[D_CREATE], "n", 0644, NULL), 0);
	MO_EQ(mo_named(&c, MFS_MKDIR, n[D_MKDIR], "n", 0755, NULL), 0);
	MO_EQ(mo_symlink(&c, n[D_SYMLINK], "n", "t", 1, 0777, 1000, NULL), 0);
	MO_EQ(mo_link(&c, n[D_LINK], "n", n[D_FILE], NULL), 0);
	MO_EQ(mo_named(&c, MFS_UNLINK, n[D_UNLINK], "f", 0, NULL), 0);
	MO_EQ(mo_named(&c, MFS_RMDIR, n[D_RMDIR], "s", 0, NULL), 0);
	MO_EQ(mo_mknod(&c, n[D_MKNOD], "n", MINIXFS_S_IFCHR | 0600, 0x0101, NULL), 0);
	MO_EQ(mo_named(&c, MFS_CREATE, n[D_REUSE], "b", 0644, NULL), 0);
	MO_EQ(mo_attr(&c, n[D_REUSE]).size, reuse_size); /* the free slot was used */
	for (int i = D_CREATE; i <= D_REUSE; i++) {
		a = mo_attr(&c, n[i]);
		mo_eq(__LINE__, "directory mtime set (i)", i * 1000 + (a.mtime >= MO_E2),
		      i * 1000 + 1);
		mo_eq(__LINE__, "directory ctime set (i)", i * 1000 + (a.ctime >= MO_E2),
		      i * 1000 + 1);
	}
	a = mo_attr(&c, n[D_CTL]);
	MO_OLD(a.mtime);
	MO_OLD(a.ctime);
	a = mo_attr(&c, n[D_FILE]); /* LINK: the inode's ctime, not its mtime */
	MO_NOW2(a.ctime);
	MO_OLD(a.mtime);
	MO_EQ(mo_simple(&c, MFS_SYNC), 0);
	mo.done = 1;
	return 0;
}
KIP_PROGRAM(mfso_dirtime, mo_dirtime_main, 4, KIP_PROG_SYSTEM);

static void test_directory_times(void)
{
	mo_make_image("1M", NULL);
	mo_run_checked("mfso_dirtime_setup", MO_E1);
	mo_run_checked("mfso_dirtime", MO_E2);
	mo_assert_clean();
	mo_cleanup();
}

static const struct kip_test mfs_ops_tests[] = {
	{"link: counts, errors, names removed one by one", test_link},
	{"link, mkdir and rename at LINK_MAX: EMLINK", test_link_rename_emlink},
	{"rename: POSIX cases, link counts, times", test_rename},
	{"a full disk: rename, link, symlink give ENOSPC", test_full_disk_enospc},
	{"a write across the largest file is a short write", test_write_across_max_size},
	{"symlink and readlink", test_symlink_readlink},
	{"create of FIFOs, sockets and device nodes: rdev", test_mknod_types_and_rdev},
	{"setattr: each field, refusals change nothing", test_setattr},
	{"statfs figures follow creates and removals", test_statfs},
	{"getnode, putnode: unlinked but open", test_getnode_putnode},
	{"getnode: ENFILE past the table", test_getnode_enfile},
	{"an orphan after a remount is freed by getnode+putnode", test_orphan_after_remount},
	{"atime follows relatime", test_atime_relatime},
	{"namespace calls set the directory's mtime and ctime", test_directory_times},
	{NULL, NULL},
};

KIP_TEST_SUITE(mfs_ops, mfs_ops_tests);
