/*
 * tests/userland/posix_fake.c - a program written with the plain POSIX
 * names of the calls VFS is getting now (lstat, link, rename, symlink,
 * readlink, chmod, chown, utime, statfs, mknod, getcwd, umask, access,
 * pread, pwrite...) and their *64 twins, run against the fake VFS of
 * tests/libposix/test_posix_calls.c (suite `posix_calls`), which records
 * every request and answers with known values.
 *
 * Checks here: what the calls return and how glibc's types are filled from
 * kip's (struct stat, struct statfs, dev_t, errno).  The suite checks the
 * requests that reached the fake.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <utime.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "tests/userland/posix_fake.h"

struct pf_report pf;

#define PF_CHECK(cond)                                                                             \
	do {                                                                                       \
		pf.checks++;                                                                       \
		if (!(cond) && !pf.fail_line) {                                                    \
			pf.fail_line = __LINE__;                                                   \
			pf.fail_errno = errno;                                                     \
		}                                                                                  \
	} while (0)

#define PF_FAILS(call, e)                                                                          \
	do {                                                                                       \
		errno = 0;                                                                         \
		PF_CHECK((call) == -1 && errno == (e));                                            \
	} while (0)

/* The fake's stat answer (test_posix_calls.c pc_stat) as glibc's struct. */
static int pf_stat_ok(const struct stat *st, mode_t type)
{
	return st->st_ino == 42 && (st->st_mode & S_IFMT) == type && st->st_nlink == 2 &&
	       st->st_uid == 7 && st->st_gid == 8 && st->st_rdev == makedev(8, 1) &&
	       st->st_size == 12345 && st->st_blksize == 1024 && st->st_blocks == 26 &&
	       st->st_atim.tv_sec == 100 && st->st_mtim.tv_sec == 200 &&
	       st->st_ctim.tv_sec == 300 && st->st_atim.tv_nsec == 0;
}

static void pf_stats(void)
{
	struct stat st;
	struct stat64 st64;
	memset(&st, 0xff, sizeof(st));
	PF_CHECK(stat("/s", &st) == 0 && pf_stat_ok(&st, S_IFREG) && (st.st_mode & 07777) == 0640);
	memset(&st, 0xff, sizeof(st));
	PF_CHECK(lstat("/l", &st) == 0 && pf_stat_ok(&st, S_IFLNK));
	memset(&st, 0xff, sizeof(st));
	PF_CHECK(fstat(3, &st) == 0 && pf_stat_ok(&st, S_IFREG));
	PF_CHECK(stat64("/s", &st64) == 0 && st64.st_size == 12345 && st64.st_ino == 42);
	PF_CHECK(lstat64("/l", &st64) == 0 && S_ISLNK(st64.st_mode));
	PF_CHECK(fstat64(3, &st64) == 0 && st64.st_nlink == 2);
	PF_FAILS(stat("/eio", &st), EIO);

	struct statfs sf;
	struct statfs64 sf64;
	memset(&sf, 0xff, sizeof(sf));
	PF_CHECK(statfs("/", &sf) == 0 && sf.f_type == MINIXFS_MAGIC_V3 && sf.f_bsize == 1024);
	PF_CHECK(sf.f_blocks == 2048 && sf.f_bfree == 1000 && sf.f_bavail == 999);
	PF_CHECK(sf.f_files == 512 && sf.f_ffree == 400 && sf.f_namelen == 60);
	PF_CHECK(sf.f_frsize == 1024 && sf.f_flags == 0);
	PF_CHECK(fstatfs(4, &sf) == 0 && sf.f_blocks == 2048);
	PF_CHECK(statfs64("/", &sf64) == 0 && sf64.f_files == 512);
	PF_CHECK(fstatfs64(4, &sf64) == 0 && sf64.f_ffree == 400);
}

static void pf_names(void)
{
	char buf[64];
	PF_CHECK(link("/a", "/b") == 0);
	PF_CHECK(rename("/a", "/dir/c") == 0);
	PF_CHECK(symlink("target/x", "/ln") == 0);
	memset(buf, 0, sizeof(buf));
	PF_CHECK(readlink("/ln", buf, sizeof(buf)) == 6 && memcmp(buf, "target", 7) == 0);
	PF_CHECK(readlink("/ln", buf, 3) == 3 && memcmp(buf, "tar", 3) == 0);
	PF_FAILS(readlink("/ln", buf, 0), EINVAL);
	PF_CHECK(mknod("/dev/x", S_IFCHR | 0600, makedev(8, 1)) == 0);
	PF_FAILS(mknod("/dev/y", S_IFBLK | 0600, makedev(5000, 1)), EINVAL); /* not 32 bits */
	PF_CHECK(mkdir("/m", 0750) == 0 && rmdir("/m") == 0 && unlink("/u") == 0);
}

static void pf_attrs(void)
{
	PF_CHECK(chmod("/c", 04755) == 0);
	PF_CHECK(fchmod(5, 0600) == 0);
	PF_CHECK(chown("/c", 10, (gid_t)-1) == 0);
	PF_CHECK(lchown("/ln", 11, 12) == 0);
	PF_CHECK(fchown(6, (uid_t)-1, 13) == 0);
	PF_CHECK(utime("/c", NULL) == 0);
	struct utimbuf t = {.actime = 111, .modtime = 222};
	PF_CHECK(utime("/c", &t) == 0);
	PF_CHECK(access("/c", R_OK | W_OK) == 0);
	PF_FAILS(access("/c", 8), EINVAL);
	PF_FAILS(access("/eio", F_OK), EIO);
	PF_CHECK(umask(0777 | 01000) == 022); /* the fake's old mask */
}

static void pf_files(void)
{
	char buf[64];
	int fd = creat("/c", 0640);
	PF_CHECK(fd == 3);
	PF_CHECK(creat64("/c", 0640) == 3 && open64("/c", O_RDONLY) == 3);
	memset(buf, 0, sizeof(buf));
	PF_CHECK(pread(3, buf, 10, 5000) == 10 && memcmp(buf, "pppppppppp", 10) == 0);
	PF_CHECK(pread64(3, buf, 4, 6000) == 4);
	char hello[] = "hello", bye[] = "bye"; /* on the stack: kip memory */
	PF_CHECK(pwrite(4, hello, 5, 77) == 5);
	PF_CHECK(pwrite64(4, bye, 3, 1ll << 33) == 3);
	PF_CHECK(lseek64(3, 1ll << 33, SEEK_SET) == 1ll << 33);
	PF_CHECK(truncate64("/c", 9) == 0 && ftruncate64(3, 8) == 0);
	PF_CHECK(fchdir(8) == 0 && chdir("/d") == 0);
	memset(buf, 0, sizeof(buf));
	PF_CHECK(getcwd(buf, sizeof(buf)) == buf && strcmp(buf, "/cwd") == 0);
	errno = 0;
	PF_CHECK(getcwd(buf, 3) == NULL && errno == ERANGE);
	errno = 0;
	PF_CHECK(getcwd(NULL, 0) == NULL && errno == EINVAL); /* no malloc in here */
}

static int pf_main(uint64_t vfs)
{
	PF_CHECK(kip_posix_start((endpoint_t)vfs) != NULL);
	pf_stats();
	pf_names();
	pf_attrs();
	pf_files();
	pf.done = 1;
	return pf.fail_line ? 2 : 0;
}
KIP_PROGRAM(pf_plain, pf_main, 8, KIP_PROG_USER);
