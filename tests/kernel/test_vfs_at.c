/*
 * tests/kernel/test_vfs_at.c - VFS's privileged interface (VFS_AT_*,
 * servers/vfs/at*.c) and its change events (servers/vfs/event.c), used as
 * the FUSE bridge's fused will use them, on MFS and the disk driver in a
 * booted kernel, on images made by `kip mkfs` (suite `vfs_at`).
 *
 * The caller is a system process started by the harness (vat_main), acting
 * for whichever uid, gid, umask and supplementary groups a check names.
 * Pins: a user program gets EPERM; LOOKUP returns MFS's inode number;
 * lookup and open references keep an unlinked file readable by number
 * until RELEASE and FORGET, after which MFS has freed it (AT_STATFS) and
 * the number is ESTALE; CREATE, MKDIR, MKNOD, SYMLINK (READLINK), LINK,
 * RENAME (NOREPLACE: EEXIST; EXCHANGE: EINVAL), UNLINK, RMDIR, GETDENTS
 * from an offset; permissions by credentials: no write permission on a
 * directory (EACCES), the sticky rule (EPERM), setgid inheritance, the
 * umask, chown rules (EPERM, uid 70000 EINVAL), a supplementary group
 * through cred_grant; SETATTR size, mode and times; 128 KiB in one
 * AT_WRITE and one AT_READ, and from the IPC trace, such a read on a cache
 * hit is 4 messages (AT_READ, MFS_READ and their replies) with MFS copying
 * straight into the caller; change events: the subscriber is NOTIFYed once
 * and AT_EVENTS names what another AT caller or a user's POSIX calls
 * changed, never what it changed itself, and an overflow becomes one
 * "everything" record.  Every image passes `kip fsck` after sync, and
 * `fsck.minix -f` when its blocks are 1 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define VAT_BIG (128u * 1024) /* one AT_READ / AT_WRITE */
#define VAT_ROOT MINIXFS_ROOT_INO

struct vat_ctx;

static struct {
	char image[64];
	endpoint_t mfs;
	void (*body)(struct vat_ctx *c); /* what vat_main does */
	int fail_line;			 /* the first check that failed in kip, 0 if none */
	long fail_got;			 /* what it got */
	int checks, done;
} vat;

/* In a kip process: `got` must equal `want`; record the first miss. */
#define VAT_IS(got, want)                                                                          \
	do {                                                                                       \
		long got_ = (long)(got);                                                           \
		vat.checks++;                                                                      \
		if (got_ != (long)(want) && !vat.fail_line) {                                      \
			vat.fail_line = __LINE__;                                                  \
			vat.fail_got = got_;                                                       \
		}                                                                                  \
	} while (0)
#define VAT_CHECK(cond) VAT_IS(!!(cond), 1)

/* ------------------------------------------------ the caller's side */

/* An AT caller: VFS, its grants, the credentials it sends, and pages that
 * are granted (names, groups, a struct vfs_setattr). */
struct vat_ctx {
	endpoint_t vfs;
	struct kip_grants *grants;
	uint32_t uid, gid, umask, ngroups;
	uint32_t *groups;
	char *names;
	struct kip_stat st; /* the last reply's attributes */
	message m;	    /* the last reply */
};

static void vat_as(struct vat_ctx *c, uint32_t uid, uint32_t gid, uint32_t umask)
{
	c->uid = uid;
	c->gid = gid;
	c->umask = umask;
	c->ngroups = 0;
}

/* Send m with c's credentials; the reply's status. */
static int vat_send(struct vat_ctx *c, message *m)
{
	kip_grant_id cg = -1;
	m->m_vfs_at.uid = c->uid;
	m->m_vfs_at.gid = c->gid;
	m->m_vfs_at.umask = (uint16_t)c->umask;
	m->m_vfs_at.ngroups = (uint16_t)c->ngroups;
	if (c->ngroups) {
		cg = kip_grant_direct(c->grants, c->vfs, c->groups, c->ngroups * 4, KIP_GRANT_READ);
		m->m_vfs_at.cred_grant = cg;
	}
	int r = kip_sendrec(c->vfs, m);
	if (cg >= 0)
		kip_grant_revoke(c->grants, cg);
	c->m = *m;
	c->st = m->m_vfs_stat;
	return r < 0 ? r : m->m_type;
}

/* Send m with a grant on `len` bytes at buf (KIP_GRANT_READ or WRITE). */
static int vat_buf(struct vat_ctx *c, message *m, const void *buf, size_t len, int access)
{
	kip_grant_id g = kip_grant_direct(c->grants, c->vfs, buf, len ? len : 1, access);
	m->m_vfs_at.grant = g;
	m->m_vfs_at.len = (uint32_t)len;
	int r = vat_send(c, m);
	kip_grant_revoke(c->grants, g);
	return r;
}

/* Send a request of `type` about `ino` with name (and name2 after it). */
static int vat_named(struct vat_ctx *c, int type, uint32_t ino, const char *name, const char *name2,
		     message *m)
{
	size_t l1 = strlen(name), l2 = name2 ? strlen(name2) : 0;
	memcpy(c->names, name, l1);
	memcpy(c->names + l1, name2 ? name2 : "", l2);
	m->m_type = type;
	m->m_vfs_at.ino = ino;
	m->m_vfs_at.len2 = (uint32_t)l2;
	kip_grant_id g = kip_grant_direct(c->grants, c->vfs, c->names, l1 + l2 ? l1 + l2 : 1,
					  KIP_GRANT_READ);
	m->m_vfs_at.grant = g;
	m->m_vfs_at.len = (uint32_t)l1;
	int r = vat_send(c, m);
	kip_grant_revoke(c->grants, g);
	return r;
}

static int vat_name1(struct vat_ctx *c, int type, uint32_t dir, const char *name, uint32_t mode,
		     int flags, uint64_t offset)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs_at.mode = mode;
	m.m_vfs_at.flags = flags;
	m.m_vfs_at.offset = offset;
	return vat_named(c, type, dir, name, NULL, &m);
}

static int vat_lookup(struct vat_ctx *c, uint32_t dir, const char *name)
{
	return vat_name1(c, VFS_AT_LOOKUP, dir, name, 0, 0, 0);
}

static int vat_create(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode, int flags)
{
	return vat_name1(c, VFS_AT_CREATE, dir, name, mode, flags, 0);
}

static int vat_mkdir(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode)
{
	return vat_name1(c, VFS_AT_MKDIR, dir, name, mode, 0, 0);
}

static int vat_mknod(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode,
		     uint32_t rdev)
{
	return vat_name1(c, VFS_AT_MKNOD, dir, name, mode, 0, rdev);
}

static int vat_unlink(struct vat_ctx *c, uint32_t dir, const char *name)
{
	return vat_name1(c, VFS_AT_UNLINK, dir, name, 0, 0, 0);
}

