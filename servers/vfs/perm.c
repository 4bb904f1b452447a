/*
 * servers/vfs/perm.c - permission checks, for the identity of the current
 * request (v->req->who: the calling process's, or the user a VFS_AT_* request
 * acts for).
 *
 * Entry points: vfs_is_root, vfs_in_group, vfs_may, vfs_may_remove,
 * vfs_new_owner.
 *
 * POSIX's rules: uid 0 may read and write anything and search any
 * directory, and execute a file if any of its x bits is set.  Everyone else
 * gets the owner's bits if the uid matches, else the group's if the file's
 * gid is the gid or one of the supplementary groups, else the others'.
 * Removing an entry takes write and search permission on the directory;
 * in a sticky directory it also takes owning the entry or the directory
 * (or being root), else EPERM.  A new inode belongs to the caller's uid and
 * to the directory's gid if the directory is setgid (a new directory then
 * inherits the setgid bit), else to the caller's gid; the umask clears
 * permission bits.
 */
#include "vfs.h"

bool vfs_is_root(const struct vfs *v)
{
	return v->req->who->uid == 0;
}

bool vfs_in_group(const struct vfs *v, uint32_t gid)
{
	if (v->req->who->gid == gid)
		return true;
	for (unsigned i = 0; i < v->req->who->ngroups; i++)
		if (v->req->who->groups[i] == gid)
			return true;
	return false;
}

int vfs_may(const struct vfs *v, const struct mfs_attr *a, int want)
{
	if (vfs_is_root(v)) {
		bool exec_ok = vfs_is_dir(a->mode) || (a->mode & 0111);
		return (want & KIP_X_OK) && !exec_ok ? -EACCES : 0;
	}
	unsigned bits;
	if (v->req->who->uid == a->uid)
		bits = (a->mode >> 6) & 7;
	else if (vfs_in_group(v, a->gid))
		bits = (a->mode >> 3) & 7;
	else
		bits = a->mode & 7;
	return ((unsigned)want & ~bits) ? -EACCES : 0;
}

int vfs_may_remove(const struct vfs *v, const struct mfs_attr *dir, const struct mfs_attr *a)
{
	int r = vfs_may(v, dir, KIP_W_OK | KIP_X_OK);
	if (r < 0)
		return r;
	if ((dir->mode & MINIXFS_S_ISVTX) && !vfs_is_root(v) && v->req->who->uid != a->uid &&
	    v->req->who->uid != dir->uid)
		return -EPERM;
	return 0;
}

void vfs_new_owner(const struct vfs *v, const struct mfs_attr *dir, uint32_t type, uint32_t mode,
		   uint32_t *out_mode, uint32_t *uid, uint32_t *gid)
{
	uint32_t bits = mode & 07777 & ~(uint32_t)v->req->who->umask;
	*uid = v->req->who->uid;
	*gid = v->req->who->gid;
	if (dir->mode & MINIXFS_S_ISGID) {
		*gid = dir->gid;
		if (type == MINIXFS_S_IFDIR)
			bits |= MINIXFS_S_ISGID;
	}
	/* As Linux: a non-member may not make a setgid file in that group. */
	if (type != MINIXFS_S_IFDIR && (bits & MINIXFS_S_ISGID) && !vfs_is_root(v) &&
	    !vfs_in_group(v, *gid))
		bits &= ~(uint32_t)MINIXFS_S_ISGID;
	*out_mode = type | bits;
}
