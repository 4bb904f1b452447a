/*
 * tests/userland/posix_names.c - user programs written with the plain POSIX
 * names (open, read, stat, opendir, errno...), run by the suite
 * posix_names (tests/libposix/test_posix_names.c) in a booted kip with the
 * disk driver, MFS and VFS.
 *
 * This folder is linked with libposix into one object whose hidden
 * definitions are then made local (Makefile, docs/libposix.md): the calls
 * below reach VFS, while the test binary's own open() stays glibc's.
 * Buffers live on the process's stack, which is kip memory.
 *
 * Programs: pn_files (file I/O, directories, errors, ENOSYS before
 * kip_posix_start), pn_errno_a and pn_errno_b (errno is per process, the
 * two interleaved by the scheduler), pn_notls (no SYS_SETTLS: no context).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kip/posix.h"
#include "kip/program.h"
#include "tests/userland/posix_names.h"

struct pn_report pn;

void pn_reset(void)
{
	memset(&pn, 0, sizeof(pn));
}

/* Record the first failed check, with errno then. */
#define PN_CHECK(cond)                                                                             \
	do {                                                                                       \
		pn.checks++;                                                                       \
		if (!(cond) && !pn.fail_line) {                                                    \
			pn.fail_line = __LINE__;                                                   \
			pn.fail_errno = errno;                                                     \
		}                                                                                  \
	} while (0)

/* The call fails with errno e. */
#define PN_FAILS(call, e)                                                                          \
	do {                                                                                       \
		errno = 0;                                                                         \
		PN_CHECK((call) == -1 && errno == (e));                                            \
	} while (0)

/* &errno, computed afresh: glibc declares __errno_location const, so within
 * one function the compiler may reuse an address it got before. */
__attribute__((noipa)) static int *pn_errno_addr(void)
{
	return &errno;
}

/* A global of the binary: host memory, more than one bounce chunk. */
#define PN_GLOBAL_SIZE 70000
static volatile char pn_global_store[PN_GLOBAL_SIZE];
#define pn_global ((char *)pn_global_store)