static int vat_rmdir(struct vat_ctx *c, uint32_t dir, const char *name)
{
	return vat_name1(c, VFS_AT_RMDIR, dir, name, 0, 0, 0);
}

static int vat_symlink(struct vat_ctx *c, uint32_t dir, const char *name, const char *target)
{
	message m;
	kip_msg_init(&m, VFS_AT_SYMLINK);
	return vat_named(c, VFS_AT_SYMLINK, dir, name, target, &m);
}

static int vat_link(struct vat_ctx *c, uint32_t ino, uint32_t dir, const char *name)
{
	message m;
	kip_msg_init(&m, VFS_AT_LINK);
	m.m_vfs_at.ino2 = ino;
	return vat_named(c, VFS_AT_LINK, dir, name, NULL, &m);
}

static int vat_rename(struct vat_ctx *c, uint32_t odir, const char *oname, uint32_t ndir,
		      const char *nname, int flags)
{
	message m;
	kip_msg_init(&m, VFS_AT_RENAME);
	m.m_vfs_at.ino2 = ndir;
	m.m_vfs_at.flags = flags;
	return vat_named(c, VFS_AT_RENAME, odir, oname, nname, &m);
}

/* A request about one inode, nothing granted. */
static int vat_ino(struct vat_ctx *c, int type, uint32_t ino, int flags, uint64_t offset)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs_at.ino = ino;
	m.m_vfs_at.flags = flags;
	m.m_vfs_at.offset = offset;
	return vat_send(c, &m);
}

static int vat_forget(struct vat_ctx *c, uint32_t ino, uint64_t n)
{
	return vat_ino(c, VFS_AT_FORGET, ino, 0, n);
}

static int vat_getattr(struct vat_ctx *c, uint32_t ino)
{
	return vat_ino(c, VFS_AT_GETATTR, ino, 0, 0);
}

static int vat_open(struct vat_ctx *c, uint32_t ino, int flags)
{
	return vat_ino(c, VFS_AT_OPEN, ino, flags, 0);
}

static int vat_release(struct vat_ctx *c, uint32_t ino)
{
	return vat_ino(c, VFS_AT_RELEASE, ino, 0, 0);
}

static int vat_access(struct vat_ctx *c, uint32_t ino, int mode)
{
	return vat_ino(c, VFS_AT_ACCESS, ino, mode, 0);
}

/* READ, WRITE, GETDENTS, READLINK, EVENTS: len bytes at buf. */
static int vat_io(struct vat_ctx *c, int type, uint32_t ino, uint64_t off, void *buf, size_t len,
		  int flags)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs_at.ino = ino;
	m.m_vfs_at.offset = off;
	m.m_vfs_at.flags = flags;
	int access = type == VFS_AT_WRITE ? KIP_GRANT_READ : KIP_GRANT_WRITE;
	return vat_buf(c, &m, buf, len, access);
}

static int vat_setattr(struct vat_ctx *c, uint32_t ino, const struct vfs_setattr *sa)
{
	message m;
	kip_msg_init(&m, VFS_AT_SETATTR);
	m.m_vfs_at.ino = ino;
	memcpy(c->names, sa, sizeof(*sa));
	return vat_buf(c, &m, c->names, sizeof(*sa), KIP_GRANT_READ);
}

static int vat_set1(struct vat_ctx *c, uint32_t ino, uint32_t mask, uint64_t value)
{
	struct vfs_setattr sa = {.mask = mask};
	sa.mode = (uint32_t)value;
	sa.uid = sa.gid = (uint32_t)value;
	sa.size = value;
	return vat_setattr(c, ino, &sa);
}

static long vat_free_inodes(struct vat_ctx *c)
{
	message m;
	kip_msg_init(&m, VFS_AT_STATFS);
	int r = vat_send(c, &m);
	return r < 0 ? r : (long)m.m_vfs_statfs.f_ffree;
}

/* MFS's own answer: MFS_LOOKUP of name in dir, or MFS_STAT (name NULL). */
static long vat_mfs_ino(struct vat_ctx *c, uint32_t dir, const char *name)
{
	message m;
	kip_msg_init(&m, name ? MFS_LOOKUP : MFS_STAT);
	m.m_mfs.ino = dir;
	kip_grant_id g = -1;
	if (name) {
		strcpy(c->names, name);
		g = kip_grant_direct(c->grants, vat.mfs, c->names, strlen(name), KIP_GRANT_READ);
		m.m_mfs.grant = g;
		m.m_mfs.name_len = (uint32_t)strlen(name);
	}
	int r = kip_sendrec(vat.mfs, &m);
	if (g >= 0)
		kip_grant_revoke(c->grants, g);
	return r < 0 ? r : m.m_type < 0 ? m.m_type : (long)m.m_mfs_attr.ino;
}

static uint32_t vat_type(const struct vat_ctx *c)
{
	return c->st.st_mode & MINIXFS_S_IFMT;
}

static uint8_t vat_pat(uint64_t i)
{
	return (uint8_t)(i * 7 + i / 1021);
}

/* Start `program` (a user program: VFS its only destination, or a system
 * one) with `arg`; wait for it to end; its exit status. */
static int vat_start(const char *program, uint64_t arg, bool user)
{
	endpoint_t ep = kip_create(program, NULL, -1, arg);
	if (ep < 0)
		return 1;
	if (user) {
		struct kcall_privctl pc = {0};
		int slot = kip_ep_slot((endpoint_t)(uint32_t)arg);
		pc.endpoint = ep;
		pc.trap_mask = 1u << IPC_SENDREC;
		pc.send_mask[slot / 64] = 1ull << (slot % 64);
		pc.kcall_mask = (1ull << kip_kcall_index(SYS_EXIT)) |
				(1ull << kip_kcall_index(SYS_PRINT)) |
				(1ull << kip_kcall_index(SYS_TIMES)) |
				(1ull << kip_kcall_index(SYS_PAGE_ALLOC)) |
				(1ull << kip_kcall_index(SYS_PAGE_FREE)) |
				(1ull << kip_kcall_index(SYS_SETGRANT));
		if (kip_privctl(&pc) < 0)
			return 1;
	}
	struct kcall_event ev;
	do {
		if (kt_wait_event(&ev) < 0)
			return 1;
	} while (ev.endpoint != ep);
	return ev.kind == KIP_EV_EXIT ? ev.status : 100 + ev.kind;
}

/* A context for VFS at vfs, as root with umask 022. */
static struct vat_ctx *vat_ctx_new(endpoint_t vfs)
{
	struct vat_ctx *c = kip_page_alloc(1);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->vfs = vfs;
	c->grants = kip_grant_init(16);
	c->groups = kip_page_alloc(1);
	c->names = kip_page_alloc(1);
	if (!c->grants || !c->groups || !c->names)
		return NULL;
	vat_as(c, 0, 0, 022);
	return c;
}

