/*
 * tests/kernel/test_vfs.c - the virtual file system (servers/vfs/) and the
 * libposix file calls (libposix/file.c, dir.c), on MFS and the disk driver,
 * in a booted kernel, on an image made by `kip mkfs` (suite `vfs`).
 *
 * Pins: a user program (KIP_PROG_USER, its privileges opened to VFS alone
 * by a system "init") creates a file, writes 300 KiB (40 KiB at small scale)
 * in odd-sized chunks, seeks and reads it back byte-exact; dup'd fds share
 * the offset, dup2 works; O_EXCL gives EEXIST, O_TRUNC truncates, O_APPEND
 * appends; mkdir, chdir, relative paths, "." and ".." work; readdir lists
 * the names; unlink and rmdir work (ENOTEMPTY; an open file unlinked stays
 * readable through its fd; a removed working directory takes no new
 * names);
 * ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG, EBADF, EEXIST are right; ftruncate
 * and truncate; EMFILE after 32 fds; VFS_PM_* from a non-MM caller is
 * EPERM; a new process in a reused slot gets a fresh table (what the old
 * one left open no longer counts); after sync the
 * image passes `fsck.minix -f` and `kip fsck`.  And from the trace: a 64 KiB
 * VFS_READ is one MFS_READ whose bytes MFS copies with SYS_SAFECOPYTO on
 * VFS's indirect grant, while VFS makes no copy at all.
 */
#include <fcntl.h>
#include <stdint.h>
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

#define VT_TRACE_SIZE (64u * 1024)

static struct {
	char image[64];
	const char *users[4]; /* the user programs init starts, one after another */
	endpoint_t eps[4];    /* their endpoints */
	uint32_t size;	      /* bytes of the big file */
	int status[4];	      /* their exit statuses */
	int fail_line;	      /* the first check that failed in the program, 0 if none */
	int fail_err;	      /* px->err then */
	int checks;
	int done;
	long free_inodes; /* what the leaver saw */
} vt;

/* In a kip process: record the first failed check (no CUnit in there). */
#define VT_CHECK(px, cond)                                                                         \
	do {                                                                                       \
		vt.checks++;                                                                       \
		if (!(cond) && !vt.fail_line) {                                                    \
			vt.fail_line = __LINE__;                                                   \
			vt.fail_err = (px)->err;                                                   \
		}                                                                                  \
	} while (0)

/* The call failed with errno e. */
#define VT_FAILS(px, call, e)                                                                      \
	do {                                                                                       \
		(px)->err = 0;                                                                     \
		VT_CHECK(px, (call) == -1 && (px)->err == (e));                                    \
	} while (0)

static uint8_t vt_pat(uint64_t i)
{
	return (uint8_t)(i * 31 + i / 997);
}

/* ---------------------------------------------------------- host side */

static void vt_make_image(void)
{
	memset(&vt, 0, sizeof(vt));
	strcpy(vt.image, "/tmp/kip-vfs-img-XXXXXX");
	int fd = mkstemp(vt.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", vt.image, "--size", "2M", "--force", NULL};
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
}

/* Boot with the image; disk driver, MFS, VFS, then init starting the user
 * programs in vt.users. */
static int vt_run(unsigned flags)
{
	struct kip_config cfg;
	kt_default_config(&cfg, flags);
	cfg.disk_image = vt.image;
	kt_boot_config(&cfg);
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(driver >= 0);
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	CU_ASSERT_FATAL(mfs >= 0);
	endpoint_t vfs = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs, 0);
	CU_ASSERT_FATAL(vfs >= 0);
	kt_spawn("vfst_init", (uint64_t)(uint32_t)vfs, SPAWN_INIT);
	return kt_run();
}

/* Assert that no check failed in the programs; name the first that did. */
static void vt_report_checks(void)
{
	CU_ASSERT_EQUAL(vt.fail_line, 0);
	if (vt.fail_line)
		fprintf(stderr, "\n  vfs: check at line %d failed (err %d)\n", vt.fail_line,
			vt.fail_err);
}

static int vt_fsck_minix(void)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", vt.image);
	return system(cmd);
}

static int vt_fsck_kip(void)
{
	char *argv[] = {"fsck", vt.image, NULL};
	return kt_quiet(cli_fsck, argv);
}

/* ------------------------------------------------------------ init */

static uint64_t vt_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

