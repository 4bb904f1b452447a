/*
 * servers/vfs/link.c - names: VFS_LINK, VFS_RENAME, VFS_SYMLINK,
 * VFS_READLINK.
 *
 * Entry points: the handlers above, vfs_rename_at and vfs_mfs_symlink (also
 * VFS_AT_RENAME's and VFS_AT_SYMLINK's).
 *
 * Each resolves its first path, keeps what it needs of it, then resolves
 * the second (both use v->req->path in turn).  VFS checks permissions; MFS does
 * the rest atomically (EEXIST, EMLINK, ENOTEMPTY, EISDIR, ENOTDIR, EINVAL
 * for a directory moved into itself).
 *
 * link(2) does not follow a last symlink of the existing path (as Linux)
 * and refuses directories (EPERM).  rename(2): "." or ".." as a last
 * component, or "/", is EBUSY (as Linux); renaming a name onto another name
 * of the same inode does nothing; the old entry needs the removal rights
 * (write + search on its directory, the sticky rule), the new one write +
 * search on its directory and the removal rights over what it replaces,
 * and a directory moving to another parent needs write permission on
 * itself (its ".." changes).  A replaced inode that is still referenced is
 * pinned first.  symlink(2) stores the target as given (up to a block).
 */
#include <string.h>

#include "vfs.h"

