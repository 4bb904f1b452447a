/*
 * tests/kernel/test_bridge.c - the inside of the FUSE bridge: the bridge
 * device and its host side (sim/bridge.c, fuse-bridge/bridge.c) and fused
 * (servers/fused/), on the disk driver, MFS and VFS in a booted kernel,
 * on images made by `kip mkfs` (suite `bridge`).
 *
 * The test's own thread is the CPU thread: it runs the kernel with a host
 * edge open (tests/kernel/bridge_harness.c).  Host threads call
 * kip_bridge_call as the FUSE session's threads will (through
 * tests/kernel/bridge_client.c), and record what they saw; CUnit judges it
 * once the machine has halted.  The last host step is BRIDGE_SHUTDOWN,
 * which syncs and switches the machine off; then the image must pass `kip
 * fsck` (and `fsck.minix -f` when its blocks are 1 KiB).
 *
 * Pins: READY 0 on a good image and an error (no hang) on a bad magic;
 * LOOKUP of a missing name ENOENT; CREATE, a 128 KiB WRITE and READ back
 * byte for byte (and after a reboot); SETATTR chmod and truncate; MKDIR,
 * READDIR through its offsets; RENAME (NOREPLACE), LINK, SYMLINK and
 * READLINK, UNLINK, RMDIR (ENOTEMPTY first); STATFS's name limit 60;
 * unknown op ENOSYS, too many groups EINVAL, too much data EINVAL;
 * permissions by the request's user (EACCES, EPERM, umask, ownership, a
 * supplementary group); 4 host threads at once with every byte intact; a
 * kip user process's change reaches the host's event callback, fused's own
 * changes do not; a 128 KiB READ (and WRITE) on a cache hit is 5
 * messages - the interrupt, AT_READ, MFS_READ and the two answers - 2 of
 * them between fused and VFS (the IPC trace, 4 KiB blocks); a call that times
 * out is -EIO, its slot comes back only when fused has answered it, and
 * the late answer writes nothing into the caller; after close every call
 * is -EIO at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kernel/kernel.h"
#include "kip/syslib.h"
#include "sim/bridge.h"
#include "tests/kernel/bridge_client.h"
#include "tests/kernel/bridge_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define BR_BIG (128u * 1024) /* one READ / WRITE */
#define BR_ROOT MINIXFS_ROOT_INO
#define BR_THREADS 4
#define BR_CHUNK 3000 /* bytes a worker writes per step: not block-aligned */

/* --------------------------------------------------------- the calls */

static const char *const br_names[] = {"a", "b", "c", "e"};
#define BR_NNAMES 4

