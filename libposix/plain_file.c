/*
 * libposix/plain_file.c - the plain POSIX names of the calls on open files,
 * for programs (docs/libposix.md).
 *
 * Entry points (all hidden): open, open64, creat, creat64, close, read,
 * write, pread, pread64, pwrite, pwrite64, lseek, lseek64, dup, dup2,
 * truncate, truncate64, ftruncate, ftruncate64, fsync, sync; and what
 * glibc's headers call instead under _FORTIFY_SOURCE: __open_2,
 * __open64_2, __read_chk, __pread_chk, __pread64_chk.
 *
 * Each has glibc's prototype, finds the calling process's context
 * (px_attached: ENOSYS if the process has not called kip_posix_start) and
 * calls its kip_ twin.  They are defined hidden and the build makes them
 * local to the partial link of libposix and the programs, so the kip
 * binary's own calls to open() and friends still reach glibc.  The *64
 * names are what -D_FILE_OFFSET_BITS=64 renames the calls to; off_t is 64
 * bits already, so they are the same calls.
 */
#undef _FORTIFY_SOURCE /* these are the definitions, not fortified callers */

#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "px.h"

_Static_assert(O_RDONLY == KIP_O_RDONLY && O_WRONLY == KIP_O_WRONLY && O_RDWR == KIP_O_RDWR &&
		       O_CREAT == KIP_O_CREAT && O_EXCL == KIP_O_EXCL && O_TRUNC == KIP_O_TRUNC &&
		       O_APPEND == KIP_O_APPEND && O_DIRECTORY == KIP_O_DIRECTORY &&
		       O_NOFOLLOW == KIP_O_NOFOLLOW && O_CLOEXEC == KIP_O_CLOEXEC,
	       "kip's O_* are Linux's");
_Static_assert(SEEK_SET == KIP_SEEK_SET && SEEK_CUR == KIP_SEEK_CUR && SEEK_END == KIP_SEEK_END,
	       "kip's SEEK_* are Linux's");
_Static_assert(sizeof(off_t) == 8, "off_t is 64 bits: the *64 calls are the same calls");

PX_HIDDEN int __open_2(const char *path, int flags);
PX_HIDDEN int __open64_2(const char *path, int flags);
PX_HIDDEN ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
PX_HIDDEN ssize_t __pread_chk(int fd, void *buf, size_t n, off_t offset, size_t buflen);
PX_HIDDEN ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t offset, size_t buflen);

/* Does open with these flags take a mode argument? */
static int px_open_needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

static int px_open(const char *path, int flags, mode_t mode)
{
	struct kip_posix *px = px_attached();
	return px ? kip_open(px, path, flags, mode) : -1;
}

PX_HIDDEN int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (px_open_needs_mode(flags)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return px_open(path, flags, mode);
}

PX_HIDDEN int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (px_open_needs_mode(flags)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return px_open(path, flags, mode);
}

/* Fortified open without a mode: one that needs a mode is the program's
 * bug, which glibc aborts on; here it is a fault of the process. */
PX_HIDDEN int __open_2(const char *path, int flags)
{
	if (px_open_needs_mode(flags))
		__builtin_trap();
	return px_open(path, flags, 0);
}

PX_HIDDEN int __open64_2(const char *path, int flags)
{
	return __open_2(path, flags);
}

PX_HIDDEN int creat(const char *path, mode_t mode)
{
	struct kip_posix *px = px_attached();
	return px ? kip_creat(px, path, mode) : -1;
}

PX_HIDDEN int creat64(const char *path, mode_t mode)
{
	return creat(path, mode);
}

PX_HIDDEN int close(int fd)
{
	struct kip_posix *px = px_attached();
	return px ? kip_close(px, fd) : -1;
}

PX_HIDDEN ssize_t read(int fd, void *buf, size_t n)
{
	struct kip_posix *px = px_attached();
	return px ? kip_read(px, fd, buf, n) : -1;
}

/* Fortified read: n larger than the buffer is an overflow the program was
 * about to make; glibc aborts, here the process faults. */
PX_HIDDEN ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		__builtin_trap();
	return read(fd, buf, n);
}

PX_HIDDEN ssize_t write(int fd, const void *buf, size_t n)
{
	struct kip_posix *px = px_attached();
	return px ? kip_write(px, fd, buf, n) : -1;
}

PX_HIDDEN ssize_t pread(int fd, void *buf, size_t n, off_t offset)
{
	struct kip_posix *px = px_attached();
	return px ? kip_pread(px, fd, buf, n, offset) : -1;
}

PX_HIDDEN ssize_t pread64(int fd, void *buf, size_t n, off_t offset)
{
	return pread(fd, buf, n, offset);
}

PX_HIDDEN ssize_t __pread_chk(int fd, void *buf, size_t n, off_t offset, size_t buflen)
{
	if (n > buflen)
		__builtin_trap();
	return pread(fd, buf, n, offset);
}

PX_HIDDEN ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t offset, size_t buflen)
{
	return __pread_chk(fd, buf, n, offset, buflen);
}

PX_HIDDEN ssize_t pwrite(int fd, const void *buf, size_t n, off_t offset)
{
	struct kip_posix *px = px_attached();
	return px ? kip_pwrite(px, fd, buf, n, offset) : -1;
}

PX_HIDDEN ssize_t pwrite64(int fd, const void *buf, size_t n, off_t offset)
{
	return pwrite(fd, buf, n, offset);
}

PX_HIDDEN off_t lseek(int fd, off_t offset, int whence)
{
	struct kip_posix *px = px_attached();
	return px ? kip_lseek(px, fd, offset, whence) : -1;
}

PX_HIDDEN off_t lseek64(int fd, off_t offset, int whence)
{
	return lseek(fd, offset, whence);
}

PX_HIDDEN int dup(int fd)
{
	struct kip_posix *px = px_attached();
	return px ? kip_dup(px, fd) : -1;
}

PX_HIDDEN int dup2(int fd, int fd2)
{
	struct kip_posix *px = px_attached();
	return px ? kip_dup2(px, fd, fd2) : -1;
}

PX_HIDDEN int truncate(const char *path, off_t length)
{
	struct kip_posix *px = px_attached();
	return px ? kip_truncate(px, path, length) : -1;
}

PX_HIDDEN int truncate64(const char *path, off_t length)
{
	return truncate(path, length);
}

PX_HIDDEN int ftruncate(int fd, off_t length)
{
	struct kip_posix *px = px_attached();
	return px ? kip_ftruncate(px, fd, length) : -1;
}

PX_HIDDEN int ftruncate64(int fd, off_t length)
{
	return ftruncate(fd, length);
}

PX_HIDDEN int fsync(int fd)
{
	struct kip_posix *px = px_attached();
	return px ? kip_fsync(px, fd) : -1;
}

PX_HIDDEN void sync(void)
{
	struct kip_posix *px = px_attached();
	if (px)
		kip_sync(px);
}
