/*
 * tests/kernel/test_vfs_posix.c - POSIX semantics of VFS beyond plain file
 * I/O (suite `vfs_posix`): symbolic links, hard links, rename, permissions
 * by user, group and supplementary groups, umask, sticky and setgid
 * directories, chmod/chown/utime rules, access, getcwd, pread/pwrite,
 * mknod, statfs, names too long.
 *
 * A system "init" plays MM: VFS is started with it as the process manager,
 * and it sends VFS_PM_SETCRED for each user program before the program
 * runs.  The programs run one after another: root sets the scene and checks
 * everything root may do, then uid 1000 (gid 100, groups 100 and 200), then
 * uid 1001 (gid 101).  Every check inside kip is recorded (FT_CHECK,
 * tests/kernel/fs_harness.h); CUnit asserts none failed.  After the run the image passes
 * `fsck.minix -f` and `kip fsck`.
 */
#include <string.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define PX_NUSERS 3

static struct {
	endpoint_t vfs;
	int status[PX_NUSERS];
	int done;
} pt;

static bool px_type(const struct kip_stat *st, uint32_t type)
{
	return (st->st_mode & MINIXFS_S_IFMT) == type;
}

/* Create `path` with `text` in it. */
static int px_put(struct kip_posix *px, char *page, const char *path, const char *text,
		  unsigned mode)
{
	int fd = kip_creat(px, path, mode);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	memcpy(page, text, n);
	int r = kip_write(px, fd, page, n) == (ssize_t)n ? 0 : -1;
	return kip_close(px, fd) == 0 ? r : -1;
}

/* ------------------------------------------------------------- root */

static void px_symlinks(struct kip_posix *px, char *page)
{
	struct kip_stat st, st2;
	FT_CHECK(px, px_put(px, page, "f", "hello", 0644) == 0);
	FT_CHECK(px, kip_symlink(px, "f", "l") == 0);
	FT_FAILS(px, kip_symlink(px, "f", "l"), EEXIST);
	FT_CHECK(px, kip_lstat(px, "l", &st) == 0 && px_type(&st, MINIXFS_S_IFLNK));
	FT_CHECK(px, st.st_size == 1);
	FT_CHECK(px, kip_stat(px, "l", &st2) == 0 && px_type(&st2, MINIXFS_S_IFREG));
	FT_CHECK(px, st2.st_size == 5 && st2.st_ino != st.st_ino);
	FT_CHECK(px, kip_readlink(px, "l", page, 100) == 1 && page[0] == 'f');
	FT_FAILS(px, kip_readlink(px, "f", page, 100), EINVAL);
	int fd = kip_open(px, "l", KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0 && kip_read(px, fd, page, 100) == 5 && !memcmp(page, "hello", 5));
	FT_CHECK(px, kip_close(px, fd) == 0);
	FT_FAILS(px, kip_open(px, "l", KIP_O_RDONLY | KIP_O_NOFOLLOW, 0), ELOOP);
	/* An absolute link to a directory, used in the middle of a path. */
	FT_CHECK(px, kip_mkdir(px, "d2", 0755) == 0);
	FT_CHECK(px, px_put(px, page, "d2/x", "xx", 0644) == 0);
	FT_CHECK(px, kip_symlink(px, "/t/d2", "abs") == 0);
	FT_CHECK(px, kip_stat(px, "abs/x", &st) == 0 && st.st_size == 2);
	FT_CHECK(px, kip_stat(px, "abs/", &st) == 0 && px_type(&st, MINIXFS_S_IFDIR));
	FT_CHECK(px, kip_symlink(px, "../../t/./d2/x", "d2/up") == 0); /* relative to d2 */
	FT_CHECK(px, kip_stat(px, "abs/up", &st) == 0 && st.st_size == 2);
	/* Loops and dangling links. */
	FT_CHECK(px, kip_symlink(px, "loop2", "loop1") == 0);
	FT_CHECK(px, kip_symlink(px, "loop1", "loop2") == 0);
	FT_FAILS(px, kip_stat(px, "loop1", &st), ELOOP);
	FT_FAILS(px, kip_open(px, "loop1/x", KIP_O_RDONLY, 0), ELOOP);
	FT_CHECK(px, kip_symlink(px, "nowhere", "dangling") == 0);
	FT_FAILS(px, kip_stat(px, "dangling", &st), ENOENT);
	FT_CHECK(px, kip_lstat(px, "dangling", &st) == 0);
	FT_FAILS(px, kip_open(px, "dangling", KIP_O_RDONLY, 0), ENOENT);
	FT_FAILS(px, kip_stat(px, "f/", &st), ENOTDIR);
	/* unlink removes the link, not its target. */
	FT_CHECK(px, kip_unlink(px, "l") == 0);
	FT_CHECK(px, kip_stat(px, "f", &st) == 0 && st.st_size == 5);
	/* getcwd gives the path without links. */
	FT_CHECK(px, kip_chdir(px, "abs") == 0);
	FT_CHECK(px, kip_getcwd(px, page, 100) == page && !strcmp(page, "/t/d2"));
	FT_CHECK(px, kip_getcwd(px, page, 5) == NULL && px->err == ERANGE);
	FT_CHECK(px, kip_chdir(px, "/t") == 0);
	FT_CHECK(px, kip_getcwd(px, page, 100) == page && !strcmp(page, "/t"));
	fd = kip_open(px, "d2", KIP_O_RDONLY | KIP_O_DIRECTORY, 0);
	FT_CHECK(px, fd >= 0 && kip_fchdir(px, fd) == 0 && kip_close(px, fd) == 0);
	FT_CHECK(px, kip_getcwd(px, page, 100) == page && !strcmp(page, "/t/d2"));
	FT_CHECK(px, kip_chdir(px, "..") == 0);
}

