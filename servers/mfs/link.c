/*
 * servers/mfs/link.c - the namespace: MFS_LOOKUP, MFS_GETDENTS,
 * MFS_CREATE, MFS_MKDIR, MFS_LINK.
 *
 * Entry points: mfs_do_lookup, mfs_do_getdents, mfs_do_create,
 * mfs_do_mkdir, mfs_do_link; mfs_new_check and mfs_new_inode (also used
 * by symlink.c).
 *
 * CREATE and MKDIR check everything first (the directory, the name, that
 * it is not taken, the mode, the owner, the free inodes and zones), then
 * allocate the inode, write it, and add the entry; if adding the entry
 * fails the inode (and a new directory's zone) is given back.  CREATE makes
 * regular files, FIFOs, sockets and device nodes; a device node keeps its
 * device number in zone[0], as MINIX and Linux do, and has no zones.
 * LINK adds the entry first, then counts the link.  Nothing is looked up,
 * made or linked in a directory with no links left (ENOENT).
 */
#include <string.h>

#include "mfs.h"

int mfs_do_lookup(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t found = 0;
	int r = mfs_dir_open(fs, in->m_mfs.ino, &dir);
	if (r == 0)
		r = mfs_dir_get_name(fs, in);
	if (r == 0)
		r = mfs_dir_lookup(fs, &dir, fs->name, &found);
	if (r == 0)
		r = mfs_inode_read(fs, found, &ino);
	if (r == -ENOENT && found)
		r = -EIO; /* an entry naming a free inode */
	if (r < 0)
		return r;
	mfs_fill_attr(&out->m_mfs_attr, found, &ino);
	return 0;
}

int mfs_do_getdents(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir;
	uint64_t pos = in->m_mfs.position;
	out->m_mfs = in->m_mfs;
	int r = mfs_inode_read(fs, in->m_mfs.ino, &dir);
	if (r < 0)
		return r;
	if (minixfs_type(dir.i_mode) == MINIXFS_S_IFDIR && dir.i_nlinks == 0)
		return 0; /* removed while held: it lists nothing, as on Linux */
	r = mfs_dir_getdents(fs, &dir, in->m_source, in->m_mfs.grant, in->m_mfs.len, &pos);
	if (r < 0)
		return r;
	out->m_mfs.position = pos;
	if (in->m_mfs.len > 0)
		mfs_inode_accessed(fs, in->m_mfs.ino, &dir);
	return r;
}

/* The entry named by the request (into fs->name) is free in directory ino,
 * which is read into *dir.  0, -EEXIST, or another error. */
static int name_free(struct mfs *fs, const message *in, struct minixfs_inode *dir)
{
	uint32_t found;
	int r = mfs_dir_open(fs, in->m_mfs.ino, dir);
	if (r < 0)
		return r;
	r = mfs_dir_get_name(fs, in);
	if (r < 0)
		return r;
	r = mfs_dir_lookup(fs, dir, fs->name, &found);
	if (r == 0)
		return -EEXIST;
	return r == -ENOENT ? 0 : r;
}

int mfs_new_check(struct mfs *fs, const message *in, struct minixfs_inode *dir)
{
	int r = name_free(fs, in, dir);
	if (r < 0)
		return r;
	if (in->m_mfs.uid > MINIXFS_ID_MAX || in->m_mfs.gid > MINIXFS_ID_MAX)
		return -EINVAL;
	if (fs->free_inodes == 0)
		return -ENOSPC;
	return 0;
}

void mfs_new_inode(struct minixfs_inode *ip, const message *in, uint16_t mode)
{
	uint32_t now = mfs_time();
	memset(ip, 0, sizeof(*ip));
	ip->i_mode = mode;
	ip->i_nlinks = 1;
	ip->i_uid = (uint16_t)in->m_mfs.uid;
	ip->i_gid = (uint16_t)in->m_mfs.gid;
	ip->i_atime = ip->i_mtime = ip->i_ctime = now;
}

/* Is `type` one CREATE makes?  (MKDIR and SYMLINK make the others.) */
static bool create_type(uint16_t type)
{
	return type == MINIXFS_S_IFREG || type == MINIXFS_S_IFIFO || type == MINIXFS_S_IFSOCK ||
	       mfs_is_device(type);
}

