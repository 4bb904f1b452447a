/*
 * tests/kernel/fs_harness.h - the file-system tests' scaffolding: an image
 * made by `kip mkfs`, a kernel booted on it with the disk driver, MFS and
 * VFS, user programs started with VFS as their only destination, checks
 * made inside kip and reported to CUnit, and the two judges of the image.
 *
 *     ft_mkfs("vfs", "2M", NULL);               // the image, for this test
 *     struct ft_users u = {.program = {"vfst_user"}};
 *     CU_ASSERT_EQUAL(ft_run_users(0, &u), 0);  // disk, MFS, VFS, init
 *     CU_ASSERT_EQUAL(u.status[0], 0);
 *     ft_report(100);                           // the checks made in kip
 *     ft_judge(FT_FSCK_BOTH, "posix calls");    // fsck.minix -f, kip fsck
 *     ft_unlink();
 *
 * and in the user program (KIP_PROG_USER; its argument is VFS's endpoint):
 *
 *     FT_CHECK(px, kip_mkdir(px, "/d", 0755) == 0);
 *     FT_FAILS(px, kip_rmdir(px, "/nope"), ENOENT);
 *
 * One image at a time ("the image"): every host-side call below works on
 * it.  Checks run in kip processes, where there is no CUnit: they are
 * recorded (the first FT_FAILS_MAX failures with file, line, what was got
 * and errno) and ft_report turns them into CUnit results on the host.
 * Program names are global in the test binary: this module registers
 * `ft_init`.
 */
#ifndef KIP_TESTS_KERNEL_FS_HARNESS_H
#define KIP_TESTS_KERNEL_FS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kip/endpoint.h"
#include "kip/minixfs.h"

/* ---------------------------------------------------- the image (host) */

/* Make a fresh image at a new /tmp/kip-TAG-XXXXXX with `kip mkfs PATH
 * --size SIZE --force` and the further mkfs arguments given, NULL after
 * them; it is the image until the next ft_mkfs or ft_unlink.  A previous
 * image still there (a test stopped by a fatal assert) is removed first,
 * and so are the checks no report took.  CUnit-fatal if it cannot be made.
 * Its path. */
const char *ft_mkfs(const char *tag, const char *size, ...) __attribute__((sentinel));
/* The image's path ("" when there is none). */
const char *ft_image(void);
/* Remove the image. */
void ft_unlink(void);

/* The image's superblock (asserted readable; zeros if not). */
struct minixfs_super ft_super(void);
/* Write `len` bytes at byte `off` of the image: a crafted image. */
void ft_patch(off_t off, const void *bytes, size_t len);
/* Inodes and zones in use as the image's bitmaps say: what the runs left
 * there, durably.  UINT32_MAX if the image cannot be read. */
void ft_usage(uint32_t *inodes, uint32_t *zones);

/* ------------------------------------------------------ the judges */

enum {
	FT_FSCK_KIP = 1 << 0,	/* `kip fsck IMAGE` */
	FT_FSCK_MINIX = 1 << 1, /* `fsck.minix -f IMAGE`: read-only, it repairs nothing */
	FT_FSCK_BOTH = FT_FSCK_KIP | FT_FSCK_MINIX,
};

/* Each judge's exit status (fsck.minix: -1 if it could not run, 128 + the
 * signal if one killed it). */
int ft_fsck_kip(void);
int ft_fsck_minix(void);
/* Assert that the judges in `which` (FT_FSCK_*) pass the image; name the
 * one that did not, and `when`, on stderr.  fsck.minix judges 1 KiB blocks
 * only, and link counts below 255. */
void ft_judge(unsigned which, const char *when);

/* ------------------------------------------------------- booting (host) */

/* Boot a kernel on the image (kt_default_config with `flags`, the clock at
 * `epoch_s` seconds since 1970) and start the disk driver and MFS on it.
 * MFS's endpoint; CUnit-fatal if anything fails. */
endpoint_t ft_boot_mfs(unsigned flags, uint64_t epoch_s);
/* Start VFS on `mfs`, with `pm` (KIP_NONE: none) as its process manager,
 * which must already exist.  VFS's endpoint; CUnit-fatal if it fails. */