static void px_links_and_renames(struct kip_posix *px, char *page)
{
	struct kip_stat st, st2;
	FT_CHECK(px, kip_link(px, "f", "f2") == 0);
	FT_CHECK(px, kip_stat(px, "f", &st) == 0 && st.st_nlink == 2);
	FT_FAILS(px, kip_link(px, "f", "f2"), EEXIST);
	FT_FAILS(px, kip_link(px, "d2", "d3"), EPERM);
	FT_FAILS(px, kip_link(px, "nope", "x"), ENOENT);
	FT_CHECK(px, kip_rename(px, "f2", "g") == 0);
	FT_CHECK(px, kip_stat(px, "g", &st2) == 0 && st2.st_ino == st.st_ino);
	FT_FAILS(px, kip_stat(px, "f2", &st2), ENOENT);
	/* Two names of one inode: rename does nothing, both stay. */
	FT_CHECK(px, kip_rename(px, "g", "f") == 0);
	FT_CHECK(px, kip_stat(px, "g", &st2) == 0 && kip_stat(px, "f", &st2) == 0);
	FT_CHECK(px, st2.st_nlink == 2);
	/* Over an existing file: g now names h's inode, f's count drops. */
	FT_CHECK(px, px_put(px, page, "h", "HH", 0644) == 0);
	FT_CHECK(px, kip_rename(px, "h", "g") == 0);
	FT_CHECK(px, kip_stat(px, "g", &st2) == 0 && st2.st_size == 2);
	FT_CHECK(px, kip_stat(px, "f", &st2) == 0 && st2.st_nlink == 1);
	/* Directories. */
	FT_CHECK(px, kip_mkdir(px, "e1", 0755) == 0 && kip_mkdir(px, "e2", 0755) == 0);
	FT_CHECK(px, px_put(px, page, "e2/z", "z", 0644) == 0);
	px->err = 0;
	FT_CHECK(px,
		 kip_rename(px, "e1", "e2") == -1 && (px->err == ENOTEMPTY || px->err == EEXIST));
	FT_FAILS(px, kip_rename(px, "e1", "g"), ENOTDIR);
	FT_FAILS(px, kip_rename(px, "g", "e1"), EISDIR);
	FT_FAILS(px, kip_rename(px, "e1", "e1/sub"), EINVAL);
	FT_FAILS(px, kip_rename(px, ".", "x"), EBUSY);
	FT_FAILS(px, kip_rename(px, "nope", "x"), ENOENT);
	FT_FAILS(px, kip_rename(px, "g/", "x"), ENOTDIR);
	FT_CHECK(px, kip_stat(px, "/t", &st) == 0);
	FT_CHECK(px, kip_rename(px, "e1", "d2/e1") == 0); /* to another parent */
	FT_CHECK(px, kip_stat(px, "d2", &st2) == 0 && st2.st_nlink == 3);
	FT_CHECK(px, kip_stat(px, "/t", &st2) == 0 && st2.st_nlink == st.st_nlink - 1);
	FT_CHECK(px, kip_stat(px, "d2/e1/..", &st2) == 0);
	FT_CHECK(px, kip_stat(px, "d2", &st) == 0 && st.st_ino == st2.st_ino);
	FT_CHECK(px, kip_mkdir(px, "e3", 0755) == 0);
	FT_CHECK(px, kip_rename(px, "d2/e1", "e3") == 0); /* over an empty directory */
	FT_FAILS(px, kip_stat(px, "d2/e1", &st), ENOENT);
	FT_CHECK(px, kip_stat(px, "d2", &st) == 0 && st.st_nlink == 2);
	/* An open file replaced by rename stays readable. */
	int fd = kip_open(px, "g", KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0 && kip_rename(px, "f", "g") == 0);
	FT_CHECK(px, kip_read(px, fd, page, 10) == 2 && !memcmp(page, "HH", 2));
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_nlink == 0);
	FT_CHECK(px, kip_close(px, fd) == 0);
	FT_CHECK(px, kip_stat(px, "g", &st) == 0 && st.st_size == 5);
}

