/*
 * tests/kernel/test_vfs_at.c - VFS's privileged interface (VFS_AT_*,
 * servers/vfs/at*.c), used as the FUSE bridge's fused will use it, on MFS
 * and the disk driver in a booted kernel, on images made by `kip mkfs`
 * (suite `vfs_at`; its change events are suite `vfs_at_events`,
 * test_vfs_at_events.c).
 *
 * The caller is a system process started by the harness (vat_main,
 * tests/kernel/vfs_at_client.h), acting for whichever uid, gid, umask and
 * supplementary groups a check names.  Pins: a user program gets EPERM;
 * LOOKUP returns MFS's inode number; lookup and open references keep an
 * unlinked file readable by number until RELEASE and FORGET, after which
 * MFS has freed it (AT_STATFS) and the number is ESTALE; CREATE, MKDIR,
 * MKNOD, SYMLINK (READLINK), LINK, RENAME (NOREPLACE: EEXIST; EXCHANGE:
 * EINVAL), UNLINK, RMDIR, GETDENTS from an offset; permissions by
 * credentials: no write permission on a directory (EACCES), the sticky
 * rule (EPERM), setgid inheritance, the umask, chown rules (EPERM, uid
 * 70000 EINVAL), a supplementary group through cred_grant; SETATTR size
 * (KIP_SETATTR_OPENED: an ftruncate, no write permission asked),
 * mode and times; 128 KiB in one AT_WRITE and one AT_READ, and from the
 * IPC trace, such a read on a cache hit is 4 messages (AT_READ, MFS_READ
 * and their replies) with MFS copying straight into the caller.  Every
 * image passes `kip fsck` after sync, and `fsck.minix -f` when its blocks
 * are 1 KiB.
 */
#include <stdio.h>
#include <string.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kernel/vfs_at_client.h"
#include "tests/kip_test.h"

#define VAT_BIG (128u * 1024) /* one AT_READ / AT_WRITE */

static uint8_t vat_pat(uint64_t i)
{
	return (uint8_t)(i * 7 + i / 1021);
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
	FT_EQ(vat_start("vat_user", (uint32_t)c->vfs, true), 0);
	long free0 = vat_free_inodes(c);
	FT_TRUE(free0 > 10);

	/* CREATE: a lookup reference and an open one. */
	FT_EQ(vat_create(c, VAT_ROOT, "a", 0666, KIP_O_RDWR | KIP_O_EXCL), 0);
	uint32_t a = c->st.st_ino;
	FT_EQ(c->st.st_mode, MINIXFS_S_IFREG | 0644); /* umask 022 */
	FT_EQ(vat_mfs_ino(c, VAT_ROOT, "a"), a);
	FT_EQ(vat_lookup(c, VAT_ROOT, "a"), 0);
	FT_EQ(c->st.st_ino, a);
	FT_EQ(vat_lookup(c, VAT_ROOT, "nope"), -ENOENT);
	memcpy(buf, "hello", 5);
	FT_EQ(vat_io(c, VFS_AT_WRITE, a, 0, buf, 5, 0), 5);
	FT_EQ(vat_free_inodes(c), free0 - 1);

	/* Unlinked, still referenced: readable by number. */
	FT_EQ(vat_unlink(c, VAT_ROOT, "a"), 0);
	FT_EQ(vat_lookup(c, VAT_ROOT, "a"), -ENOENT);
	FT_EQ(vat_getattr(c, a), 0);
	FT_TRUE(c->st.st_nlink == 0 && c->st.st_size == 5);
	memset(buf, 0, 16);
	FT_EQ(vat_io(c, VFS_AT_READ, a, 0, buf, 16, 0), 5);
	FT_TRUE(memcmp(buf, "hello", 5) == 0);
	FT_EQ(vat_release(c, a), 0);
	FT_EQ(vat_io(c, VFS_AT_READ, a, 1, buf, 16, 0), 4); /* two lookups left */
	FT_EQ(vat_forget(c, a, 1), 0);
	FT_EQ(vat_free_inodes(c), free0 - 1);
	FT_EQ(vat_getattr(c, a), 0);
	FT_EQ(vat_forget(c, a, 1), 0);

	/* The last reference went: MFS freed it, the number is stale. */
	FT_EQ(vat_free_inodes(c), free0);
	FT_EQ(vat_mfs_ino(c, a, NULL), -ENOENT);
	FT_EQ(vat_io(c, VFS_AT_READ, a, 0, buf, 16, 0), -ESTALE);
	FT_EQ(vat_getattr(c, a), -ESTALE);
	FT_EQ(vat_forget(c, a, 1), 0); /* nothing left to drop */
	FT_EQ(vat_getattr(c, VAT_ROOT), 0);
	FT_TRUE(vat_type(c) == MINIXFS_S_IFDIR && c->st.st_ino == VAT_ROOT);
}

