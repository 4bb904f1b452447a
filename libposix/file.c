/*
 * libposix/file.c - the calls on open files (kip/posix.h), as messages to
 * VFS.
 *
 * Entry points: kip_open, kip_creat, kip_close, kip_read, kip_write,
 * kip_pread, kip_pwrite, kip_lseek, kip_dup, kip_dup2, kip_truncate,
 * kip_ftruncate, kip_fsync, kip_sync, kip_getdents.
 *
 * Data moves through a grant of the caller's buffer, which VFS passes on
 * to MFS: MFS copies straight to or from it (libposix/px.c).
 */
#include <stdbool.h>
#include <string.h>

#include "kip/error.h"
#include "kip/syslib.h"
#include "px.h"

int kip_open(struct kip_posix *px, const char *path, int flags, unsigned mode)
{
	message m;
	kip_msg_init(&m, VFS_OPEN);
	m.m_vfs.flags = flags;
	m.m_vfs.mode = mode;
	return (int)kip_posix_result(px, px_path_call(px, &m, path));
}

int kip_creat(struct kip_posix *px, const char *path, unsigned mode)
{
	return kip_open(px, path, KIP_O_CREAT | KIP_O_WRONLY | KIP_O_TRUNC, mode);
}

int kip_close(struct kip_posix *px, int fd)
{
	return px_fd_call(px, VFS_CLOSE, fd);
}

/* One transfer of buf[0..n) at fd; the status. */
static long px_io_once(struct kip_posix *px, int type, int fd, const void *buf, size_t n,
		       int64_t offset, int access)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs.fd = fd;
	m.m_vfs.offset = offset;
	return px_buf_call(px, &m, buf, n, access);
}

/* buf is not kip memory (a global or a literal of the binary: grants
 * cannot reach it): move the bytes through px->bounce, a chunk at a time,
 * copying them in or out here.  Bytes moved, or the first chunk's error. */
static long px_io_bounced(struct kip_posix *px, int type, int fd, const void *buf, size_t n,
			  int64_t offset, int access)
{
	if (!px->bounce)
		px->bounce = kip_page_alloc(KIP_BOUNCE_SIZE / 4096);
	if (!px->bounce)
		return -ENOMEM;
	bool to_file = access == KIP_GRANT_READ;
	bool positioned = type == VFS_PREAD || type == VFS_PWRITE;
	size_t done = 0;
	while (done < n) {
		size_t chunk = n - done < KIP_BOUNCE_SIZE ? n - done : KIP_BOUNCE_SIZE;
		if (to_file)
			memcpy(px->bounce, (const char *)buf + done, chunk);
		long r = px_io_once(px, type, fd, px->bounce, chunk,
				    positioned ? offset + (int64_t)done : 0, access);
		if (r < 0)
			return done ? (long)done : r;
		if (!to_file)
			memcpy((char *)buf + done, px->bounce, (size_t)r);
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (long)done;
}

/* A transfer of buf[0..n) at fd: READ, WRITE at the file offset, PREAD,
 * PWRITE at `offset`. */
static ssize_t px_io(struct kip_posix *px, int type, int fd, const void *buf, size_t n,
		     int64_t offset, int access)
{
	long r = px_io_once(px, type, fd, buf, n, offset, access);
	if (r == -EFAULT && n > 0)
		r = px_io_bounced(px, type, fd, buf, n, offset, access);
	return kip_posix_result(px, r);
}

ssize_t kip_read(struct kip_posix *px, int fd, void *buf, size_t n)
{
	return px_io(px, VFS_READ, fd, buf, n, 0, KIP_GRANT_WRITE);
}

ssize_t kip_write(struct kip_posix *px, int fd, const void *buf, size_t n)
{
	return px_io(px, VFS_WRITE, fd, buf, n, 0, KIP_GRANT_READ);
}

ssize_t kip_pread(struct kip_posix *px, int fd, void *buf, size_t n, off_t offset)
{
	return px_io(px, VFS_PREAD, fd, buf, n, offset, KIP_GRANT_WRITE);
}

ssize_t kip_pwrite(struct kip_posix *px, int fd, const void *buf, size_t n, off_t offset)
{
	return px_io(px, VFS_PWRITE, fd, buf, n, offset, KIP_GRANT_READ);
}

ssize_t kip_getdents(struct kip_posix *px, int fd, void *buf, size_t n)
{
	return px_io(px, VFS_GETDENTS, fd, buf, n, 0, KIP_GRANT_WRITE);
}

off_t kip_lseek(struct kip_posix *px, int fd, off_t offset, int whence)
{
	message m;
	kip_msg_init(&m, VFS_LSEEK);
	m.m_vfs.fd = fd;
	m.m_vfs.offset = offset;
	m.m_vfs.whence = whence;
	int r = px_call(px, &m);
	return r < 0 ? kip_posix_result(px, r) : m.m_vfs.offset;
}

int kip_dup(struct kip_posix *px, int fd)
{
	return px_fd_call(px, VFS_DUP, fd);
}

int kip_dup2(struct kip_posix *px, int fd, int fd2)
{
	message m;
	kip_msg_init(&m, VFS_DUP2);
	m.m_vfs.fd = fd;
	m.m_vfs.fd2 = fd2;
	return (int)kip_posix_result(px, px_call(px, &m));
}

int kip_truncate(struct kip_posix *px, const char *path, off_t length)
{
	message m;
	kip_msg_init(&m, VFS_TRUNCATE);
	m.m_vfs.offset = length;
	return (int)kip_posix_result(px, px_path_call(px, &m, path));
}

int kip_ftruncate(struct kip_posix *px, int fd, off_t length)
{
	message m;
	kip_msg_init(&m, VFS_FTRUNCATE);
	m.m_vfs.fd = fd;
	m.m_vfs.offset = length;
	return (int)kip_posix_result(px, px_call(px, &m));
}

int kip_fsync(struct kip_posix *px, int fd)
{
	return px_fd_call(px, VFS_FSYNC, fd);
}

int kip_sync(struct kip_posix *px)
{
	message m;
	kip_msg_init(&m, VFS_SYNC);
	return (int)kip_posix_result(px, px_call(px, &m));
}
