/*
 * tests/libposix/test_posix_names.c - the plain POSIX names of libposix
 * (libposix/plain_*.c, self.c) and how they are kept away from glibc's
 * (suite `posix_names`).
 *
 * Pins: programs written with open, read, write, lseek, dup, stat, mkdir,
 * opendir, readdir, unlink, errno... (tests/userland/posix_names.c) work
 * on MFS through VFS in a booted kip, byte-exact, with the right errno;
 * before kip_posix_start they fail with ENOSYS and errno keeps its address
 * across the start; errno is per process (two programs interleaved by the
 * scheduler, one failing, one succeeding, each sees its own); without
 * SYS_SETTLS a program gets no context and ENOSYS.  And the other side: in
 * this same binary the host's open, write, read, stat, unlink and errno are
 * still glibc's (same address as dlsym gives, and they work on a host
 * file), `kip mkfs` writes an image, and nm shows libposix's names local
 * and glibc's undefined.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"
#include "tests/userland/posix_names.h"

/* The user programs init starts together (with SYS_SETTLS unless a test
 * takes it away), and what became of them. */
static struct ft_users pnt;

/* A fresh image; nothing run yet. */
static void pnt_make_image(void)
{
	memset(&pnt, 0, sizeof(pnt));
	pnt.flags = FT_TOGETHER | FT_SETTLS;
	pn_reset();
	ft_mkfs("pn-img", "2M", NULL);
}

/* Boot on the image with the disk driver, MFS, VFS, and run the group;
 * assert that the run halted with 0 and each program exited 0. */
static void pnt_run(void)
{
	CU_ASSERT_EQUAL(ft_run_users(0, &pnt), 0);
	for (int i = 0; i < FT_USERS_MAX && pnt.program[i]; i++)
		CU_ASSERT_EQUAL(pnt.status[i], 0);
}

/* No check failed in the programs; both judges pass the image. */
static void pnt_finish(void)
{
	CU_ASSERT_EQUAL(pn.fail_line, 0);
	if (pn.fail_line)
		fprintf(stderr,
			"\n  posix_names: check at tests/userland/posix_names.c:%d failed "
			"(errno %d)\n",
			pn.fail_line, pn.fail_errno);
	ft_judge(FT_FSCK_BOTH, "posix_names");
	ft_unlink();
}

/* ------------------------------------------------------------ tests */

static void test_plain_names_reach_vfs(void)
{
	pnt_make_image();
	pnt.program[0] = "pn_files";
	pnt_run();
	CU_ASSERT(pn.done & PN_DONE_FILES);
	CU_ASSERT(pn.checks >= 62);
	/* The program's open and errno were libposix's, not these. */
	CU_ASSERT_PTR_NOT_NULL(pn.open_fn);
	CU_ASSERT_PTR_NOT_EQUAL(pn.open_fn, (void *)&open);
	CU_ASSERT_PTR_NOT_EQUAL(pn.errno_fn, (void *)&__errno_location);
	pnt_finish();
}

static void test_errno_is_per_process(void)
{
	pnt_make_image();
	pnt.program[0] = "pn_errno_a";
	pnt.program[1] = "pn_errno_b";
	pnt_run();
	CU_ASSERT_EQUAL(pn.done, PN_DONE_ERRNO_A | PN_DONE_ERRNO_B);
	/* They really interleaved: each had to wait for the other. */
	CU_ASSERT(pn.a_waits > 0 && pn.b_waits > 0);
	CU_ASSERT(pn.a_failed && pn.b_succeeded && pn.a_checked && pn.b_failed);
	CU_ASSERT_EQUAL(pn.a_errno, ENOENT);	  /* B's errno = 0 did not reach A */
	CU_ASSERT_EQUAL(pn.b_errno, 0);		  /* A's ENOENT did not reach B */
	CU_ASSERT_EQUAL(pn.a_errno_late, ENOENT); /* nor B's EEXIST A */
	pnt_finish();
}

static void test_no_settls_no_context(void)
{
	pnt_make_image();
	pnt.program[0] = "pn_notls";
	pnt.flags &= ~FT_SETTLS;
	pnt_run();
	CU_ASSERT(pn.done & PN_DONE_NOTLS);
	CU_ASSERT_EQUAL(pn.nt_start_null, 1);
	CU_ASSERT_EQUAL(pn.nt_open, -1);
	CU_ASSERT_EQUAL(pn.nt_errno, ENOSYS);
	pnt_finish();
}

