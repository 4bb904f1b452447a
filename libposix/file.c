/*
 * libposix/file.c - the POSIX file calls (kip/posix.h) as messages to VFS.
 *
 * Entry points: kip_posix_init, kip_posix_result, kip_open, kip_close, kip_read, kip_write,
 * kip_lseek, kip_dup, kip_dup2, kip_stat, kip_fstat, kip_mkdir, kip_rmdir,
 * kip_unlink, kip_truncate, kip_ftruncate, kip_chdir, kip_fsync, kip_sync,
 * kip_getdents.
 *
 * Every call fills a zeroed VFS_* message and traps with SENDREC (px_call).
 * A path is copied into px->path (in the process's pages) and granted to
 * VFS for reading; a data buffer is granted as it is: VFS passes that grant
 * on to MFS, which copies straight to or from it.  Each grant is revoked
 * when the reply comes.  kip_posix_result is the one place where a negative error
 * becomes px->err and -1.  No mutable globals: processes share them.
 */
#include <string.h>

#include "kip/error.h"
#include "kip/ipc.h"
#include "kip/posix.h"
#include "kip/syslib.h"

#define PAGE 4096u

struct kip_posix *kip_posix_init(endpoint_t vfs)
{
	_Static_assert(sizeof(struct kip_posix) <= PAGE, "kip_posix fits a page");
	struct kip_posix *px = kip_page_alloc(1);
	if (!px)
		return NULL;
	memset(px, 0, sizeof(*px));
	px->vfs = vfs;
	px->grants = kip_grant_init(8);
	if (!px->grants) {
		kip_page_free(px, 1);
		return NULL;
	}
	return px;
}

long kip_posix_result(struct kip_posix *px, long r)
{
	if (r >= 0)
		return r;
	px->err = (int)-r;
	return -1;
}

/* SENDREC m to VFS; the reply's status (m holds the reply). */
static int px_call(struct kip_posix *px, message *m)
{
	int r = kip_sendrec(px->vfs, m);
	return r < 0 ? r : m->m_type;
}

/* Send m (its type set) with `path` copied and granted; the status. */
static int px_path_call(struct kip_posix *px, message *m, const char *path)
{
	size_t len = strnlen(path, KIP_PATH_MAX + 1);
	if (len > KIP_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	memcpy(px->path, path, len);
	kip_grant_id g = kip_grant_direct(px->grants, px->vfs, px->path, len, KIP_GRANT_READ);
	if (g < 0)
		return g;
	m->m_vfs.grant = g;
	m->m_vfs.len = (uint32_t)len;
	int r = px_call(px, m);
	kip_grant_revoke(px->grants, g);
	return r;
}

/* Send m (type, fd set) with buf[0..n) granted with `access`; the status. */
static long px_buf_call(struct kip_posix *px, message *m, const void *buf, size_t n, int access)
{
	if (n > INT32_MAX)
		n = INT32_MAX;
	kip_grant_id g = kip_grant_direct(px->grants, px->vfs, buf, n ? n : 1, access);
	if (g < 0)
		return g;
	m->m_vfs.grant = g;
	m->m_vfs.len = (uint32_t)n;
	int r = px_call(px, m);
	kip_grant_revoke(px->grants, g);
	return r;
}

/* A request on fd alone (CLOSE, DUP, FSYNC). */
static int px_fd_call(struct kip_posix *px, int type, int fd)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs.fd = fd;
	return (int)kip_posix_result(px, px_call(px, &m));
}

/* A request on a path alone (MKDIR with its mode, RMDIR, UNLINK, CHDIR). */
static int px_named(struct kip_posix *px, int type, const char *path, unsigned mode)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs.mode = mode;
	return (int)kip_posix_result(px, px_path_call(px, &m, path));
}

int kip_open(struct kip_posix *px, const char *path, int flags, unsigned mode)
{
	message m;
	kip_msg_init(&m, VFS_OPEN);
	m.m_vfs.flags = flags;
	m.m_vfs.mode = mode;
	return (int)kip_posix_result(px, px_path_call(px, &m, path));
}

int kip_close(struct kip_posix *px, int fd)
{
	return px_fd_call(px, VFS_CLOSE, fd);
}

ssize_t kip_read(struct kip_posix *px, int fd, void *buf, size_t n)
{
	message m;
	kip_msg_init(&m, VFS_READ);
	m.m_vfs.fd = fd;
	return kip_posix_result(px, px_buf_call(px, &m, buf, n, KIP_GRANT_WRITE));
}

ssize_t kip_write(struct kip_posix *px, int fd, const void *buf, size_t n)
{
	message m;
	kip_msg_init(&m, VFS_WRITE);
	m.m_vfs.fd = fd;
	return kip_posix_result(px, px_buf_call(px, &m, buf, n, KIP_GRANT_READ));
}

ssize_t kip_getdents(struct kip_posix *px, int fd, void *buf, size_t n)
{
	message m;
	kip_msg_init(&m, VFS_GETDENTS);
	m.m_vfs.fd = fd;
	return kip_posix_result(px, px_buf_call(px, &m, buf, n, KIP_GRANT_WRITE));
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

int kip_stat(struct kip_posix *px, const char *path, struct kip_stat *st)
{
	message m;
	kip_msg_init(&m, VFS_STAT);
	int r = px_path_call(px, &m, path);
	if (r == 0)
		*st = m.m_vfs_stat;
	return (int)kip_posix_result(px, r);
}

int kip_fstat(struct kip_posix *px, int fd, struct kip_stat *st)
{
	message m;
	kip_msg_init(&m, VFS_FSTAT);
	m.m_vfs.fd = fd;
	int r = px_call(px, &m);
	if (r == 0)
		*st = m.m_vfs_stat;
	return (int)kip_posix_result(px, r);
}

int kip_mkdir(struct kip_posix *px, const char *path, unsigned mode)
{
	return px_named(px, VFS_MKDIR, path, mode);
}

int kip_rmdir(struct kip_posix *px, const char *path)
{
	return px_named(px, VFS_RMDIR, path, 0);
}

int kip_unlink(struct kip_posix *px, const char *path)
{
	return px_named(px, VFS_UNLINK, path, 0);
}

int kip_chdir(struct kip_posix *px, const char *path)
{
	return px_named(px, VFS_CHDIR, path, 0);
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