int mfs_do_create(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t mode = in->m_mfs.mode, num;
	if (minixfs_type((uint16_t)mode) == 0)
		mode |= MINIXFS_S_IFREG;
	if (mode > 0xffff || !create_type(minixfs_type((uint16_t)mode)))
		return -EINVAL;
	bool device = mfs_is_device((uint16_t)mode);
	if (device && in->m_mfs.position > UINT32_MAX)
		return -EINVAL; /* the device number is one 32-bit zone slot */
	int r = mfs_new_check(fs, in, &dir);
	if (r < 0)
		return r;
	r = mfs_alloc_inode(fs, &num);
	if (r < 0)
		return r;
	mfs_new_inode(&ino, in, (uint16_t)mode);
	if (device)
		ino.i_zone[0] = (uint32_t)in->m_mfs.position;
	r = mfs_inode_write(fs, num, &ino);
	if (r == 0)
		r = mfs_dir_add(fs, in->m_mfs.ino, &dir, fs->name, num);
	if (r < 0) {
		mfs_free_inode(fs, num);
		return r;
	}
	mfs_fill_attr(&out->m_mfs_attr, num, &ino);
	return 0;
}

/* Write the first block of new directory num: "." and "..". */
static int mkdir_block(struct mfs *fs, uint32_t zone, uint32_t num, uint32_t parent)
{
	int r;
	struct mfs_buf *b = mfs_cache_get(fs, zone, true, &r);
	if (!b)
		return r;
	struct minixfs_dirent *e = (void *)b->data;
	e[0].d_ino = num;
	e[0].d_name[0] = '.';
	e[1].d_ino = parent;
	e[1].d_name[0] = '.';
	e[1].d_name[1] = '.';
	mfs_cache_dirty(b);
	mfs_cache_put(b);
	return 0;
}

int mfs_do_mkdir(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t num, zone;
	uint32_t mode = (in->m_mfs.mode & 07777) | MINIXFS_S_IFDIR;
	if (minixfs_type((uint16_t)in->m_mfs.mode) & ~MINIXFS_S_IFDIR)
		return -EINVAL;
	int r = mfs_new_check(fs, in, &dir);
	if (r < 0)
		return r;
	if (dir.i_nlinks >= MINIXFS_LINK_MAX)
		return -EMLINK;
	if (fs->free_zones < 2) /* its block, and maybe one for the parent */
		return -ENOSPC;
	r = mfs_alloc_inode(fs, &num);
	if (r < 0)
		return r;
	r = mfs_alloc_zone(fs, &zone);
	if (r < 0) {
		mfs_free_inode(fs, num);
		return r;
	}
	mfs_new_inode(&ino, in, (uint16_t)mode);
	ino.i_nlinks = 2;
	ino.i_size = 2 * MINIXFS_DIRENT_SIZE;
	ino.i_zone[0] = zone;
	r = mkdir_block(fs, zone, num, in->m_mfs.ino);
	if (r == 0)
		r = mfs_inode_write(fs, num, &ino);
	if (r == 0)
		r = mfs_dir_add(fs, in->m_mfs.ino, &dir, fs->name, num);
	if (r < 0) {
		mfs_free_zone(fs, zone);
		mfs_free_inode(fs, num);
		return r;
	}
	dir.i_nlinks++; /* the new ".." */
	r = mfs_inode_write(fs, in->m_mfs.ino, &dir);
	if (r < 0)
		return r;
	mfs_fill_attr(&out->m_mfs_attr, num, &ino);
	return 0;
}

int mfs_do_link(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode dir, ino;
	uint32_t num = in->m_mfs.ino2;
	int r = name_free(fs, in, &dir);
	if (r == 0)
		r = mfs_inode_read(fs, num, &ino);
	if (r < 0)
		return r;
	if (minixfs_type(ino.i_mode) == MINIXFS_S_IFDIR)
		return -EPERM; /* as link(2): no hard links to directories */
	if (ino.i_nlinks == 0)
		return -ENOENT; /* removed, still held: it cannot come back */
	if (ino.i_nlinks >= MINIXFS_LINK_MAX)
		return -EMLINK;
	r = mfs_dir_add(fs, in->m_mfs.ino, &dir, fs->name, num);
	if (r < 0)
		return r;
	ino.i_nlinks++;
	ino.i_ctime = mfs_time();
	r = mfs_inode_write(fs, num, &ino);
	if (r < 0)
		return r;
	mfs_fill_attr(&out->m_mfs_attr, num, &ino);
	return 0;
}