static void px_data_and_nodes(struct kip_posix *px, char *page)
{
	struct kip_stat st;
	struct kip_statfs sf, sf2;
	int fd = kip_open(px, "p", KIP_O_CREAT | KIP_O_RDWR, 0644);
	memcpy(page, "abcdef", 6);
	FT_CHECK(px, fd >= 0 && kip_pwrite(px, fd, page, 6, 10) == 6);
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_CUR) == 0);
	FT_CHECK(px, kip_pread(px, fd, page, 3, 12) == 3 && !memcmp(page, "cde", 3));
	FT_CHECK(px, kip_fstat(px, fd, &st) == 0 && st.st_size == 16);
	FT_CHECK(px, kip_pread(px, fd, page, 10, 100) == 0);
	FT_FAILS(px, kip_pread(px, fd, page, 1, -1), EINVAL);
	FT_CHECK(px, kip_read(px, fd, page, 4) == 4 && !memcmp(page, "\0\0\0\0", 4));
	FT_CHECK(px, kip_close(px, fd) == 0);

	FT_CHECK(px, kip_mknod(px, "fifo", MINIXFS_S_IFIFO | 0644, 0) == 0);
	FT_CHECK(px, kip_stat(px, "fifo", &st) == 0 && px_type(&st, MINIXFS_S_IFIFO));
	FT_FAILS(px, kip_open(px, "fifo", KIP_O_RDONLY, 0), ENXIO);
	FT_CHECK(px, kip_mknod(px, "cdev", MINIXFS_S_IFCHR | 0600, 0x0401) == 0);
	FT_CHECK(px, kip_stat(px, "cdev", &st) == 0 && px_type(&st, MINIXFS_S_IFCHR));
	FT_CHECK(px, st.st_rdev == 0x0401);
	FT_FAILS(px, kip_mknod(px, "fifo", MINIXFS_S_IFIFO | 0644, 0), EEXIST);

	FT_CHECK(px, kip_statfs(px, "/", &sf) == 0 && sf.f_namemax == 60);
	FT_CHECK(px, sf.f_bsize == 1024 && sf.f_ffree > 0 && sf.f_ffree < sf.f_files);
	FT_CHECK(px, px_put(px, page, "one-more", "1", 0644) == 0);
	FT_CHECK(px, kip_statfs(px, "/t", &sf2) == 0 && sf2.f_ffree == sf.f_ffree - 1);
	fd = kip_open(px, "one-more", KIP_O_RDONLY, 0);
	FT_CHECK(px, kip_fstatfs(px, fd, &sf2) == 0 && sf2.f_namemax == 60);
	FT_CHECK(px, kip_close(px, fd) == 0);

	struct kip_utimbuf ut = {1000, 2000};
	FT_CHECK(px, kip_utime(px, "p", &ut) == 0);
	FT_CHECK(px, kip_stat(px, "p", &st) == 0 && st.st_atime_sec == 1000);
	FT_CHECK(px, st.st_mtime_sec == 2000);
	FT_CHECK(px, kip_utime(px, "p", NULL) == 0);
	/* "now": the machine's clock (epoch 0 here), both times alike */
	FT_CHECK(px, kip_stat(px, "p", &st) == 0 && st.st_mtime_sec != 2000);
	FT_CHECK(px, st.st_atime_sec == st.st_mtime_sec);
	FT_CHECK(px, kip_chmod(px, "p", 04751) == 0);
	FT_CHECK(px, kip_stat(px, "p", &st) == 0 && (st.st_mode & 07777) == 04751);
	FT_CHECK(px, kip_access(px, "p", KIP_R_OK | KIP_W_OK | KIP_X_OK) == 0);
	FT_FAILS(px, kip_access(px, "nope", KIP_F_OK), ENOENT);
	FT_FAILS(px, kip_access(px, "p", 0x10), EINVAL);
	FT_CHECK(px, kip_chmod(px, "p", 0644) == 0);
	FT_FAILS(px, kip_access(px, "p", KIP_X_OK), EACCES); /* root needs an x bit */

	FT_CHECK(px, kip_umask(px, 027) == 022);
	FT_CHECK(px, px_put(px, page, "um", "", 0666) == 0);
	FT_CHECK(px, kip_stat(px, "um", &st) == 0 && (st.st_mode & 0777) == 0640);
	FT_CHECK(px, kip_mkdir(px, "umd", 0777) == 0);
	FT_CHECK(px, kip_stat(px, "umd", &st) == 0 && (st.st_mode & 0777) == 0750);
	FT_CHECK(px, kip_umask(px, 022) == 027);

	const char *n61 = "a123456789b123456789c123456789d123456789e123456789f1234567890";
	FT_FAILS(px, kip_creat(px, n61, 0644), ENAMETOOLONG);
	FT_FAILS(px, kip_symlink(px, "f", n61), ENAMETOOLONG);
	FT_FAILS(px, kip_rename(px, "p", n61), ENAMETOOLONG);
	FT_FAILS(px, kip_mkdir(px, n61, 0755), ENAMETOOLONG);
	FT_CHECK(px, kip_creat(px, n61 + 1, 0644) >= 0); /* 60 bytes is fine */
}