static void test_at_refs(void)
{
	vat_run("1024", vat_refs_body, 0);
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
			FT_EQ(r, 0);
			break;
		}
		FT_TRUE(c->m.m_vfs_at.offset > pos);
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
	FT_EQ(vat_mkdir(c, VAT_ROOT, "d", 0755), 0);
	uint32_t d = c->st.st_ino;
	FT_TRUE(vat_type(c) == MINIXFS_S_IFDIR && c->st.st_nlink == 2);
	FT_EQ(vat_mkdir(c, VAT_ROOT, "d", 0755), -EEXIST);
	FT_EQ(vat_create(c, d, "f", 0600, KIP_O_WRONLY | KIP_O_EXCL), 0);
	uint32_t f = c->st.st_ino;
	FT_EQ(vat_release(c, f), 0);
	FT_EQ(vat_create(c, d, "f", 0600, KIP_O_WRONLY | KIP_O_EXCL), -EEXIST);
	FT_EQ(vat_create(c, d, "f", 0600, KIP_O_RDWR), 0); /* opens it */
	FT_EQ(c->st.st_ino, f);
	FT_EQ(vat_release(c, f), 0);
	FT_EQ(vat_create(c, d, "f", 0600, KIP_O_RDWR | 0x40000000), -EINVAL);

	/* mknod: FIFOs for anyone, devices for root. */
	FT_EQ(vat_mknod(c, d, "fifo", MINIXFS_S_IFIFO | 0644, 0), 0);
	uint32_t fifo = c->st.st_ino;
	FT_EQ(vat_type(c), MINIXFS_S_IFIFO);
	FT_EQ(vat_open(c, fifo, KIP_O_RDONLY), -ENXIO);
	FT_EQ(vat_mknod(c, d, "cdev", MINIXFS_S_IFCHR | 0600, 0x0501), 0);
	uint32_t cdev = c->st.st_ino;
	FT_TRUE(vat_type(c) == MINIXFS_S_IFCHR && c->st.st_rdev == 0x0501);
	vat_as(c, 1000, 100, 022);
	FT_EQ(vat_mknod(c, d, "cdev2", MINIXFS_S_IFCHR | 0600, 1), -EPERM);
	vat_as(c, 0, 0, 022);
	FT_EQ(vat_mknod(c, d, "dir", MINIXFS_S_IFDIR | 0755, 0), -EINVAL);

	/* symlink, readlink */
	FT_EQ(vat_symlink(c, d, "ln", "target/of/link"), 0);
	uint32_t ln = c->st.st_ino;
	FT_TRUE(vat_type(c) == MINIXFS_S_IFLNK && c->st.st_size == 14);
	FT_EQ(vat_symlink(c, d, "ln", "x"), -EEXIST);
	FT_EQ(vat_symlink(c, d, "empty", ""), -ENOENT);
	FT_EQ(vat_io(c, VFS_AT_READLINK, ln, 0, buf, 100, 0), 14);
	FT_TRUE(memcmp(buf, "target/of/link", 14) == 0);
	FT_EQ(vat_io(c, VFS_AT_READLINK, f, 0, buf, 100, 0), -EINVAL);
	FT_EQ(vat_open(c, ln, KIP_O_RDONLY), -ELOOP);

	/* link */
	FT_EQ(vat_link(c, f, VAT_ROOT, "f2"), 0);
	FT_TRUE(c->st.st_ino == f && c->st.st_nlink == 2);
	FT_EQ(vat_link(c, d, VAT_ROOT, "d2"), -EPERM);
	FT_EQ(vat_link(c, f, VAT_ROOT, "f2"), -EEXIST);

	/* rename */
	FT_EQ(vat_rename(c, d, "f", VAT_ROOT, "g", 0), 0);
	FT_EQ(vat_lookup(c, d, "f"), -ENOENT);
	FT_EQ(vat_lookup(c, VAT_ROOT, "g"), 0);
	FT_EQ(c->st.st_ino, f);
	FT_EQ(vat_rename(c, VAT_ROOT, "g", VAT_ROOT, "f2", KIP_RENAME_NOREPLACE), -EEXIST);
	FT_EQ(vat_rename(c, VAT_ROOT, "g", VAT_ROOT, "h", KIP_RENAME_EXCHANGE), -EINVAL);
	FT_EQ(vat_rename(c, VAT_ROOT, "g", VAT_ROOT, "h", 4), -EINVAL);
	FT_EQ(vat_rename(c, VAT_ROOT, "g", d, "back", KIP_RENAME_NOREPLACE), 0);
	FT_EQ(vat_rename(c, VAT_ROOT, "g", d, "back", 0), -ENOENT);

	/* names: 60 bytes fit, 61 do not, a slash is not a name */
	char name[64];
	memset(name, 'n', sizeof(name));
	name[61] = '\0';
	FT_EQ(vat_create(c, d, name, 0644, KIP_O_RDWR), -ENAMETOOLONG);
	name[60] = '\0';
	FT_EQ(vat_create(c, d, name, 0644, KIP_O_RDWR), 0);
	uint32_t longf = c->st.st_ino;
	FT_EQ(vat_release(c, longf), 0);
	FT_EQ(vat_unlink(c, d, name), 0);
	FT_EQ(vat_forget(c, longf, 1), 0);
	FT_EQ(vat_lookup(c, VAT_ROOT, "d/back"), -EINVAL);
	FT_EQ(vat_lookup(c, VAT_ROOT, ""), -ENOENT);

	/* getdents from an offset */
	static const char *const want[] = {".", "..", "fifo", "cdev", "ln", "back"};
	int entries;
	FT_EQ(vat_list(c, d, want, 6, &entries), 0x3f);
	FT_EQ(entries, 6);
	FT_EQ(vat_io(c, VFS_AT_GETDENTS, f, 0, buf, 1000, 0), -ENOTDIR);
	FT_EQ(vat_io(c, VFS_AT_READ, d, 0, buf, 1000, 0), -EISDIR);

	/* unlink, rmdir */
	FT_EQ(vat_rmdir(c, VAT_ROOT, "d"), -ENOTEMPTY);
	FT_EQ(vat_rmdir(c, d, "back"), -ENOTDIR);
	FT_EQ(vat_unlink(c, VAT_ROOT, "d"), -EISDIR);
	FT_EQ(vat_rmdir(c, d, "."), -EINVAL);
	FT_EQ(vat_rmdir(c, d, ".."), -ENOTEMPTY);
	const char *gone[] = {"fifo", "cdev", "ln", "back"};
	for (int i = 0; i < 4; i++)
		FT_EQ(vat_unlink(c, d, gone[i]), 0);
	FT_EQ(vat_unlink(c, VAT_ROOT, "f2"), 0);
	FT_EQ(vat_rmdir(c, VAT_ROOT, "d"), 0);
	FT_EQ(vat_getattr(c, d), 0); /* referenced: still there, empty, unlinked */
	FT_EQ(c->st.st_nlink, 0);
	FT_EQ(vat_create(c, d, "late", 0644, KIP_O_RDWR), -ENOENT);
	FT_EQ(vat_lookup(c, VAT_ROOT, "d"), -ENOENT);

	/* Give every reference back: references taken above, per inode. */
	FT_EQ(vat_forget(c, d, 1), 0);
	FT_EQ(vat_forget(c, f, 5), 0); /* create x2, lookup, link */
	FT_EQ(vat_forget(c, fifo, 1), 0);
	FT_EQ(vat_forget(c, cdev, 1), 0);
	FT_EQ(vat_forget(c, ln, 1), 0);
	FT_EQ(vat_getattr(c, f), -ESTALE);
	FT_EQ(vat_mfs_ino(c, f, NULL), -ENOENT);
	FT_EQ(vat_mfs_ino(c, d, NULL), -ENOENT);
}

