/*
 * tests/kernel/mfs_client.c - MFS's protocol from a test process, and the
 * runs of the mfs_ops suites (mfs_client.h).
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kip/minixfs.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kernel/mfs_client.h"

struct mc_shared mc;
static char mc_tree[64]; /* the host tree of mc_make_tree_image */

uint8_t mc_pat(uint64_t i, uint8_t seed)
{
	return (uint8_t)(i * 7 + i / 1024 * 13 + seed);
}

int mc_mismatches(const uint8_t *buf, uint64_t pos, uint32_t len, uint8_t seed)
{
	int bad = 0;
	for (uint32_t i = 0; i < len; i++)
		bad += buf[i] != mc_pat(pos + i, seed);
	return bad;
}

/* ------------------------------------------------- in the client process */

int mc_init(struct mc_client *c, uint64_t mfs)
{
	memset(c, 0, sizeof(*c));
	c->grants = kip_grant_init(8);
	c->mfs = (endpoint_t)mfs;
	c->name = kip_page_alloc(1);
	c->data = kip_page_alloc(16);
	return c->grants && c->name && c->data ? 0 : -1;
}

int mc_start(struct mc_client *c, uint64_t mfs)
{
	if (mc_init(c, mfs) < 0)
		return -1;
	FT_EQ(mc_mount(c), 0);
	return 0;
}

int mc_end(struct mc_client *c)
{
	FT_EQ(mc_simple(c, MFS_SYNC), 0);
	mc.done = 1;
	return 0;
}

int mc_call(struct mc_client *c, message *m)
{
	int r = kip_sendrec(c->mfs, m);
	return r < 0 ? r : m->m_type;
}

int mc_simple(struct mc_client *c, int type)
{
	message m;
	kip_msg_init(&m, type);
	return mc_call(c, &m);
}

int mc_mount(struct mc_client *c)
{
	message m;
	kip_msg_init(&m, MFS_MOUNT);
	int r = mc_call(c, &m);
	if (r == 0)
		mc.mount = m.m_mfs_mount;
	return r;
}

/* A named request (m set up by the caller): `name`, then `tail_len` bytes
 * of `tail` (RENAME's new name, SYMLINK's target) in one grant.  The
 * reply's attributes in *a if it succeeded and a is given. */
static int mc_named_req(struct mc_client *c, message *m, const char *name, const void *tail,
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
	int r = mc_call(c, m);
	kip_grant_revoke(c->grants, g);
	if (r == 0 && a)
		*a = m->m_mfs_attr;
	return r;
}

/* A request of `type` about dir, owned by 1000:100. */
static void mc_owned(message *m, int type, uint32_t dir, uint32_t mode)
{
	kip_msg_init(m, type);
	m->m_mfs.ino = dir;
	m->m_mfs.mode = mode;
	m->m_mfs.uid = 1000;
	m->m_mfs.gid = 100;
}

int mc_named(struct mc_client *c, int type, uint32_t dir, const char *name, uint32_t mode,
	     struct mfs_attr *a)
{
	message m;
	mc_owned(&m, type, dir, mode);
	return mc_named_req(c, &m, name, NULL, 0, a);
}

int mc_lookup(struct mc_client *c, uint32_t dir, const char *name, struct mfs_attr *a)
{
	return mc_named(c, MFS_LOOKUP, dir, name, 0, a);
}

uint32_t mc_ino(struct mc_client *c, uint32_t dir, const char *name)
{
	struct mfs_attr a;
	return mc_lookup(c, dir, name, &a) == 0 ? a.ino : 0;
}

int mc_mknod(struct mc_client *c, uint32_t dir, const char *name, uint32_t mode, uint64_t rdev,
	     struct mfs_attr *a)
{
	message m;
	mc_owned(&m, MFS_CREATE, dir, mode);
	m.m_mfs.position = rdev;
	return mc_named_req(c, &m, name, NULL, 0, a);
}

int mc_link(struct mc_client *c, uint32_t dir, const char *name, uint32_t ino, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_LINK);
	m.m_mfs.ino = dir;
	m.m_mfs.ino2 = ino;
	return mc_named_req(c, &m, name, NULL, 0, a);
}

int mc_rename(struct mc_client *c, uint32_t odir, const char *oname, uint32_t ndir,
	      const char *nname)
{
	message m;
	kip_msg_init(&m, MFS_RENAME);
	m.m_mfs.ino = odir;
	m.m_mfs.ino2 = ndir;
	m.m_mfs.name_len2 = (uint32_t)strlen(nname);
	return mc_named_req(c, &m, oname, nname, (uint32_t)strlen(nname), NULL);
}

int mc_symlink(struct mc_client *c, uint32_t dir, const char *name, const void *target,
	       uint32_t len, uint32_t mode, uint32_t uid, struct mfs_attr *a)
{
	message m;
	mc_owned(&m, MFS_SYMLINK, dir, mode);
	m.m_mfs.len = len;
	m.m_mfs.uid = uid;
	return mc_named_req(c, &m, name, target, len, a);
}

int mc_io(struct mc_client *c, int type, uint32_t ino, uint64_t pos, void *buf, uint32_t len)
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
	int r = mc_call(c, &m);
	kip_grant_revoke(c->grants, g);
	if (r >= 0)
		c->pos = m.m_mfs.position;
	return r;
}

int mc_stat(struct mc_client *c, uint32_t ino, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_STAT);
	m.m_mfs.ino = ino;
	int r = mc_call(c, &m);
	if (r == 0 && a)
		*a = m.m_mfs_attr;
	return r;
}