BC_HOST static void br_ops_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	uint8_t *buf = malloc(BR_BIG), *back = malloc(BR_BIG);
	BR_CHECK(buf && back);
	if (!buf || !back)
		return;
	for (uint32_t i = 0; i < BR_BIG; i++)
		buf[i] = br_pat(1, i);
	BR_IS(br.ready, 0);
	BR_IS(bc_lookup(&c, BR_ROOT, "missing"), -ENOENT);
	BR_IS(bc_getattr(&c, BR_ROOT), 0);
	BR_IS(c.st.st_mode & MINIXFS_S_IFMT, MINIXFS_S_IFDIR);

	/* 128 KiB in one WRITE and one READ. */
	BR_IS(bc_create(&c, BR_ROOT, "big", 0666, KIP_O_RDWR | KIP_O_EXCL), 0);
	uint32_t big = c.st.st_ino;
	BR_IS(c.st.st_mode, MINIXFS_S_IFREG | 0644); /* umask 022 */
	BR_IS(bc_write(&c, big, 0, buf, BR_BIG), BR_BIG);
	memset(back, 0, BR_BIG);
	BR_IS(bc_read(&c, big, 0, back, BR_BIG), BR_BIG);
	BR_IS(c.rep.data_len, BR_BIG);
	BR_CHECK(memcmp(buf, back, BR_BIG) == 0);
	BR_IS(bc_read(&c, big, BR_BIG - 10, back, 100), 10);
	BR_CHECK(memcmp(back, buf + BR_BIG - 10, 10) == 0);

	/* SETATTR: chmod, then truncate. */
	struct vfs_setattr sa = {.mask = KIP_SETATTR_MODE, .mode = 0600};
	BR_IS(bc_setattr(&c, big, &sa), 0);
	BR_IS(c.st.st_mode, MINIXFS_S_IFREG | 0600);
	sa = (struct vfs_setattr){.mask = KIP_SETATTR_SIZE, .size = 1000};
	BR_IS(bc_setattr(&c, big, &sa), 0);
	BR_IS(c.st.st_size, 1000);
	BR_IS(bc_read(&c, big, 0, back, BR_BIG), 1000);
	BR_CHECK(memcmp(back, buf, 1000) == 0);
	BR_IS(bc_write(&c, big, 0, buf, BR_BIG), BR_BIG); /* for the reboot */
	BR_IS(bc_release(&c, big), 0);
	BR_IS(bc_forget(&c, big, 1), 0);

	/* MKDIR, entries, READDIR. */
	BR_IS(bc_mkdir(&c, BR_ROOT, "d", 0755), 0);
	uint32_t d = c.st.st_ino;
	BR_CHECK(c.st.st_mode == (MINIXFS_S_IFDIR | 0755) && c.st.st_nlink == 2);
	BR_IS(bc_mkdir(&c, BR_ROOT, "d", 0755), -EEXIST);
	for (int i = 0; i < BR_NNAMES; i++) { /* a reference is held until FORGET */
		BR_IS(bc_create(&c, d, br_names[i], 0644, KIP_O_WRONLY), 0);
		BR_IS(bc_release(&c, c.st.st_ino), 0);
		BR_IS(bc_forget(&c, c.st.st_ino, 1), 0);
	}
	for (int i = 0; i < BR_NNAMES; i++)
		BR_IS(bc_lists(&c, d, br_names[i]), 1);
	BR_IS(bc_lists(&c, d, ".."), 1);
	BR_IS(bc_lists(&c, d, "big"), 0);

	/* RENAME, LINK, SYMLINK, READLINK. */
	BR_IS(bc_rename(&c, d, "a", BR_ROOT, "a2", 0), 0);
	BR_IS(bc_lists(&c, d, "a"), 0);
	BR_IS(bc_lists(&c, BR_ROOT, "a2"), 1);
	BR_IS(bc_rename(&c, d, "b", d, "c", KIP_RENAME_NOREPLACE), -EEXIST);
	BR_IS(bc_lookup(&c, BR_ROOT, "a2"), 0);
	uint32_t a2 = c.st.st_ino;
	BR_IS(bc_link(&c, a2, d, "hard"), 0);
	BR_CHECK(c.st.st_ino == a2 && c.st.st_nlink == 2);
	BR_IS(bc_symlink(&c, d, "ln", "../a2"), 0);
	uint32_t ln = c.st.st_ino;
	BR_CHECK(c.st.st_mode == (MINIXFS_S_IFLNK | 0777) && c.st.st_size == 5);
	char target[64] = "";
	BR_IS(bc_readlink(&c, ln, target, sizeof(target)), 5);
	BR_CHECK(c.rep.data_len == 5 && memcmp(target, "../a2", 5) == 0);

	/* UNLINK, RMDIR. */
	BR_IS(bc_rmdir(&c, BR_ROOT, "d"), -ENOTEMPTY);
	BR_IS(bc_unlink(&c, d, "nope"), -ENOENT);
	for (int i = 1; i < BR_NNAMES; i++)
		BR_IS(bc_unlink(&c, d, br_names[i]), 0);
	BR_IS(bc_unlink(&c, d, "hard"), 0);
	BR_IS(bc_unlink(&c, d, "ln"), 0);
	BR_IS(bc_rmdir(&c, d, "."), -EINVAL);
	BR_IS(bc_rmdir(&c, BR_ROOT, "d"), 0);
	BR_IS(bc_lookup(&c, BR_ROOT, "d"), -ENOENT);
	BR_IS(bc_getattr(&c, a2), 0);
	BR_IS(c.st.st_nlink, 1);
	BR_IS(bc_forget(&c, a2, 1), 0);
	BR_IS(bc_forget(&c, ln, 1), 0);
	BR_IS(bc_forget(&c, d, 1), 0);

	/* STATFS; requests fused or the bridge refuse. */
	struct kip_statfs sfs;
	BR_IS(bc_statfs(&c, &sfs), 0);
	BR_CHECK(sfs.f_namemax == 60 && sfs.f_bsize == 1024 && sfs.f_ffree > 0);
	struct bridge_slot_req req = {.op = BRIDGE_NR_OPS};
	BR_IS(bc_call(&c, &req, NULL, 0, NULL, 0), -ENOSYS);
	struct bc many = bc_new(b, &bc_root);
	many.who.ngroups = KIP_AT_NGROUPS_MAX + 1;
	BR_IS(bc_getattr(&many, BR_ROOT), -EINVAL);
	req = (struct bridge_slot_req){.op = BRIDGE_WRITE, .ino = big, .count = 10};
	BR_IS(bc_call(&c, &req, buf, BRIDGE_DATA_MAX + 1, NULL, 0), -EINVAL);
	BR_IS(bc_call(&c, &req, buf, 9, NULL, 0), -EINVAL); /* less than count */
	req = (struct bridge_slot_req){.op = BRIDGE_READ, .ino = big, .count = BRIDGE_DATA_MAX + 1};
	BR_IS(bc_call(&c, &req, NULL, 0, back, BR_BIG), -EINVAL);
	BR_IS(bc_lookup(&c, BR_ROOT, "a2"), 0);
	BR_IS(bc_forget(&c, c.st.st_ino, 1u << 20), 0); /* a count past any data size */
	free(buf);
	free(back);
}