static void test_at_names(void)
{
	vat_run("1024", vat_names_body, 0);
}

/* ------------------------------------------------------- permissions */

static void vat_perm_body(struct vat_ctx *c)
{
	FT_EQ(vat_mkdir(c, VAT_ROOT, "p", 0755), 0);
	uint32_t p = c->st.st_ino;
	FT_EQ(vat_mkdir(c, VAT_ROOT, "priv", 0700), 0);
	uint32_t priv = c->st.st_ino;
	FT_EQ(vat_mkdir(c, VAT_ROOT, "tmp", 01777), 0);
	uint32_t tmp = c->st.st_ino;
	FT_EQ(c->st.st_mode, MINIXFS_S_IFDIR | 01755); /* root's umask 022 */
	FT_EQ(vat_set1(c, tmp, KIP_SETATTR_MODE, 01777), 0);
	FT_EQ(c->st.st_mode, MINIXFS_S_IFDIR | 01777);

	/* No write permission on the directory; no search permission. */
	vat_as(c, 1000, 100, 022);
	FT_EQ(vat_create(c, p, "x", 0644, KIP_O_RDWR), -EACCES);
	FT_EQ(vat_mkdir(c, p, "x", 0755), -EACCES);
	FT_EQ(vat_lookup(c, p, "x"), -ENOENT);
	FT_EQ(vat_lookup(c, priv, "x"), -EACCES);
	FT_EQ(vat_access(c, p, KIP_W_OK), -EACCES);
	FT_EQ(vat_access(c, p, KIP_R_OK | KIP_X_OK), 0);
	FT_EQ(vat_access(c, p, 8), -EINVAL);

	/* umask 027; the sticky directory. */
	vat_as(c, 1000, 100, 027);
	FT_EQ(vat_create(c, tmp, "mine", 0666, KIP_O_WRONLY), 0);
	uint32_t mine = c->st.st_ino;
	FT_TRUE(c->st.st_mode == (MINIXFS_S_IFREG | 0640) && c->st.st_uid == 1000 &&
		c->st.st_gid == 100);
	FT_EQ(vat_release(c, mine), 0);
	vat_as(c, 1001, 101, 022);
	FT_EQ(vat_unlink(c, tmp, "mine"), -EPERM);
	FT_EQ(vat_rename(c, tmp, "mine", tmp, "stolen", 0), -EPERM);
	FT_EQ(vat_open(c, mine, KIP_O_RDONLY), -EACCES);

	/* chown and chmod: the owner, or root. */
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_UID, 1001), -EPERM);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_GID, 101), -EPERM);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_MODE, 0666), -EPERM);
	struct vfs_setattr times = {.mask = KIP_SETATTR_ATIME | KIP_SETATTR_MTIME};
	times.atime = 1000;
	times.mtime = 2000;
	FT_EQ(vat_setattr(c, mine, &times), -EPERM);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_SIZE, 0), -EACCES);
	/* ftruncate: through a file opened for writing, the open was the check
	 * (pjdfstest ftruncate/00: open(O_CREAT|O_RDWR, 0), then ftruncate). */
	struct vfs_setattr ft = {.mask = KIP_SETATTR_SIZE | KIP_SETATTR_OPENED | KIP_SETATTR_MTIME};
	ft.size = 10;
	ft.mtime = KIP_UTIME_NOW;
	FT_EQ(vat_setattr(c, mine, &ft), 0);
	FT_EQ(c->st.st_size, 10);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_OPENED, 0), -EINVAL); /* only with SIZE */
	ft.mask |= KIP_SETATTR_MODE;				  /* the rest is checked as ever */
	ft.mode = 0666;
	FT_EQ(vat_setattr(c, mine, &ft), -EPERM);
	vat_as(c, 1000, 100, 022);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_MODE, 0600), 0);
	FT_EQ(c->st.st_mode, MINIXFS_S_IFREG | 0600);
	FT_EQ(vat_setattr(c, mine, &times), 0);
	FT_TRUE(c->st.st_atime_sec == 1000 && c->st.st_mtime_sec == 2000);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_SIZE, 300), 0);
	FT_EQ(c->st.st_size, 300);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_UID, 1001), -EPERM);
	FT_EQ(vat_set1(c, mine, 1u << 10, 0), -EINVAL);
	vat_as(c, 0, 0, 022);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_UID, 70000), -EINVAL);
	FT_EQ(vat_set1(c, mine, KIP_SETATTR_UID, 1001), 0);
	FT_EQ(c->st.st_uid, 1001);
	FT_EQ(vat_set1(c, p, KIP_SETATTR_SIZE, 0), -EISDIR);
	vat_as(c, 1001, 101, 022);
	FT_EQ(vat_unlink(c, tmp, "mine"), 0); /* its owner now */
	FT_EQ(vat_forget(c, mine, 1), 0);

	/* setgid: new files take the directory's group, directories the bit. */
	vat_as(c, 0, 0, 022);
	FT_EQ(vat_mkdir(c, VAT_ROOT, "sg", 0775), 0);
	uint32_t sg = c->st.st_ino;
	struct vfs_setattr sa = {.mask = KIP_SETATTR_GID | KIP_SETATTR_MODE};
	sa.gid = 500;
	sa.mode = 02775;
	FT_EQ(vat_setattr(c, sg, &sa), 0);
	FT_TRUE(c->st.st_gid == 500 && c->st.st_mode == (MINIXFS_S_IFDIR | 02775));
	vat_as(c, 1002, 100, 022);
	FT_EQ(vat_create(c, sg, "z", 0644, KIP_O_RDWR), -EACCES); /* not in group 500 */
	c->groups[0] = 7;
	c->groups[1] = 500;
	c->ngroups = 2;
	FT_EQ(vat_create(c, sg, "n", 0664, KIP_O_RDWR), 0);
	uint32_t n = c->st.st_ino;
	FT_TRUE(c->st.st_gid == 500 && c->st.st_uid == 1002);
	FT_EQ(c->st.st_mode, MINIXFS_S_IFREG | 0644);
	FT_EQ(vat_release(c, n), 0);
	FT_EQ(vat_mkdir(c, sg, "sub", 0775), 0);
	FT_TRUE(c->st.st_gid == 500 && c->st.st_mode == (MINIXFS_S_IFDIR | 02755));

	/* A supplementary group grants the group's bits. */
	vat_as(c, 0, 0, 022);
	FT_EQ(vat_create(c, VAT_ROOT, "grp", 0640, KIP_O_RDWR), 0);
	uint32_t grp = c->st.st_ino;
	FT_EQ(vat_release(c, grp), 0);
	FT_EQ(vat_set1(c, grp, KIP_SETATTR_GID, 500), 0);
	vat_as(c, 1002, 100, 022);
	FT_EQ(vat_open(c, grp, KIP_O_RDONLY), -EACCES);
	FT_EQ(vat_access(c, grp, KIP_R_OK), -EACCES);
	c->groups[0] = 7;
	c->groups[1] = 500;
	c->ngroups = 2;
	FT_EQ(vat_access(c, grp, KIP_R_OK), 0);
	FT_EQ(vat_access(c, grp, KIP_W_OK), -EACCES);
	FT_EQ(vat_open(c, grp, KIP_O_RDONLY), 0);
	FT_EQ(vat_release(c, grp), 0);
	FT_EQ(vat_open(c, grp, KIP_O_RDWR), -EACCES);
	c->ngroups = KIP_AT_NGROUPS_MAX + 1;
	FT_EQ(vat_open(c, grp, KIP_O_RDONLY), -EINVAL);
}

