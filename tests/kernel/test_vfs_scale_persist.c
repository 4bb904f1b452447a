/*
 * tests/kernel/test_vfs_scale_persist.c - a tree persists across reboots:
 * the file-system stack (VFS, MFS, the disk driver) through libposix, in a
 * booted kernel (suite `vfs_scale_persist`).
 *
 * Pins, from a user program that has VFS as its only destination: a tree
 * (deep directories, empty files, a 60-byte name, files across the single
 * and double indirect zones) made and synced is found whole by a new
 * kernel on the same image - each directory lists exactly its children,
 * with 2 + its subdirectories links, each file its size and contents -
 * then changed (a file replaced, shrunk, grown with a hole, appended to;
 * files and directories removed; new ones), synced, and found as changed
 * by a third kernel.  After every boot both judges pass the image, and its
 * bitmaps hold exactly the inodes of the live tree (tests/kernel/vfs_scale.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kip/format.h"
#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/vfs_scale.h"
#include "tests/kip_test.h"

/* What the test asks of the program. */
static struct {
	int phase; /* 0 make, 1 check and change, 2 check */
} vsp;

/* The model of a tree: what each path should hold. */
struct vs_node {
	char path[80];
	bool dir, live;
	uint32_t size;
	uint32_t data; /* bytes 0 .. data - 1 are pattern `seed`, the rest zeros */
	uint32_t seed;
};

#define VS_NODES 96

static struct {
	struct vs_node n[VS_NODES];
	unsigned count;
} vs_tree;

static struct vs_node *vs_node_add(const char *path, bool dir, uint32_t size, uint32_t seed)
{
	struct vs_node *n = &vs_tree.n[vs_tree.count++];
	memset(n, 0, sizeof(*n));
	kip_snprintf(n->path, sizeof(n->path), "%s", path);
	n->dir = dir;
	n->size = n->data = size;
	n->seed = seed;
	return n;
}

static struct vs_node *vs_node_find(const char *path)
{
	for (unsigned i = 0; i < vs_tree.count; i++)
		if (!strcmp(vs_tree.n[i].path, path))
			return &vs_tree.n[i];
	return NULL;
}

/* Is `child` an entry of directory `dir` (its parent path is dir)? */
static bool vs_node_in(const struct vs_node *child, const char *dir)
{
	const char *slash = strrchr(child->path, '/');
	size_t len = strlen(dir);
	if (!slash || child->path[1] == '\0')
		return false; /* the root is in no directory */
	if (slash == child->path)
		return !strcmp(dir, "/");
	return (size_t)(slash - child->path) == len && !strncmp(child->path, dir, len);
}

/* Make node n (its parent exists). */
static void vs_node_make(struct kip_posix *px, struct vs_node *n, uint8_t *io)
{
	if (n->dir) {
		FT_CHECK(px, kip_mkdir(px, n->path, 0755) == 0);
	} else {
		int fd = kip_open(px, n->path, KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644);
		FT_CHECK(px, fd >= 0);
		vs_write_pattern(px, fd, n->seed, 0, n->data, io);
		FT_CHECK(px, kip_close(px, fd) == 0);
	}
	n->live = true;
}

/* A directory being listed, and how often each node was listed in it. */
struct vs_listing {
	const struct vs_node *dir;
	uint8_t seen[VS_NODES];
};

/* An entry of l->dir readdir gave: a live node (counted), or not. */
static bool vs_node_known(const char *name, void *ctx)
{
	struct vs_listing *l = ctx;
	char path[160];
	kip_snprintf(path, sizeof(path), "%s/%s", strcmp(l->dir->path, "/") ? l->dir->path : "",
		     name);
	struct vs_node *c = vs_node_find(path);
	if (c && c->live)
		l->seen[c - vs_tree.n]++;
	return c && c->live;
}

/* A directory lists ".", ".." and exactly its live children; its link
 * count is 2 + its subdirectories. */
static void vs_node_check_dir(struct kip_posix *px, const struct vs_node *d)
{
	struct vs_listing l = {.dir = d};
	int subdirs = 0;
	struct kip_stat st;
	vs_list(px, d->path, vs_node_known, &l);
	for (unsigned i = 0; i < vs_tree.count; i++) {
		const struct vs_node *c = &vs_tree.n[i];
		bool child = c->live && vs_node_in(c, d->path);
		FT_CHECK(px, l.seen[i] == (child ? 1 : 0));
		subdirs += child && c->dir;
	}
	FT_CHECK(px, kip_stat(px, d->path, &st) == 0);
	FT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFDIR);
	FT_CHECK(px, st.st_nlink == (uint32_t)(2 + subdirs));
}

/* A file has its size and contents. */
static void vs_node_check_file(struct kip_posix *px, const struct vs_node *n, uint8_t *back)
{
	struct kip_stat st;
	FT_CHECK(px, kip_stat(px, n->path, &st) == 0 && st.st_size == n->size);
	FT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFREG && st.st_nlink == 1);
	int fd = kip_open(px, n->path, KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0);
	vs_read_back(px, fd, &(struct vs_content){n->size, n->data, n->seed, NULL}, back);
	FT_CHECK(px, fd < 0 || kip_close(px, fd) == 0);
}

/* The tree on the disk is the model: every node, live or gone. */
static void vs_tree_check(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	for (unsigned i = 0; i < vs_tree.count; i++) {
		const struct vs_node *n = &vs_tree.n[i];
		ft_where(i);
		if (!n->live)
			FT_FAILS(px, kip_stat(px, n->path, &st), ENOENT);
		else if (n->dir)
			vs_node_check_dir(px, n);
		else
			vs_node_check_file(px, n, back);
	}
}

