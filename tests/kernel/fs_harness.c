/*
 * tests/kernel/fs_harness.c - the file-system tests' scaffolding
 * (fs_harness.h): the image and its judges, booting the disk driver, MFS
 * and VFS on it, starting user programs, the checks made inside kip, and
 * counting lines of the trace.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"

#define FT_MKFS_ARGS 16 /* mkfs arguments ft_mkfs passes on, at most */

struct ft_fail {
	const char *file, *what;
	int line, err;
	long long got, want;
	int64_t where;
};

/* What the checks in kip processes found since the last report. */
static struct {
	int checks, nfails;
	int64_t where;
	struct ft_fail fails[FT_FAILS_MAX];
} ft_rec;

static char ft_path[64];	    /* the image */
static struct ft_users *ft_running; /* what ft_init starts */

/* ------------------------------------------------------------ the image */

const char *ft_mkfs(const char *tag, const char *size, ...)
{
	char *argv[FT_MKFS_ARGS + 6] = {"mkfs", ft_path, "--size", (char *)size, "--force"};
	int argc = 5;
	va_list ap;
	ft_unlink();
	memset(&ft_rec, 0, sizeof(ft_rec)); /* what a stopped test left */
	snprintf(ft_path, sizeof(ft_path), "/tmp/kip-%s-XXXXXX", tag);
	int fd = mkstemp(ft_path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	va_start(ap, size);
	for (char *a; argc < FT_MKFS_ARGS + 5 && (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	CU_ASSERT_FATAL(kt_quiet(cli_mkfs, argv) == 0);
	return ft_path;
}

const char *ft_image(void)
{
	return ft_path;
}

void ft_unlink(void)
{
	if (ft_path[0])
		unlink(ft_path);
	ft_path[0] = '\0';
}

struct minixfs_super ft_super(void)
{
	struct minixfs_super sb;
	memset(&sb, 0, sizeof(sb));
	int fd = open(ft_path, O_RDONLY);
	CU_ASSERT(fd >= 0 &&
		  pread(fd, &sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET) == MINIXFS_SUPER_BYTES);
	if (fd >= 0)
		close(fd);
	return sb;
}

void ft_patch(off_t off, const void *bytes, size_t len)
{
	int fd = open(ft_path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pwrite(fd, bytes, len, off) == (ssize_t)len);
	close(fd);
}

/* Set bits 1..last of the bitmap of `blocks` blocks from block `start`. */
static uint32_t ft_count_bits(int fd, uint32_t bs, uint32_t start, uint32_t blocks, uint64_t last)
{
	uint32_t n = 0;
	uint8_t *map = calloc(blocks, bs);
	if (!map || pread(fd, map, (size_t)blocks * bs, (off_t)start * bs) != (ssize_t)blocks * bs)
		n = UINT32_MAX;
	for (uint64_t bit = 1; map && n != UINT32_MAX && bit <= last; bit++)
		n += (uint32_t)minixfs_bit_test(map, bit);
	free(map);
	return n;
}

void ft_usage(uint32_t *inodes, uint32_t *zones)
{
	struct minixfs_super sb = ft_super();
	int fd = open(ft_path, O_RDONLY);
	*inodes = *zones = UINT32_MAX;
	if (fd < 0)
		return;
	*inodes = ft_count_bits(fd, sb.s_blocksize, MINIXFS_START_BLOCK, sb.s_imap_blocks,
				sb.s_ninodes);
	*zones = ft_count_bits(fd, sb.s_blocksize, MINIXFS_START_BLOCK + sb.s_imap_blocks,
			       sb.s_zmap_blocks, sb.s_zones - sb.s_firstdatazone);
	close(fd);
}

/* ----------------------------------------------------------- the judges */

int ft_fsck_kip(void)
{
	char *argv[] = {"fsck", ft_path, NULL};
	return kt_quiet(cli_fsck, argv);
}

int ft_fsck_minix(void)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "fsck.minix -f %s >/dev/null 2>&1", ft_path);
	int r = system(cmd);
	return r == -1 ? -1 : WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
}

void ft_judge(unsigned which, const char *when)
{
	int kip = 0, minix = 0;
	if (which & FT_FSCK_KIP) {
		kip = ft_fsck_kip();
		CU_ASSERT_EQUAL(kip, 0);
	}
	if (which & FT_FSCK_MINIX) {
		minix = ft_fsck_minix();
		CU_ASSERT_EQUAL(minix, 0);
	}
	if (kip || minix)
		fprintf(stderr, "\n  %s: kip fsck exit %d, fsck.minix -f exit %d\n", when, kip,
			minix);
}

/* ------------------------------------------------------------- booting */

endpoint_t ft_boot_mfs(unsigned flags, uint64_t epoch_s)
{
	struct kip_config cfg;
	kt_default_config(&cfg, flags);
	cfg.disk_image = ft_path;
	cfg.epoch = epoch_s * 1000000000ull;
	kt_boot_config(&cfg);
	endpoint_t driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(driver >= 0);
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
	CU_ASSERT_FATAL(mfs >= 0);
	return mfs;
}

endpoint_t ft_start_vfs(endpoint_t mfs, endpoint_t pm)
{
	/* VFS's argument: MFS, and its process manager + 1 (0: none) above. */
	uint64_t high = pm == KIP_NONE ? 0 : (uint64_t)(uint32_t)(pm + 1);
	endpoint_t vfs = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs | high << 32, 0);
	CU_ASSERT_FATAL(vfs >= 0);
	return vfs;
}