/* Start `program` with VFS as its only destination; its exit status. */
static int vt_start_user(const char *program, endpoint_t vfs, endpoint_t *ep)
{
	endpoint_t user = kip_create(program, NULL, -1, (uint64_t)(uint32_t)vfs);
	*ep = user;
	if (user < 0)
		return 1;
	struct kcall_privctl pc = {0};
	int slot = kip_ep_slot((endpoint_t)vfs);
	pc.endpoint = user;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.send_mask[slot / 64] = 1ull << (slot % 64);
	pc.kcall_mask = vt_kbit(SYS_EXIT) | vt_kbit(SYS_PRINT) | vt_kbit(SYS_TIMES) |
			vt_kbit(SYS_PAGE_ALLOC) | vt_kbit(SYS_PAGE_FREE) | vt_kbit(SYS_SETGRANT);
	if (kip_privctl(&pc) < 0)
		return 1;
	struct kcall_event ev;
	do {
		if (kt_wait_event(&ev) < 0)
			return 1;
	} while (ev.endpoint != user);
	return ev.kind == KIP_EV_EXIT ? ev.status : 100 + ev.kind;
}

/* Run the programs of vt.users one after another. */
static int vt_init_main(uint64_t vfs)
{
	for (int i = 0; i < 4 && vt.users[i]; i++)
		vt.status[i] = vt_start_user(vt.users[i], (endpoint_t)vfs, &vt.eps[i]);
	return 0;
}
KIP_PROGRAM(vfst_init, vt_init_main, 1, KIP_PROG_SYSTEM);

/* ------------------------------------------------------- the program */

static const uint32_t vt_chunks[] = {1, 7, 513, 1000, 4097, 12345, 3, 8191};
#define VT_NCHUNKS (sizeof(vt_chunks) / sizeof(vt_chunks[0]))

/* Write the big file in odd chunks, read it back in other odd chunks. */
static void vt_big_file(struct kip_posix *px, uint8_t *buf, uint8_t *back)
{
	uint32_t n = vt.size;
	for (uint32_t i = 0; i < n; i++)
		buf[i] = vt_pat(i);
	int fd = kip_open(px, "/data", KIP_O_CREAT | KIP_O_RDWR, 0644);
	VT_CHECK(px, fd == 0);
	uint32_t done = 0;
	for (unsigned k = 0; done < n; k++) {
		uint32_t c = vt_chunks[k % VT_NCHUNKS];
		if (c > n - done)
			c = n - done;
		VT_CHECK(px, kip_write(px, fd, buf + done, c) == (ssize_t)c);
		done += c;
	}
	struct kip_stat st;
	VT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_CUR) == (off_t)n);
	VT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == n);
	VT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFREG && st.st_nlink == 1);
	VT_CHECK(px, (st.st_mode & 0777) == 0644);

	/* Seek and read a piece. */
	VT_CHECK(px, kip_lseek(px, fd, 1000, KIP_SEEK_SET) == 1000);
	VT_CHECK(px, kip_read(px, fd, back, 5000) == 5000);
	VT_CHECK(px, memcmp(back, buf + 1000, 5000) == 0);
	VT_CHECK(px, kip_lseek(px, fd, -10, KIP_SEEK_END) == (off_t)n - 10);
	VT_CHECK(px, kip_read(px, fd, back, 100) == 10);
	VT_CHECK(px, kip_read(px, fd, back, 100) == 0);
	VT_FAILS(px, kip_lseek(px, fd, -1, KIP_SEEK_SET), EINVAL);
	VT_FAILS(px, kip_lseek(px, fd, 0, 7), EINVAL);

	/* dup shares the offset. */
	int fd2 = kip_dup(px, fd);
	VT_CHECK(px, fd2 == 1);
	VT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	VT_CHECK(px, kip_read(px, fd2, back, 100) == 100);
	VT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_CUR) == 100);
	VT_CHECK(px, kip_dup2(px, fd, 10) == 10);
	VT_CHECK(px, kip_lseek(px, 10, 0, KIP_SEEK_CUR) == 100);
	VT_CHECK(px, kip_dup2(px, fd, 10) == 10 && kip_close(px, 10) == 0);

	/* The whole file back, in odd chunks. */
	VT_CHECK(px, kip_lseek(px, fd2, 0, KIP_SEEK_SET) == 0);
	memset(back, 0, n);
	done = 0;
	for (unsigned k = 3; done < n; k++) {
		ssize_t r = kip_read(px, fd, back + done, vt_chunks[k % VT_NCHUNKS]);
		VT_CHECK(px, r > 0);
		if (r <= 0)
			break;
		done += (uint32_t)r;
	}
	VT_CHECK(px, done == n && memcmp(back, buf, n) == 0);
	VT_CHECK(px, kip_read(px, fd, back, 1) == 0);
	VT_CHECK(px, kip_close(px, fd) == 0 && kip_close(px, fd2) == 0);
	VT_FAILS(px, kip_close(px, fd), EBADF);
	VT_FAILS(px, kip_read(px, fd, back, 1), EBADF);
	VT_FAILS(px, kip_read(px, -1, back, 1), EBADF);
	VT_FAILS(px, kip_write(px, 31, back, 1), EBADF);
	VT_FAILS(px, kip_dup(px, 5), EBADF);
}