static int vat_main(uint64_t vfs)
{
	struct vat_ctx *c = vat_ctx_new((endpoint_t)vfs);
	if (!c)
		return 1;
	vat.body(c);
	vat_as(c, 0, 0, 022);
	VAT_IS(vat_ino(c, VFS_AT_FSYNC, 0, 0, 0), 0);
	vat.done = 1;
	return 0;
}
KIP_PROGRAM(vat_main, vat_main, 2, KIP_PROG_SYSTEM);

/* ---------------------------------------------------------- host side */

static void vat_make_image(const char *block_size)
{
	memset(&vat, 0, sizeof(vat));
	strcpy(vat.image, "/tmp/kip-vfsat-img-XXXXXX");
	int fd = mkstemp(vat.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs",		vat.image,	    "--size",  "4M",
			"--block-size", (char *)block_size, "--force", NULL};
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
}

/* Boot the disk driver, MFS, VFS and vat_main running `body`; check that
 * every check passed and the image is sound (fsck.minix judges 1 KiB
 * blocks only). */
static void vat_run(void (*body)(struct vat_ctx *c), unsigned flags, bool minix_fsck)
{
	struct kip_config cfg;
	vat.body = body;
	kt_default_config(&cfg, flags);
	cfg.disk_image = vat.image;
	kt_boot_config(&cfg);
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(driver >= 0);
	vat.mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	CU_ASSERT_FATAL(vat.mfs >= 0);
	endpoint_t vfs = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)vat.mfs, 0);
	CU_ASSERT_FATAL(vfs >= 0);
	kt_spawn("vat_main", (uint64_t)(uint32_t)vfs, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(vat.done, 1);
	CU_ASSERT_EQUAL(vat.fail_line, 0);
	if (vat.fail_line)
		fprintf(stderr, "\n  vfs_at: check at line %d failed (got %ld)\n", vat.fail_line,
			vat.fail_got);
	CU_ASSERT(vat.checks >= 5);
	char *argv[] = {"fsck", vat.image, NULL};
	CU_ASSERT_EQUAL(kt_quiet(cli_fsck, argv), 0);
	if (minix_fsck) {
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", vat.image);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
	unlink(vat.image);
}

/* ------------------------------------------- a user may not, references */

/* A user program: VFS_AT_* is refused. */
static int vat_user_main(uint64_t vfs)
{
	message m;
	kip_msg_init(&m, VFS_AT_LOOKUP);
	m.m_vfs_at.ino = VAT_ROOT;
	int r = kip_sendrec((endpoint_t)vfs, &m);
	if (r < 0 || m.m_type != -EPERM)
		return 2;
	kip_msg_init(&m, VFS_AT_SUBSCRIBE);
	r = kip_sendrec((endpoint_t)vfs, &m);
	return r == 0 && m.m_type == -EPERM ? 0 : 3;
}
KIP_PROGRAM(vat_user, vat_user_main, 8, KIP_PROG_USER);

static void vat_refs_body(struct vat_ctx *c)
{
	uint8_t *buf = kip_page_alloc(1);
	VAT_IS(vat_start("vat_user", (uint32_t)c->vfs, true), 0);
	long free0 = vat_free_inodes(c);
	VAT_CHECK(free0 > 10);

	/* CREATE: a lookup reference and an open one. */
	VAT_IS(vat_create(c, VAT_ROOT, "a", 0666, KIP_O_RDWR | KIP_O_EXCL), 0);
	uint32_t a = c->st.st_ino;
	VAT_IS(c->st.st_mode, MINIXFS_S_IFREG | 0644); /* umask 022 */
	VAT_IS(vat_mfs_ino(c, VAT_ROOT, "a"), a);
	VAT_IS(vat_lookup(c, VAT_ROOT, "a"), 0);
	VAT_IS(c->st.st_ino, a);
	VAT_IS(vat_lookup(c, VAT_ROOT, "nope"), -ENOENT);
	memcpy(buf, "hello", 5);
	VAT_IS(vat_io(c, VFS_AT_WRITE, a, 0, buf, 5, 0), 5);
	VAT_IS(vat_free_inodes(c), free0 - 1);

	/* Unlinked, still referenced: readable by number. */
	VAT_IS(vat_unlink(c, VAT_ROOT, "a"), 0);
	VAT_IS(vat_lookup(c, VAT_ROOT, "a"), -ENOENT);
	VAT_IS(vat_getattr(c, a), 0);
	VAT_CHECK(c->st.st_nlink == 0 && c->st.st_size == 5);
	memset(buf, 0, 16);
	VAT_IS(vat_io(c, VFS_AT_READ, a, 0, buf, 16, 0), 5);
	VAT_CHECK(memcmp(buf, "hello", 5) == 0);
	VAT_IS(vat_release(c, a), 0);
	VAT_IS(vat_io(c, VFS_AT_READ, a, 1, buf, 16, 0), 4); /* two lookups left */
	VAT_IS(vat_forget(c, a, 1), 0);
	VAT_IS(vat_free_inodes(c), free0 - 1);
	VAT_IS(vat_getattr(c, a), 0);
	VAT_IS(vat_forget(c, a, 1), 0);

	/* The last reference went: MFS freed it, the number is stale. */
	VAT_IS(vat_free_inodes(c), free0);
	VAT_IS(vat_mfs_ino(c, a, NULL), -ENOENT);
	VAT_IS(vat_io(c, VFS_AT_READ, a, 0, buf, 16, 0), -ESTALE);
	VAT_IS(vat_getattr(c, a), -ESTALE);
	VAT_IS(vat_forget(c, a, 1), 0); /* nothing left to drop */
	VAT_IS(vat_getattr(c, VAT_ROOT), 0);
	VAT_CHECK(vat_type(c) == MINIXFS_S_IFDIR && c->st.st_ino == VAT_ROOT);
}

static void test_at_refs(void)
{
	vat_make_image("1024");
	vat_run(vat_refs_body, 0, true);
}

/* ------------------------------------------------------------- names */

/* The names GETDENTS lists in dir, read two records at a time, as a bit
 * set over names[]. */
static unsigned vat_list(struct vat_ctx *c, uint32_t dir, const char *const *names, int n,
			 int *entries)
{
	struct mfs_dent *d = kip_page_alloc(1);
	unsigned seen = 0;
	uint64_t pos = 0;
	*entries = 0;
	for (;;) {
		int r = vat_io(c, VFS_AT_GETDENTS, dir, pos, d, 2 * MFS_DENT_SIZE + 10, 0);
		if (r <= 0) {
			VAT_IS(r, 0);
			break;
		}
		VAT_CHECK(c->m.m_vfs_at.offset > pos);
		pos = c->m.m_vfs_at.offset;
		for (int i = 0; i < r / MFS_DENT_SIZE; i++) {
			(*entries)++;
			for (int k = 0; k < n; k++)
				if (!strcmp(d[i].name, names[k]))
					seen |= 1u << k;
		}
	}
	kip_page_free(d, 1);
	return seen;
}

static void vat_names_body(struct vat_ctx *c)
{
	char *buf = kip_page_alloc(1);
	VAT_IS(vat_mkdir(c, VAT_ROOT, "d", 0755), 0);
	uint32_t d = c->st.st_ino;
	VAT_CHECK(vat_type(c) == MINIXFS_S_IFDIR && c->st.st_nlink == 2);
	VAT_IS(vat_mkdir(c, VAT_ROOT, "d", 0755), -EEXIST);
	VAT_IS(vat_create(c, d, "f", 0600, KIP_O_WRONLY | KIP_O_EXCL), 0);
	uint32_t f = c->st.st_ino;
	VAT_IS(vat_release(c, f), 0);
	VAT_IS(vat_create(c, d, "f", 0600, KIP_O_WRONLY | KIP_O_EXCL), -EEXIST);
	VAT_IS(vat_create(c, d, "f", 0600, KIP_O_RDWR), 0); /* opens it */
	VAT_IS(c->st.st_ino, f);
	VAT_IS(vat_release(c, f), 0);
	VAT_IS(vat_create(c, d, "f", 0600, KIP_O_RDWR | 0x40000000), -EINVAL);

	/* mknod: FIFOs for anyone, devices for root. */
	VAT_IS(vat_mknod(c, d, "fifo", MINIXFS_S_IFIFO | 0644, 0), 0);
	uint32_t fifo = c->st.st_ino;
	VAT_IS(vat_type(c), MINIXFS_S_IFIFO);
	VAT_IS(vat_open(c, fifo, KIP_O_RDONLY), -ENXIO);
	VAT_IS(vat_mknod(c, d, "cdev", MINIXFS_S_IFCHR | 0600, 0x0501), 0);
	uint32_t cdev = c->st.st_ino;
	VAT_CHECK(vat_type(c) == MINIXFS_S_IFCHR && c->st.st_rdev == 0x0501);
	vat_as(c, 1000, 100, 022);
	VAT_IS(vat_mknod(c, d, "cdev2", MINIXFS_S_IFCHR | 0600, 1), -EPERM);
	vat_as(c, 0, 0, 022);
	VAT_IS(vat_mknod(c, d, "dir", MINIXFS_S_IFDIR | 0755, 0), -EINVAL);

	/* symlink, readlink */
	VAT_IS(vat_symlink(c, d, "ln", "target/of/link"), 0);
	uint32_t ln = c->st.st_ino;
	VAT_CHECK(vat_type(c) == MINIXFS_S_IFLNK && c->st.st_size == 14);
	VAT_IS(vat_symlink(c, d, "ln", "x"), -EEXIST);
	VAT_IS(vat_symlink(c, d, "empty", ""), -ENOENT);
	VAT_IS(vat_io(c, VFS_AT_READLINK, ln, 0, buf, 100, 0), 14);
	VAT_CHECK(memcmp(buf, "target/of/link", 14) == 0);
	VAT_IS(vat_io(c, VFS_AT_READLINK, f, 0, buf, 100, 0), -EINVAL);
	VAT_IS(vat_open(c, ln, KIP_O_RDONLY), -ELOOP);

	/* link */
	VAT_IS(vat_link(c, f, VAT_ROOT, "f2"), 0);
	VAT_CHECK(c->st.st_ino == f && c->st.st_nlink == 2);
	VAT_IS(vat_link(c, d, VAT_ROOT, "d2"), -EPERM);
	VAT_IS(vat_link(c, f, VAT_ROOT, "f2"), -EEXIST);

	/* rename */
	VAT_IS(vat_rename(c, d, "f", VAT_ROOT, "g", 0), 0);
	VAT_IS(vat_lookup(c, d, "f"), -ENOENT);
	VAT_IS(vat_lookup(c, VAT_ROOT, "g"), 0);
	VAT_IS(c->st.st_ino, f);
	VAT_IS(vat_rename(c, VAT_ROOT, "g", VAT_ROOT, "f2", KIP_RENAME_NOREPLACE), -EEXIST);
	VAT_IS(vat_rename(c, VAT_ROOT, "g", VAT_ROOT, "h", KIP_RENAME_EXCHANGE), -EINVAL);
	VAT_IS(vat_rename(c, VAT_ROOT, "g", VAT_ROOT, "h", 4), -EINVAL);
	VAT_IS(vat_rename(c, VAT_ROOT, "g", d, "back", KIP_RENAME_NOREPLACE), 0);
	VAT_IS(vat_rename(c, VAT_ROOT, "g", d, "back", 0), -ENOENT);

	/* names: 60 bytes fit, 61 do not, a slash is not a name */
	char name[64];
	memset(name, 'n', sizeof(name));
	name[61] = '\0';
	VAT_IS(vat_create(c, d, name, 0644, KIP_O_RDWR), -ENAMETOOLONG);
	name[60] = '\0';
	VAT_IS(vat_create(c, d, name, 0644, KIP_O_RDWR), 0);
	uint32_t longf = c->st.st_ino;
	VAT_IS(vat_release(c, longf), 0);
	VAT_IS(vat_unlink(c, d, name), 0);
	VAT_IS(vat_forget(c, longf, 1), 0);
	VAT_IS(vat_lookup(c, VAT_ROOT, "d/back"), -EINVAL);
	VAT_IS(vat_lookup(c, VAT_ROOT, ""), -ENOENT);

	/* getdents from an offset */
	static const char *const want[] = {".", "..", "fifo", "cdev", "ln", "back"};
	int entries;
	VAT_IS(vat_list(c, d, want, 6, &entries), 0x3f);
	VAT_IS(entries, 6);
	VAT_IS(vat_io(c, VFS_AT_GETDENTS, f, 0, buf, 1000, 0), -ENOTDIR);
	VAT_IS(vat_io(c, VFS_AT_READ, d, 0, buf, 1000, 0), -EISDIR);

	/* unlink, rmdir */
	VAT_IS(vat_rmdir(c, VAT_ROOT, "d"), -ENOTEMPTY);
	VAT_IS(vat_rmdir(c, d, "back"), -ENOTDIR);
	VAT_IS(vat_unlink(c, VAT_ROOT, "d"), -EISDIR);
	VAT_IS(vat_rmdir(c, d, "."), -EINVAL);
	VAT_IS(vat_rmdir(c, d, ".."), -ENOTEMPTY);
	const char *gone[] = {"fifo", "cdev", "ln", "back"};
	for (int i = 0; i < 4; i++)
		VAT_IS(vat_unlink(c, d, gone[i]), 0);
	VAT_IS(vat_unlink(c, VAT_ROOT, "f2"), 0);
	VAT_IS(vat_rmdir(c, VAT_ROOT, "d"), 0);
	VAT_IS(vat_getattr(c, d), 0); /* referenced: still there, empty, unlinked */
	VAT_IS(c->st.st_nlink, 0);
	VAT_IS(vat_create(c, d, "late", 0644, KIP_O_RDWR), -ENOENT);
	VAT_IS(vat_lookup(c, VAT_ROOT, "d"), -ENOENT);

	/* Give every reference back: references taken above, per inode. */
	VAT_IS(vat_forget(c, d, 1), 0);
	VAT_IS(vat_forget(c, f, 5), 0); /* create x2, lookup, link */
	VAT_IS(vat_forget(c, fifo, 1), 0);
	VAT_IS(vat_forget(c, cdev, 1), 0);
	VAT_IS(vat_forget(c, ln, 1), 0);
	VAT_IS(vat_getattr(c, f), -ESTALE);
	VAT_IS(vat_mfs_ino(c, f, NULL), -ENOENT);
	VAT_IS(vat_mfs_ino(c, d, NULL), -ENOENT);
}

static void test_at_names(void)
{
	vat_make_image("1024");
	vat_run(vat_names_body, 0, true);
}

/* ------------------------------------------------------- permissions */

static void vat_perm_body(struct vat_ctx *c)
{
	VAT_IS(vat_mkdir(c, VAT_ROOT, "p", 0755), 0);
	uint32_t p = c->st.st_ino;
	VAT_IS(vat_mkdir(c, VAT_ROOT, "priv", 0700), 0);
	uint32_t priv = c->st.st_ino;
	VAT_IS(vat_mkdir(c, VAT_ROOT, "tmp", 01777), 0);
	uint32_t tmp = c->st.st_ino;
	VAT_IS(c->st.st_mode, MINIXFS_S_IFDIR | 01755); /* root's umask 022 */
	VAT_IS(vat_set1(c, tmp, KIP_SETATTR_MODE, 01777), 0);
	VAT_IS(c->st.st_mode, MINIXFS_S_IFDIR | 01777);

	/* No write permission on the directory; no search permission. */
	vat_as(c, 1000, 100, 022);
	VAT_IS(vat_create(c, p, "x", 0644, KIP_O_RDWR), -EACCES);
	VAT_IS(vat_mkdir(c, p, "x", 0755), -EACCES);
	VAT_IS(vat_lookup(c, p, "x"), -ENOENT);
	VAT_IS(vat_lookup(c, priv, "x"), -EACCES);
	VAT_IS(vat_access(c, p, KIP_W_OK), -EACCES);
	VAT_IS(vat_access(c, p, KIP_R_OK | KIP_X_OK), 0);
	VAT_IS(vat_access(c, p, 8), -EINVAL);

	/* umask 027; the sticky directory. */
	vat_as(c, 1000, 100, 027);
	VAT_IS(vat_create(c, tmp, "mine", 0666, KIP_O_WRONLY), 0);
	uint32_t mine = c->st.st_ino;
	VAT_CHECK(c->st.st_mode == (MINIXFS_S_IFREG | 0640) && c->st.st_uid == 1000 &&
		  c->st.st_gid == 100);
	VAT_IS(vat_release(c, mine), 0);
	vat_as(c, 1001, 101, 022);
	VAT_IS(vat_unlink(c, tmp, "mine"), -EPERM);
	VAT_IS(vat_rename(c, tmp, "mine", tmp, "stolen", 0), -EPERM);
	VAT_IS(vat_open(c, mine, KIP_O_RDONLY), -EACCES);

	/* chown and chmod: the owner, or root. */
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_UID, 1001), -EPERM);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_GID, 101), -EPERM);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_MODE, 0666), -EPERM);
	struct vfs_setattr times = {.mask = KIP_SETATTR_ATIME | KIP_SETATTR_MTIME};
	times.atime = 1000;
	times.mtime = 2000;
	VAT_IS(vat_setattr(c, mine, &times), -EPERM);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_SIZE, 0), -EACCES);
	vat_as(c, 1000, 100, 022);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_MODE, 0600), 0);
	VAT_IS(c->st.st_mode, MINIXFS_S_IFREG | 0600);
	VAT_IS(vat_setattr(c, mine, &times), 0);
	VAT_CHECK(c->st.st_atime_sec == 1000 && c->st.st_mtime_sec == 2000);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_SIZE, 300), 0);
	VAT_IS(c->st.st_size, 300);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_UID, 1001), -EPERM);
	VAT_IS(vat_set1(c, mine, 1u << 10, 0), -EINVAL);
	vat_as(c, 0, 0, 022);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_UID, 70000), -EINVAL);
	VAT_IS(vat_set1(c, mine, KIP_SETATTR_UID, 1001), 0);
	VAT_IS(c->st.st_uid, 1001);
	VAT_IS(vat_set1(c, p, KIP_SETATTR_SIZE, 0), -EISDIR);
	vat_as(c, 1001, 101, 022);
	VAT_IS(vat_unlink(c, tmp, "mine"), 0); /* its owner now */
	VAT_IS(vat_forget(c, mine, 1), 0);

	/* setgid: new files take the directory's group, directories the bit. */
	vat_as(c, 0, 0, 022);
	VAT_IS(vat_mkdir(c, VAT_ROOT, "sg", 0775), 0);
	uint32_t sg = c->st.st_ino;
	struct vfs_setattr sa = {.mask = KIP_SETATTR_GID | KIP_SETATTR_MODE};
	sa.gid = 500;
	sa.mode = 02775;
	VAT_IS(vat_setattr(c, sg, &sa), 0);
	VAT_CHECK(c->st.st_gid == 500 && c->st.st_mode == (MINIXFS_S_IFDIR | 02775));
	vat_as(c, 1002, 100, 022);
	VAT_IS(vat_create(c, sg, "z", 0644, KIP_O_RDWR), -EACCES); /* not in group 500 */
	c->groups[0] = 7;
	c->groups[1] = 500;
	c->ngroups = 2;
	VAT_IS(vat_create(c, sg, "n", 0664, KIP_O_RDWR), 0);
	uint32_t n = c->st.st_ino;
	VAT_CHECK(c->st.st_gid == 500 && c->st.st_uid == 1002);
	VAT_IS(c->st.st_mode, MINIXFS_S_IFREG | 0644);
	VAT_IS(vat_release(c, n), 0);
	VAT_IS(vat_mkdir(c, sg, "sub", 0775), 0);
	VAT_CHECK(c->st.st_gid == 500 && c->st.st_mode == (MINIXFS_S_IFDIR | 02755));

	/* A supplementary group grants the group's bits. */
	vat_as(c, 0, 0, 022);
	VAT_IS(vat_create(c, VAT_ROOT, "grp", 0640, KIP_O_RDWR), 0);
	uint32_t grp = c->st.st_ino;
	VAT_IS(vat_release(c, grp), 0);
	VAT_IS(vat_set1(c, grp, KIP_SETATTR_GID, 500), 0);
	vat_as(c, 1002, 100, 022);
	VAT_IS(vat_open(c, grp, KIP_O_RDONLY), -EACCES);
	VAT_IS(vat_access(c, grp, KIP_R_OK), -EACCES);
	c->groups[0] = 7;
	c->groups[1] = 500;
	c->ngroups = 2;
	VAT_IS(vat_access(c, grp, KIP_R_OK), 0);
	VAT_IS(vat_access(c, grp, KIP_W_OK), -EACCES);
	VAT_IS(vat_open(c, grp, KIP_O_RDONLY), 0);
	VAT_IS(vat_release(c, grp), 0);
	VAT_IS(vat_open(c, grp, KIP_O_RDWR), -EACCES);
	c->ngroups = KIP_AT_NGROUPS_MAX + 1;
	VAT_IS(vat_open(c, grp, KIP_O_RDONLY), -EINVAL);
}

