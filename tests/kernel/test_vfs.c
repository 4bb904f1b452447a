/*
 * tests/kernel/test_vfs.c - the virtual file system (servers/vfs/) and the
 * libposix file calls (libposix/file.c, dir.c), on MFS and the disk driver,
 * in a booted kernel, on an image made by `kip mkfs` (suite `vfs`).
 *
 * Pins: a user program (KIP_PROG_USER, its privileges opened to VFS alone
 * by a system "init", tests/kernel/fs_harness.h) creates a file, writes 300 KiB (40 KiB at small scale)
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
#include <stdint.h>
#include <string.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define VT_TRACE_SIZE (64u * 1024)

static struct {
	struct ft_users u; /* the user programs init starts, one after another */
	uint32_t size;	   /* bytes of the big file */
	int done;
	long free_inodes; /* what the leaver saw */
} vt;

static uint8_t vt_pat(uint64_t i)
{
	return (uint8_t)(i * 31 + i / 997);
}

/* ---------------------------------------------------------- host side */

/* A fresh image; nothing run yet. */
static void vt_make_image(void)
{
	memset(&vt, 0, sizeof(vt));
	ft_mkfs("vfs", "2M", NULL);
}

/* Boot on the image and run the users of vt.u one after another; assert
 * that the run halted with 0, the last user got to `done`, each exited 0,
 * at least min_checks checks were made and none failed, and both judges
 * pass the image; remove it. */
static void vt_run(unsigned flags, int done, int min_checks)
{
	CU_ASSERT_EQUAL(ft_run_users(flags, &vt.u), 0);
	CU_ASSERT_EQUAL(vt.done, done);
	for (int i = 0; i < FT_USERS_MAX && vt.u.program[i]; i++)
		CU_ASSERT_EQUAL(vt.u.status[i], 0);
	ft_report(min_checks);
	ft_judge(FT_FSCK_BOTH, "vfs");
	ft_unlink();
}

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
	FT_CHECK(px, fd == 0);
	uint32_t done = 0;
	for (unsigned k = 0; done < n; k++) {
		uint32_t c = vt_chunks[k % VT_NCHUNKS];
		if (c > n - done)
			c = n - done;
		FT_CHECK(px, kip_write(px, fd, buf + done, c) == (ssize_t)c);
		done += c;
	}
	struct kip_stat st;
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_CUR) == (off_t)n);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == n);
	FT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFREG && st.st_nlink == 1);
	FT_CHECK(px, (st.st_mode & 0777) == 0644);

	/* Seek and read a piece. */
	FT_CHECK(px, kip_lseek(px, fd, 1000, KIP_SEEK_SET) == 1000);
	FT_CHECK(px, kip_read(px, fd, back, 5000) == 5000);
	FT_CHECK(px, memcmp(back, buf + 1000, 5000) == 0);
	FT_CHECK(px, kip_lseek(px, fd, -10, KIP_SEEK_END) == (off_t)n - 10);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 10);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 0);
	FT_FAILS(px, kip_lseek(px, fd, -1, KIP_SEEK_SET), EINVAL);
	FT_FAILS(px, kip_lseek(px, fd, 0, 7), EINVAL);

	/* dup shares the offset. */
	int fd2 = kip_dup(px, fd);
	FT_CHECK(px, fd2 == 1);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	FT_CHECK(px, kip_read(px, fd2, back, 100) == 100);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_CUR) == 100);
	FT_CHECK(px, kip_dup2(px, fd, 10) == 10);
	FT_CHECK(px, kip_lseek(px, 10, 0, KIP_SEEK_CUR) == 100);
	FT_CHECK(px, kip_dup2(px, fd, 10) == 10 && kip_close(px, 10) == 0);

	/* The whole file back, in odd chunks. */
	FT_CHECK(px, kip_lseek(px, fd2, 0, KIP_SEEK_SET) == 0);
	memset(back, 0, n);
	done = 0;
	for (unsigned k = 3; done < n; k++) {
		ssize_t r = kip_read(px, fd, back + done, vt_chunks[k % VT_NCHUNKS]);
		FT_CHECK(px, r > 0);
		if (r <= 0)
			break;
		done += (uint32_t)r;
	}
	FT_CHECK(px, done == n && memcmp(back, buf, n) == 0);
	FT_CHECK(px, kip_read(px, fd, back, 1) == 0);
	FT_CHECK(px, kip_close(px, fd) == 0 && kip_close(px, fd2) == 0);
	FT_FAILS(px, kip_close(px, fd), EBADF);
	FT_FAILS(px, kip_read(px, fd, back, 1), EBADF);
	FT_FAILS(px, kip_read(px, -1, back, 1), EBADF);
	FT_FAILS(px, kip_write(px, 31, back, 1), EBADF);
	FT_FAILS(px, kip_dup(px, 5), EBADF);
}