/* O_EXCL, O_TRUNC, O_APPEND, access modes, truncate. */
static void vt_open_flags(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	VT_FAILS(px, kip_open(px, "/data", KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644), EEXIST);
	int fd = kip_open(px, "/data", KIP_O_RDONLY, 0);
	VT_CHECK(px, fd == 0);
	VT_FAILS(px, kip_write(px, fd, "x", 1), EBADF);
	VT_FAILS(px, kip_ftruncate(px, fd, 0), EINVAL);
	int w = kip_open(px, "/data", KIP_O_WRONLY | KIP_O_TRUNC, 0);
	VT_CHECK(px, w == 1);
	VT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 0);
	VT_FAILS(px, kip_read(px, w, back, 1), EBADF);
	memcpy(back, "hello", 5);
	VT_CHECK(px, kip_write(px, w, back, 5) == 5);
	VT_CHECK(px, kip_close(px, w) == 0);
	int a = kip_open(px, "/data", KIP_O_WRONLY | KIP_O_APPEND, 0);
	VT_CHECK(px, kip_write(px, a, back, 3) == 3);
	VT_CHECK(px, kip_stat(px, "/data", &st) == 0 && st.st_size == 8);
	VT_CHECK(px, kip_read(px, fd, back, 100) == 8 && memcmp(back, "hellohel", 8) == 0);
	VT_CHECK(px, kip_ftruncate(px, a, 2) == 0);
	VT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 2);
	VT_CHECK(px, kip_truncate(px, "/data", 5000) == 0);
	VT_CHECK(px, kip_stat(px, "data", &st) == 0 && st.st_size == 5000);
	VT_FAILS(px, kip_truncate(px, "/data", -1), EINVAL);
	VT_FAILS(px, kip_truncate(px, "/", 0), EISDIR);
	VT_CHECK(px, kip_fsync(px, a) == 0);
	VT_CHECK(px, kip_unlink(px, "/data") == 0); /* open: the inode stays until closed */
	VT_FAILS(px, kip_stat(px, "/data", &st), ENOENT);
	VT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 5000);
	VT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0 && kip_read(px, fd, back, 2) == 2);
	VT_CHECK(px, memcmp(back, "he", 2) == 0);
	VT_CHECK(px, kip_close(px, a) == 0 && kip_close(px, fd) == 0);
	fd = kip_open(px, "/data", KIP_O_CREAT | KIP_O_RDWR, 0644); /* vt_dirs wants it back */
	VT_CHECK(px, fd >= 0 && kip_ftruncate(px, fd, 5000) == 0 && kip_close(px, fd) == 0);
	VT_FAILS(px, kip_fsync(px, a), EBADF);
	VT_FAILS(px, kip_open(px, "/data", 0x40000000, 0), EINVAL);
}

