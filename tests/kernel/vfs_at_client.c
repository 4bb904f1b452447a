/*
 * tests/kernel/vfs_at_client.c - a caller of VFS's privileged interface
 * for the tests (vfs_at_client.h): the requests, and the runs of the
 * vfs_at suites.
 */
#include <CUnit/CUnit.h>
#include <string.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kernel/vfs_at_client.h"

void vat_as(struct vat_ctx *c, uint32_t uid, uint32_t gid, uint32_t umask)
{
	c->uid = uid;
	c->gid = gid;
	c->umask = umask;
	c->ngroups = 0;
}

/* Send m with c's credentials; the reply's status. */
int vat_send(struct vat_ctx *c, message *m)
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

int vat_lookup(struct vat_ctx *c, uint32_t dir, const char *name)
{
	return vat_name1(c, VFS_AT_LOOKUP, dir, name, 0, 0, 0);
}

int vat_create(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode, int flags)
{
	return vat_name1(c, VFS_AT_CREATE, dir, name, mode, flags, 0);
}

int vat_mkdir(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode)
{
	return vat_name1(c, VFS_AT_MKDIR, dir, name, mode, 0, 0);
}

int vat_mknod(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode, uint32_t rdev)
{
	return vat_name1(c, VFS_AT_MKNOD, dir, name, mode, 0, rdev);
}

int vat_unlink(struct vat_ctx *c, uint32_t dir, const char *name)
{
	return vat_name1(c, VFS_AT_UNLINK, dir, name, 0, 0, 0);
}

int vat_rmdir(struct vat_ctx *c, uint32_t dir, const char *name)
{
	return vat_name1(c, VFS_AT_RMDIR, dir, name, 0, 0, 0);
}

int vat_symlink(struct vat_ctx *c, uint32_t dir, const char *name, const char *target)
{
	message m;
	kip_msg_init(&m, VFS_AT_SYMLINK);
	return vat_named(c, VFS_AT_SYMLINK, dir, name, target, &m);
}

int vat_link(struct vat_ctx *c, uint32_t ino, uint32_t dir, const char *name)
{
	message m;
	kip_msg_init(&m, VFS_AT_LINK);
	m.m_vfs_at.ino2 = ino;
	return vat_named(c, VFS_AT_LINK, dir, name, NULL, &m);
}

int vat_rename(struct vat_ctx *c, uint32_t odir, const char *oname, uint32_t ndir,
	       const char *nname, int flags)
{
	message m;
	kip_msg_init(&m, VFS_AT_RENAME);
	m.m_vfs_at.ino2 = ndir;
	m.m_vfs_at.flags = flags;
	return vat_named(c, VFS_AT_RENAME, odir, oname, nname, &m);
}

/* A request about one inode, nothing granted. */
int vat_ino(struct vat_ctx *c, int type, uint32_t ino, int flags, uint64_t offset)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs_at.ino = ino;
	m.m_vfs_at.flags = flags;
	m.m_vfs_at.offset = offset;
	return vat_send(c, &m);
}

int vat_forget(struct vat_ctx *c, uint32_t ino, uint64_t n)
{
	return vat_ino(c, VFS_AT_FORGET, ino, 0, n);
}

int vat_getattr(struct vat_ctx *c, uint32_t ino)
{
	return vat_ino(c, VFS_AT_GETATTR, ino, 0, 0);
}

int vat_open(struct vat_ctx *c, uint32_t ino, int flags)
{
	return vat_ino(c, VFS_AT_OPEN, ino, flags, 0);
}

int vat_release(struct vat_ctx *c, uint32_t ino)
{
	return vat_ino(c, VFS_AT_RELEASE, ino, 0, 0);
}

int vat_access(struct vat_ctx *c, uint32_t ino, int mode)
{
	return vat_ino(c, VFS_AT_ACCESS, ino, mode, 0);
}