/* The scene for the other users. */
static void px_scene(struct kip_posix *px, char *page)
{
	struct kip_stat st;
	FT_CHECK(px, kip_mkdir(px, "/pub", 0777) == 0 && kip_chmod(px, "/pub", 01777) == 0);
	FT_CHECK(px, kip_mkdir(px, "/private", 0700) == 0);
	FT_CHECK(px, px_put(px, page, "/t/ro", "ro", 0644) == 0);
	FT_CHECK(px, px_put(px, page, "/t/grp", "grp", 0640) == 0);
	FT_CHECK(px, kip_chown(px, "/t/grp", KIP_ID_KEEP, 200) == 0);
	FT_CHECK(px, px_put(px, page, "/pub/c", "c", 0644) == 0);
	FT_CHECK(px, kip_chown(px, "/pub/c", 1000, 300) == 0);
	FT_CHECK(px, kip_stat(px, "/pub/c", &st) == 0 && st.st_uid == 1000 && st.st_gid == 300);
	FT_FAILS(px, kip_chown(px, "/pub/c", 70000, KIP_ID_KEEP), EINVAL);
	FT_FAILS(px, kip_chown(px, "/pub/c", KIP_ID_KEEP, 65536), EINVAL);
	/* A setgid directory hands its group down. */
	FT_CHECK(px, kip_mkdir(px, "/sg", 0775) == 0 && kip_chown(px, "/sg", 0, 300) == 0);
	FT_CHECK(px, kip_chmod(px, "/sg", 02777) == 0);
	FT_CHECK(px, px_put(px, page, "/sg/x", "", 0644) == 0);
	FT_CHECK(px, kip_stat(px, "/sg/x", &st) == 0 && st.st_gid == 300);
	FT_CHECK(px, kip_mkdir(px, "/sg/sub", 0755) == 0);
	FT_CHECK(px, kip_stat(px, "/sg/sub", &st) == 0 && st.st_gid == 300);
	FT_CHECK(px, (st.st_mode & MINIXFS_S_ISGID) != 0);
	/* chown clears setuid (and setgid with group x) of a file. */
	FT_CHECK(px, px_put(px, page, "/t/suid", "", 0644) == 0);
	FT_CHECK(px, kip_chmod(px, "/t/suid", 06755) == 0);
	FT_CHECK(px, kip_chown(px, "/t/suid", 5, 5) == 0);
	FT_CHECK(px, kip_stat(px, "/t/suid", &st) == 0 && (st.st_mode & 07777) == 0755);
	FT_CHECK(px, kip_lchown(px, "/t/d2/up", 7, 7) == 0);
	FT_CHECK(px, kip_lstat(px, "/t/d2/up", &st) == 0 && st.st_uid == 7);
	FT_CHECK(px, kip_stat(px, "/t/d2/up", &st) == 0 && st.st_uid == 0);
}

