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

#include "cli/cli.h"
#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"
#include "tests/userland/posix_names.h"

static struct {
	char image[64];
	const char *group[4]; /* user programs init starts together */
	int no_settls;	      /* leave SYS_SETTLS out of their privileges */
	endpoint_t eps[4];
	int status[4]; /* exit statuses */
} pnt;

/* ---------------------------------------------------------- host side */

static void pnt_make_image(void)
{
	memset(&pnt, 0, sizeof(pnt));
	pn_reset();
	strcpy(pnt.image, "/tmp/kip-pn-img-XXXXXX");
	int fd = mkstemp(pnt.image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", pnt.image, "--size", "2M", "--force", NULL};
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
}

/* Boot with the image: disk driver, MFS, VFS, and init running the group. */
static int pnt_run(void)
{
	struct kip_config cfg;
	kt_default_config(&cfg, 0);
	cfg.disk_image = pnt.image;
	kt_boot_config(&cfg);
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(driver >= 0);
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	CU_ASSERT_FATAL(mfs >= 0);
	endpoint_t vfs = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs, 0);
	CU_ASSERT_FATAL(vfs >= 0);
	kt_spawn("pnt_init", (uint64_t)(uint32_t)vfs, SPAWN_INIT);
	return kt_run();
}

static void pnt_report(void)
{
	CU_ASSERT_EQUAL(pn.fail_line, 0);
	if (pn.fail_line)
		fprintf(stderr,
			"\n  posix_names: check at tests/userland/posix_names.c:%d failed "
			"(errno %d)\n",
			pn.fail_line, pn.fail_errno);
}

static void pnt_finish(void)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", pnt.image);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unlink(pnt.image);
}

/* ------------------------------------------------------------ init */

static uint64_t pnt_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

/* Start the group, each with VFS as its only destination, then wait for
 * all of them. */
static int pnt_init_main(uint64_t vfs)
{
	int n = 0, slot = kip_ep_slot((endpoint_t)vfs);
	for (; n < 4 && pnt.group[n]; n++) {
		pnt.status[n] = -1;
		pnt.eps[n] = kip_create(pnt.group[n], NULL, -1, (uint64_t)(uint32_t)vfs);
		if (pnt.eps[n] < 0)
			return 1;
		struct kcall_privctl pc = {0};
		pc.endpoint = pnt.eps[n];
		pc.trap_mask = 1u << IPC_SENDREC;
		pc.send_mask[slot / 64] = 1ull << (slot % 64);
		pc.kcall_mask = pnt_kbit(SYS_EXIT) | pnt_kbit(SYS_PRINT) | pnt_kbit(SYS_TIMES) |
				pnt_kbit(SYS_PAGE_ALLOC) | pnt_kbit(SYS_PAGE_FREE) |
				pnt_kbit(SYS_SETGRANT);
		if (!pnt.no_settls)
			pc.kcall_mask |= pnt_kbit(SYS_SETTLS);
		if (kip_privctl(&pc) < 0)
			return 1;
	}
	for (int left = n; left > 0;) {
		struct kcall_event ev;
		if (kt_wait_event(&ev) < 0)
			return 1;
		for (int i = 0; i < n; i++)
			if (ev.endpoint == pnt.eps[i]) {
				pnt.status[i] = ev.kind == KIP_EV_EXIT ? ev.status : 100 + ev.kind;
				left--;
			}
	}
	return 0;
}
KIP_PROGRAM(pnt_init, pnt_init_main, 1, KIP_PROG_SYSTEM);

/* ------------------------------------------------------------ tests */

static void test_plain_names_reach_vfs(void)
{
	pnt_make_image();
	pnt.group[0] = "pn_files";
	CU_ASSERT_EQUAL(pnt_run(), 0);
	CU_ASSERT_EQUAL(pnt.status[0], 0);
	CU_ASSERT(pn.done & PN_DONE_FILES);
	pnt_report();
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
	pnt.group[0] = "pn_errno_a";
	pnt.group[1] = "pn_errno_b";
	CU_ASSERT_EQUAL(pnt_run(), 0);
	CU_ASSERT(pnt.status[0] == 0 && pnt.status[1] == 0);
	CU_ASSERT_EQUAL(pn.done, PN_DONE_ERRNO_A | PN_DONE_ERRNO_B);
	pnt_report();
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
	pnt.group[0] = "pn_notls";
	pnt.no_settls = 1;
	CU_ASSERT_EQUAL(pnt_run(), 0);
	CU_ASSERT_EQUAL(pnt.status[0], 0);
	CU_ASSERT(pn.done & PN_DONE_NOTLS);
	pnt_report();
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
	char image[] = "/tmp/kip-pn-mkfs-XXXXXX";
	int fd = mkstemp(image);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char *argv[] = {"mkfs", image, "--size", "1M", "--force", NULL};
	CU_ASSERT_EQUAL(kt_quiet(cli_mkfs, argv), 0);
	struct stat st;
	CU_ASSERT(stat(image, &st) == 0 && st.st_size == 1 << 20);
	struct minixfs_super sb;
	memset(&sb, 0, sizeof(sb));
	fd = open(image, O_RDONLY);
	CU_ASSERT(fd >= 0 &&
		  pread(fd, &sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET) == MINIXFS_SUPER_BYTES);
	close(fd);
	CU_ASSERT_EQUAL(sb.s_magic, MINIXFS_MAGIC_V3);
	char *fsck[] = {"fsck", image, NULL};
	CU_ASSERT_EQUAL(kt_quiet(cli_fsck, fsck), 0);
	unlink(image);
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
