/*
 * servers/vfs/path.c - path resolution, and the MFS requests that carry a
 * name.
 *
 * Entry points: vfs_path_fetch, vfs_path2_fetch, vfs_path_walk,
 * vfs_path_lwalk, vfs_path_parent, vfs_mfs_named, vfs_mfs_name_call, vfs_mfs_make,
 * vfs_mfs_call, vfs_mfs_stat, vfs_mfs_readlink, vfs_caller_path,
 * vfs_caller_parent.
 *
 * A path comes from the caller's grant into v->req->path (VFS_PATH_MAX bytes at
 * most, else ENAMETOOLONG; empty: ENOENT).  It is walked from the root if it
 * starts with '/', else from the caller's working directory, one component
 * at a time with MFS_LOOKUP, which knows "." and ".." (the root's ".." is
 * the root).  Repeated slashes count as one.  Every directory passed
 * through needs search (x) permission (EACCES).  A component over 60 bytes
 * is ENAMETOOLONG; a missing one ENOENT; going on through a non-directory
 * ENOTDIR; a path ending in '/' must name a directory (ENOTDIR).
 *
 * A symbolic link met before the last component, or as the last one when
 * the call follows links (stat, open, chdir, ...: vfs_path_walk; not lstat,
 * unlink, rename, ...: vfs_path_lwalk, vfs_path_parent) is replaced by its
 * target: the rest of the path is appended to the target and the walk goes
 * on from the root (an absolute target) or from the link's directory.  After
 * VFS_SYMLOOP_MAX links in one resolution: ELOOP.  A path ending in '/'
 * follows a last link.
 */
#include <string.h>

#include "vfs.h"