/* mkdir, chdir, relative paths, readdir, unlink, rmdir. */
static void vt_dirs(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	VT_CHECK(px, kip_mkdir(px, "/d", 0755) == 0);
	VT_FAILS(px, kip_mkdir(px, "/d", 0755), EEXIST);
	VT_FAILS(px, kip_mkdir(px, "/", 0755), EEXIST);
	VT_CHECK(px, kip_chdir(px, "/d") == 0);
	int fd = kip_open(px, "f", KIP_O_CREAT | KIP_O_WRONLY, 0600);
	memcpy(back, "hello", 5);
	VT_CHECK(px, fd >= 0 && kip_write(px, fd, back, 5) == 5 && kip_close(px, fd) == 0);
	VT_CHECK(px, kip_stat(px, "/d/f", &st) == 0 && st.st_size == 5);
	VT_CHECK(px, kip_mkdir(px, "sub/", 0700) == 0);
	VT_CHECK(px, kip_chdir(px, "sub") == 0);
	VT_CHECK(px, kip_stat(px, "../f", &st) == 0 && st.st_size == 5);
	VT_CHECK(px, kip_stat(px, "../../data", &st) == 0 && st.st_size == 5000);
	VT_CHECK(px, kip_stat(px, "/../../d//sub/./..", &st) == 0 && st.st_nlink == 3);
	VT_CHECK(px, kip_rmdir(px, "/d/sub") == 0); /* the working directory, as Linux */
	VT_FAILS(px, kip_open(px, "x", KIP_O_CREAT | KIP_O_WRONLY, 0600), ENOENT);
	VT_FAILS(px, kip_chdir(px, "/d/sub"), ENOENT);
	VT_CHECK(px, kip_mkdir(px, "/d/sub", 0700) == 0 && kip_chdir(px, "/d/sub") == 0);
	VT_CHECK(px, kip_chdir(px, "..") == 0);
	VT_CHECK(px, kip_stat(px, "./sub/.", &st) == 0);
	VT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFDIR);
	VT_FAILS(px, kip_chdir(px, "f"), ENOTDIR);
	VT_FAILS(px, kip_stat(px, "f/", &st), ENOTDIR);

	/* readdir */
	KIP_DIR *d = kip_opendir(px, "/d");
	VT_CHECK(px, d != NULL);
	int seen = 0, entries = 0;
	struct kip_dirent *e;
	while (d && (e = kip_readdir(px, d)) != NULL) {
		entries++;
		seen |= !strcmp(e->d_name, ".") ? 1 : 0;
		seen |= !strcmp(e->d_name, "..") ? 2 : 0;
		seen |= !strcmp(e->d_name, "f") ? 4 : 0;
		seen |= !strcmp(e->d_name, "sub") ? 8 : 0;
	}
	VT_CHECK(px, entries == 4 && seen == 15);
	VT_FAILS(px, kip_rmdir(px, "/d"), ENOTEMPTY); /* open by the KIP_DIR, too */
	VT_CHECK(px, d && kip_closedir(px, d) == 0);
	VT_CHECK(px, kip_opendir(px, "/data") == NULL && px->err == ENOTDIR);

	/* unlink, rmdir */
	VT_CHECK(px, kip_chdir(px, "/") == 0);
	VT_FAILS(px, kip_rmdir(px, "/d"), ENOTEMPTY);
	VT_FAILS(px, kip_rmdir(px, "/d/f"), ENOTDIR);
	VT_FAILS(px, kip_unlink(px, "/d/sub"), EISDIR);
	VT_CHECK(px, kip_unlink(px, "/d/f") == 0);
	VT_FAILS(px, kip_stat(px, "/d/f", &st), ENOENT);
	VT_FAILS(px, kip_unlink(px, "/d/f"), ENOENT);
	VT_CHECK(px, kip_rmdir(px, "d/sub") == 0);
	VT_CHECK(px, kip_rmdir(px, "/d") == 0);
	VT_FAILS(px, kip_chdir(px, "/d"), ENOENT);
	VT_CHECK(px, kip_mkdir(px, "/keep", 0755) == 0);
}