/* After the run: the big file is there after a reboot, every byte. */
BC_HOST static void br_reboot_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	uint8_t *back = malloc(BR_BIG);
	BR_IS(br.ready, 0);
	BR_IS(bc_lookup(&c, BR_ROOT, "big"), 0);
	uint32_t big = c.st.st_ino;
	BR_CHECK(c.st.st_size == BR_BIG && c.st.st_mode == (MINIXFS_S_IFREG | 0600));
	BR_IS(bc_open(&c, big, KIP_O_RDONLY), 0);
	BR_IS(bc_read(&c, big, 0, back, BR_BIG), BR_BIG);
	uint32_t bad = 0;
	for (uint32_t i = 0; i < BR_BIG; i++)
		bad += back[i] != br_pat(1, i);
	BR_IS(bad, 0);
	BR_IS(bc_release(&c, big), 0);
	BR_IS(bc_forget(&c, big, 1), 0);
	BR_IS(bc_lookup(&c, BR_ROOT, "a2"), 0);
	BR_IS(bc_forget(&c, c.st.st_ino, 1), 0);
	free(back);
}

static void test_bridge_ops(void)
{
	br_image("4M", "1024");
	CU_ASSERT_EQUAL(br_run(br_ops_body, 0), 0);
	CU_ASSERT_EQUAL(br.ready, 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	br_judge(true);
	int checks = br.checks;
	br.checks = 0;
	CU_ASSERT_EQUAL(br_run(br_reboot_body, 0), 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	br.checks += checks;
	br_judge(true);
	unlink(br.image);
}

/* ------------------------------------------------------------ orphans */

/* Files unlinked while the host still holds them - looked up, or open -
 * and never forgotten: SHUTDOWN gives every reference back first, so MFS
 * frees them and the image has no orphan (both judges run after). */
BC_HOST static void br_orphan_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	struct kip_statfs before, during;
	BR_IS(br.ready, 0);
	BR_IS(bc_statfs(&c, &before), 0);
	BR_IS(bc_create(&c, BR_ROOT, "looked-up", 0644, KIP_O_RDWR), 0);
	uint32_t looked = c.st.st_ino;
	BR_IS(bc_write(&c, looked, 0, "data", 4), 4);
	BR_IS(bc_release(&c, looked), 0);
	BR_IS(bc_create(&c, BR_ROOT, "still-open", 0644, KIP_O_RDWR), 0);
	uint32_t open = c.st.st_ino;
	BR_IS(bc_write(&c, open, 0, "more", 4), 4);
	BR_IS(bc_unlink(&c, BR_ROOT, "looked-up"), 0);
	BR_IS(bc_unlink(&c, BR_ROOT, "still-open"), 0);
	/* Both are still held: their inodes are not free yet. */
	BR_IS(bc_statfs(&c, &during), 0);
	BR_IS(during.f_ffree, before.f_ffree - 2);
}

static void test_bridge_orphans(void)
{
	br_image("4M", "1024");
	CU_ASSERT_EQUAL(br_run(br_orphan_body, 0), 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	br_judge(true); /* an orphan would be an allocated inode with no link */
	unlink(br.image);
}

/* ------------------------------------------------------- a dead server */

/* On the CPU thread: MFS dies (as a crash would end it; no RS restarts it
 * yet). */
static void br_kill_mfs(void *arg)
{
	(void)arg;
	struct proc *p = proc_lookup(kern, br.mfs);
	if (p)
		proc_kill(kern, p, KIP_EV_KILLED, 128 + 9, NULL);
	pthread_mutex_lock(&br_lock);
	br.mfs = KIP_NONE;
	pthread_cond_broadcast(&br_cv);
	pthread_mutex_unlock(&br_lock);
}

/* Requests that need the dead MFS fail with EIO (VFS's answer: the IPC
 * to MFS failed), at once and within their timeout anyway; the mount is
 * not wedged, it answers, and SHUTDOWN still switches the machine off. */
BC_HOST static void br_crash_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	BR_IS(br.ready, 0);
	BR_IS(bc_create(&c, BR_ROOT, "before", 0644, KIP_O_RDWR), 0);
	kernel_host_post(br_kill_mfs, NULL);
	pthread_mutex_lock(&br_lock);
	while (br.mfs != KIP_NONE)
		pthread_cond_wait(&br_cv, &br_lock);
	pthread_mutex_unlock(&br_lock);
	c.timeout_ms = 1500;
	br.shutdown_timeout_ms = 1500;
	BR_IS(bc_lookup(&c, BR_ROOT, "after"), -EIO);
	BR_IS(bc_mkdir(&c, BR_ROOT, "later", 0755), -EIO);
}

static void test_bridge_server_crash(void)
{
	br_image("2M", "1024");
	/* The SHUTDOWN's sync fails (EIO): fused answers so and powers off
	 * with status 1. */
	CU_ASSERT_EQUAL(br_run(br_crash_body, 0), 1);
	CU_ASSERT_EQUAL(br.shutdown, -EIO);
	CU_ASSERT_EQUAL(br.fail_line, 0);
	if (br.fail_line)
		fprintf(stderr, "\n  bridge: check at %s:%d failed (got %ld)\n", br.fail_file,
			br.fail_line, br.fail_got);
	unlink(br.image);
}

/* -------------------------------------------------------- permissions */

BC_HOST static void br_perm_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	const struct bc_user alice = {.uid = 1000, .gid = 100, .umask = 022};
	struct bc u = bc_new(b, &alice);
	BR_IS(br.ready, 0);
	BR_IS(bc_create(&c, BR_ROOT, "secret", 0600, KIP_O_RDWR), 0);
	uint32_t secret = c.st.st_ino;
	BR_IS(bc_write(&c, secret, 0, "x", 1), 1);
	BR_IS(bc_release(&c, secret), 0);
	BR_IS(bc_mkdir(&c, BR_ROOT, "pub", 0777), 0);
	uint32_t pub = c.st.st_ino;
	struct vfs_setattr sa = {.mask = KIP_SETATTR_MODE, .mode = 0777};
	BR_IS(bc_setattr(&c, pub, &sa), 0);

	/* Not hers: refused. */
	BR_IS(bc_lookup(&u, BR_ROOT, "secret"), 0);
	BR_IS(bc_open(&u, secret, KIP_O_RDONLY), -EACCES);
	BR_IS(bc_access(&u, secret, KIP_R_OK), -EACCES);
	BR_IS(bc_access(&u, BR_ROOT, KIP_R_OK | KIP_X_OK), 0);
	BR_IS(bc_access(&u, BR_ROOT, KIP_W_OK), -EACCES);
	BR_IS(bc_create(&u, BR_ROOT, "mine", 0644, KIP_O_RDWR), -EACCES);
	BR_IS(bc_mkdir(&u, BR_ROOT, "mine", 0755), -EACCES);
	BR_IS(bc_unlink(&u, BR_ROOT, "secret"), -EACCES);
	sa = (struct vfs_setattr){.mask = KIP_SETATTR_MODE, .mode = 0666};
	BR_IS(bc_setattr(&u, secret, &sa), -EPERM);

	/* Hers, with her umask. */
	BR_IS(bc_create(&u, pub, "mine", 0666, KIP_O_RDWR), 0);
	uint32_t mine = u.st.st_ino;
	BR_CHECK(u.st.st_uid == 1000 && u.st.st_gid == 100);
	BR_IS(u.st.st_mode, MINIXFS_S_IFREG | 0644);
	BR_IS(bc_release(&u, mine), 0);
	u.who.umask = 077;
	BR_IS(bc_mkdir(&u, pub, "dir", 0777), 0);
	BR_IS(u.st.st_mode, MINIXFS_S_IFDIR | 0700);
	BR_IS(bc_forget(&u, u.st.st_ino, 1), 0);

	/* A supplementary group opens a group-readable file. */
	sa = (struct vfs_setattr){
		.mask = KIP_SETATTR_MODE | KIP_SETATTR_GID, .mode = 0640, .gid = 200};
	BR_IS(bc_setattr(&c, secret, &sa), 0);
	BR_IS(bc_open(&u, secret, KIP_O_RDONLY), -EACCES);
	u.who.ngroups = 2;
	u.who.groups[0] = 300;
	u.who.groups[1] = 200;
	BR_IS(bc_open(&u, secret, KIP_O_RDONLY), 0);
	BR_IS(bc_open(&u, secret, KIP_O_WRONLY), -EACCES);
	BR_IS(bc_release(&u, secret), 0);
	BR_IS(bc_forget(&u, mine, 1), 0);
	BR_IS(bc_forget(&u, secret, 1), 0);
	BR_IS(bc_forget(&c, secret, 1), 0);
	BR_IS(bc_forget(&c, pub, 1), 0);
}

