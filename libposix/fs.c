/*
 * libposix/fs.c - the process's place in the file system, and the file
 * system itself (kip/posix.h).
 *
 * Entry points: kip_chdir, kip_fchdir, kip_getcwd, kip_statfs,
 * kip_fstatfs.
 */
#include "kip/error.h"
#include "px.h"

int kip_chdir(struct kip_posix *px, const char *path)
{
	return px_named(px, VFS_CHDIR, path, 0);
}

int kip_fchdir(struct kip_posix *px, int fd)
{
	return px_fd_call(px, VFS_FCHDIR, fd);
}

char *kip_getcwd(struct kip_posix *px, char *buf, size_t size)
{
	if (!buf || size == 0) {
		kip_posix_result(px, -EINVAL);
		return NULL;
	}
	message m;
	kip_msg_init(&m, VFS_GETCWD);
	long r = kip_posix_result(px, px_buf_call(px, &m, buf, size, KIP_GRANT_WRITE));
	return r < 0 ? NULL : buf;
}

int kip_statfs(struct kip_posix *px, const char *path, struct kip_statfs *st)
{
	message m;
	kip_msg_init(&m, VFS_STATFS);
	int r = px_path_call(px, &m, path);
	if (r == 0)
		*st = m.m_vfs_statfs;
	return (int)kip_posix_result(px, r);
}

int kip_fstatfs(struct kip_posix *px, int fd, struct kip_statfs *st)
{
	message m;
	kip_msg_init(&m, VFS_FSTATFS);
	m.m_vfs.fd = fd;
	int r = px_call(px, &m);
	if (r == 0)
		*st = m.m_vfs_statfs;
	return (int)kip_posix_result(px, r);
}