static void test_at_permissions(void)
{
	vat_make_image("1024");
	vat_run(vat_perm_body, 0, true);
}

/* -------------------------------------------------------------- data */

static void vat_data_body(struct vat_ctx *c)
{
	uint8_t *buf = kip_page_alloc(VAT_BIG / 4096), *back = kip_page_alloc(VAT_BIG / 4096);
	for (uint32_t i = 0; i < VAT_BIG; i++)
		buf[i] = vat_pat(i);
	VAT_IS(vat_create(c, VAT_ROOT, "big", 0644, KIP_O_RDWR), 0);
	uint32_t big = c->st.st_ino;
	VAT_IS(vat_io(c, VFS_AT_WRITE, big, 0, buf, VAT_BIG, 0), VAT_BIG);
	VAT_IS(vat_io(c, VFS_AT_READ, big, 0, back, VAT_BIG, 0), VAT_BIG);
	VAT_CHECK(memcmp(buf, back, VAT_BIG) == 0);
	VAT_IS(vat_io(c, VFS_AT_READ, big, VAT_BIG - 10, back, 100, 0), 10);
	VAT_IS(vat_io(c, VFS_AT_READ, big, VAT_BIG, back, 100, 0), 0);

	/* O_APPEND writes at the end, wherever asked to. */
	memcpy(back, "tail", 4);
	VAT_IS(vat_io(c, VFS_AT_WRITE, big, 3, back, 4, KIP_O_APPEND), 4);
	VAT_IS(vat_getattr(c, big), 0);
	VAT_IS(c->st.st_size, VAT_BIG + 4);
	VAT_IS(vat_io(c, VFS_AT_READ, big, VAT_BIG, back, 100, 0), 4);
	VAT_CHECK(memcmp(back, "tail", 4) == 0);

	/* OPEN with O_TRUNC truncates; its reply says so. */
	VAT_IS(vat_open(c, big, KIP_O_WRONLY | KIP_O_TRUNC), 0);
	VAT_IS(c->st.st_size, 0);
	VAT_IS(vat_release(c, big), 0);
	VAT_IS(vat_open(c, VAT_ROOT, KIP_O_RDWR), -EISDIR);
	VAT_IS(vat_open(c, VAT_ROOT, KIP_O_RDONLY | KIP_O_DIRECTORY), 0);
	VAT_IS(vat_release(c, VAT_ROOT), 0);
	VAT_IS(vat_open(c, big, KIP_O_RDONLY | KIP_O_DIRECTORY), -ENOTDIR);
	VAT_IS(vat_release(c, big), 0);
	VAT_IS(vat_forget(c, big, 1), 0);
	VAT_IS(vat_io(c, VFS_AT_READ, big, 0, back, 100, 0), -ESTALE); /* nobody holds it */
}