/* Change the tree made in phase 0, and the model with it. */
static void vs_tree_change(struct kip_posix *px, uint8_t *io)
{
	char path[80];
	struct vs_node *n;
	int fd;

	/* Replaced: a new file under the old name. */
	n = vs_node_find("/etc/motd");
	FT_CHECK(px, kip_unlink(px, n->path) == 0);
	n->size = n->data = 4000;
	n->seed = 99;
	vs_node_make(px, n, io);
	/* Shrunk, grown (a hole), appended to. */
	n = vs_node_find("/home/ann/big");
	FT_CHECK(px, kip_truncate(px, n->path, 100000) == 0);
	n->size = n->data = 100000;
	n = vs_node_find("/home/bob/one");
	FT_CHECK(px, kip_truncate(px, n->path, 5000) == 0);
	n->size = 5000;
	n = vs_node_find("/home/bob/two");
	fd = kip_open(px, n->path, KIP_O_WRONLY | KIP_O_APPEND, 0);
	FT_CHECK(px, fd >= 0);
	vs_write_pattern(px, fd, n->seed, n->size, 500, io);
	FT_CHECK(px, kip_close(px, fd) == 0);
	n->size = n->data = n->size + 500;
	/* Removed: half the logs, /tmp, the deepest directory. */
	for (unsigned i = 10; i < 20; i++) {
		kip_snprintf(path, sizeof(path), "/var/log/log%02u", i);
		n = vs_node_find(path);
		FT_CHECK(px, n && kip_unlink(px, path) == 0);
		if (n)
			n->live = false;
	}
	n = vs_node_find("/tmp");
	FT_CHECK(px, kip_rmdir(px, n->path) == 0);
	n->live = false;
	n = vs_node_find("/home/bob/deep/a/b/c/leaf");
	FT_CHECK(px, kip_unlink(px, n->path) == 0);
	n->live = false;
	n = vs_node_find("/home/bob/deep/a/b/c");
	FT_CHECK(px, kip_rmdir(px, n->path) == 0);
	n->live = false;
	/* New. */
	vs_node_make(px, vs_node_add("/new", true, 0, 0), io);
	vs_node_make(px, vs_node_add("/new/a", true, 0, 0), io);
	vs_node_make(px, vs_node_add("/new/a/f", false, 65539, 123), io);
}

static int vs_tree_main(uint64_t vfs)
{
	uint8_t *io, *back;
	struct kip_posix *px = vs_start(vfs, &io, &back);
	if (!px)
		return 1;
	if (vsp.phase == 0) {
		for (unsigned i = 0; i < vs_tree.count; i++)
			if (strcmp(vs_tree.n[i].path, "/"))
				vs_node_make(px, &vs_tree.n[i], io);
	} else {
		vs_tree_check(px, back);
	}
	if (vsp.phase == 1)
		vs_tree_change(px, io);
	vs_tree_check(px, back);
	return vs_end(px);
}
KIP_PROGRAM(vscale_tree, vs_tree_main, 8, KIP_PROG_USER);

/* The tree phase 0 makes. */
static void vs_tree_init(void)
{
	char path[80];
	memset(&vs_tree, 0, sizeof(vs_tree));
	vs_node_add("/", true, 0, 0)->live = true;
	vs_node_add("/etc", true, 0, 0);
	vs_node_add("/etc/motd", false, 37, 1);
	vs_node_add("/etc/empty", false, 0, 2);
	vs_node_add("/home", true, 0, 0);
	vs_node_add("/home/ann", true, 0, 0);
	vs_node_add("/home/ann/notes", false, 1023, 3);
	vs_node_add("/home/ann/big", false, 300 * 1024 + 5, 4);
	vs_node_add("/home/bob", true, 0, 0);
	vs_node_add("/home/bob/one", false, 1024, 5);
	vs_node_add("/home/bob/two", false, 1025, 6);
	vs_node_add("/home/bob/deep", true, 0, 0);
	vs_node_add("/home/bob/deep/a", true, 0, 0);
	vs_node_add("/home/bob/deep/a/b", true, 0, 0);
	vs_node_add("/home/bob/deep/a/b/c", true, 0, 0);
	vs_node_add("/home/bob/deep/a/b/c/leaf", false, 7 * 1024 + 1, 7);
	vs_node_add("/tmp", true, 0, 0);
	memset(path, 'L', sizeof(path));
	path[0] = '/';
	path[1 + MINIXFS_NAME_MAX] = '\0';
	vs_node_add(path, false, 60, 8);
	vs_node_add("/var", true, 0, 0);
	vs_node_add("/var/log", true, 0, 0);
	for (unsigned i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/var/log/log%02u", i);
		vs_node_add(path, false, i * 97 + 1, 10 + i);
	}
}

static void test_persistence(void)
{
	vs_make_image("8M", NULL);
	vs_tree_init();
	int checks = 0;
	for (int phase = 0; phase < 3; phase++) {
		const char *what = phase == 0 ? "tree made" : phase == 1 ? "tree changed" : "end";
		vsp.phase = phase;
		checks += vs_run("vscale_tree", what, 1);
		ft_judge(FT_FSCK_BOTH, what);
		uint32_t live = 0;
		for (unsigned i = 0; i < vs_tree.count; i++)
			live += vs_tree.n[i].live;
		vs_assert_inodes(live);
	}
	CU_ASSERT(checks > 500);
	ft_unlink();
}

static const struct kip_test vfs_scale_persist_tests[] = {
	{"a tree persists across reboots", test_persistence},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_scale_persist, vfs_scale_persist_tests);
