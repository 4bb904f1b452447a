/*
 * libposix/attr.c - a file's attributes (kip/posix.h): read them, change
 * them, check access to them, and the file-creation mask.
 *
 * Entry points: kip_stat, kip_lstat, kip_fstat, kip_chmod, kip_fchmod,
 * kip_chown, kip_lchown, kip_fchown, kip_utime, kip_access, kip_umask.
 *
 * STAT, LSTAT, FSTAT, UMASK and ACCESS use struct vfs_request; CHMOD,
 * FCHMOD, CHOWN, FCHOWN and UTIME struct vfs_attr_request
 * (kip/message.h), whose fields lie elsewhere, hence px_attr_path_call.
 */
#include "kip/error.h"
#include "px.h"

/* A STAT or LSTAT of path into *st. */
static int px_stat_path(struct kip_posix *px, int type, const char *path, struct kip_stat *st)
{
	message m;
	kip_msg_init(&m, type);
	int r = px_path_call(px, &m, path);
	if (r == 0)
		*st = m.m_vfs_stat;
	return (int)kip_posix_result(px, r);
}

int kip_stat(struct kip_posix *px, const char *path, struct kip_stat *st)
{
	return px_stat_path(px, VFS_STAT, path, st);
}

int kip_lstat(struct kip_posix *px, const char *path, struct kip_stat *st)
{
	return px_stat_path(px, VFS_LSTAT, path, st);
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

int kip_chmod(struct kip_posix *px, const char *path, unsigned mode)
{
	message m;
	kip_msg_init(&m, VFS_CHMOD);
	m.m_vfs_attr.mode = mode;
	return (int)kip_posix_result(px, px_attr_path_call(px, &m, path));
}

int kip_fchmod(struct kip_posix *px, int fd, unsigned mode)
{
	message m;
	kip_msg_init(&m, VFS_FCHMOD);
	m.m_vfs_attr.fd = fd;
	m.m_vfs_attr.mode = mode;
	return (int)kip_posix_result(px, px_call(px, &m));
}

/* A CHOWN of path; flags KIP_AT_SYMLINK_NOFOLLOW for lchown. */
static int px_chown(struct kip_posix *px, const char *path, uint32_t uid, uint32_t gid, int flags)
{
	_Static_assert(KIP_ID_KEEP == (uint32_t)-1, "chown's -1 is KIP_ID_KEEP");
	message m;
	kip_msg_init(&m, VFS_CHOWN);
	m.m_vfs_attr.uid = uid;
	m.m_vfs_attr.gid = gid;
	m.m_vfs_attr.flags = flags;
	return (int)kip_posix_result(px, px_attr_path_call(px, &m, path));
}

int kip_chown(struct kip_posix *px, const char *path, uint32_t uid, uint32_t gid)
{
	return px_chown(px, path, uid, gid, 0);
}

int kip_lchown(struct kip_posix *px, const char *path, uint32_t uid, uint32_t gid)
{
	return px_chown(px, path, uid, gid, KIP_AT_SYMLINK_NOFOLLOW);
}

int kip_fchown(struct kip_posix *px, int fd, uint32_t uid, uint32_t gid)
{
	message m;
	kip_msg_init(&m, VFS_FCHOWN);
	m.m_vfs_attr.fd = fd;
	m.m_vfs_attr.uid = uid;
	m.m_vfs_attr.gid = gid;
	return (int)kip_posix_result(px, px_call(px, &m));
}

int kip_utime(struct kip_posix *px, const char *path, const struct kip_utimbuf *times)
{
	message m;
	kip_msg_init(&m, VFS_UTIME);
	m.m_vfs_attr.atime = times ? times->actime : KIP_UTIME_NOW;
	m.m_vfs_attr.mtime = times ? times->modtime : KIP_UTIME_NOW;
	return (int)kip_posix_result(px, px_attr_path_call(px, &m, path));
}

int kip_access(struct kip_posix *px, const char *path, int mode)
{
	if (mode & ~(KIP_R_OK | KIP_W_OK | KIP_X_OK))
		return (int)kip_posix_result(px, -EINVAL);
	return px_named(px, VFS_ACCESS, path, (unsigned)mode);
}

unsigned kip_umask(struct kip_posix *px, unsigned mask)
{
	message m;
	kip_msg_init(&m, VFS_UMASK);
	m.m_vfs.mode = mask & 0777;
	long r = kip_posix_result(px, px_call(px, &m));
	return r < 0 ? 0 : (unsigned)r;
}