static void test_at_permissions(void)
{
	vat_run("1024", vat_perm_body, 0);
}

/* -------------------------------------------------------------- data */

static void vat_data_body(struct vat_ctx *c)
{
	uint8_t *buf = kip_page_alloc(VAT_BIG / 4096), *back = kip_page_alloc(VAT_BIG / 4096);
	for (uint32_t i = 0; i < VAT_BIG; i++)
		buf[i] = vat_pat(i);
	FT_EQ(vat_create(c, VAT_ROOT, "big", 0644, KIP_O_RDWR), 0);
	uint32_t big = c->st.st_ino;
	FT_EQ(vat_io(c, VFS_AT_WRITE, big, 0, buf, VAT_BIG, 0), VAT_BIG);
	FT_EQ(vat_io(c, VFS_AT_READ, big, 0, back, VAT_BIG, 0), VAT_BIG);
	FT_TRUE(memcmp(buf, back, VAT_BIG) == 0);
	FT_EQ(vat_io(c, VFS_AT_READ, big, VAT_BIG - 10, back, 100, 0), 10);
	FT_EQ(vat_io(c, VFS_AT_READ, big, VAT_BIG, back, 100, 0), 0);

	/* O_APPEND writes at the end, wherever asked to. */
	memcpy(back, "tail", 4);
	FT_EQ(vat_io(c, VFS_AT_WRITE, big, 3, back, 4, KIP_O_APPEND), 4);
	FT_EQ(vat_getattr(c, big), 0);
	FT_EQ(c->st.st_size, VAT_BIG + 4);
	FT_EQ(vat_io(c, VFS_AT_READ, big, VAT_BIG, back, 100, 0), 4);
	FT_TRUE(memcmp(back, "tail", 4) == 0);

	/* OPEN with O_TRUNC truncates; its reply says so. */
	FT_EQ(vat_open(c, big, KIP_O_WRONLY | KIP_O_TRUNC), 0);
	FT_EQ(c->st.st_size, 0);
	FT_EQ(vat_release(c, big), 0);
	FT_EQ(vat_open(c, VAT_ROOT, KIP_O_RDWR), -EISDIR);
	FT_EQ(vat_open(c, VAT_ROOT, KIP_O_RDONLY | KIP_O_DIRECTORY), 0);
	FT_EQ(vat_release(c, VAT_ROOT), 0);
	FT_EQ(vat_open(c, big, KIP_O_RDONLY | KIP_O_DIRECTORY), -ENOTDIR);
	FT_EQ(vat_release(c, big), 0);
	FT_EQ(vat_forget(c, big, 1), 0);
	FT_EQ(vat_io(c, VFS_AT_READ, big, 0, back, 100, 0), -ESTALE); /* nobody holds it */
}

