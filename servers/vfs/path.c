/*
 * servers/vfs/path.c - path resolution, and the MFS requests that carry a
 * name.
 *
 * Entry points: vfs_path_fetch, vfs_path_walk, vfs_path_parent,
 * vfs_mfs_named, vfs_mfs_call, vfs_mfs_stat.
 *
 * A path comes from the caller's grant into v->path (VFS_PATH_MAX bytes at
 * most, else ENAMETOOLONG; empty: ENOENT).  It is walked from the root if it
 * starts with '/', else from the caller's working directory, one component
 * at a time with MFS_LOOKUP, which knows "." and ".." (the root's ".." is
 * the root).  Repeated slashes count as one.  A component over 60 bytes is
 * ENAMETOOLONG; a missing one ENOENT; going on through a non-directory
 * ENOTDIR (MFS says so); a path ending in '/' must name a directory
 * (ENOTDIR).  There is one file system (no mount points) and no symbolic
 * links: MFS has none yet.
 */
#include <string.h>

#include "vfs.h"

int vfs_mfs_call(struct vfs *v, message *m)
{
	int r = v->srv.ipc->sendrec(v->mfs, m);
	return r < 0 ? r : m->m_type;
}

int vfs_mfs_stat(struct vfs *v, uint32_t ino, struct mfs_attr *out)
{
	message m;
	kip_msg_init(&m, MFS_STAT);
	m.m_mfs.ino = ino;
	int r = vfs_mfs_call(v, &m);
	if (r == 0)
		*out = m.m_mfs_attr;
	return r;
}

/* LOOKUP, CREATE, MKDIR, UNLINK or RMDIR of name[0..len) in directory dir.
 * The name is copied into v->name and granted to MFS for the request. */
int vfs_mfs_named(struct vfs *v, int type, uint32_t dir, const char *name, uint32_t len,
		  uint32_t mode, struct mfs_attr *out)
{
	message m;
	if (len == 0)
		return -ENOENT;
	if (len > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(v->name, name, len);
	kip_grant_id g = kip_grant_direct(v->grants, v->mfs, v->name, len, KIP_GRANT_READ);
	if (g < 0)
		return g;
	kip_msg_init(&m, type);
	m.m_mfs.ino = dir;
	m.m_mfs.grant = g;
	m.m_mfs.name_len = len;
	m.m_mfs.mode = mode;
	m.m_mfs.uid = 0; /* everyone is root for now */
	m.m_mfs.gid = 0;
	int r = vfs_mfs_call(v, &m);
	kip_grant_revoke(v->grants, g);
	if (r == 0 && out)
		*out = m.m_mfs_attr;
	return r;
}

/* Copy the request's path (grant, len) into v->path, NUL-terminated. */
int vfs_path_fetch(struct vfs *v, const message *in)
{
	uint32_t len = in->m_vfs.len;
	if (len == 0)
		return -ENOENT;
	if (len > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	int r = kip_safecopy_from(in->m_source, in->m_vfs.grant, 0, v->path, len);
	if (r < 0)
		return r;
	v->path[len] = '\0';
	if (strlen(v->path) != len)
		return -EINVAL; /* a NUL inside */
	return 0;
}

/* Walk v->path[0..end) from where it starts; the attributes of what it
 * names in *out. */
static int vfs_walk_to(struct vfs *v, struct vfs_proc *p, size_t end, struct mfs_attr *out)
{
	const char *s = v->path;
	uint32_t at = s[0] == '/' ? v->root : p->cwd;
	int r = vfs_mfs_stat(v, at, out);
	size_t i = 0;
	while (r == 0) {
		while (i < end && s[i] == '/')
			i++;
		if (i == end)
			break;
		size_t start = i;
		while (i < end && s[i] != '/')
			i++;
		if (!vfs_is_dir(out->mode))
			return -ENOTDIR;
		r = vfs_mfs_named(v, MFS_LOOKUP, out->ino, s + start, (uint32_t)(i - start), 0,
				  out);
	}
	return r;
}

int vfs_path_walk(struct vfs *v, struct vfs_proc *p, struct mfs_attr *out)
{
	size_t len = strlen(v->path);
	int r = vfs_walk_to(v, p, len, out);
	if (r == 0 && v->path[len - 1] == '/' && !vfs_is_dir(out->mode))
		return -ENOTDIR;
	return r;
}

/* Walk all of v->path but its last component; the directory in *dir, the
 * last component in (*last, *last_len).  Trailing slashes are dropped
 * ("a/b/" names b in a).  A path with no last component ("/") gives
 * *last_len 0; the caller decides what that means. */
int vfs_path_parent(struct vfs *v, struct vfs_proc *p, struct mfs_attr *dir, const char **last,
		    uint32_t *last_len)
{
	size_t end = strlen(v->path);
	while (end > 0 && v->path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && v->path[start - 1] != '/')
		start--;
	if (end - start > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	int r = vfs_walk_to(v, p, start, dir);
	if (r < 0)
		return r;
	if (!vfs_is_dir(dir->mode))
		return -ENOTDIR;
	*last = v->path + start;
	*last_len = (uint32_t)(end - start);
	return 0;
}