struct mfs_attr mc_attr(struct mc_client *c, uint32_t ino)
{
	struct mfs_attr a;
	memset(&a, 0, sizeof(a));
	FT_EQ(mc_stat(c, ino, &a), 0);
	return a;
}

int mc_setattr(struct mc_client *c, uint32_t ino, uint32_t mask, uint32_t mode, uint32_t uid,
	       uint32_t gid, uint32_t atime, uint32_t mtime, struct mfs_attr *a)
{
	message m;
	kip_msg_init(&m, MFS_SETATTR);
	m.m_mfs_setattr = (struct mfs_setattr){ino, mask, mode, uid, gid, atime, mtime};
	int r = mc_call(c, &m);
	if (r == 0 && a)
		*a = m.m_mfs_attr;
	return r;
}

int mc_times(struct mc_client *c, uint32_t ino, uint32_t atime, uint32_t mtime)
{
	return mc_setattr(c, ino, MFS_SET_ATIME | MFS_SET_MTIME, 0, 0, 0, atime, mtime, NULL);
}

int mc_statfs(struct mc_client *c, struct mfs_statfs *st)
{
	message m;
	kip_msg_init(&m, MFS_STATFS);
	int r = mc_call(c, &m);
	if (r == 0)
		*st = m.m_mfs_statfs;
	return r;
}

struct mfs_statfs mc_fs(struct mc_client *c)
{
	struct mfs_statfs st;
	memset(&st, 0, sizeof(st));
	FT_EQ(mc_statfs(c, &st), 0);
	return st;
}

int mc_node(struct mc_client *c, int type, uint32_t ino, uint32_t count)
{
	message m;
	kip_msg_init(&m, type);
	m.m_mfs.ino = ino;
	m.m_mfs.len = count;
	return mc_call(c, &m);
}

uint32_t mc_file(struct mc_client *c, uint32_t dir, const char *name, const char *text)
{
	struct mfs_attr a;
	uint32_t len = (uint32_t)strlen(text);
	if (mc_named(c, MFS_CREATE, dir, name, 0644, &a) < 0)
		return 0;
	memcpy(c->data, text, len);
	if (len && mc_io(c, MFS_WRITE, a.ino, 0, c->data, len) != (int)len)
		return 0;
	return a.ino;
}

uint32_t mc_dir(struct mc_client *c, uint32_t dir, const char *name)
{
	struct mfs_attr a;
	return mc_named(c, MFS_MKDIR, dir, name, 0755, &a) == 0 ? a.ino : 0;
}

bool mc_holds(struct mc_client *c, uint32_t ino, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	memset(c->data, 0, len + 16);
	return mc_io(c, MFS_READ, ino, 0, c->data, len + 16) == (int)len &&
	       memcmp(c->data, text, len) == 0;
}

const char *mc_name61(void)
{
	return "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
}

/* ------------------------------------------------------- host side */

void mc_make_image(const char *size, const char *inodes)
{
	memset(&mc, 0, sizeof(mc));
	if (inodes)
		ft_mkfs("mfs-ops", size, "--inodes", inodes, NULL);
	else
		ft_mkfs("mfs-ops", size, NULL);
}

static void mc_write_file(const char *dir, const char *name, uint32_t size, uint8_t seed)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	uint8_t *buf = malloc(size ? size : 1);
	for (uint32_t i = 0; i < size; i++)
		buf[i] = mc_pat(i, seed);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, buf, size) == (ssize_t)size);
	close(fd);
	free(buf);
}

void mc_make_tree_image(const char *size)
{
	char path[160];
	memset(&mc, 0, sizeof(mc));
	strcpy(mc_tree, "/tmp/kip-mfs-tree-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(mc_tree) != NULL);
	mc_write_file(mc_tree, "hello.txt", 11, 0);
	int fd = open(strcat(strcpy(path, mc_tree), "/hello.txt"), O_WRONLY | O_TRUNC);
	CU_ASSERT(write(fd, "hello, kip\n", 11) == 11);
	close(fd);
	mc_write_file(mc_tree, "big", MC_BIG_SIZE, 1);
	snprintf(path, sizeof(path), "%s/sub", mc_tree);
	CU_ASSERT_FATAL(mkdir(path, 0755) == 0);
	mc_write_file(path, "inner.txt", 100, 2);
	ft_mkfs("mfs-img", size, "--from", mc_tree, NULL);
}

/* Remove the image and the tree. */
static void mc_remove(void)
{
	char cmd[160];
	ft_unlink();
	if (mc_tree[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", mc_tree);
		CU_ASSERT(system(cmd) == 0);
	}
	mc_tree[0] = '\0';
}

void mc_cleanup(void)
{
	mc_remove();
	memset(&mc, 0, sizeof(mc));
}

void mc_run(const char *client, uint32_t epoch_s)
{
	CU_ASSERT_EQUAL(ft_run_mfs(client, epoch_s), 0);
	CU_ASSERT(mc.done);
	ft_report(1);
	mc.done = 0;
}

void mc_finish(void)
{
	ft_judge(FT_FSCK_BOTH, "mfs_ops");
	mc_remove();
}

void mc_test(const char *size, const char *inodes, const char *setup, const char *client)
{
	mc_make_image(size, inodes);
	if (setup)
		mc_run(setup, MC_E1);
	mc_run(client, setup ? MC_E2 : MC_E1);
	mc_finish();
}