endpoint_t ft_start_vfs(endpoint_t mfs, endpoint_t pm);
/* Boot at `epoch_s` with MFS, run system program `client` as init (its
 * argument: MFS's endpoint) until the machine halts.  kt_run's status. */
int ft_run_mfs(const char *client, uint64_t epoch_s);

#define FT_USERS_MAX 4

enum {
	FT_SETTLS = 1 << 0,   /* the users may also call SYS_SETTLS (libposix's errno) */
	FT_TOGETHER = 1 << 1, /* start them all, then wait for all (else one by one) */
};

/* User programs for ft_run_users's init to start, and what became of them. */
struct ft_users {
	const char *program[FT_USERS_MAX]; /* in order; the first NULL ends them */
	unsigned flags;			   /* FT_SETTLS, FT_TOGETHER */
	endpoint_t ep[FT_USERS_MAX];	   /* their endpoints */
	int status[FT_USERS_MAX];	   /* as ft_wait_all gives; -1: never ended */
};

/* Boot on the image (kt flags `flags`) with the disk driver, MFS and VFS,
 * and as init `ft_init`, which starts the programs of *u (ft_user_start)
 * and waits for them; run until the machine halts.  kt_run's status. */
int ft_run_users(unsigned flags, struct ft_users *u);

/* ----------------------------------------------- in a system process */

/* Start `program` as a user program whose argument and only destination
 * is VFS, with the kernel calls a libposix program makes (SYS_EXIT, PRINT,
 * TIMES, PAGE_ALLOC, PAGE_FREE, SETGRANT; SETTLS with FT_SETTLS).  Its
 * endpoint, or a negative error. */
endpoint_t ft_user_start(const char *program, endpoint_t vfs, unsigned flags);
/* Wait until the n processes eps[] have ended (other processes' events
 * are dropped): status[i] is the exit status, or 100 + the event kind if
 * it did not exit.  0, or the error waiting met. */
int ft_wait_all(const endpoint_t *eps, int n, int *status);
/* Wait for `ep` to end: its status as above, 1 if waiting failed. */
int ft_wait(endpoint_t ep);

/* --------------------------------------------- checks in a kip process */

#define FT_FAILS_MAX 16

/* cond holds; on failure record px->err too. */
#define FT_CHECK(px, cond)                                                                         \
	do {                                                                                       \
		bool ft_ok_ = (cond);                                                              \
		ft_ok(__FILE__, __LINE__, #cond, ft_ok_, (px)->err);                               \
	} while (0)
/* The libposix call failed (-1) with errno e. */
#define FT_FAILS(px, call, e)                                                                      \
	do {                                                                                       \
		(px)->err = 0;                                                                     \
		bool ft_ok_ = (call) == -1 && (px)->err == (e);                                    \
		ft_ok(__FILE__, __LINE__, #call " fails with " #e, ft_ok_, (px)->err);             \
	} while (0)
/* cond holds (no errno to record). */
#define FT_TRUE(cond) ft_ok(__FILE__, __LINE__, #cond, (cond), 0)
/* got == want; on failure record both. */
#define FT_EQ(got, want)                                                                           \
	ft_eq(__FILE__, __LINE__, #got " == " #want, (long long)(got), (long long)(want))

/* What the macros call; `what` must be a string that lives on. */
void ft_ok(const char *file, int line, const char *what, bool ok, int err);
void ft_eq(const char *file, int line, const char *what, long long got, long long want);
/* What the program is at (a file, an offset, an operation): each failure
 * records it. */
void ft_where(int64_t where);
/* Failed checks since the last report (a program's exit status may say). */
int ft_failures(void);

/* Host side: each failed check since the last report becomes a CUnit
 * failure at its file and line; assert that none failed and that at least
 * `min_checks` checks were made.  Starts a new record; returns the number
 * of checks made. */
int ft_report(int min_checks);

/* ------------------------------------------------------ the trace (host) */

enum {
	FT_MARKED = 1 << 0, /* only between the first two SYS_PRINT lines */
};

/* Lines of the last run's trace that contain a, b and c (NULL matches any
 * line) and not `except` (NULL: none excluded); with FT_MARKED, only those
 * between the markers a program printed around what it wants looked at
 * (-1 when there are not two).  A line is judged by its first 255 bytes. */
int ft_trace_lines(unsigned where, const char *a, const char *b, const char *c, const char *except);

#endif