static void test_at_data(void)
{
	vat_run("1024", vat_data_body, 0);
}

/* ---------------------------------------------- the read, in the trace */

static void vat_trace_body(struct vat_ctx *c)
{
	uint8_t *buf = kip_page_alloc(VAT_BIG / 4096);
	for (uint32_t i = 0; i < VAT_BIG; i++)
		buf[i] = vat_pat(i);
	FT_EQ(vat_create(c, VAT_ROOT, "walk", 0644, KIP_O_RDWR), 0);
	uint32_t ino = c->st.st_ino;
	FT_EQ(vat_io(c, VFS_AT_WRITE, ino, 0, buf, VAT_BIG, 0), VAT_BIG);
	memset(buf, 0, VAT_BIG);
	FT_EQ(vat_io(c, VFS_AT_READ, ino, 0, buf, VAT_BIG, 0), VAT_BIG); /* all cached now */
	memset(buf, 0, VAT_BIG);
	kip_print("read begins\n", 12);
	int r = vat_io(c, VFS_AT_READ, ino, 0, buf, VAT_BIG, 0);
	kip_print("read ends\n", 10);
	FT_EQ(r, VAT_BIG);
	for (uint32_t i = 0; i < VAT_BIG; i++)
		if (buf[i] != vat_pat(i)) {
			FT_EQ(i, -1);
			break;
		}
	FT_EQ(vat_release(c, ino), 0);
}

