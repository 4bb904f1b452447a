/*
 * libposix/plain_link.c - the plain POSIX names of the calls on names in
 * directories, and of the process's place in the file system, for programs
 * (docs/libposix.md).
 *
 * Entry points (all hidden): mkdir, rmdir, unlink, link, rename, symlink,
 * readlink, mknod, chdir, fchdir, getcwd, statfs, statfs64, fstatfs,
 * fstatfs64; under _FORTIFY_SOURCE __readlink_chk, __getcwd_chk.
 *
 * As in plain_file.c: glibc's prototypes and types, the calling process's
 * context, the kip_ twin.  getcwd(NULL, size) - glibc's extension that
 * mallocs the buffer - is EINVAL: a process must not call the host's
 * malloc.
 */
#undef _FORTIFY_SOURCE /* these are the definitions, not fortified callers */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "kip/minixfs.h"
#include "px.h"

PX_HIDDEN ssize_t __readlink_chk(const char *path, char *buf, size_t n, size_t buflen);
PX_HIDDEN char *__getcwd_chk(char *buf, size_t size, size_t buflen);

_Static_assert(sizeof(struct statfs) == sizeof(struct statfs64) &&
		       offsetof(struct statfs, f_files) == offsetof(struct statfs64, f_files),
	       "struct statfs64 is struct statfs");

PX_HIDDEN int mkdir(const char *path, mode_t mode)
{
	struct kip_posix *px = px_attached();
	return px ? kip_mkdir(px, path, mode) : -1;
}

PX_HIDDEN int rmdir(const char *path)
{
	struct kip_posix *px = px_attached();
	return px ? kip_rmdir(px, path) : -1;
}

PX_HIDDEN int unlink(const char *path)
{
	struct kip_posix *px = px_attached();
	return px ? kip_unlink(px, path) : -1;
}

PX_HIDDEN int link(const char *existing, const char *newpath)
{
	struct kip_posix *px = px_attached();
	return px ? kip_link(px, existing, newpath) : -1;
}

PX_HIDDEN int rename(const char *oldpath, const char *newpath)
{
	struct kip_posix *px = px_attached();
	return px ? kip_rename(px, oldpath, newpath) : -1;
}

PX_HIDDEN int symlink(const char *target, const char *linkpath)
{
	struct kip_posix *px = px_attached();
	return px ? kip_symlink(px, target, linkpath) : -1;
}

PX_HIDDEN ssize_t readlink(const char *restrict path, char *restrict buf, size_t n)
{
	struct kip_posix *px = px_attached();
	return px ? kip_readlink(px, path, buf, n) : -1;
}

PX_HIDDEN ssize_t __readlink_chk(const char *path, char *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		__builtin_trap();
	return readlink(path, buf, n);
}

/* dev: glibc's dev_t number, kept as kip's 32-bit rdev (EINVAL if it does
 * not fit). */
PX_HIDDEN int mknod(const char *path, mode_t mode, dev_t dev)
{
	struct kip_posix *px = px_attached();
	if (!px)
		return -1;
	if (dev > UINT32_MAX)
		return (int)kip_posix_result(px, -EINVAL);
	return kip_mknod(px, path, mode, (uint32_t)dev);
}

PX_HIDDEN int chdir(const char *path)
{
	struct kip_posix *px = px_attached();
	return px ? kip_chdir(px, path) : -1;
}

PX_HIDDEN int fchdir(int fd)
{
	struct kip_posix *px = px_attached();
	return px ? kip_fchdir(px, fd) : -1;
}

PX_HIDDEN char *getcwd(char *buf, size_t size)
{
	struct kip_posix *px = px_attached();
	return px ? kip_getcwd(px, buf, size) : NULL;
}

PX_HIDDEN char *__getcwd_chk(char *buf, size_t size, size_t buflen)
{
	if (size > buflen)
		__builtin_trap();
	return getcwd(buf, size);
}

static void px_host_statfs(const struct kip_statfs *k, struct statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = MINIXFS_MAGIC_V3;
	st->f_bsize = k->f_bsize;
	st->f_frsize = k->f_bsize;
	st->f_blocks = k->f_blocks;
	st->f_bfree = k->f_bfree;
	st->f_bavail = k->f_bavail;
	st->f_files = k->f_files;
	st->f_ffree = k->f_ffree;
	st->f_namelen = k->f_namemax;
}

/* The kip_ call's result; on success *st filled from *k. */
static int px_statfs_result(int r, const struct kip_statfs *k, struct statfs *st)
{
	if (r == 0)
		px_host_statfs(k, st);
	return r;
}

PX_HIDDEN int statfs(const char *path, struct statfs *st)
{
	struct kip_posix *px = px_attached();
	struct kip_statfs k;
	return px ? px_statfs_result(kip_statfs(px, path, &k), &k, st) : -1;
}

PX_HIDDEN int fstatfs(int fd, struct statfs *st)
{
	struct kip_posix *px = px_attached();
	struct kip_statfs k;
	return px ? px_statfs_result(kip_fstatfs(px, fd, &k), &k, st) : -1;
}

/* A statfs call's result copied to a struct statfs64 on success. */
static int px_statfs64(int r, const struct statfs *st, struct statfs64 *st64)
{
	if (r == 0)
		memcpy(st64, st, sizeof(*st64));
	return r;
}

PX_HIDDEN int statfs64(const char *path, struct statfs64 *st64)
{
	struct statfs st;
	return px_statfs64(statfs(path, &st), &st, st64);
}

PX_HIDDEN int fstatfs64(int fd, struct statfs64 *st64)
{
	struct statfs st;
	return px_statfs64(fstatfs(fd, &st), &st, st64);
}