/* O_EXCL, O_TRUNC, O_APPEND, access modes, truncate. */
static void vt_open_flags(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	FT_FAILS(px, kip_open(px, "/data", KIP_O_CREAT | KIP_O_EXCL | KIP_O_WRONLY, 0644), EEXIST);
	int fd = kip_open(px, "/data", KIP_O_RDONLY, 0);
	FT_CHECK(px, fd == 0);
	FT_FAILS(px, kip_write(px, fd, "x", 1), EBADF);
	FT_FAILS(px, kip_ftruncate(px, fd, 0), EINVAL);
	int w = kip_open(px, "/data", KIP_O_WRONLY | KIP_O_TRUNC, 0);
	FT_CHECK(px, w == 1);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 0);
	FT_FAILS(px, kip_read(px, w, back, 1), EBADF);
	memcpy(back, "hello", 5);
	FT_CHECK(px, kip_write(px, w, back, 5) == 5);
	FT_CHECK(px, kip_close(px, w) == 0);
	int a = kip_open(px, "/data", KIP_O_WRONLY | KIP_O_APPEND, 0);
	FT_CHECK(px, kip_write(px, a, back, 3) == 3);
	FT_CHECK(px, kip_stat(px, "/data", &st) == 0 && st.st_size == 8);
	FT_CHECK(px, kip_read(px, fd, back, 100) == 8 && memcmp(back, "hellohel", 8) == 0);
	FT_CHECK(px, kip_ftruncate(px, a, 2) == 0);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 2);
	FT_CHECK(px, kip_truncate(px, "/data", 5000) == 0);
	FT_CHECK(px, kip_stat(px, "data", &st) == 0 && st.st_size == 5000);
	FT_FAILS(px, kip_truncate(px, "/data", -1), EINVAL);
	FT_FAILS(px, kip_truncate(px, "/", 0), EISDIR);
	FT_CHECK(px, kip_fsync(px, a) == 0);
	FT_CHECK(px, kip_unlink(px, "/data") == 0); /* open: the inode stays until closed */
	FT_FAILS(px, kip_stat(px, "/data", &st), ENOENT);
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 5000);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0 && kip_read(px, fd, back, 2) == 2);
	FT_CHECK(px, memcmp(back, "he", 2) == 0);
	FT_CHECK(px, kip_close(px, a) == 0 && kip_close(px, fd) == 0);
	fd = kip_open(px, "/data", KIP_O_CREAT | KIP_O_RDWR, 0644); /* vt_dirs wants it back */
	FT_CHECK(px, fd >= 0 && kip_ftruncate(px, fd, 5000) == 0 && kip_close(px, fd) == 0);
	FT_FAILS(px, kip_fsync(px, a), EBADF);
	FT_FAILS(px, kip_open(px, "/data", 0x40000000, 0), EINVAL);
}