int ft_run_mfs(const char *client, uint64_t epoch_s)
{
	endpoint_t mfs = ft_boot_mfs(0, epoch_s);
	kt_spawn(client, (uint64_t)mfs, SPAWN_INIT);
	return kt_run();
}

/* Start the programs of ft_running, one by one or together; wait for them. */
static int ft_init_main(uint64_t vfs)
{
	struct ft_users *u = ft_running;
	int n = 0;
	for (; n < FT_USERS_MAX && u->program[n]; n++)
		u->status[n] = -1;
	for (int i = 0; i < n; i++) {
		u->ep[i] = ft_user_start(u->program[i], (endpoint_t)vfs, u->flags);
		if (u->ep[i] < 0)
			return 1;
		if (!(u->flags & FT_TOGETHER))
			u->status[i] = ft_wait(u->ep[i]);
	}
	if (u->flags & FT_TOGETHER)
		return ft_wait_all(u->ep, n, u->status) < 0 ? 1 : 0;
	return 0;
}
KIP_PROGRAM(ft_init, ft_init_main, 1, KIP_PROG_SYSTEM);

int ft_run_users(unsigned flags, struct ft_users *u)
{
	endpoint_t vfs = ft_start_vfs(ft_boot_mfs(flags, 0), KIP_NONE);
	ft_running = u;
	kt_spawn("ft_init", (uint64_t)(uint32_t)vfs, SPAWN_INIT);
	int r = kt_run();
	ft_running = NULL;
	return r;
}

/* ------------------------------------------------- in a system process */

static uint64_t ft_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

endpoint_t ft_user_start(const char *program, endpoint_t vfs, unsigned flags)
{
	endpoint_t user = kip_create(program, NULL, -1, (uint64_t)(uint32_t)vfs);
	if (user < 0)
		return user;
	struct kcall_privctl pc = {0};
	int slot = kip_ep_slot(vfs);
	pc.endpoint = user;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.send_mask[slot / 64] = 1ull << (slot % 64);
	pc.kcall_mask = ft_kbit(SYS_EXIT) | ft_kbit(SYS_PRINT) | ft_kbit(SYS_TIMES) |
			ft_kbit(SYS_PAGE_ALLOC) | ft_kbit(SYS_PAGE_FREE) | ft_kbit(SYS_SETGRANT);
	if (flags & FT_SETTLS)
		pc.kcall_mask |= ft_kbit(SYS_SETTLS);
	int r = kip_privctl(&pc);
	return r < 0 ? r : user;
}

int ft_wait_all(const endpoint_t *eps, int n, int *status)
{
	for (int left = n; left > 0;) {
		struct kcall_event ev;
		int r = kt_wait_event(&ev);
		if (r < 0)
			return r;
		for (int i = 0; i < n; i++)
			if (ev.endpoint == eps[i]) {
				status[i] = ev.kind == KIP_EV_EXIT ? ev.status : 100 + ev.kind;
				left--;
			}
	}
	return 0;
}

int ft_wait(endpoint_t ep)
{
	int status;
	return ft_wait_all(&ep, 1, &status) < 0 ? 1 : status;
}

/* ------------------------------------------------------------- checks */

static void ft_record(const char *file, int line, const char *what, int err, long long got,
		      long long want)
{
	if (ft_rec.nfails < FT_FAILS_MAX)
		ft_rec.fails[ft_rec.nfails] =
			(struct ft_fail){file, what, line, err, got, want, ft_rec.where};
	ft_rec.nfails++;
}

void ft_ok(const char *file, int line, const char *what, bool ok, int err)
{
	ft_rec.checks++;
	if (!ok)
		ft_record(file, line, what, err, 0, 1);
}

void ft_eq(const char *file, int line, const char *what, long long got, long long want)
{
	ft_rec.checks++;
	if (got != want)
		ft_record(file, line, what, 0, got, want);
}

void ft_where(int64_t where)
{
	ft_rec.where = where;
}

int ft_failures(void)
{
	return ft_rec.nfails;
}

int ft_report(int min_checks)
{
	char msg[512];
	int checks = ft_rec.checks;
	for (int i = 0; i < ft_rec.nfails && i < FT_FAILS_MAX; i++) {
		const struct ft_fail *f = &ft_rec.fails[i];
		snprintf(msg, sizeof(msg), "in kip: %s (got %lld, want %lld; errno %d; at %lld)",
			 f->what, f->got, f->want, f->err, (long long)f->where);
		CU_assertImplementation(CU_FALSE, (unsigned)f->line, msg, f->file, "", CU_FALSE);
	}
	CU_ASSERT_EQUAL(ft_rec.nfails, 0);
	CU_ASSERT(checks >= min_checks);
	if (checks < min_checks)
		fprintf(stderr, "\n  only %d checks were made in kip, not %d\n", checks,
			min_checks);
	memset(&ft_rec, 0, sizeof(ft_rec));
	return checks;
}

/* ------------------------------------------------------------ the trace */

int ft_trace_lines(unsigned where, const char *a, const char *b, const char *c, const char *except)
{
	const char *line = kt_trace(), *end = line + strlen(line);
	int n = 0;
	if (where & FT_MARKED) {
		const char *start = strstr(line, "SYS_PRINT");
		end = start ? strstr(start + 1, "SYS_PRINT") : NULL;
		if (!end)
			return -1;
		line = strchr(start, '\n') + 1;
	}
	while (line < end) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char l[256];
		snprintf(l, sizeof(l), "%.*s", (int)len, line);
		if ((!a || strstr(l, a)) && (!b || strstr(l, b)) && (!c || strstr(l, c)) &&
		    !(except && strstr(l, except)))
			n++;
		line += nl ? len + 1 : len;
	}
	return n;
}