static void test_at_data(void)
{
	vat_make_image("1024");
	vat_run(vat_data_body, 0, true);
}

/* ---------------------------------------------- the read, in the trace */

static void vat_trace_body(struct vat_ctx *c)
{
	uint8_t *buf = kip_page_alloc(VAT_BIG / 4096);
	for (uint32_t i = 0; i < VAT_BIG; i++)
		buf[i] = vat_pat(i);
	VAT_IS(vat_create(c, VAT_ROOT, "walk", 0644, KIP_O_RDWR), 0);
	uint32_t ino = c->st.st_ino;
	VAT_IS(vat_io(c, VFS_AT_WRITE, ino, 0, buf, VAT_BIG, 0), VAT_BIG);
	memset(buf, 0, VAT_BIG);
	VAT_IS(vat_io(c, VFS_AT_READ, ino, 0, buf, VAT_BIG, 0), VAT_BIG); /* all cached now */
	memset(buf, 0, VAT_BIG);
	kip_print("read begins\n", 12);
	int r = vat_io(c, VFS_AT_READ, ino, 0, buf, VAT_BIG, 0);
	kip_print("read ends\n", 10);
	VAT_IS(r, VAT_BIG);
	for (uint32_t i = 0; i < VAT_BIG; i++)
		if (buf[i] != vat_pat(i)) {
			VAT_IS(i, -1);
			break;
		}
	VAT_IS(vat_release(c, ino), 0);
}