/* mkdir, chdir, relative paths, readdir, unlink, rmdir. */
static void vt_dirs(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	FT_CHECK(px, kip_mkdir(px, "/d", 0755) == 0);
	FT_FAILS(px, kip_mkdir(px, "/d", 0755), EEXIST);
	FT_FAILS(px, kip_mkdir(px, "/", 0755), EEXIST);
	FT_CHECK(px, kip_chdir(px, "/d") == 0);
	int fd = kip_open(px, "f", KIP_O_CREAT | KIP_O_WRONLY, 0600);
	memcpy(back, "hello", 5);
	FT_CHECK(px, fd >= 0 && kip_write(px, fd, back, 5) == 5 && kip_close(px, fd) == 0);
	FT_CHECK(px, kip_stat(px, "/d/f", &st) == 0 && st.st_size == 5);
	FT_CHECK(px, kip_mkdir(px, "sub/", 0700) == 0);
	FT_CHECK(px, kip_chdir(px, "sub") == 0);
	FT_CHECK(px, kip_stat(px, "../f", &st) == 0 && st.st_size == 5);
	FT_CHECK(px, kip_stat(px, "../../data", &st) == 0 && st.st_size == 5000);
	FT_CHECK(px, kip_stat(px, "/../../d//sub/./..", &st) == 0 && st.st_nlink == 3);
	FT_CHECK(px, kip_rmdir(px, "/d/sub") == 0); /* the working directory, as Linux */
	FT_FAILS(px, kip_open(px, "x", KIP_O_CREAT | KIP_O_WRONLY, 0600), ENOENT);
	FT_FAILS(px, kip_chdir(px, "/d/sub"), ENOENT);
	FT_CHECK(px, kip_mkdir(px, "/d/sub", 0700) == 0 && kip_chdir(px, "/d/sub") == 0);
	FT_CHECK(px, kip_chdir(px, "..") == 0);
	FT_CHECK(px, kip_stat(px, "./sub/.", &st) == 0);
	FT_CHECK(px, (st.st_mode & MINIXFS_S_IFMT) == MINIXFS_S_IFDIR);
	FT_FAILS(px, kip_chdir(px, "f"), ENOTDIR);
	FT_FAILS(px, kip_stat(px, "f/", &st), ENOTDIR);

	/* readdir */
	KIP_DIR *d = kip_opendir(px, "/d");
	FT_CHECK(px, d != NULL);
	int seen = 0, entries = 0;
	struct kip_dirent *e;
	while (d && (e = kip_readdir(px, d)) != NULL) {
		entries++;
		seen |= !strcmp(e->d_name, ".") ? 1 : 0;
		seen |= !strcmp(e->d_name, "..") ? 2 : 0;
		seen |= !strcmp(e->d_name, "f") ? 4 : 0;
		seen |= !strcmp(e->d_name, "sub") ? 8 : 0;
	}
	FT_CHECK(px, entries == 4 && seen == 15);
	FT_FAILS(px, kip_rmdir(px, "/d"), ENOTEMPTY); /* open by the KIP_DIR, too */
	FT_CHECK(px, d && kip_closedir(px, d) == 0);
	FT_CHECK(px, kip_opendir(px, "/data") == NULL && px->err == ENOTDIR);

	/* unlink, rmdir */
	FT_CHECK(px, kip_chdir(px, "/") == 0);
	FT_FAILS(px, kip_rmdir(px, "/d"), ENOTEMPTY);
	FT_FAILS(px, kip_rmdir(px, "/d/f"), ENOTDIR);
	FT_FAILS(px, kip_unlink(px, "/d/sub"), EISDIR);
	FT_CHECK(px, kip_unlink(px, "/d/f") == 0);
	FT_FAILS(px, kip_stat(px, "/d/f", &st), ENOENT);
	FT_FAILS(px, kip_unlink(px, "/d/f"), ENOENT);
	FT_CHECK(px, kip_rmdir(px, "d/sub") == 0);
	FT_CHECK(px, kip_rmdir(px, "/d") == 0);
	FT_FAILS(px, kip_chdir(px, "/d"), ENOENT);
	FT_CHECK(px, kip_mkdir(px, "/keep", 0755) == 0);
}

/* Errors from path resolution and from the wrong kind of file. */
static void vt_errors(struct kip_posix *px, uint8_t *back)
{
	struct kip_stat st;
	char long_name[80];
	memset(long_name, 'a', sizeof(long_name));
	long_name[0] = '/';
	long_name[62] = '\0'; /* 61 bytes after the slash */
	FT_FAILS(px, kip_open(px, "/nope", KIP_O_RDONLY, 0), ENOENT);
	FT_FAILS(px, kip_open(px, "", KIP_O_RDONLY, 0), ENOENT);
	FT_FAILS(px, kip_stat(px, "/nope/x", &st), ENOENT);
	FT_FAILS(px, kip_open(px, "/data/x", KIP_O_RDONLY, 0), ENOTDIR);
	FT_FAILS(px, kip_mkdir(px, "/data/x", 0755), ENOTDIR);
	FT_FAILS(px, kip_open(px, "/", KIP_O_WRONLY, 0), EISDIR);
	FT_FAILS(px, kip_open(px, "/", KIP_O_RDONLY | KIP_O_TRUNC, 0), EISDIR);
	FT_FAILS(px, kip_open(px, long_name, KIP_O_RDONLY, 0), ENAMETOOLONG);
	FT_FAILS(px, kip_open(px, long_name, KIP_O_CREAT | KIP_O_WRONLY, 0644), ENAMETOOLONG);
	long_name[61] = '\0'; /* 60: just fits */
	int fd = kip_open(px, long_name, KIP_O_CREAT | KIP_O_WRONLY, 0644);
	FT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
	FT_CHECK(px, kip_unlink(px, long_name) == 0);
	fd = kip_open(px, "/", KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0);
	FT_FAILS(px, kip_read(px, fd, back, 10), EISDIR);
	FT_CHECK(px, kip_close(px, fd) == 0);
	fd = kip_open(px, "/data", KIP_O_RDONLY, 0);
	FT_FAILS(px, kip_getdents(px, fd, back, 4096), ENOTDIR);
	FT_CHECK(px, kip_close(px, fd) == 0);
	int n = 0;
	while ((fd = kip_open(px, "/data", KIP_O_RDONLY, 0)) >= 0)
		n++;
	FT_CHECK(px, n == 32 && px->err == EMFILE);
	for (fd = 0; fd < 32; fd++)
		FT_CHECK(px, kip_close(px, fd) == 0);

	/* Only MM may send VFS_PM_*. */
	message m;
	kip_msg_init(&m, VFS_PM_EXIT);
	m.m_vfs.proc = KIP_SELF;
	FT_CHECK(px, kip_sendrec(px->vfs, &m) == 0 && m.m_type == -EPERM);
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
	FT_CHECK(px, kip_sync(px) == 0);
	vt.done = 1;
	return ft_failures() ? 2 : 0;
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
	FT_CHECK(px, kip_open(px, "/data", KIP_O_RDWR, 0) == 0);
	FT_CHECK(px, kip_chdir(px, "/keep") == 0);
	FT_CHECK(px, kip_unlink(px, "/data") == 0);
	FT_CHECK(px, kip_rmdir(px, "/keep") == 0);
	vt.free_inodes = vt_free_inodes(px);
	return ft_failures() ? 2 : 0;
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
	FT_CHECK(px, vt.free_inodes >= 0 && vt_free_inodes(px) == vt.free_inodes + 2);
	FT_FAILS(px, kip_close(px, 0), EBADF);
	FT_FAILS(px, kip_stat(px, "data/", &st), ENOENT); /* relative to the root */
	FT_FAILS(px, kip_rmdir(px, "/keep"), ENOENT);
	FT_CHECK(px, kip_sync(px) == 0);
	vt.done = 2;
	return ft_failures() ? 2 : 0;
}
KIP_PROGRAM(vfst_heir, vt_heir_main, 8, KIP_PROG_USER);

