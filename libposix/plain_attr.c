/*
 * libposix/plain_attr.c - the plain POSIX names of the attribute calls,
 * for programs (docs/libposix.md).
 *
 * Entry points (all hidden): stat, stat64, lstat, lstat64, fstat, fstat64,
 * chmod, fchmod, chown, lchown, fchown, utime, access, umask.
 *
 * As in plain_file.c: glibc's prototypes and types, the calling process's
 * context, the kip_ twin.  struct kip_stat becomes glibc's struct stat
 * here; kip's st_rdev is glibc's dev_t number, which fits 32 bits for
 * majors below 4096 and minors below 2^20.
 */
#undef _FORTIFY_SOURCE /* these are the definitions, not fortified callers */

#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "px.h"

_Static_assert(R_OK == KIP_R_OK && W_OK == KIP_W_OK && X_OK == KIP_X_OK && F_OK == KIP_F_OK,
	       "kip's access modes are Linux's");
_Static_assert(sizeof(struct stat) == sizeof(struct stat64) &&
		       offsetof(struct stat, st_size) == offsetof(struct stat64, st_size) &&
		       offsetof(struct stat, st_mtim) == offsetof(struct stat64, st_mtim),
	       "struct stat64 is struct stat");

static void px_host_stat(const struct kip_stat *k, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = k->st_ino;
	st->st_mode = k->st_mode;
	st->st_nlink = k->st_nlink;
	st->st_uid = k->st_uid;
	st->st_gid = k->st_gid;
	st->st_rdev = k->st_rdev;
	st->st_size = (off_t)k->st_size;
	st->st_blksize = k->st_blksize;
	st->st_blocks = k->st_blocks;
	st->st_atim.tv_sec = k->st_atime_sec;
	st->st_mtim.tv_sec = k->st_mtime_sec;
	st->st_ctim.tv_sec = k->st_ctime_sec;
}

/* The kip_ call's result; on success *st filled from *k. */
static int px_stat_result(int r, const struct kip_stat *k, struct stat *st)
{
	if (r == 0)
		px_host_stat(k, st);
	return r;
}

PX_HIDDEN int stat(const char *restrict path, struct stat *restrict st)
{
	struct kip_posix *px = px_attached();
	struct kip_stat k;
	return px ? px_stat_result(kip_stat(px, path, &k), &k, st) : -1;
}

PX_HIDDEN int lstat(const char *restrict path, struct stat *restrict st)
{
	struct kip_posix *px = px_attached();
	struct kip_stat k;
	return px ? px_stat_result(kip_lstat(px, path, &k), &k, st) : -1;
}

PX_HIDDEN int fstat(int fd, struct stat *st)
{
	struct kip_posix *px = px_attached();
	struct kip_stat k;
	return px ? px_stat_result(kip_fstat(px, fd, &k), &k, st) : -1;
}

/* A stat call's result copied to a struct stat64 on success. */
static int px_stat64(int r, const struct stat *st, struct stat64 *st64)
{
	if (r == 0)
		memcpy(st64, st, sizeof(*st64));
	return r;
}

PX_HIDDEN int stat64(const char *restrict path, struct stat64 *restrict st64)
{
	struct stat st;
	return px_stat64(stat(path, &st), &st, st64);
}

PX_HIDDEN int lstat64(const char *restrict path, struct stat64 *restrict st64)
{
	struct stat st;
	return px_stat64(lstat(path, &st), &st, st64);
}

PX_HIDDEN int fstat64(int fd, struct stat64 *st64)
{
	struct stat st;
	return px_stat64(fstat(fd, &st), &st, st64);
}

PX_HIDDEN int chmod(const char *path, mode_t mode)
{
	struct kip_posix *px = px_attached();
	return px ? kip_chmod(px, path, mode) : -1;
}

PX_HIDDEN int fchmod(int fd, mode_t mode)
{
	struct kip_posix *px = px_attached();
	return px ? kip_fchmod(px, fd, mode) : -1;
}

PX_HIDDEN int chown(const char *path, uid_t uid, gid_t gid)
{
	struct kip_posix *px = px_attached();
	return px ? kip_chown(px, path, uid, gid) : -1;
}

PX_HIDDEN int lchown(const char *path, uid_t uid, gid_t gid)
{
	struct kip_posix *px = px_attached();
	return px ? kip_lchown(px, path, uid, gid) : -1;
}

PX_HIDDEN int fchown(int fd, uid_t uid, gid_t gid)
{
	struct kip_posix *px = px_attached();
	return px ? kip_fchown(px, fd, uid, gid) : -1;
}

PX_HIDDEN int utime(const char *path, const struct utimbuf *times)
{
	struct kip_posix *px = px_attached();
	if (!px)
		return -1;
	struct kip_utimbuf t;
	if (times) {
		t.actime = times->actime;
		t.modtime = times->modtime;
	}
	return kip_utime(px, path, times ? &t : NULL);
}

PX_HIDDEN int access(const char *path, int mode)
{
	struct kip_posix *px = px_attached();
	return px ? kip_access(px, path, mode) : -1;
}

/* umask cannot fail: without a context it changes nothing and gives 0. */
PX_HIDDEN mode_t umask(mode_t mask)
{
	struct kip_posix *px = px_attached();
	return px ? kip_umask(px, mask) : 0;
}
