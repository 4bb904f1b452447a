/*
 * servers/mfs/unlink.c - removing names: MFS_UNLINK and MFS_RMDIR.
 *
 * Entry points: mfs_do_unlink, mfs_do_rmdir.
 *
 * Both check first (the directory, the name, what it names), then remove
 * the entry and drop the link count (mfs_node_unlink, node.c): an inode
 * left with no links is freed at once, zones and bitmap bit, unless
 * MFS_GETNODE holds it - then the last MFS_PUTNODE frees it.  "." and ".."
 * cannot be removed (EINVAL, and ENOTEMPTY for RMDIR of "..").
 */
#include <string.h>

#include "mfs.h"

/* Read the directory and the request's name, and the inode it names.
 * 0 or an error. */
static int remove_check(struct mfs *fs, const message *in, struct minixfs_inode *dir, uint32_t *ino,
			struct minixfs_inode *ip)
{
	int r = mfs_dir_open(fs, in->m_mfs.ino, dir);
	if (r < 0)
		return r;
	r = mfs_dir_get_name(fs, in);
	if (r < 0)
		return r;
	if (!strcmp(fs->name, "."))
		return -EINVAL;
	if (!strcmp(fs->name, ".."))
		return in->m_type == MFS_RMDIR ? -ENOTEMPTY : -EINVAL;
	r = mfs_dir_lookup(fs, dir, fs->name, ino);
	if (r < 0)
		return r;
	r = mfs_inode_read(fs, *ino, ip);
	return r == -ENOENT ? -EIO : r; /* an entry naming a free inode */
}

int mfs_do_unlink(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t num, removed;
	(void)out;
	int r = remove_check(fs, in, &dir, &num, &ino);
	if (r < 0)
		return r;
	if (minixfs_type(ino.i_mode) == MINIXFS_S_IFDIR)
		return -EISDIR;
	r = mfs_dir_remove(fs, in->m_mfs.ino, &dir, fs->name, &removed);
	if (r < 0)
		return r;
	return mfs_node_unlink(fs, num, &ino, 1);
}

int mfs_do_rmdir(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t num, removed;
	(void)out;
	int r = remove_check(fs, in, &dir, &num, &ino);
	if (r < 0)
		return r;
	if (minixfs_type(ino.i_mode) != MINIXFS_S_IFDIR)
		return -ENOTDIR;
	if (num == MINIXFS_ROOT_INO)
		return -EBUSY;
	r = mfs_dir_is_empty(fs, &ino);
	if (r <= 0)
		return r < 0 ? r : -ENOTEMPTY;
	r = mfs_dir_remove(fs, in->m_mfs.ino, &dir, fs->name, &removed);
	if (r < 0)
		return r;
	if (dir.i_nlinks > 2) { /* its ".." named the parent */
		dir.i_nlinks--;
		r = mfs_inode_write(fs, in->m_mfs.ino, &dir);
		if (r < 0)
			return r;
	}
	return mfs_node_unlink(fs, num, &ino, ino.i_nlinks); /* its entry and its "." */
}