static void test_bridge_permissions(void)
{
	br_image("2M", "1024");
	CU_ASSERT_EQUAL(br_run(br_perm_body, 0), 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	br_judge(true);
	unlink(br.image);
}

/* ------------------------------------------------- host threads at once */

BC_HOST static unsigned br_steps(void)
{
	return kip_test_small() ? 6 : 48;
}

/* One worker: its own file, written BR_CHUNK bytes at a time and read
 * back as it goes, its own directory filled with entries, then the whole
 * file compared. */
BC_HOST static void *br_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	struct bc c = bc_new(br.bridge, &bc_root);
	unsigned steps = br_steps();
	uint64_t size = (uint64_t)steps * BR_CHUNK;
	uint8_t *chunk = malloc(BR_CHUNK), *back = malloc(size);
	char name[16];
	snprintf(name, sizeof(name), "w%u", id);
	BR_IS(bc_create(&c, BR_ROOT, name, 0644, KIP_O_RDWR | KIP_O_EXCL), 0);
	uint32_t ino = c.st.st_ino;
	snprintf(name, sizeof(name), "dw%u", id);
	BR_IS(bc_mkdir(&c, BR_ROOT, name, 0755), 0);
	uint32_t dir = c.st.st_ino;
	for (unsigned s = 0; s < steps; s++) {
		uint64_t off = (uint64_t)s * BR_CHUNK;
		for (unsigned i = 0; i < BR_CHUNK; i++)
			chunk[i] = br_pat(id, off + i);
		BR_IS(bc_write(&c, ino, off, chunk, BR_CHUNK), BR_CHUNK);
		memset(chunk, 0, BR_CHUNK);
		BR_IS(bc_read(&c, ino, off, chunk, BR_CHUNK), BR_CHUNK);
		BR_IS(chunk[BR_CHUNK / 2], br_pat(id, off + BR_CHUNK / 2));
		BR_IS(bc_getattr(&c, ino), 0);
		BR_IS(c.st.st_size, off + BR_CHUNK);
		snprintf(name, sizeof(name), "e%u", s);
		BR_IS(bc_create(&c, dir, name, 0600, KIP_O_WRONLY), 0);
		BR_IS(bc_release(&c, c.st.st_ino), 0);
		BR_IS(bc_forget(&c, c.st.st_ino, 1), 0);
	}
	for (uint64_t off = 0; off < size; off += BR_BIG) {
		uint32_t n = size - off < BR_BIG ? (uint32_t)(size - off) : BR_BIG;
		BR_IS(bc_read(&c, ino, off, back + off, n), n);
	}
	uint64_t bad = 0;
	for (uint64_t i = 0; i < size; i++)
		bad += back[i] != br_pat(id, i);
	BR_IS(bad, 0);
	snprintf(name, sizeof(name), "e%u", steps - 1);
	BR_IS(bc_lists(&c, dir, name), 1);
	BR_IS(bc_release(&c, ino), 0);
	BR_IS(bc_forget(&c, ino, 1), 0);
	BR_IS(bc_forget(&c, dir, 1), 0);
	free(chunk);
	free(back);
	return NULL;
}