static int px_root_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	char *page = kip_page_alloc(1);
	if (!px || !page)
		return 1;
	FT_CHECK(px, kip_mkdir(px, "/t", 0755) == 0 && kip_chdir(px, "/t") == 0);
	px_symlinks(px, page);
	px_links_and_renames(px, page);
	px_data_and_nodes(px, page);
	px_scene(px, page);
	FT_CHECK(px, kip_sync(px) == 0);
	pt.done = 1;
	return 0;
}
KIP_PROGRAM(vpx_root, px_root_main, 8, KIP_PROG_USER);

/* ---------------------------------------------- uid 1000, gid 100 */

static int px_alice_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	char *page = kip_page_alloc(1);
	struct kip_stat st;
	if (!px || !page)
		return 1;
	FT_CHECK(px, px_put(px, page, "/pub/a", "a", 0644) == 0);
	FT_CHECK(px, kip_stat(px, "/pub/a", &st) == 0 && st.st_uid == 1000 && st.st_gid == 100);
	FT_FAILS(px, kip_creat(px, "/private/x", 0644), EACCES);
	FT_FAILS(px, kip_stat(px, "/private/x", &st), EACCES);
	FT_FAILS(px, kip_chdir(px, "/private"), EACCES);
	FT_FAILS(px, kip_open(px, "/t/ro", KIP_O_WRONLY, 0), EACCES);
	FT_FAILS(px, kip_truncate(px, "/t/ro", 0), EACCES);
	int fd = kip_open(px, "/t/ro", KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0 && kip_close(px, fd) == 0);
	FT_FAILS(px, kip_unlink(px, "/t/ro"), EACCES); /* /t is 0755 root */
	FT_FAILS(px, kip_chmod(px, "/t/ro", 0777), EPERM);
	FT_FAILS(px, kip_utime(px, "/t/ro", NULL), EACCES);
	struct kip_utimbuf ut = {1, 2};
	FT_FAILS(px, kip_utime(px, "/t/ro", &ut), EPERM);
	FT_CHECK(px, kip_utime(px, "/pub/a", &ut) == 0);
	/* chown: the owner may pick one of its groups, nothing else. */
	FT_FAILS(px, kip_chown(px, "/pub/a", 1001, KIP_ID_KEEP), EPERM);
	FT_CHECK(px, kip_chown(px, "/pub/a", KIP_ID_KEEP, 200) == 0);
	FT_CHECK(px, kip_stat(px, "/pub/a", &st) == 0 && st.st_gid == 200);
	FT_FAILS(px, kip_chown(px, "/pub/a", KIP_ID_KEEP, 300), EPERM);
	FT_FAILS(px, kip_chown(px, "/t/ro", KIP_ID_KEEP, 100), EPERM);
	/* The supplementary group 200 opens /t/grp for reading only. */
	fd = kip_open(px, "/t/grp", KIP_O_RDONLY, 0);
	FT_CHECK(px, fd >= 0 && kip_read(px, fd, page, 10) == 3 && kip_close(px, fd) == 0);
	FT_FAILS(px, kip_open(px, "/t/grp", KIP_O_RDWR, 0), EACCES);
	FT_CHECK(px, kip_access(px, "/t/grp", KIP_R_OK) == 0);
	FT_FAILS(px, kip_access(px, "/t/grp", KIP_W_OK), EACCES);
	/* chmod by a non-member of the file's group drops setgid. */
	FT_CHECK(px, kip_chmod(px, "/pub/c", 02755) == 0);
	FT_CHECK(px, kip_stat(px, "/pub/c", &st) == 0 && (st.st_mode & 07777) == 0755);
	FT_CHECK(px, kip_chmod(px, "/pub/a", 02755) == 0); /* a member keeps it */
	FT_CHECK(px, kip_stat(px, "/pub/a", &st) == 0 && (st.st_mode & 07777) == 02755);
	FT_CHECK(px, kip_mkdir(px, "/pub/adir", 0755) == 0);
	/* In the setgid directory, the group comes from the directory. */
	FT_CHECK(px, px_put(px, page, "/sg/alice", "", 0644) == 0);
	FT_CHECK(px, kip_stat(px, "/sg/alice", &st) == 0 && st.st_gid == 300);
	FT_CHECK(px, st.st_uid == 1000);
	FT_FAILS(px, kip_mknod(px, "/pub/dev", MINIXFS_S_IFCHR | 0600, 1), EPERM);
	FT_CHECK(px, kip_mknod(px, "/pub/fifo", MINIXFS_S_IFIFO | 0600, 0) == 0);
	pt.done = 2;
	return 0;
}
KIP_PROGRAM(vpx_alice, px_alice_main, 8, KIP_PROG_USER);