/* With libposix linked in, this binary's own file calls are glibc's. */
static void test_host_file_io_is_glibc(void)
{
	CU_ASSERT_PTR_EQUAL((void *)&open, dlsym(RTLD_DEFAULT, "open"));
	CU_ASSERT_PTR_EQUAL((void *)&read, dlsym(RTLD_DEFAULT, "read"));
	CU_ASSERT_PTR_EQUAL((void *)&write, dlsym(RTLD_DEFAULT, "write"));
	CU_ASSERT_PTR_EQUAL((void *)&stat, dlsym(RTLD_DEFAULT, "stat"));
	CU_ASSERT_PTR_EQUAL((void *)&unlink, dlsym(RTLD_DEFAULT, "unlink"));
	CU_ASSERT_PTR_EQUAL((void *)&__errno_location, dlsym(RTLD_DEFAULT, "__errno_location"));

	/* And they work on a host file, with the host's errno (no kernel is
	 * booted: libposix's would abort outside a kip process). */
	char path[] = "/tmp/kip-pn-host-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	fd = open(path, O_WRONLY | O_TRUNC);
	CU_ASSERT(fd >= 0 && write(fd, "host", 4) == 4 && close(fd) == 0);
	struct stat st;
	CU_ASSERT(stat(path, &st) == 0 && st.st_size == 4 && S_ISREG(st.st_mode));
	char buf[8] = {0};
	fd = open(path, O_RDONLY);
	CU_ASSERT(fd >= 0 && read(fd, buf, sizeof(buf)) == 4 && close(fd) == 0);
	CU_ASSERT_STRING_EQUAL(buf, "host");
	CU_ASSERT_EQUAL(unlink(path), 0);
	errno = 0;
	CU_ASSERT(stat(path, &st) == -1 && errno == ENOENT);
	errno = 0;
	CU_ASSERT(open(path, O_RDONLY) == -1 && errno == ENOENT);
}

/* `kip mkfs` (cli/, host file I/O) still writes a real image. */
static void test_mkfs_writes_host_image(void)
{
	const char *image = ft_mkfs("pn-mkfs", "1M", NULL);
	struct stat st;
	CU_ASSERT(stat(image, &st) == 0 && st.st_size == 1 << 20);
	CU_ASSERT_EQUAL(ft_super().s_magic, MINIXFS_MAGIC_V3);
	CU_ASSERT_EQUAL(ft_fsck_kip(), 0);
	ft_unlink();
}

/* What nm says about this binary: the names libposix defines are local
 * (lower-case t) and glibc's are undefined (U name@GLIBC_...); no global
 * definition of any of them. */
static void test_nm_shows_names_local(void)
{
	static const char *const names[] = {
		"open",	   "read",     "write",	 "close",  "lseek",
		"stat",	   "fstat",    "mkdir",	 "unlink", "opendir",
		"readdir", "closedir", "rename", "getcwd", "__errno_location",
		NULL,
	};
	/* readlink, not /proc/PID/exe in the command: under Valgrind only the
	 * former names this program rather than Valgrind's tool. */
	char exe[4096], cmd[4200];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CU_ASSERT_FATAL(len > 0);
	exe[len] = '\0';
	snprintf(cmd, sizeof(cmd), "nm '%s'", exe);
	FILE *p = popen(cmd, "r");
	CU_ASSERT_FATAL(p != NULL);
	int local[16] = {0}, global[16] = {0}, undef[16] = {0}, lines = 0;
	char line[512];
	while (fgets(line, sizeof(line), p)) {
		char a[256], b[256], c[256];
		int n = sscanf(line, "%255s %255s %255s", a, b, c);
		const char *type = n == 3 ? b : a, *name = n == 3 ? c : b;
		if (n < 2)
			continue;
		lines++;
		char base[256];
		snprintf(base, sizeof(base), "%s", name);
		char *at = strchr(base, '@');
		if (at)
			*at = '\0';
		for (int i = 0; names[i]; i++) {
			if (strcmp(base, names[i]) != 0)
				continue;
			if (!strcmp(type, "t"))
				local[i]++;
			else if (!strcmp(type, "U") && at && !strncmp(at + 1, "GLIBC", 5))
				undef[i]++;
			else if (strchr("TWDBRV", type[0]))
				global[i]++;
		}
	}
	CU_ASSERT_EQUAL(pclose(p), 0);
	CU_ASSERT(lines > 1000);
	for (int i = 0; names[i]; i++) {
		CU_ASSERT_EQUAL(local[i], 1);
		CU_ASSERT_EQUAL(global[i], 0);
		if (local[i] != 1 || global[i] != 0)
			fprintf(stderr, "\n  posix_names: nm: %s: %d local, %d global\n", names[i],
				local[i], global[i]);
	}
	/* The test binary itself calls these glibc functions. */
	CU_ASSERT_EQUAL(undef[0], 1); /* open */
	CU_ASSERT_EQUAL(undef[5], 1); /* stat */
}

static const struct kip_test posix_names_tests[] = {
	{"plain names reach MFS through VFS", test_plain_names_reach_vfs},
	{"errno is per process, interleaved", test_errno_is_per_process},
	{"without SYS_SETTLS: no context, ENOSYS", test_no_settls_no_context},
	{"the binary's own open/read/stat are glibc's", test_host_file_io_is_glibc},
	{"kip mkfs still writes a host image", test_mkfs_writes_host_image},
	{"nm: libposix's names local, glibc's undefined", test_nm_shows_names_local},
	{NULL, NULL},
};
KIP_TEST_SUITE(posix_names, posix_names_tests);