/* Lines between the two SYS_PRINT markers that contain a and b but not
 * `not` (NULL: no exclusion). */
static int vat_count_in_read(const char *a, const char *b, const char * not )
{
	const char *t = kt_trace();
	const char *start = strstr(t, "SYS_PRINT");
	const char *end = start ? strstr(start + 1, "SYS_PRINT") : NULL;
	int n = 0;
	if (!start || !end)
		return -1;
	for (const char *line = strchr(start, '\n') + 1; line < end;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char l[256];
		snprintf(l, sizeof(l), "%.*s", (int)len, line);
		if (strstr(l, a) && strstr(l, b) && !(not &&strstr(l, not )))
			n++;
		line += len + 1;
	}
	return n;
}

/* Lines of the whole trace that contain a, b and c. */
static int vat_count_lines(const char *a, const char *b, const char *c)
{
	int n = 0;
	for (const char *line = kt_trace(); *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char l[256];
		snprintf(l, sizeof(l), "%.*s", (int)len, line);
		if (strstr(l, a) && strstr(l, b) && strstr(l, c))
			n++;
		line += nl ? len + 1 : len;
	}
	return n;
}

static void test_at_read_trace(void)
{
	/* 4 KiB blocks: the 128 KiB file fits MFS's 64-block cache (1 KiB
	 * blocks would not), so the second read is a hit. */
	vat_make_image("4096");
	vat_run(vat_trace_body, KT_TRACE, false);
	/* Every message between the markers: the request, MFS_READ, and the
	 * two replies; the kernel calls are not messages. */
	int messages = vat_count_in_read(") -> ", "", "-> kernel(");
	fprintf(stderr, " [AT_READ of 128 KiB on a hit: %d messages] ", messages);
	CU_ASSERT_EQUAL(messages, 4);
	CU_ASSERT_EQUAL(vat_count_in_read("vat_main(", "-> vfs(", "REPLY"), 1);
	CU_ASSERT_EQUAL(vat_count_in_read("vfs(", "-> mfs(", "REPLY"), 1);
	CU_ASSERT_EQUAL(vat_count_in_read("vfs(", "-> vat_main(", NULL), 1);
	CU_ASSERT_EQUAL(vat_count_in_read(" mfs(", "-> vfs(", NULL), 1);
	/* MFS copies 32 blocks into the caller through VFS's grant; VFS
	 * copies nothing; no disk request. */
	CU_ASSERT_EQUAL(vat_count_in_read(" mfs(", "SYS_SAFECOPYTO  ok", NULL), 32);
	CU_ASSERT_EQUAL(vat_count_in_read(" vfs(", "-> kernel(", NULL), 0);
	CU_ASSERT_EQUAL(vat_count_in_read("BDEV_", "", NULL), 0);
}