/* Is name[0..len) "." or ".."? */
static bool vfs_is_dots(const char *name, uint32_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* The caller's table with both of the request's paths fetched; NULL with
 * *err set. */
static struct vfs_proc *vfs_caller_two_paths(struct vfs *v, const message *in, int *err)
{
	struct vfs_proc *p = vfs_caller(v, in, err);
	if (!p)
		return NULL;
	*err = vfs_path_fetch(v, in);
	if (*err == 0)
		*err = vfs_path2_fetch(v, in);
	return *err < 0 ? NULL : p;
}

int vfs_do_link(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a, dir;
	const char *last;
	uint32_t last_len;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller_two_paths(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_lwalk(v, p, &a);
	if (r < 0)
		return r;
	if (vfs_is_dir(a.mode))
		return -EPERM;
	memcpy(v->req->path, v->req->path2, strlen(v->req->path2) + 1);
	r = vfs_path_parent(v, p, &dir, &last, &last_len);
	if (r < 0)
		return r;
	if (last_len == 0 || vfs_is_dots(last, last_len))
		return -EEXIST;
	if (last[last_len] == '/')
		return -ENOENT; /* "new/" names a directory that is not there */
	r = vfs_may(v, &dir, KIP_W_OK | KIP_X_OK);
	if (r < 0)
		return r;
	message m;
	kip_msg_init(&m, MFS_LINK);
	m.m_mfs.ino = dir.ino;
	m.m_mfs.ino2 = a.ino;
	r = vfs_mfs_name_call(v, &m, last, last_len);
	if (r == 0)
		vfs_event_entry(v, in->m_source, dir.ino, last, last_len, a.ino);
	return r;
}

int vfs_rename_at(struct vfs *v, const struct mfs_attr *odir, const char *oname, uint32_t olen,
		  const struct mfs_attr *ndir, const char *nname, uint32_t nlen)
{
	struct mfs_attr oa, na;
	if (olen == 0 || nlen == 0 || vfs_is_dots(oname, olen) || vfs_is_dots(nname, nlen))
		return -EBUSY;
	if (olen > MINIXFS_NAME_MAX || nlen > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	int r = vfs_mfs_named(v, MFS_LOOKUP, odir->ino, oname, olen, 0, &oa);
	if (r < 0)
		return r;
	r = vfs_may_remove(v, odir, &oa);
	if (r < 0)
		return r;
	r = vfs_mfs_named(v, MFS_LOOKUP, ndir->ino, nname, nlen, 0, &na);
	if (r < 0 && r != -ENOENT)
		return r;
	bool replaces = r == 0;
	if (replaces && na.ino == oa.ino)
		return 0; /* two names of one inode: POSIX says do nothing */
	r = replaces ? vfs_may_remove(v, ndir, &na) : vfs_may(v, ndir, KIP_W_OK | KIP_X_OK);
	if (r == 0 && vfs_is_dir(oa.mode) && odir->ino != ndir->ino)
		r = vfs_may(v, &oa, KIP_W_OK);
	if (r == 0 && replaces)
		r = vfs_vnode_pin(v, na.ino);
	if (r < 0)
		return r;
	message m;
	memcpy(v->req->name, oname, olen);
	memcpy(v->req->name + olen, nname, nlen);
	kip_grant_id g =
		kip_grant_direct(v->grants, v->mfs, v->req->name, olen + nlen, KIP_GRANT_READ);
	if (g < 0)
		return g;
	kip_msg_init(&m, MFS_RENAME);
	m.m_mfs.ino = odir->ino;
	m.m_mfs.name_len = olen;
	m.m_mfs.ino2 = ndir->ino;
	m.m_mfs.name_len2 = nlen;
	m.m_mfs.grant = g;
	r = vfs_mfs_call(v, &m);
	kip_grant_revoke(v->grants, g);
	return r;
}

int vfs_do_rename(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr odir, ndir, oa;
	const char *last;
	uint32_t olen, nlen;
	char oname[MINIXFS_NAME_MAX + 1];
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller_two_paths(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_parent(v, p, &odir, &last, &olen);
	if (r < 0)
		return r;
	if (olen == 0 || vfs_is_dots(last, olen))
		return -EBUSY;
	bool oslash = last[olen] == '/';
	memcpy(oname, last, olen);
	r = vfs_mfs_named(v, MFS_LOOKUP, odir.ino, oname, olen, 0, &oa);
	if (r < 0)
		return r;
	memcpy(v->req->path, v->req->path2, strlen(v->req->path2) + 1);
	r = vfs_path_parent(v, p, &ndir, &last, &nlen);
	if (r < 0)
		return r;
	if (!vfs_is_dir(oa.mode) && (oslash || (nlen > 0 && last[nlen] == '/')))
		return -ENOTDIR;
	r = vfs_rename_at(v, &odir, oname, olen, &ndir, last, nlen);
	if (r == 0) {
		vfs_event_entry(v, in->m_source, odir.ino, oname, olen, oa.ino);
		vfs_event_entry(v, in->m_source, ndir.ino, last, nlen, oa.ino);
	}
	return r;
}

int vfs_do_symlink(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr dir;
	const char *last;
	uint32_t last_len;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	r = vfs_path_fetch(v, in); /* the target, kept in path2 */
	if (r == 0)
		memcpy(v->req->path2, v->req->path, strlen(v->req->path) + 1);
	if (r == 0) {
		/* the link's path, walked in v->req->path */
		message tmp = *in;
		tmp.m_vfs.grant = in->m_vfs.grant2;
		tmp.m_vfs.len = in->m_vfs.len2;
		r = vfs_path_fetch(v, &tmp);
	}
	if (r == 0)
		r = vfs_path_parent(v, p, &dir, &last, &last_len);
	if (r < 0)
		return r;
	if (last_len == 0 || vfs_is_dots(last, last_len))
		return -EEXIST;
	r = vfs_may(v, &dir, KIP_W_OK | KIP_X_OK);
	if (r < 0)
		return r;
	uint32_t tlen = (uint32_t)strlen(v->req->path2);
	if (last_len > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	struct mfs_attr a;
	r = vfs_mfs_symlink(v, &dir, last, last_len, v->req->path2, tlen, &a);
	if (r == 0)
		vfs_event_entry(v, in->m_source, dir.ino, last, last_len, a.ino);
	return r;
}

int vfs_mfs_symlink(struct vfs *v, const struct mfs_attr *dir, const char *name, uint32_t len,
		    const char *target, uint32_t tlen, struct mfs_attr *out)
{
	message m;
	kip_msg_init(&m, MFS_SYMLINK);
	m.m_mfs.ino = dir->ino;
	vfs_new_owner(v, dir, MINIXFS_S_IFLNK, 0777, &m.m_mfs.mode, &m.m_mfs.uid, &m.m_mfs.gid);
	m.m_mfs.mode = MINIXFS_S_IFLNK | 0777; /* a link's own bits mean nothing */
	m.m_mfs.name_len = len;
	m.m_mfs.len = tlen;
	if (len > MINIXFS_NAME_MAX || len + tlen > sizeof(v->req->link))
		return -ENAMETOOLONG;
	memmove(v->req->link, name, len);
	memcpy(v->req->link + len, target, tlen);
	kip_grant_id g =
		kip_grant_direct(v->grants, v->mfs, v->req->link, len + tlen, KIP_GRANT_READ);
	if (g < 0)
		return g;
	m.m_mfs.grant = g;
	int r = vfs_mfs_call(v, &m);
	kip_grant_revoke(v->grants, g);
	if (r == 0 && out)
		*out = m.m_mfs_attr;
	return r;
}

int vfs_do_readlink(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	if (!vfs_caller_path(v, in, false, &a, &r))
		return r;
	if (!vfs_is_lnk(a.mode))
		return -EINVAL;
	if (in->m_vfs.len2 == 0)
		return -EINVAL;
	return vfs_mfs_io_grant(v, in->m_source, in->m_vfs.grant2, in->m_vfs.len2, MFS_READLINK,
				a.ino, NULL);
}