static void test_at_read_trace(void)
{
	/* 4 KiB blocks: the 128 KiB file fits MFS's 64-block cache (1 KiB
	 * blocks would not), so the second read is a hit. */
	vat_run("4096", vat_trace_body, KT_TRACE);
	/* Every message between the markers: the request, MFS_READ, and the
	 * two replies; the kernel calls are not messages. */
	int messages = ft_trace_lines(FT_MARKED, ") -> ", NULL, NULL, "-> kernel(");
	fprintf(stderr, " [AT_READ of 128 KiB on a hit: %d messages] ", messages);
	CU_ASSERT_EQUAL(messages, 4);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, "vat_main(", "-> vfs(", NULL, "REPLY"), 1);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, "vfs(", "-> mfs(", NULL, "REPLY"), 1);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, "vfs(", "-> vat_main(", NULL, NULL), 1);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, " mfs(", "-> vfs(", NULL, NULL), 1);
	/* MFS copies 32 blocks into the caller through VFS's grant; VFS
	 * copies nothing; no disk request. */
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, " mfs(", "SYS_SAFECOPYTO  ok", NULL, NULL), 32);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, " vfs(", "-> kernel(", NULL, NULL), 0);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, "BDEV_", NULL, NULL, NULL), 0);
}

static const struct kip_test vfs_at_tests[] = {
	{"a user program gets EPERM; references keep an unlinked inode", test_at_refs},
	{"create, mkdir, mknod, symlink, link, rename, unlink, rmdir, getdents", test_at_names},
	{"permissions follow the request's credentials", test_at_permissions},
	{"128 KiB in one AT_WRITE and one AT_READ; O_APPEND, O_TRUNC", test_at_data},
	{"a 128 KiB AT_READ on a cache hit is 4 messages", test_at_read_trace},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_at, vfs_at_tests);