/* ------------------------------------------------------------ events */

enum {
	VAT_OTHER_CHANGES = 1, /* create, write, chmod, unlink "other" */
	VAT_OTHER_FLOOD = 2,   /* more events than the ring holds */
	VAT_OTHER_SUBSCRIBE = 3,
};

/* Another system process using VFS_AT_*: arg = VFS | what << 32. */
static int vat_other_main(uint64_t arg)
{
	struct vat_ctx *c = vat_ctx_new((endpoint_t)(uint32_t)arg);
	if (!c)
		return 1;
	uint8_t *buf = (uint8_t *)c->groups;
	uint32_t ino;
	switch (arg >> 32) {
	case VAT_OTHER_CHANGES:
		VAT_IS(vat_create(c, VAT_ROOT, "other", 0644, KIP_O_RDWR), 0);
		ino = c->st.st_ino;
		VAT_IS(vat_io(c, VFS_AT_WRITE, ino, 0, buf, 10, 0), 10);
		VAT_IS(vat_set1(c, ino, KIP_SETATTR_MODE, 0600), 0);
		VAT_IS(vat_release(c, ino), 0);
		VAT_IS(vat_unlink(c, VAT_ROOT, "other"), 0);
		VAT_IS(vat_forget(c, ino, 1), 0);
		break;
	case VAT_OTHER_FLOOD:
		VAT_IS(vat_lookup(c, VAT_ROOT, "flood"), 0);
		ino = c->st.st_ino;
		for (int i = 0; i < 300; i++)
			VAT_IS(vat_io(c, VFS_AT_WRITE, ino, (uint64_t)i, buf, 1, 0), 1);
		VAT_IS(vat_forget(c, ino, 1), 0);
		break;
	case VAT_OTHER_SUBSCRIBE:
		VAT_IS(vat_io(c, VFS_AT_EVENTS, 0, 0, buf, 4096, 0), -EINVAL); /* not yet */
		VAT_IS(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);
		VAT_IS(vat_io(c, VFS_AT_EVENTS, 0, 0, buf, 4096, 0), 0);
		break;
	}
	return 0;
}
KIP_PROGRAM(vat_other, vat_other_main, 2, KIP_PROG_SYSTEM);

/* Wait for VFS's NOTIFY (a pending one is taken at once). */
static void vat_wait_notify(struct vat_ctx *c)
{
	message m;
	VAT_IS(kip_receive(c->vfs, &m), 0);
	VAT_IS(m.m_type, NOTIFY_MESSAGE);
}

/* Fetch events into ev[]; how many. */
static int vat_events(struct vat_ctx *c, struct vfs_event *ev, size_t cap)
{
	int r = vat_io(c, VFS_AT_EVENTS, 0, 0, ev, cap * sizeof(*ev), 0);
	VAT_CHECK(r >= 0 && r % (int)sizeof(*ev) == 0);
	return r < 0 ? r : r / (int)sizeof(*ev);
}

static bool vat_is_entry(const struct vfs_event *e, uint32_t dir, const char *name, uint32_t ino)
{
	return e->kind == KIP_VFS_EV_ENTRY && e->dir == dir && e->ino == ino &&
	       e->name_len == strlen(name) && !strcmp(e->name, name);
}

static void vat_events_body(struct vat_ctx *c)
{
	struct vfs_event *ev = kip_page_alloc(1);
	const size_t cap = 4096 / sizeof(*ev);
	VAT_IS(vat_io(c, VFS_AT_EVENTS, 0, 0, ev, 4096, 0), -EINVAL); /* not subscribed */
	VAT_IS(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);

	/* The subscriber's own changes are not events. */
	VAT_IS(vat_create(c, VAT_ROOT, "own", 0644, KIP_O_RDWR), 0);
	uint32_t own = c->st.st_ino;
	VAT_IS(vat_io(c, VFS_AT_WRITE, own, 0, ev, 10, 0), 10);
	VAT_IS(vat_set1(c, own, KIP_SETATTR_MODE, 0600), 0);
	VAT_IS(vat_release(c, own), 0);
	VAT_IS(vat_unlink(c, VAT_ROOT, "own"), 0);
	VAT_IS(vat_forget(c, own, 1), 0);
	VAT_IS(vat_events(c, ev, cap), 0);

	/* Another AT caller's are, in order. */
	VAT_IS(vat_start("vat_other", (uint32_t)c->vfs | (uint64_t)VAT_OTHER_CHANGES << 32, false),
	       0);
	vat_wait_notify(c);
	VAT_IS(vat_events(c, ev, 1), 1); /* a small buffer takes what fits */
	uint32_t other = ev[0].ino;
	VAT_CHECK(other != 0 && vat_is_entry(&ev[0], VAT_ROOT, "other", other));
	VAT_IS(vat_io(c, VFS_AT_EVENTS, 0, 0, ev, sizeof(*ev) - 1, 0), -EINVAL);
	VAT_IS(vat_events(c, ev, cap), 3);
	VAT_CHECK(ev[0].kind == KIP_VFS_EV_INODE && ev[0].ino == other); /* write */
	VAT_CHECK(ev[1].kind == KIP_VFS_EV_INODE && ev[1].ino == other); /* chmod */
	VAT_CHECK(vat_is_entry(&ev[2], VAT_ROOT, "other", other));	 /* unlink */
	VAT_IS(vat_events(c, ev, cap), 0);

	/* More than the ring holds: one "everything changed" record. */
	VAT_IS(vat_create(c, VAT_ROOT, "flood", 0644, KIP_O_RDWR), 0);
	uint32_t flood = c->st.st_ino;
	VAT_IS(vat_release(c, flood), 0);
	VAT_IS(vat_start("vat_other", (uint32_t)c->vfs | (uint64_t)VAT_OTHER_FLOOD << 32, false),
	       0);
	vat_wait_notify(c);
	VAT_IS(vat_events(c, ev, cap), 1);
	VAT_CHECK(ev[0].kind == KIP_VFS_EV_INODE && ev[0].ino == 0);
	VAT_IS(vat_events(c, ev, cap), 0);

	/* A second subscriber replaces the first. */
	VAT_IS(vat_start("vat_other", (uint32_t)c->vfs | (uint64_t)VAT_OTHER_SUBSCRIBE << 32,
			 false),
	       0);
	VAT_IS(vat_io(c, VFS_AT_EVENTS, 0, 0, ev, 4096, 0), -EINVAL);
	VAT_IS(vat_unlink(c, VAT_ROOT, "flood"), 0); /* its subscriber is gone: dropped */
	VAT_IS(vat_forget(c, flood, 1), 0);
	VAT_IS(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);
	VAT_IS(vat_events(c, ev, cap), 0);
}