/* Errors from path resolution and from the wrong kind of file. */
static void vt_errors(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	char long_name[80];
	memset(long_name, 'a', sizeof(long_name));
	long_name[0] = '/';
	long_name[62] = '\0'; /* 61 bytes after the slash */
	VT_FAILS(px, kip_open(px, "/nope", KIP_O_RDONLY, 0), ENOENT);
	VT_FAILS(px, kip_open(px, "", KIP_O_RDONLY, 0), ENOENT);
	VT_FAILS(px, kip_stat(px, "/nope/x", &st), ENOENT);
	VT_FAILS(px, kip_open(px, "/data/x", KIP_O_RDONLY, 0), ENOTDIR);
	VT_FAILS(px, kip_mkdir(px, "/data/x", 0755), ENOTDIR);
	VT_FAILS(px, kip_open(px, "/", KIP_O_WRONLY, 0), EISDIR);
	VT_FAILS(px, kip_open(px, "/", KIP_O_RDONLY | KIP_O_TRUNC, 0), EISDIR);
	VT_FAILS(px, kip_open(px, long_name, KIP_O_RDONLY, 0), ENAMETOOLONG);
	VT_FAILS(px, kip_open(px, long_name, KIP_O_CREAT | KIP_O_WRONLY, 0644), ENAMETOOLONG);
	long_name[61] = '\0'; /* 60: just fits */
	int fd = kip_open(px, long_name, KIP_O_CREAT | KIP_O_WRONLY, 0644);
	VT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
	VT_CHECK(px, kip_unlink(px, long_name) == 0);
	fd = kip_open(px, "/", KIP_O_RDONLY, 0);
	VT_CHECK(px, fd >= 0);
	VT_FAILS(px, kip_read(px, fd, back, 10), EISDIR);
	VT_CHECK(px, kip_close(px, fd) == 0);
	fd = kip_open(px, "/data", KIP_O_RDONLY, 0);
	VT_FAILS(px, kip_getdents(px, fd, back, 4096), ENOTDIR);
	VT_CHECK(px, kip_close(px, fd) == 0);
	int n = 0;
	while ((fd = kip_open(px, "/data", KIP_O_RDONLY, 0)) >= 0)
		n++;
	VT_CHECK(px, n == 32 && px->err == EMFILE);
	for (fd = 0; fd < 32; fd++)
		VT_CHECK(px, kip_close(px, fd) == 0);

	/* Only MM may send VFS_PM_*. */
	message m;
	kip_msg_init(&m, VFS_PM_EXIT);
	m.m_vfs.proc = KIP_SELF;
	VT_CHECK(px, kip_sendrec(px->vfs, &m) == 0 && m.m_type == -EPERM);
}

static int vt_user_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	unsigned pages = vt.size / 4096 + 1;
	uint8_t *buf = kip_page_alloc(pages), *back = kip_page_alloc(pages);
	if (!px || !buf || !back)
		return 1;
	vt_big_file(px, buf, back);
	vt_open_flags(px, back);
	vt_dirs(px, back);
	vt_errors(px, back);
	VT_CHECK(px, kip_sync(px) == 0);
	vt.done = 1;
	return vt.fail_line ? 2 : 0;
}
KIP_PROGRAM(vfst_user, vt_user_main, 8, KIP_PROG_USER);

/* Free inodes, or -1. */
static long vt_free_inodes(struct kip_posix *px)
{
	struct kip_statfs sf;
	return kip_statfs(px, "/", &sf) == 0 ? (long)sf.f_ffree : -1;
}

/* Leaves /data open and /keep as its working directory when it exits,
 * both removed: their inodes live on while it holds them. */
static int vt_leaver_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	if (!px)
		return 1;
	VT_CHECK(px, kip_open(px, "/data", KIP_O_RDWR, 0) == 0);
	VT_CHECK(px, kip_chdir(px, "/keep") == 0);
	VT_CHECK(px, kip_unlink(px, "/data") == 0);
	VT_CHECK(px, kip_rmdir(px, "/keep") == 0);
	vt.free_inodes = vt_free_inodes(px);
	return vt.fail_line ? 2 : 0;
}
KIP_PROGRAM(vfst_leaver, vt_leaver_main, 8, KIP_PROG_USER);

/* A new endpoint in the leaver's slot: a fresh table, nothing left open. */
static int vt_heir_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	struct kip_stat st;
	if (!px)
		return 1;
	/* The leaver's references went with its table: both inodes are free. */
	VT_CHECK(px, vt.free_inodes >= 0 && vt_free_inodes(px) == vt.free_inodes + 2);
	VT_FAILS(px, kip_close(px, 0), EBADF);
	VT_FAILS(px, kip_stat(px, "data/", &st), ENOENT); /* relative to the root */
	VT_FAILS(px, kip_rmdir(px, "/keep"), ENOENT);
	VT_CHECK(px, kip_sync(px) == 0);
	vt.done = 2;
	return vt.fail_line ? 2 : 0;
}
KIP_PROGRAM(vfst_heir, vt_heir_main, 8, KIP_PROG_USER);

static void test_posix_file_calls(void)
{
	vt_make_image();
	vt.size = kip_test_small() ? 40u * 1024 : 300u * 1024;
	vt.users[0] = "vfst_user";
	CU_ASSERT_EQUAL(vt_run(0), 0);
	CU_ASSERT(vt.done);
	CU_ASSERT_EQUAL(vt.status[0], 0);
	vt_report_checks();
	CU_ASSERT(vt.checks > 100);
	CU_ASSERT_EQUAL(vt_fsck_minix(), 0);
	CU_ASSERT_EQUAL(vt_fsck_kip(), 0);
	unlink(vt.image);
}