BC_HOST static void br_threads_body(struct kip_bridge *b)
{
	(void)b;
	pthread_t t[BR_THREADS];
	BR_IS(br.ready, 0);
	for (unsigned i = 0; i < BR_THREADS; i++)
		BR_IS(pthread_create(&t[i], NULL, br_worker, (void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < BR_THREADS; i++)
		pthread_join(t[i], NULL);
}

static void test_bridge_threads(void)
{
	br_image("4M", "1024");
	CU_ASSERT_EQUAL(br_run(br_threads_body, 0), 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	CU_ASSERT(br.checks > BR_THREADS * 8 * (int)br_steps());
	br_judge(true);
	unlink(br.image);
}

/* ------------------------------------------------------------- events */

/* A user program: make /evfile and write to it. */
static int br_user_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	char *page = kip_page_alloc(1);
	if (!px || !page)
		return 1;
	memcpy(page, "event", 5);
	int fd = kip_open(px, "/evfile", KIP_O_CREAT | KIP_O_WRONLY, 0644);
	if (fd < 0 || kip_write(px, fd, page, 5) != 5 || kip_close(px, fd) != 0)
		return 2;
	return 0;
}
KIP_PROGRAM(br_user, br_user_main, 8, KIP_PROG_USER);

/* Waits for the host's word (a HARDWARE notify), then runs br_user with
 * VFS as its only destination and records its exit status. */
static int br_starter_main(uint64_t vfs)
{
	message m;
	do {
		if (kip_receive(KIP_ANY, &m) < 0)
			return 1;
	} while (m.m_source != KIP_HARDWARE);
	endpoint_t ep = kip_create("br_user", NULL, -1, vfs);
	if (ep < 0)
		return 1;
	struct kcall_privctl pc = {0};
	int slot = kip_ep_slot((endpoint_t)vfs);
	pc.endpoint = ep;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.send_mask[slot / 64] = 1ull << (slot % 64);
	pc.kcall_mask =
		(1ull << kip_kcall_index(SYS_EXIT)) | (1ull << kip_kcall_index(SYS_PRINT)) |
		(1ull << kip_kcall_index(SYS_TIMES)) | (1ull << kip_kcall_index(SYS_PAGE_ALLOC)) |
		(1ull << kip_kcall_index(SYS_PAGE_FREE)) | (1ull << kip_kcall_index(SYS_SETGRANT));
	if (kip_privctl(&pc) < 0)
		return 1;
	struct kcall_event ev;
	do {
		if (kt_wait_event(&ev) < 0)
			return 1;
	} while (ev.endpoint != ep);
	br.user_status = ev.kind == KIP_EV_EXIT ? ev.status : 100 + ev.kind;
	return 0;
}
KIP_PROGRAM(br_starter, br_starter_main, 2, KIP_PROG_SYSTEM);

/* The callback, on the bridge's event thread. */
BC_HOST static void br_on_events(void *ctx, const struct vfs_event *ev, unsigned n)
{
	BR_CHECK(ctx == &br);
	pthread_mutex_lock(&br_lock);
	for (unsigned i = 0; i < n && br.nevents < BR_EVENTS_CAP; i++)
		br.events[br.nevents++] = ev[i];
	br.event_calls++;
	pthread_cond_broadcast(&br_cv);
	pthread_mutex_unlock(&br_lock);
}

/* The index of an event with that kind, dir/ino and name (NULL: any), or -1
 * (br_lock held). */
BC_HOST static int br_find_event(uint32_t kind, uint32_t dir, uint32_t ino, const char *name)
{
	for (unsigned i = 0; i < br.nevents; i++) {
		const struct vfs_event *e = &br.events[i];
		if (e->kind == kind && (kind != KIP_VFS_EV_ENTRY || e->dir == dir) &&
		    (!ino || e->ino == ino) && (!name || !strcmp(e->name, name)))
			return (int)i;
	}
	return -1;
}

BC_HOST static void br_events_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	BR_IS(br.ready, 0);
	kip_bridge_on_events(b, br_on_events, &br);
	/* fused's own change: no event. */
	BR_IS(bc_mkdir(&c, BR_ROOT, "own", 0755), 0);
	BR_IS(bc_forget(&c, c.st.st_ino, 1), 0);
	br_on_cpu(br_wake_starter, NULL);

	/* The user's open(O_CREAT) and write reach the callback. */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 120;
	int entry = -1, inode = -1;
	pthread_mutex_lock(&br_lock);
	for (;;) {
		entry = br_find_event(KIP_VFS_EV_ENTRY, BR_ROOT, 0, "evfile");
		if (entry >= 0)
			inode = br_find_event(KIP_VFS_EV_INODE, 0, br.events[entry].ino, NULL);
		if (inode >= 0 || pthread_cond_timedwait(&br_cv, &br_lock, &until) != 0)
			break;
	}
	int own = br_find_event(KIP_VFS_EV_ENTRY, BR_ROOT, 0, "own");
	uint32_t ino = entry >= 0 ? br.events[entry].ino : 0;
	pthread_mutex_unlock(&br_lock);
	BR_CHECK(entry >= 0 && ino != 0);
	BR_CHECK(inode > entry);
	BR_IS(own, -1);
	BR_IS(bc_lookup(&c, BR_ROOT, "evfile"), 0);
	BR_CHECK(c.st.st_ino == ino && c.st.st_size == 5);
	BR_IS(bc_forget(&c, c.st.st_ino, 1), 0);
	kip_bridge_on_events(b, NULL, NULL);
}

static void test_bridge_events(void)
{
	br_image("2M", "1024");
	br.starter_at_boot = true;
	CU_ASSERT_EQUAL(br_run(br_events_body, 0), 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	CU_ASSERT_EQUAL(br.user_status, 0);
	CU_ASSERT(br.event_calls >= 1);
	br_judge(true);
	unlink(br.image);
}

/* ------------------------------------ the read and the write, in the trace */

BC_HOST static void br_trace_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	uint8_t *buf = malloc(BR_BIG);
	for (uint32_t i = 0; i < BR_BIG; i++)
		buf[i] = br_pat(7, i);
	BR_IS(br.ready, 0);
	BR_IS(bc_create(&c, BR_ROOT, "walk", 0644, KIP_O_RDWR), 0);
	uint32_t ino = c.st.st_ino;
	BR_IS(bc_write(&c, ino, 0, buf, BR_BIG), BR_BIG);
	BR_IS(bc_read(&c, ino, 0, buf, BR_BIG), BR_BIG); /* all cached now */
	memset(buf, 0, BR_BIG);
	br_on_cpu(br_mark, "bridge: read begins");
	BR_IS(bc_read(&c, ino, 0, buf, BR_BIG), BR_BIG);
	br_on_cpu(br_mark, "bridge: read ends");
	uint32_t bad = 0;
	for (uint32_t i = 0; i < BR_BIG; i++)
		bad += buf[i] != br_pat(7, i);
	BR_IS(bad, 0);
	br_on_cpu(br_mark, "bridge: write begins");
	BR_IS(bc_write(&c, ino, 0, buf, BR_BIG), BR_BIG); /* over cached blocks */
	br_on_cpu(br_mark, "bridge: write ends");
	BR_IS(bc_release(&c, ino), 0);
	BR_IS(bc_forget(&c, ino, 1), 0);
	free(buf);
}

/* Trace lines between "bridge: WHAT begins" and "bridge: WHAT ends" that
 * contain a, b and c (NULL: any) but not `not_` (NULL: no exclusion); -1
 * without the marks. */
static int br_count_in(const char *what, const char *a, const char *b, const char *c,
		       const char *not_)
{
	char mark[64];
	snprintf(mark, sizeof(mark), "bridge: %s begins", what);
	const char *start = strstr(kt_trace(), mark);
	snprintf(mark, sizeof(mark), "bridge: %s ends", what);
	const char *end = start ? strstr(start, mark) : NULL;
	if (!start || !end)
		return -1;
	int n = 0;
	for (const char *line = strchr(start, '\n') + 1; line < end;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char l[256];
		snprintf(l, sizeof(l), "%.*s", (int)len, line);
		if (strstr(l, a) && strstr(l, b) && (!c || strstr(l, c)) &&
		    !(not_ && strstr(l, not_)))
			n++;
		line += len + 1;
	}
	return n;
}

/* The 128 KiB request `what` ("read", "write") of VFS_AT_<at> was: the
 * device's interrupt, then AT_<at>, MFS_<mfs> and their two answers - the
 * kernel calls are not messages - and no disk request. */
static void br_check_walk(const char *what, const char *at, const char *mfs)
{
	int messages = br_count_in(what, ") -> ", "", NULL, "-> kernel(");
	int fv = br_count_in(what, "fused(", "-> vfs(", NULL, NULL) +
		 br_count_in(what, " vfs(", "-> fused(", NULL, NULL);
	fprintf(stderr, " [128 KiB %s on a hit: %d messages, %d between fused and vfs] ", what,
		messages, fv);
	if (getenv("BR_SHOW_TRACE")) { /* the walk, for a curious reader */
		const char *t = strstr(kt_trace(), "bridge: ");
		fprintf(stderr, "\n%s\n", t ? t : "");
	}
	CU_ASSERT_EQUAL(messages, 5);
	CU_ASSERT_EQUAL(br_count_in(what, "HARDWARE(", "-> fused(", "NOTIFY_MESSAGE", NULL), 1);
	CU_ASSERT_EQUAL(fv, 2);
	CU_ASSERT_EQUAL(br_count_in(what, "fused(", "-> vfs(", at, NULL), 1);
	CU_ASSERT_EQUAL(br_count_in(what, " vfs(", "-> mfs(", mfs, NULL), 1);
	CU_ASSERT_EQUAL(br_count_in(what, " mfs(", "-> vfs(", NULL, NULL), 1); /* a blocking send */
	CU_ASSERT_EQUAL(br_count_in(what, " vfs(", "-> fused(", "REPLY 131072", NULL), 1);
	CU_ASSERT_EQUAL(br_count_in(what, "BDEV_", "", NULL, NULL), 0);
}

static void test_bridge_read_trace(void)
{
	/* 4 KiB blocks: 128 KiB fits MFS's 64-block cache, so the read is a
	 * hit. */
	br_image("4M", "4096");
	CU_ASSERT_EQUAL(br_run(br_trace_body, KT_TRACE), 0);
	CU_ASSERT_EQUAL(br.shutdown, 0);
	br_check_walk("read", "VFS_AT_READ", "MFS_READ");
	br_check_walk("write", "VFS_AT_WRITE", "MFS_WRITE");
	br_judge(false);
	unlink(br.image);
}

/* --------------------------------------------------- a bad file system */

BC_HOST static void br_bad_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	BR_CHECK(br.ready < 0 && br.ready != -ETIMEDOUT && br.ready != -EIO);
	BR_IS(bc_lookup(&c, BR_ROOT, "x"), br.ready); /* VFS's mount error, every time */
}