static void test_at_events(void)
{
	vat_make_image("1024");
	vat_run(vat_events_body, KT_TRACE, true);
	/* One NOTIFY per batch: the other caller's changes, the flood. */
	CU_ASSERT_EQUAL(vat_count_lines(" vfs(", "-> vat_main(", "NOTIFY_MESSAGE"), 2);
}

/* A user program's POSIX calls, each changing something once. */
static int vat_poser_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	char *page = kip_page_alloc(1);
	if (!px || !page)
		return 1;
	memcpy(page, "data", 4);
	int fd = kip_open(px, "/posix", KIP_O_CREAT | KIP_O_WRONLY, 0644);
	if (fd < 0 || kip_write(px, fd, page, 4) != 4 || kip_pwrite(px, fd, page, 2, 10) != 2)
		return 2;
	if (kip_ftruncate(px, fd, 8) != 0 || kip_close(px, fd) != 0)
		return 3;
	if (kip_truncate(px, "/posix", 2) != 0)
		return 4;
	fd = kip_open(px, "/posix", KIP_O_WRONLY | KIP_O_TRUNC, 0);
	if (fd < 0 || kip_close(px, fd) != 0)
		return 5;
	if (kip_chmod(px, "/posix", 0600) != 0 || kip_chown(px, "/posix", 5, 5) != 0 ||
	    kip_utime(px, "/posix", NULL) != 0)
		return 6;
	if (kip_link(px, "/posix", "/plink") != 0 || kip_rename(px, "/plink", "/pren") != 0)
		return 7;
	if (kip_symlink(px, "posix", "/psym") != 0 ||
	    kip_mknod(px, "/pfifo", MINIXFS_S_IFIFO | 0644, 0) != 0)
		return 8;
	if (kip_unlink(px, "/pfifo") != 0 || kip_unlink(px, "/psym") != 0 ||
	    kip_unlink(px, "/pren") != 0 || kip_unlink(px, "/posix") != 0)
		return 9;
	if (kip_mkdir(px, "/pdir", 0755) != 0 || kip_rmdir(px, "/pdir") != 0)
		return 10;
	return 0;
}
KIP_PROGRAM(vat_poser, vat_poser_main, 8, KIP_PROG_USER);

/* What vat_poser's calls must produce, in order: an ENTRY's name, or NULL
 * for an INODE event of /posix. */
static const char *const vat_poser_events[] = {
	"posix",			  /* open O_CREAT */
	NULL,				  /* write */
	NULL,				  /* pwrite */
	NULL,				  /* ftruncate */
	NULL,				  /* truncate */
	NULL,				  /* open O_TRUNC */
	NULL,				  /* chmod */
	NULL,				  /* chown */
	NULL,				  /* utime */
	"plink",			  /* link */
	"plink",			  /* rename: the old name */
	"pren",				  /* ... and the new one */
	"psym",				  /* symlink */
	"pfifo",			  /* mknod */
	"pfifo",			  /* unlink */
	"psym",	 "pren", "posix", "pdir", /* mkdir */
	"pdir",				  /* rmdir */
};
#define VAT_POSER_EVENTS (int)(sizeof(vat_poser_events) / sizeof(vat_poser_events[0]))

static void vat_posix_events_body(struct vat_ctx *c)
{
	struct vfs_event *ev = kip_page_alloc(1);
	const size_t cap = 4096 / sizeof(*ev);
	VAT_IS(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);
	VAT_IS(vat_start("vat_poser", (uint32_t)c->vfs, true), 0);
	int n = vat_events(c, ev, cap);
	VAT_IS(n, VAT_POSER_EVENTS); /* 0: the POSIX handlers call no vfs_event_* */
	if (n > 0)
		vat_wait_notify(c); /* sent with the first event, and still pending */
	uint32_t posix = ev[0].ino;
	VAT_CHECK(posix != 0);
	for (int i = 0; i < n && i < VAT_POSER_EVENTS; i++) {
		const char *name = vat_poser_events[i];
		if (!name) {
			VAT_CHECK(ev[i].kind == KIP_VFS_EV_INODE && ev[i].ino == posix);
			continue;
		}
		VAT_CHECK(ev[i].kind == KIP_VFS_EV_ENTRY && ev[i].dir == VAT_ROOT);
		VAT_CHECK(ev[i].name_len == strlen(name) && !strcmp(ev[i].name, name));
		bool same = !strcmp(name, "posix") || name[1] == 'l' || name[1] == 'r';
		VAT_CHECK(same ? ev[i].ino == posix : ev[i].ino != 0);
	}
	VAT_IS(vat_events(c, ev, cap), 0);
}

static void test_at_posix_events(void)
{
	vat_make_image("1024");
	vat_run(vat_posix_events_body, 0, true);
}

static const struct kip_test vfs_at_tests[] = {
	{"a user program gets EPERM; references keep an unlinked inode", test_at_refs},
	{"create, mkdir, mknod, symlink, link, rename, unlink, rmdir, getdents", test_at_names},
	{"permissions follow the request's credentials", test_at_permissions},
	{"128 KiB in one AT_WRITE and one AT_READ; O_APPEND, O_TRUNC", test_at_data},
	{"a 128 KiB AT_READ on a cache hit is 4 messages", test_at_read_trace},
	{"change events: another AT caller's, none of the subscriber's own", test_at_events},
	{"change events: a user's POSIX calls reach the subscriber", test_at_posix_events},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_at, vfs_at_tests);