int vfs_mfs_call(struct vfs *v, message *m)
{
	int r = server_call_peer(&v->srv, v->mfs, m);
	/* MFS unreachable (dead, say): the caller sees an I/O error, not an
	 * IPC code POSIX does not know. */
	return r <= -EDEADSRCDST && r >= -KIP_EDONTREPLY ? -EIO : r;
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

int vfs_mfs_readlink(struct vfs *v, uint32_t ino)
{
	message m;
	uint32_t cap = (uint32_t)sizeof(v->req->link) - 1;
	kip_grant_id g = kip_grant_direct(v->grants, v->mfs, v->req->link, cap, KIP_GRANT_WRITE);
	if (g < 0)
		return g;
	kip_msg_init(&m, MFS_READLINK);
	m.m_mfs.ino = ino;
	m.m_mfs.grant = g;
	m.m_mfs.len = cap;
	int r = vfs_mfs_call(v, &m);
	kip_grant_revoke(v->grants, g);
	if (r >= 0)
		v->req->link[r] = '\0';
	return r;
}

int vfs_mfs_name_call(struct vfs *v, message *m, const char *name, uint32_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(v->req->name, name, len);
	kip_grant_id g = kip_grant_direct(v->grants, v->mfs, v->req->name, len, KIP_GRANT_READ);
	if (g < 0)
		return g;
	m->m_mfs.grant = g;
	m->m_mfs.name_len = len;
	int r = vfs_mfs_call(v, m);
	kip_grant_revoke(v->grants, g);
	return r;
}

int vfs_mfs_named(struct vfs *v, int type, uint32_t dir, const char *name, uint32_t len,
		  uint32_t mode, struct mfs_attr *out)
{
	message m;
	kip_msg_init(&m, type);
	m.m_mfs.ino = dir;
	m.m_mfs.mode = mode;
	int r = vfs_mfs_name_call(v, &m, name, len);
	if (r == 0 && out)
		*out = m.m_mfs_attr;
	return r;
}

int vfs_mfs_make(struct vfs *v, int type, const struct mfs_attr *dir, const char *name,
		 uint32_t len, uint32_t mode, uint32_t rdev, struct mfs_attr *out)
{
	message m;
	kip_msg_init(&m, type);
	m.m_mfs.ino = dir->ino;
	vfs_new_owner(v, dir, mode & MINIXFS_S_IFMT, mode, &m.m_mfs.mode, &m.m_mfs.uid,
		      &m.m_mfs.gid);
	m.m_mfs.position = rdev;
	int r = vfs_mfs_name_call(v, &m, name, len);
	if (r == 0 && out)
		*out = m.m_mfs_attr;
	return r;
}

/* Copy `len` bytes of the caller's grant into buf, NUL-terminated. */
static int vfs_fetch(const message *in, int32_t grant, uint32_t len, char *buf)
{
	if (len == 0)
		return -ENOENT;
	if (len > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	int r = kip_safecopy_from(in->m_source, grant, 0, buf, len);
	if (r < 0)
		return r;
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EINVAL; /* a NUL inside */
	return 0;
}

int vfs_path_fetch(struct vfs *v, const message *in)
{
	return vfs_fetch(in, in->m_vfs.grant, in->m_vfs.len, v->req->path);
}

int vfs_path2_fetch(struct vfs *v, const message *in)
{
	return vfs_fetch(in, in->m_vfs.grant2, in->m_vfs.len2, v->req->path2);
}

/* Replace v->req->path[0..end) (the link's part of the path) by v->req->link: the new
 * path is the target followed by what came after the link. */
static int vfs_splice(struct vfs *v, size_t end)
{
	size_t tlen = strlen(v->req->link), rest = strlen(v->req->path + end);
	if (tlen == 0)
		return -ENOENT;
	if (tlen + rest > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(v->req->scratch, v->req->link, tlen);
	memcpy(v->req->scratch + tlen, v->req->path + end, rest + 1);
	memcpy(v->req->path, v->req->scratch, tlen + rest + 1);
	return 0;
}

enum {
	WALK_FOLLOW = 1, /* follow a last symlink */
	WALK_PARENT = 2, /* stop before the last component */
};

/* Walk v->req->path.  *cur: what it names (WALK_PARENT: the directory of the
 * last component, which is v->req->path[*last_off ..][0 .. *last_len), 0 bytes
 * for "/"). */
static int vfs_walk(struct vfs *v, struct vfs_proc *p, int how, struct mfs_attr *cur,
		    size_t *last_off, uint32_t *last_len)
{
	unsigned links = 0;
	uint32_t start_ino = v->req->path[0] == '/' ? v->root : p->cwd;
	int r = vfs_mfs_stat(v, start_ino, cur);
	size_t i = 0;
	while (r == 0) {
		const char *s = v->req->path;
		while (s[i] == '/')
			i++;
		if (s[i] == '\0') {
			if (how & WALK_PARENT) {
				*last_off = i;
				*last_len = 0;
			}
			return 0;
		}
		size_t start = i;
		while (s[i] != '\0' && s[i] != '/')
			i++;
		size_t end = i, after = i;
		while (s[after] == '/')
			after++;
		bool last = s[after] == '\0';
		bool slash = last && after > end;
		if (end - start > MINIXFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!vfs_is_dir(cur->mode))
			return -ENOTDIR;
		if (last && (how & WALK_PARENT)) {
			*last_off = start;
			*last_len = (uint32_t)(end - start);
			return 0;
		}
		r = vfs_may(v, cur, KIP_X_OK);
		if (r < 0)
			return r;
		struct mfs_attr next;
		r = vfs_mfs_named(v, MFS_LOOKUP, cur->ino, s + start, (uint32_t)(end - start), 0,
				  &next);
		if (r < 0)
			return r;
		if (vfs_is_lnk(next.mode) && (!last || slash || (how & WALK_FOLLOW))) {
			if (++links > VFS_SYMLOOP_MAX)
				return -ELOOP;
			r = vfs_mfs_readlink(v, next.ino);
			if (r >= 0)
				r = vfs_splice(v, end);
			if (r < 0)
				return r;
			i = 0;
			if (v->req->path[0] == '/')
				r = vfs_mfs_stat(v, v->root, cur);
			continue; /* on from the link's directory (cur) */
		}
		*cur = next;
	}
	return r;
}

/* The whole path, following a last link or not; a trailing '/' needs a
 * directory. */
static int vfs_walk_all(struct vfs *v, struct vfs_proc *p, int how, struct mfs_attr *out)
{
	size_t len = strlen(v->req->path);
	bool slash = len > 0 && v->req->path[len - 1] == '/';
	int r = vfs_walk(v, p, how, out, NULL, NULL);
	if (r == 0 && slash && !vfs_is_dir(out->mode))
		return -ENOTDIR;
	return r;
}

int vfs_path_walk(struct vfs *v, struct vfs_proc *p, struct mfs_attr *out)
{
	return vfs_walk_all(v, p, WALK_FOLLOW, out);
}

int vfs_path_lwalk(struct vfs *v, struct vfs_proc *p, struct mfs_attr *out)
{
	return vfs_walk_all(v, p, 0, out);
}

/* Walk all of v->req->path but its last component; the directory in *dir, the
 * last component in (*last, *last_len), trailing slashes not included
 * ("a/b/" names b in a).  A path with no last component ("/") gives
 * *last_len 0; the caller decides what that means.  The directory needs
 * search permission. */
int vfs_path_parent(struct vfs *v, struct vfs_proc *p, struct mfs_attr *dir, const char **last,
		    uint32_t *last_len)
{
	size_t off = 0;
	int r = vfs_walk(v, p, WALK_PARENT, dir, &off, last_len);
	if (r < 0)
		return r;
	if (!vfs_is_dir(dir->mode))
		return -ENOTDIR;
	if (*last_len > 0) {
		r = vfs_may(v, dir, KIP_X_OK);
		if (r < 0)
			return r;
	}
	*last = v->req->path + off;
	return 0;
}

struct vfs_proc *vfs_caller_path(struct vfs *v, const message *in, bool follow, struct mfs_attr *a,
				 int *err)
{
	struct vfs_proc *p = vfs_caller(v, in, err);
	if (!p)
		return NULL;
	*err = vfs_path_fetch(v, in);
	if (*err == 0)
		*err = follow ? vfs_path_walk(v, p, a) : vfs_path_lwalk(v, p, a);
	return *err < 0 ? NULL : p;
}

struct vfs_proc *vfs_caller_parent(struct vfs *v, const message *in, struct mfs_attr *dir,
				   const char **last, uint32_t *last_len, int *err)
{
	struct vfs_proc *p = vfs_caller(v, in, err);
	if (!p)
		return NULL;
	*err = vfs_path_fetch(v, in);
	if (*err == 0)
		*err = vfs_path_parent(v, p, dir, last, last_len);
	return *err < 0 ? NULL : p;
}