static unsigned char pn_pat(unsigned i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static void pn_file_io(void)
{
	unsigned char buf[4096], back[4096];
	struct stat st;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = pn_pat(i);
	int fd = open("/f", O_CREAT | O_EXCL | O_RDWR, 0644);
	PN_CHECK(fd >= 0);
	PN_CHECK(write(fd, buf, 1000) == 1000);
	PN_CHECK(write(fd, buf + 1000, sizeof(buf) - 1000) == (ssize_t)sizeof(buf) - 1000);
	PN_CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)sizeof(buf));
	PN_CHECK(fstat(fd, &st) == 0 && st.st_size == (off_t)sizeof(buf));
	PN_CHECK(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644 && st.st_nlink == 1);
	PN_CHECK(lseek(fd, 100, SEEK_SET) == 100);
	memset(back, 0, sizeof(back));
	PN_CHECK(read(fd, back, 500) == 500 && memcmp(back, buf + 100, 500) == 0);

	int fd2 = dup(fd);
	PN_CHECK(fd2 > fd);
	PN_CHECK(lseek(fd2, 0, SEEK_CUR) == 600); /* the offset is shared */
	PN_CHECK(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 600 && close(20) == 0);
	PN_CHECK(lseek(fd, -6, SEEK_END) == (off_t)sizeof(buf) - 6);
	PN_CHECK(read(fd, back, 100) == 6 && memcmp(back, buf + sizeof(buf) - 6, 6) == 0);
	PN_CHECK(read(fd, back, 100) == 0);
	PN_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	memset(back, 0, sizeof(back));
	PN_CHECK(read(fd2, back, sizeof(back)) == (ssize_t)sizeof(back));
	PN_CHECK(memcmp(back, buf, sizeof(buf)) == 0);
	PN_CHECK(ftruncate(fd, 10) == 0 && fstat(fd2, &st) == 0 && st.st_size == 10);
	PN_CHECK(fsync(fd) == 0);
	PN_CHECK(close(fd2) == 0 && close(fd) == 0);
	PN_FAILS(close(fd), EBADF);
	PN_FAILS(open("/f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);

	PN_CHECK(stat("/f", &st) == 0 && st.st_size == 10 && st.st_ino != 0);
	PN_CHECK(truncate("/f", 5000) == 0 && stat("/f", &st) == 0 && st.st_size == 5000);
	fd = creat("/f", 0600); /* O_CREAT | O_WRONLY | O_TRUNC */
	PN_CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
	PN_FAILS(read(fd, back, 1), EBADF); /* write-only */
	char text[] = "plain";		    /* on the stack: kip memory, granted as it is */
	PN_CHECK(write(fd, text, 5) == 5);
	/* A literal and a global are host memory that grants cannot reach:
	 * libposix moves them through its bounce buffer. */
	PN_CHECK(write(fd, "-literal", 8) == 8);
	PN_CHECK(pwrite(fd, "P", 1, 0) == 1);
	for (size_t i = 0; i < PN_GLOBAL_SIZE; i++)
		pn_global[i] = (char)('a' + i % 26);
	PN_CHECK(write(fd, pn_global, PN_GLOBAL_SIZE) == (ssize_t)PN_GLOBAL_SIZE);
	PN_CHECK(close(fd) == 0);
	PN_CHECK(stat("/f", &st) == 0 && st.st_size == 13 + (off_t)PN_GLOBAL_SIZE);
	fd = open("/f", O_RDONLY);
	memset(pn_global, 0, PN_GLOBAL_SIZE);
	PN_CHECK(fd >= 0 && read(fd, pn_global, 13) == 13);
	PN_CHECK(memcmp(pn_global, "Plain-literal", 13) == 0);
	PN_CHECK(read(fd, pn_global, PN_GLOBAL_SIZE) == (ssize_t)PN_GLOBAL_SIZE);
	PN_CHECK(pn_global[0] == 'a' &&
		 pn_global[PN_GLOBAL_SIZE - 1] == (char)('a' + (PN_GLOBAL_SIZE - 1) % 26));
	PN_CHECK(close(fd) == 0);
	sync();
}

static void pn_dirs(void)
{
	struct stat st, g;
	PN_CHECK(mkdir("/d", 0755) == 0);
	PN_FAILS(mkdir("/d", 0755), EEXIST);
	PN_CHECK(chdir("/d") == 0);
	int fd = open("g", O_CREAT | O_WRONLY, 0600);
	char hi[] = "hi";
	PN_CHECK(fd >= 0 && write(fd, hi, 2) == 2 && close(fd) == 0);
	PN_CHECK(stat("/d/g", &g) == 0 && g.st_size == 2);
	PN_CHECK(stat("..", &st) == 0 && S_ISDIR(st.st_mode));

	DIR *dir = opendir("/d");
	PN_CHECK(dir != NULL);
	int seen = 0, entries = 0;
	struct dirent *e;
	errno = 0;
	while (dir && (e = readdir(dir)) != NULL) {
		entries++;
		seen |= !strcmp(e->d_name, ".") ? 1 : 0;
		seen |= !strcmp(e->d_name, "..") ? 2 : 0;
		if (!strcmp(e->d_name, "g")) {
			seen |= 4;
			PN_CHECK(e->d_ino == g.st_ino && e->d_type == DT_UNKNOWN);
		}
	}
	PN_CHECK(entries == 3 && seen == 7 && errno == 0); /* the end is no error */
	PN_CHECK(dir && closedir(dir) == 0);
	errno = 0;
	PN_CHECK(opendir("/f") == NULL && errno == ENOTDIR);

	PN_CHECK(chdir("/") == 0);
	PN_FAILS(rmdir("/d"), ENOTEMPTY);
	PN_FAILS(unlink("/d"), EISDIR);
	PN_CHECK(unlink("/d/g") == 0);
	PN_FAILS(stat("/d/g", &st), ENOENT);
	PN_CHECK(rmdir("d") == 0);
	PN_FAILS(chdir("/d"), ENOENT);
}

static void pn_errors(void)
{
	char buf[8];
	struct stat st;
	PN_FAILS(open("/nope", O_RDONLY), ENOENT);
	PN_FAILS(open("", O_RDONLY), ENOENT);
	PN_FAILS(open("/", O_WRONLY), EISDIR);
	PN_FAILS(stat("/f/x", &st), ENOTDIR);
	PN_FAILS(read(-1, buf, 1), EBADF);
	PN_FAILS(write(31, buf, 1), EBADF);
	PN_FAILS(dup(7), EBADF);
	PN_FAILS(lseek(0, 0, SEEK_SET), EBADF);
	/* A call that succeeds leaves errno alone. */
	errno = 1234;
	PN_CHECK(stat("/", &st) == 0 && errno == 1234);
	PN_CHECK(unlink("/f") == 0);
	sync();
}

static int pn_files_main(uint64_t vfs)
{
	/* Before kip_posix_start: the first plain call (here, errno) made the
	 * process a context without VFS; calls fail with ENOSYS. */
	int *early = pn_errno_addr();
	struct kip_posix *lazy = kip_posix_self();
	PN_CHECK(lazy != NULL && early == &lazy->err);
	PN_FAILS(open("/", O_RDONLY), ENOSYS);
	PN_FAILS(mkdir("/d", 0755), ENOSYS);

	/* Start: the same context, now with VFS; errno keeps its address. */
	struct kip_posix *px = kip_posix_start((endpoint_t)vfs);
	PN_CHECK(px == lazy && pn_errno_addr() == early);
	PN_CHECK(kip_posix_start((endpoint_t)vfs) == px); /* idempotent */
	pn.open_fn = (void *)&open;
	pn.errno_fn = (void *)&__errno_location;

	pn_file_io();
	pn_dirs();
	pn_errors();
	/* The kip_ calls and the plain names share the context and errno. */
	PN_CHECK(kip_open(px, "/nope", KIP_O_RDONLY, 0) == -1 && errno == ENOENT);
	pn.done |= PN_DONE_FILES;
	return pn.fail_line ? 2 : 0;
}
KIP_PROGRAM(pn_files, pn_files_main, 8, KIP_PROG_USER);

/* ------------------------------------------------ errno is per process */

/* Make VFS calls (which let the scheduler run the other program) until
 * *flag is set; false if it never was. */
static int pn_wait(const int *flag, int *waits)
{
	struct stat st;
	for (int i = 0; i < 10000 && !*(const volatile int *)flag; i++) {
		stat("/", &st);
		++*waits;
	}
	return *(const volatile int *)flag;
}

/* A fails with ENOENT; B then succeeds, A checks its errno is still
 * ENOENT; B checks its own was not touched by A's failure; B fails with
 * EEXIST; A checks again. */
static int pn_errno_a_main(uint64_t vfs)
{
	PN_CHECK(kip_posix_start((endpoint_t)vfs) != NULL);
	errno = 0;
	PN_CHECK(open("/missing", O_RDONLY) == -1 && errno == ENOENT);
	pn.a_failed = 1;
	PN_CHECK(pn_wait(&pn.b_succeeded, &pn.a_waits));
	pn.a_errno = errno;
	pn.a_checked = 1;
	PN_CHECK(pn_wait(&pn.b_failed, &pn.a_waits));
	pn.a_errno_late = errno;
	pn.a_rechecked = 1;
	pn.done |= PN_DONE_ERRNO_A;
	return 0;
}
KIP_PROGRAM(pn_errno_a, pn_errno_a_main, 8, KIP_PROG_USER);

static int pn_errno_b_main(uint64_t vfs)
{
	struct stat st;
	PN_CHECK(kip_posix_start((endpoint_t)vfs) != NULL);
	PN_CHECK(pn_wait(&pn.a_failed, &pn.b_waits));
	errno = 0;
	PN_CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode));
	pn.b_succeeded = 1;
	PN_CHECK(pn_wait(&pn.a_checked, &pn.b_waits));
	pn.b_errno = errno;
	PN_CHECK(mkdir("/", 0755) == -1 && errno == EEXIST);
	pn.b_failed = 1;
	PN_CHECK(pn_wait(&pn.a_rechecked, &pn.b_waits));
	pn.done |= PN_DONE_ERRNO_B;
	return 0;
}
KIP_PROGRAM(pn_errno_b, pn_errno_b_main, 8, KIP_PROG_USER);

/* ------------------------------------- no SYS_SETTLS: no context at all */

static int pn_notls_main(uint64_t vfs)
{
	pn.nt_start_null = kip_posix_start((endpoint_t)vfs) == NULL;
	PN_CHECK(kip_posix_self() == NULL);
	errno = 0;
	pn.nt_open = open("/", O_RDONLY);
	pn.nt_errno = errno;
	pn.done |= PN_DONE_NOTLS;
	return 0;
}
KIP_PROGRAM(pn_notls, pn_notls_main, 8, KIP_PROG_USER);
