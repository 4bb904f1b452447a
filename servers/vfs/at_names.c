/*
 * servers/vfs/at_names.c - directory entries through the privileged
 * interface: VFS_AT_MKNOD, VFS_AT_MKDIR, VFS_AT_SYMLINK, VFS_AT_LINK,
 * VFS_AT_UNLINK, VFS_AT_RMDIR, VFS_AT_RENAME.
 *
 * Entry points: the handlers above.
 *
 * Each is its POSIX call with the path already resolved to a directory
 * (ino) and one name: the same checks on the directory (search; write and
 * search to add or remove a name; the sticky rule to remove one), the same
 * owner rules for what is made (vfs_mfs_make: the requester's uid, the
 * directory's gid if it is setgid, else the requester's; the umask), and
 * MFS checks the rest (EEXIST, ENOTEMPTY, EISDIR, EMLINK, ...).  mknod
 * makes regular files, FIFOs and sockets for anyone, device nodes for root
 * only (EPERM).  link refuses directories (EPERM).  rename honours
 * KIP_RENAME_NOREPLACE (EEXIST if the new name exists); KIP_RENAME_EXCHANGE
 * and any other flag are EINVAL; the rest is vfs_rename_at's (link.c).
 * What is made gets one reference and its attributes in the reply, as a
 * lookup's.  Every change is a change event (event.c).
 */
#include <string.h>

#include "vfs.h"

/* The directory `ino` of a request that adds a name there (already fetched
 * into v->req->path): write and search permission, and room for the new
 * reference. */
static int vfs_at_adding(struct vfs *v, const message *in, struct mfs_attr *dir)
{
	int r = vfs_at_dir(v, in->m_vfs_at.ino, dir);
	if (r == 0)
		r = vfs_may(v, dir, KIP_W_OK | KIP_X_OK);
	if (r == 0)
		r = vfs_at_room(v, 1);
	return r;
}

/* Make a name in directory `ino` with MFS call `type` (CREATE or MKDIR). */
static int vfs_at_make(struct vfs *v, const message *in, message *out, int type, uint32_t mode,
		       uint32_t rdev)
{
	struct mfs_attr dir, a;
	uint32_t len = in->m_vfs_at.len;
	int r = vfs_at_names(v, in, false);
	if (r == 0)
		r = vfs_at_adding(v, in, &dir);
	if (r == 0)
		r = vfs_mfs_make(v, type, &dir, v->req->path, len, mode, rdev, &a);
	if (r < 0)
		return r;
	vfs_event_entry(v, in->m_source, dir.ino, v->req->path, len, a.ino);
	return vfs_at_hold(v, &a, out);
}

int vfs_do_at_mknod(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	uint32_t mode, rdev;
	r = vfs_mknod_mode(v, in->m_vfs_at.mode, in->m_vfs_at.offset, &mode, &rdev);
	return r < 0 ? r : vfs_at_make(v, in, out, MFS_CREATE, mode, rdev);
}

int vfs_do_at_mkdir(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	return vfs_at_make(v, in, out, MFS_MKDIR, MINIXFS_S_IFDIR | (in->m_vfs_at.mode & 07777), 0);
}

/* The target of SYMLINK: len2 bytes after the name, into v->req->path2. */
static int vfs_at_target(struct vfs *v, const message *in)
{
	uint32_t len = in->m_vfs_at.len2;
	if (len == 0)
		return -ENOENT; /* as symlink(2) with "" */
	if (len > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	int r = kip_safecopy_from(in->m_source, in->m_vfs_at.grant, in->m_vfs_at.len, v->req->path2,
				  len);
	if (r < 0)
		return r;
	v->req->path2[len] = '\0';
	return strlen(v->req->path2) == len ? 0 : -EINVAL;
}

int vfs_do_at_symlink(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr dir, a;
	uint32_t len = in->m_vfs_at.len;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_names(v, in, false);
	if (r == 0)
		r = vfs_at_target(v, in);
	if (r == 0)
		r = vfs_at_adding(v, in, &dir);
	if (r == 0)
		r = vfs_mfs_symlink(v, &dir, v->req->path, len, v->req->path2, in->m_vfs_at.len2,
				    &a);
	if (r < 0)
		return r;
	vfs_event_entry(v, in->m_source, dir.ino, v->req->path, len, a.ino);
	return vfs_at_hold(v, &a, out);
}

int vfs_do_at_link(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr dir, a;
	uint32_t len = in->m_vfs_at.len;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_names(v, in, false);
	if (r == 0)
		r = vfs_at_node(v, in->m_vfs_at.ino2, &a);
	if (r == 0 && vfs_is_dir(a.mode))
		r = -EPERM;
	if (r == 0)
		r = vfs_at_adding(v, in, &dir);
	if (r < 0)
		return r;
	message m;
	kip_msg_init(&m, MFS_LINK);
	m.m_mfs.ino = dir.ino;
	m.m_mfs.ino2 = a.ino;
	r = vfs_mfs_name_call(v, &m, v->req->path, len);
	if (r < 0)
		return r;
	vfs_event_entry(v, in->m_source, dir.ino, v->req->path, len, a.ino);
	return vfs_at_hold(v, &m.m_mfs_attr, out);
}

/* UNLINK or RMDIR of a name in directory `ino`, as unlink(2) (dir.c). */
static int vfs_at_remove(struct vfs *v, const message *in, int type)
{
	struct mfs_attr dir;
	int r = vfs_at_begin(v, in);
	if (r == 0)
		r = vfs_at_names(v, in, false);
	if (r == 0)
		r = vfs_at_dir(v, in->m_vfs_at.ino, &dir);
	if (r < 0)
		return r;
	return vfs_remove_name(v, in->m_source, type, &dir, v->req->path, in->m_vfs_at.len, false);
}

int vfs_do_at_unlink(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_at_remove(state, in, MFS_UNLINK);
}

int vfs_do_at_rmdir(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_at_remove(state, in, MFS_RMDIR);
}

int vfs_do_at_rename(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr odir, ndir, na;
	uint32_t olen = in->m_vfs_at.len, nlen = in->m_vfs_at.len2;
	int flags = in->m_vfs_at.flags;
	(void)out;
	int r = vfs_at_begin(v, in);
	if (r == 0 && (flags & ~KIP_RENAME_NOREPLACE))
		r = -EINVAL; /* KIP_RENAME_EXCHANGE among them */
	if (r == 0)
		r = vfs_at_names(v, in, true);
	if (r == 0)
		r = vfs_at_dir(v, in->m_vfs_at.ino, &odir);
	if (r == 0)
		r = vfs_at_dir(v, in->m_vfs_at.ino2, &ndir);
	if (r < 0)
		return r;
	if (flags & KIP_RENAME_NOREPLACE) {
		r = vfs_mfs_named(v, MFS_LOOKUP, ndir.ino, v->req->path2, nlen, 0, &na);
		if (r == 0)
			return -EEXIST;
		if (r != -ENOENT)
			return r;
	}
	r = vfs_rename_at(v, &odir, v->req->path, olen, &ndir, v->req->path2, nlen);
	if (r < 0)
		return r;
	vfs_event_entry(v, in->m_source, odir.ino, v->req->path, olen, 0);
	vfs_event_entry(v, in->m_source, ndir.ino, v->req->path2, nlen, 0);
	return 0;
}
