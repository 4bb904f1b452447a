/*
 * libposix/link.c - names in directories (kip/posix.h): make them, remove
 * them, link, rename, symbolic links, device nodes.
 *
 * Entry points: kip_mkdir, kip_rmdir, kip_unlink, kip_link, kip_rename,
 * kip_symlink, kip_readlink, kip_mknod.
 *
 * A second path (LINK's new name, RENAME's new path, SYMLINK's link) goes
 * in px->path2 and grant2/len2; READLINK's buffer in grant2/len2.
 */
#include "kip/error.h"
#include "px.h"

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

/* LINK, RENAME or SYMLINK: path in grant/len, path2 in grant2/len2. */
static int px_two_paths(struct kip_posix *px, int type, const char *path, const char *path2)
{
	message m;
	kip_msg_init(&m, type);
	return (int)kip_posix_result(px, px_paths_call(px, &m, path, path2));
}

int kip_link(struct kip_posix *px, const char *existing, const char *newpath)
{
	return px_two_paths(px, VFS_LINK, existing, newpath);
}

int kip_rename(struct kip_posix *px, const char *oldpath, const char *newpath)
{
	return px_two_paths(px, VFS_RENAME, oldpath, newpath);
}

int kip_symlink(struct kip_posix *px, const char *target, const char *linkpath)
{
	return px_two_paths(px, VFS_SYMLINK, target, linkpath);
}

ssize_t kip_readlink(struct kip_posix *px, const char *path, char *buf, size_t n)
{
	if (n == 0)
		return kip_posix_result(px, -EINVAL);
	message m;
	kip_msg_init(&m, VFS_READLINK);
	return kip_posix_result(px, px_path_buf_call(px, &m, path, buf, n, KIP_GRANT_WRITE));
}

int kip_mknod(struct kip_posix *px, const char *path, unsigned mode, uint32_t dev)
{
	message m;
	kip_msg_init(&m, VFS_MKNOD);
	m.m_vfs.mode = mode;
	m.m_vfs.offset = dev;
	return (int)kip_posix_result(px, px_path_call(px, &m, path));
}