/* ---------------------------------------------- uid 1001, gid 101 */

static int px_bob_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	char *page = kip_page_alloc(1);
	if (!px || !page)
		return 1;
	/* The sticky /pub: bob may not remove or rename alice's entries. */
	FT_FAILS(px, kip_unlink(px, "/pub/a"), EPERM);
	FT_FAILS(px, kip_rename(px, "/pub/a", "/pub/z"), EPERM);
	FT_FAILS(px, kip_rmdir(px, "/pub/adir"), EPERM);
	FT_CHECK(px, px_put(px, page, "/pub/b", "b", 0600) == 0);
	FT_FAILS(px, kip_rename(px, "/pub/b", "/pub/a"), EPERM); /* over alice's */
	FT_CHECK(px, kip_rename(px, "/pub/b", "/pub/b2") == 0);
	FT_CHECK(px, kip_unlink(px, "/pub/b2") == 0);
	FT_FAILS(px, kip_access(px, "/private", KIP_X_OK), EACCES);
	FT_FAILS(px, kip_open(px, "/t/grp", KIP_O_RDONLY, 0), EACCES);
	FT_FAILS(px, kip_link(px, "/pub/a", "/t/a-link"), EACCES);
	FT_FAILS(px, kip_symlink(px, "x", "/t/s"), EACCES);
	FT_FAILS(px, kip_mkdir(px, "/t/bobdir", 0755), EACCES);
	FT_CHECK(px, kip_sync(px) == 0);
	pt.done = 3;
	return 0;
}
KIP_PROGRAM(vpx_bob, px_bob_main, 8, KIP_PROG_USER);

/* ------------------------------------------------ init, playing MM */

/* Start `program` as uid/gid with groups; wait for it; its status. */
static int px_start(const char *program, uint32_t uid, uint32_t gid, const uint32_t *groups,
		    uint32_t ngroups)
{
	endpoint_t user = ft_user_start(program, pt.vfs, 0);
	if (user < 0)
		return 1;
	message m;
	kip_msg_init(&m, VFS_PM_SETCRED);
	m.m_vfs_cred.proc = user;
	m.m_vfs_cred.uid = uid;
	m.m_vfs_cred.gid = gid;
	m.m_vfs_cred.ngroups = ngroups;
	for (uint32_t i = 0; i < ngroups; i++)
		m.m_vfs_cred.groups[i] = groups[i];
	if (kip_sendrec(pt.vfs, &m) < 0 || m.m_type != 0)
		return 2;
	return ft_wait(user);
}

static int px_init_main(uint64_t arg)
{
	(void)arg;
	static const uint32_t alice_groups[] = {100, 200};
	pt.status[0] = px_start("vpx_root", 0, 0, NULL, 0);
	pt.status[1] = px_start("vpx_alice", 1000, 100, alice_groups, 2);
	pt.status[2] = px_start("vpx_bob", 1001, 101, NULL, 0);
	return 0;
}
KIP_PROGRAM(vpx_init, px_init_main, 1, KIP_PROG_SYSTEM);

/* ---------------------------------------------------------- host side */

static void test_posix_semantics(void)
{
	memset(&pt, 0, sizeof(pt));
	ft_mkfs("vfsposix", "2M", NULL);
	endpoint_t mfs = ft_boot_mfs(0, 0);
	endpoint_t init = kt_spawn("vpx_init", 0, SPAWN_INIT);
	pt.vfs = ft_start_vfs(mfs, init); /* init plays MM */
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(pt.done, 3);
	for (int i = 0; i < PX_NUSERS; i++)
		CU_ASSERT_EQUAL(pt.status[i], 0); /* root, alice, bob */
	ft_report(181);
	ft_judge(FT_FSCK_BOTH, "vfs_posix");
	ft_unlink();
}

static const struct kip_test vfs_posix_tests[] = {
	{"symlinks, links, rename, permissions, umask, sticky, setgid", test_posix_semantics},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_posix, vfs_posix_tests);