static void test_reused_slot_gets_fresh_table(void)
{
	vt_make_image();
	vt.size = 8192; /* vt_big_file reads 5000 bytes from 1000 */
	vt.users[0] = "vfst_user";
	vt.users[1] = "vfst_leaver";
	vt.users[2] = "vfst_heir";
	CU_ASSERT_EQUAL(vt_run(0), 0);
	CU_ASSERT_EQUAL(vt.done, 2);
	CU_ASSERT(vt.status[0] == 0 && vt.status[1] == 0 && vt.status[2] == 0);
	vt_report_checks();
	CU_ASSERT_EQUAL(kip_ep_slot(vt.eps[1]), kip_ep_slot(vt.eps[2]));
	CU_ASSERT_NOT_EQUAL(vt.eps[1], vt.eps[2]);
	CU_ASSERT_EQUAL(vt_fsck_minix(), 0);
	CU_ASSERT_EQUAL(vt_fsck_kip(), 0);
	unlink(vt.image);
}

/* ---------------------------------------------- the read() walk, traced */

static int vt_trace_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	uint8_t *buf = kip_page_alloc(VT_TRACE_SIZE / 4096);
	if (!px || !buf)
		return 1;
	for (uint32_t i = 0; i < VT_TRACE_SIZE; i++)
		buf[i] = vt_pat(i);
	int fd = kip_open(px, "/walk", KIP_O_CREAT | KIP_O_RDWR, 0644);
	VT_CHECK(px, kip_write(px, fd, buf, VT_TRACE_SIZE) == VT_TRACE_SIZE);
	VT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	memset(buf, 0, VT_TRACE_SIZE);
	kip_print("read begins\n", 12); /* a SYS_PRINT line marks the trace */
	ssize_t r = kip_read(px, fd, buf, VT_TRACE_SIZE);
	kip_print("read ends\n", 10);
	VT_CHECK(px, r == VT_TRACE_SIZE);
	for (uint32_t i = 0; i < VT_TRACE_SIZE; i++)
		VT_CHECK(px, buf[i] == vt_pat(i));
	VT_CHECK(px, kip_close(px, fd) == 0 && kip_sync(px) == 0);
	vt.done = 1;
	return vt.fail_line ? 2 : 0;
}
KIP_PROGRAM(vfst_trace, vt_trace_main, 8, KIP_PROG_USER);

/* Lines of the trace between the two SYS_PRINT markers that contain every
 * one of a, b and c. */
static int vt_count_in_read(const char *a, const char *b, const char *c)
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
		char buf[256];
		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		if (strstr(buf, a) && strstr(buf, b) && strstr(buf, c))
			n++;
		line += len + 1;
	}
	return n;
}

static void test_read_walk_trace(void)
{
	vt_make_image();
	vt.users[0] = "vfst_trace";
	CU_ASSERT_EQUAL(vt_run(KT_TRACE), 0);
	CU_ASSERT(vt.done);
	CU_ASSERT_EQUAL(vt.status[0], 0);
	vt_report_checks();
	/* One VFS_READ, one MFS_READ, their replies, and nothing else but
	 * MFS's copies (and its disk reads on a cache miss). */
	CU_ASSERT_EQUAL(vt_count_in_read("vfst_trace(", "-> vfs(", "VFS_READ"), 1);
	CU_ASSERT_EQUAL(vt_count_in_read("vfs(", "-> mfs(", "MFS_READ"), 1);
	/* 64 KiB in 1 KiB blocks: MFS copies 64 times, to the user's buffer
	 * through VFS's indirect grant; VFS copies nothing. */
	CU_ASSERT_EQUAL(vt_count_in_read(" mfs(", "-> kernel(", "SYS_SAFECOPYTO  ok"), 64);
	CU_ASSERT_EQUAL(vt_count_in_read(" vfs(", "-> kernel(", "SYS_SAFECOPY"), 0);
	CU_ASSERT_EQUAL(vt_fsck_minix(), 0);
	unlink(vt.image);
}

static const struct kip_test vfs_tests[] = {
	{"POSIX file calls through VFS on MFS", test_posix_file_calls},
	{"a new process in a reused slot gets a fresh fd table", test_reused_slot_gets_fresh_table},
	{"read(): MFS copies straight into the user's buffer", test_read_walk_trace},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs, vfs_tests);
