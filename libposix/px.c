/*
 * libposix/px.c - a program's libposix context and the message helpers
 * every call uses (libposix/px.h).
 *
 * Entry points: kip_posix_init, kip_posix_result; px_call, px_path_call,
 * px_paths_call, px_path_buf_call, px_attr_path_call, px_buf_call,
 * px_fd_call, px_named (private).
 *
 * Every call fills a zeroed VFS_* message and traps with SENDREC (px_call).
 * A path is copied into px->path (or px->path2, for the second path of
 * LINK, RENAME, SYMLINK) in the process's pages and granted to VFS for
 * reading; a data buffer is granted as it is: VFS passes that grant on to
 * MFS, which copies straight to or from it.  Each grant is revoked when the
 * reply comes.  kip_posix_result is the one place where a negative error
 * becomes px->err and -1.  No mutable globals: processes share them.
 */
#include <string.h>

#include "kip/error.h"
#include "kip/ipc.h"
#include "kip/syslib.h"
#include "px.h"

#define PX_CTX_PAGES ((sizeof(struct kip_posix) + PX_PAGE - 1) / PX_PAGE)

struct kip_posix *kip_posix_init(endpoint_t vfs)
{
	_Static_assert(PX_CTX_PAGES <= 2, "kip_posix fits two pages");
	struct kip_posix *px = kip_page_alloc(PX_CTX_PAGES);
	if (!px)
		return NULL;
	memset(px, 0, sizeof(*px));
	px->vfs = vfs;
	px->grants = kip_grant_init(8);
	if (!px->grants) {
		kip_page_free(px, PX_CTX_PAGES);
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

int px_call(struct kip_posix *px, message *m)
{
	int r = kip_sendrec(px->vfs, m);
	return r < 0 ? r : m->m_type;
}

/* Copy `path` into `to` (px->path or px->path2) and grant it to VFS for
 * reading: the grant, with its bytes in *len, or a negative error. */
static kip_grant_id px_grant_path(struct kip_posix *px, char *to, const char *path, uint32_t *len)
{
	size_t n = strnlen(path, KIP_PATH_MAX + 1);
	if (n > KIP_PATH_MAX)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	memcpy(to, path, n);
	*len = (uint32_t)n;
	return kip_grant_direct(px->grants, px->vfs, to, n, KIP_GRANT_READ);
}

/* Grant buf[0..n) (n capped at INT32_MAX) to VFS with `access`: the grant,
 * with the bytes in *len, or a negative error. */
static kip_grant_id px_grant_buf(struct kip_posix *px, const void *buf, size_t n, int access,
				 uint32_t *len)
{
	if (n > INT32_MAX)
		n = INT32_MAX;
	*len = (uint32_t)n;
	return kip_grant_direct(px->grants, px->vfs, buf, n ? n : 1, access);
}

int px_path_call(struct kip_posix *px, message *m, const char *path)
{
	kip_grant_id g = px_grant_path(px, px->path, path, &m->m_vfs.len);
	if (g < 0)
		return g;
	m->m_vfs.grant = g;
	int r = px_call(px, m);
	kip_grant_revoke(px->grants, g);
	return r;
}

/* Send m with the path granted (grant, len) and a second grant g2 already
 * made (grant2, len2 set by the caller); both revoked after. */
static int px_call_with_second(struct kip_posix *px, message *m, const char *path, kip_grant_id g2)
{
	if (g2 < 0)
		return g2;
	kip_grant_id g = px_grant_path(px, px->path, path, &m->m_vfs.len);
	if (g < 0) {
		kip_grant_revoke(px->grants, g2);
		return g;
	}
	m->m_vfs.grant = g;
	m->m_vfs.grant2 = g2;
	int r = px_call(px, m);
	kip_grant_revoke(px->grants, g2);
	kip_grant_revoke(px->grants, g);
	return r;
}

int px_paths_call(struct kip_posix *px, message *m, const char *path, const char *path2)
{
	return px_call_with_second(px, m, path,
				   px_grant_path(px, px->path2, path2, &m->m_vfs.len2));
}

long px_path_buf_call(struct kip_posix *px, message *m, const char *path, void *buf, size_t n,
		      int access)
{
	return px_call_with_second(px, m, path, px_grant_buf(px, buf, n, access, &m->m_vfs.len2));
}

int px_attr_path_call(struct kip_posix *px, message *m, const char *path)
{
	kip_grant_id g = px_grant_path(px, px->path, path, &m->m_vfs_attr.len);
	if (g < 0)
		return g;
	m->m_vfs_attr.grant = g;
	int r = px_call(px, m);
	kip_grant_revoke(px->grants, g);
	return r;
}

long px_buf_call(struct kip_posix *px, message *m, const void *buf, size_t n, int access)
{
	kip_grant_id g = px_grant_buf(px, buf, n, access, &m->m_vfs.len);
	if (g < 0)
		return g;
	m->m_vfs.grant = g;
	int r = px_call(px, m);
	kip_grant_revoke(px->grants, g);
	return r;
}

int px_fd_call(struct kip_posix *px, int type, int fd)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs.fd = fd;
	return (int)kip_posix_result(px, px_call(px, &m));
}

int px_named(struct kip_posix *px, int type, const char *path, unsigned mode)
{
	message m;
	kip_msg_init(&m, type);
	m.m_vfs.mode = mode;
	return (int)kip_posix_result(px, px_path_call(px, &m, path));
}