static void test_bridge_bad_image(void)
{
	br_image("1M", "1024");
	FILE *f = fopen(br.image, "r+b");
	CU_ASSERT_FATAL(f != NULL);
	uint16_t zero = 0; /* the superblock's magic */
	fseek(f, 1024 + 24, SEEK_SET);
	CU_ASSERT_EQUAL(fwrite(&zero, sizeof(zero), 1, f), 1);
	fclose(f);
	CU_ASSERT_EQUAL(br_run(br_bad_body, 0), 1); /* the sync failed too */
	CU_ASSERT_EQUAL(br.ready, -EINVAL);	    /* MFS_MOUNT's answer to a bad magic */
	CU_ASSERT_EQUAL(br.shutdown, br.ready);
	CU_ASSERT_EQUAL(br.fail_line, 0);
	unlink(br.image);
}

/* -------------------------------------------- timeouts, late answers */

BC_HOST static void br_late_body(struct kip_bridge *b)
{
	struct bc c = bc_new(b, &bc_root);
	/* No fused yet: nothing answers. */
	BR_IS(kip_bridge_wait_ready(b, 50), -ETIMEDOUT);
	c.timeout_ms = 50;
	BR_IS(bc_mkdir(&c, BR_ROOT, "late", 0755), -EIO);
	uint8_t *gone = malloc(4096);
	uint64_t next;
	BR_IS(bc_readdir(&c, BR_ROOT, 0, gone, 4096, &next), -EIO);
	free(gone); /* a late answer must not be copied here (memcheck) */

	/* fused comes up and answers both; its answers go nowhere. */
	br_on_cpu(br_spawn_fused, NULL);
	BR_IS(kip_bridge_wait_ready(b, BC_TIMEOUT_MS), 0);
	c.timeout_ms = BC_TIMEOUT_MS;
	BR_IS(bc_lookup(&c, BR_ROOT, "late"), 0); /* the MKDIR was done, late */
	BR_IS(bc_forget(&c, c.st.st_ino, 1), 0);
	BR_IS(bridge_free_slots(b), BRIDGE_SLOTS); /* both abandoned slots came back */
	BR_IS(bc_fsync(&c, 0), 0);

	/* Closed: every call fails at once. */
	kip_bridge_close(b);
	BR_IS(bc_getattr(&c, BR_ROOT), -EIO);
	BR_IS(kip_bridge_wait_ready(b, 1000), -EIO);
}