static void test_posix_file_calls(void)
{
	vt_make_image();
	vt.size = kip_test_small() ? 40u * 1024 : 300u * 1024;
	vt.u.program[0] = "vfst_user";
	vt_run(0, 1, 101);
}

static void test_reused_slot_gets_fresh_table(void)
{
	vt_make_image();
	vt.size = 8192; /* vt_big_file reads 5000 bytes from 1000 */
	vt.u.program[0] = "vfst_user";
	vt.u.program[1] = "vfst_leaver";
	vt.u.program[2] = "vfst_heir";
	vt_run(0, 2, 1);
	CU_ASSERT_EQUAL(kip_ep_slot(vt.u.ep[1]), kip_ep_slot(vt.u.ep[2]));
	CU_ASSERT_NOT_EQUAL(vt.u.ep[1], vt.u.ep[2]);
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
	FT_CHECK(px, kip_write(px, fd, buf, VT_TRACE_SIZE) == VT_TRACE_SIZE);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	memset(buf, 0, VT_TRACE_SIZE);
	kip_print("read begins\n", 12); /* a SYS_PRINT line marks the trace */
	ssize_t r = kip_read(px, fd, buf, VT_TRACE_SIZE);
	kip_print("read ends\n", 10);
	FT_CHECK(px, r == VT_TRACE_SIZE);
	for (uint32_t i = 0; i < VT_TRACE_SIZE; i++)
		FT_CHECK(px, buf[i] == vt_pat(i));
	FT_CHECK(px, kip_close(px, fd) == 0 && kip_sync(px) == 0);
	vt.done = 1;
	return ft_failures() ? 2 : 0;
}
KIP_PROGRAM(vfst_trace, vt_trace_main, 8, KIP_PROG_USER);

static void test_read_walk_trace(void)
{
	vt_make_image();
	vt.u.program[0] = "vfst_trace";
	vt_run(KT_TRACE, 1, 1);
	/* One VFS_READ, one MFS_READ, their replies, and nothing else but
	 * MFS's copies (and its disk reads on a cache miss). */
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, "vfst_trace(", "-> vfs(", "VFS_READ", NULL), 1);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, "vfs(", "-> mfs(", "MFS_READ", NULL), 1);
	/* 64 KiB in 1 KiB blocks: MFS copies 64 times, to the user's buffer
	 * through VFS's indirect grant; VFS copies nothing. */
	CU_ASSERT_EQUAL(
		ft_trace_lines(FT_MARKED, " mfs(", "-> kernel(", "SYS_SAFECOPYTO  ok", NULL), 64);
	CU_ASSERT_EQUAL(ft_trace_lines(FT_MARKED, " vfs(", "-> kernel(", "SYS_SAFECOPY", NULL), 0);
}

static const struct kip_test vfs_tests[] = {
	{"POSIX file calls through VFS on MFS", test_posix_file_calls},
	{"a new process in a reused slot gets a fresh fd table", test_reused_slot_gets_fresh_table},
	{"read(): MFS copies straight into the user's buffer", test_read_walk_trace},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs, vfs_tests);