/* READ, WRITE, GETDENTS, READLINK, EVENTS: len bytes at buf. */
int vat_io(struct vat_ctx *c, int type, uint32_t ino, uint64_t off, void *buf, size_t len,
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

int vat_setattr(struct vat_ctx *c, uint32_t ino, const struct vfs_setattr *sa)
{
	message m;
	kip_msg_init(&m, VFS_AT_SETATTR);
	m.m_vfs_at.ino = ino;
	memcpy(c->names, sa, sizeof(*sa));
	return vat_buf(c, &m, c->names, sizeof(*sa), KIP_GRANT_READ);
}

int vat_set1(struct vat_ctx *c, uint32_t ino, uint32_t mask, uint64_t value)
{
	struct vfs_setattr sa = {.mask = mask};
	sa.mode = (uint32_t)value;
	sa.uid = sa.gid = (uint32_t)value;
	sa.size = value;
	return vat_setattr(c, ino, &sa);
}

long vat_free_inodes(struct vat_ctx *c)
{
	message m;
	kip_msg_init(&m, VFS_AT_STATFS);
	int r = vat_send(c, &m);
	return r < 0 ? r : (long)m.m_vfs_statfs.f_ffree;
}

/* MFS's own answer: MFS_LOOKUP of name in dir, or MFS_STAT (name NULL). */
long vat_mfs_ino(struct vat_ctx *c, uint32_t dir, const char *name)
{
	message m;
	kip_msg_init(&m, name ? MFS_LOOKUP : MFS_STAT);
	m.m_mfs.ino = dir;
	kip_grant_id g = -1;
	if (name) {
		strcpy(c->names, name);
		g = kip_grant_direct(c->grants, c->mfs, c->names, strlen(name), KIP_GRANT_READ);
		m.m_mfs.grant = g;
		m.m_mfs.name_len = (uint32_t)strlen(name);
	}
	int r = kip_sendrec(c->mfs, &m);
	if (g >= 0)
		kip_grant_revoke(c->grants, g);
	return r < 0 ? r : m.m_type < 0 ? m.m_type : (long)m.m_mfs_attr.ino;
}

uint32_t vat_type(const struct vat_ctx *c)
{
	return c->st.st_mode & MINIXFS_S_IFMT;
}

int vat_start(const char *program, uint64_t arg, bool user)
{
	endpoint_t ep = user ? ft_user_start(program, (endpoint_t)(uint32_t)arg, 0)
			     : kip_create(program, NULL, -1, arg);
	return ep < 0 ? 1 : ft_wait(ep);
}

/* A context for VFS at vfs, as root with umask 022. */
struct vat_ctx *vat_ctx_new(endpoint_t vfs)
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

/* What vat_run's init runs, on which MFS; whether it got to its end. */
static struct {
	void (*body)(struct vat_ctx *c);
	endpoint_t mfs;
	int done;
} vat;

/* Run vat.body as root, then sync. */
static int vat_main(uint64_t vfs)
{
	struct vat_ctx *c = vat_ctx_new((endpoint_t)vfs);
	if (!c)
		return 1;
	c->mfs = vat.mfs;
	vat.body(c);
	vat_as(c, 0, 0, 022);
	FT_EQ(vat_ino(c, VFS_AT_FSYNC, 0, 0, 0), 0);
	vat.done = 1;
	return 0;
}
KIP_PROGRAM(vat_main, vat_main, 2, KIP_PROG_SYSTEM);

/* ---------------------------------------------------------- host side */

void vat_run(const char *block_size, void (*body)(struct vat_ctx *c), unsigned flags)
{
	memset(&vat, 0, sizeof(vat));
	vat.body = body;
	ft_mkfs("vfsat", "4M", "--block-size", block_size, NULL);
	vat.mfs = ft_boot_mfs(flags, 0);
	endpoint_t vfs = ft_start_vfs(vat.mfs, KIP_NONE);
	kt_spawn("vat_main", (uint64_t)(uint32_t)vfs, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(vat.done, 1);
	ft_report(5);
	/* fsck.minix judges 1 KiB blocks only. */
	ft_judge(strcmp(block_size, "1024") ? FT_FSCK_KIP : FT_FSCK_BOTH, "vfs_at");
	ft_unlink();
}