static void test_bridge_late(void)
{
	br_image("1M", "1024");
	br.fused_at_boot = false;
	/* SHUTDOWN finds the bridge closed: the machine idles out instead. */
	CU_ASSERT_EQUAL(br_run(br_late_body, 0), 0);
	CU_ASSERT_EQUAL(br.shutdown, -EIO);
	br_judge(true);
	unlink(br.image);
}

static const struct kip_test bridge_tests[] = {
	{"READY, names, 128 KiB READ/WRITE, SETATTR, READDIR, links, reboot", test_bridge_ops},
	{"permissions follow the request's user", test_bridge_permissions},
	{"SHUTDOWN frees files unlinked while the host held them", test_bridge_orphans},
	{"a dead MFS: requests fail with EIO in time, nothing hangs", test_bridge_server_crash},
	{"4 host threads at once, every byte intact", test_bridge_threads},
	{"a kip process's change reaches the host's event callback", test_bridge_events},
	{"a 128 KiB READ or WRITE on a cache hit: 2 messages fused<->vfs", test_bridge_read_trace},
	{"a bad file system: READY is the error, no hang", test_bridge_bad_image},
	{"timeouts, late answers, close", test_bridge_late},
	{NULL, NULL},
};
KIP_TEST_SUITE(bridge, bridge_tests);
