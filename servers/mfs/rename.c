/*
 * servers/mfs/rename.c - MFS_RENAME: one name of an inode becomes another,
 * perhaps in another directory, perhaps replacing what was there.
 *
 * Entry point: mfs_do_rename.
 *
 * POSIX's rules, checked in this order before anything changes
 * (rename_check): both directories live; both names valid and neither "."
 * nor ".." (EINVAL); the old name exists (ENOENT); two names of one inode
 * - nothing to do, success; a directory is not moved into itself or below
 * it (EINVAL: ".." is walked from the new directory up to the root); a
 * directory may replace only an empty directory (ENOTDIR, ENOTEMPTY), a
 * non-directory only a non-directory (EISDIR); a directory moving to a
 * new parent needs a ".." to update and room in the parent's link count
 * (EMLINK).
 *
 * Then it acts (rename_apply), in an order that keeps the file system
 * whole if a step fails: first the new entry names the inode (a new slot
 * may need a zone: ENOSPC or EFBIG here leave everything as it was), then
 * the old entry goes (undone if that fails), then a moved directory's ".."
 * and the two parents' link counts, and last the replaced inode loses its
 * link (mfs_node_unlink: freed unless held).  Past the first step only a
 * disk error can fail, on blocks the check has just read.  Both
 * directories get mtime and ctime, the moved inode ctime.
 */
#include <string.h>

#include "mfs.h"

/* Everything a rename touches, read and checked before anything changes. */
struct rename_plan {
	uint32_t odir_no, ndir_no; /* the old and the new directory */
	uint32_t old_no, new_no;   /* what the names name; new_no 0: a free name */
	struct minixfs_inode odir, ndir, old, new;
	struct minixfs_inode *op, *np; /* the directories: one struct if they are one */
	bool old_is_dir, new_is_dir;
	bool moves_dir; /* a directory changing parent: its ".." changes */
};

static bool is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

/* Is directory `dir` directory `anc` or below it?  Walks ".." up to the
 * root: 1, 0, or -EIO for a broken or looping chain. */
static int rename_below(struct mfs *fs, uint32_t dir, uint32_t anc)
{
	struct minixfs_inode ip;
	uint32_t used = fs->sb.s_ninodes - fs->free_inodes; /* no path is longer */
	for (uint32_t step = 0; step <= used; step++) {
		if (dir == anc)
			return 1;
		if (dir == MINIXFS_ROOT_INO)
			return 0;
		int r = mfs_inode_read(fs, dir, &ip);
		if (r == 0)
			r = mfs_dir_lookup(fs, &ip, "..", &dir);
		if (r < 0)
			return r == -ENOENT || r == -ENOTDIR ? -EIO : r;
	}
	return -EIO;
}

/* The request's directories and names, and what the names name. */
static int rename_read(struct mfs *fs, const message *in, struct rename_plan *p)
{
	p->odir_no = in->m_mfs.ino;
	p->ndir_no = in->m_mfs.ino2;
	int r = mfs_dir_open(fs, p->odir_no, &p->odir);
	if (r == 0)
		r = mfs_dir_open(fs, p->ndir_no, &p->ndir);
	if (r == 0)
		r = mfs_dir_copy_name(in, 0, in->m_mfs.name_len, fs->name);
	if (r == 0)
		r = mfs_dir_copy_name(in, in->m_mfs.name_len, in->m_mfs.name_len2, fs->name2);
	if (r < 0)
		return r;
	if (is_dot(fs->name) || is_dot(fs->name2))
		return -EINVAL;
	p->op = &p->odir;
	p->np = p->ndir_no == p->odir_no ? &p->odir : &p->ndir;
	r = mfs_dir_lookup(fs, p->op, fs->name, &p->old_no);
	if (r == 0)
		r = mfs_inode_read(fs, p->old_no, &p->old);
	if (r < 0)
		return r == -ENOENT && p->old_no ? -EIO : r; /* an entry naming a free inode */
	p->old_is_dir = minixfs_type(p->old.i_mode) == MINIXFS_S_IFDIR;
	r = mfs_dir_lookup(fs, p->np, fs->name2, &p->new_no);
	if (r == -ENOENT)
		p->new_no = 0;
	else if (r < 0)
		return r;
	return 0;
}

/* Read and check the whole rename.  0: go on; 1: the names are one inode,
 * nothing to do; or an error, with nothing changed. */
static int rename_check(struct mfs *fs, const message *in, struct rename_plan *p)
{
	int r = rename_read(fs, in, p);
	if (r < 0)
		return r;
	if (p->new_no == p->old_no)
		return 1;
	if (p->old_no == MINIXFS_ROOT_INO || p->new_no == MINIXFS_ROOT_INO)
		return -EBUSY;
	if (p->old_no == p->odir_no || p->old_no == p->ndir_no)
		return -EINVAL; /* a directory into itself (or an entry naming its own directory) */
	p->moves_dir = p->old_is_dir && p->odir_no != p->ndir_no;
	if (p->moves_dir) {
		r = rename_below(fs, p->ndir_no, p->old_no);
		if (r != 0)
			return r < 0 ? r : -EINVAL;
	}
	if (p->new_no) {
		if (p->new_no == p->odir_no || p->new_no == p->ndir_no)
			return p->old_is_dir ? -ENOTEMPTY : -EISDIR; /* an ancestor of old */
		r = mfs_inode_read(fs, p->new_no, &p->new);
		if (r < 0)
			return r == -ENOENT ? -EIO : r;
		p->new_is_dir = minixfs_type(p->new.i_mode) == MINIXFS_S_IFDIR;
		if (p->old_is_dir && !p->new_is_dir)
			return -ENOTDIR;
		if (!p->old_is_dir && p->new_is_dir)
			return -EISDIR;
		if (p->new_is_dir) {
			r = mfs_dir_is_empty(fs, &p->new);
			if (r <= 0)
				return r < 0 ? r : -ENOTEMPTY;
		}
	}
	if (p->moves_dir) {
		uint32_t dotdot;
		r = mfs_dir_lookup(fs, &p->old, "..", &dotdot);
		if (r < 0)
			return r == -ENOENT ? -EIO : r;
		if (!p->new_no && p->np->i_nlinks >= MINIXFS_LINK_MAX)
			return -EMLINK; /* its ".." would be one link too many */
	}
	return 0;
}

/* Carry out a checked rename.  0 or an error (see the top of the file). */
static int rename_apply(struct mfs *fs, struct rename_plan *p)
{
	uint32_t removed;
	int r;
	/* 1. The new name names the inode. */
	if (p->new_no)
		r = mfs_dir_set(fs, p->np, fs->name2, p->old_no);
	else
		r = mfs_dir_add(fs, p->ndir_no, p->np, fs->name2, p->old_no);
	if (r < 0)
		return r;
	/* 2. The old name goes; if it cannot, the new one goes back. */
	r = mfs_dir_remove(fs, p->odir_no, p->op, fs->name, &removed);
	if (r < 0) {
		if (p->new_no)
			(void)mfs_dir_set(fs, p->np, fs->name2, p->new_no);
		else
			(void)mfs_dir_remove(fs, p->ndir_no, p->np, fs->name2, &removed);
		return r;
	}
	/* 3. Link counts: a moved directory's ".." leaves the old parent for
	 * the new; a replaced directory's ".." leaves the new parent. */
	uint32_t now = mfs_time();
	if (p->moves_dir) {
		r = mfs_dir_set(fs, &p->old, "..", p->ndir_no);
		if (r < 0)
			return r;
		if (p->op->i_nlinks > 2)
			p->op->i_nlinks--;
		p->np->i_nlinks++;
	}
	if (p->new_is_dir && p->np->i_nlinks > 2)
		p->np->i_nlinks--;
	p->op->i_mtime = p->op->i_ctime = now;
	p->np->i_mtime = p->np->i_ctime = now;
	p->old.i_ctime = now;
	r = mfs_inode_write(fs, p->odir_no, p->op);
	if (r == 0 && p->np != p->op)
		r = mfs_inode_write(fs, p->ndir_no, p->np);
	if (r == 0)
		r = mfs_inode_write(fs, p->old_no, &p->old);
	if (r < 0)
		return r;
	/* 4. The replaced inode loses its name (a directory its "." too). */
	if (p->new_no)
		r = mfs_node_unlink(fs, p->new_no, &p->new, p->new_is_dir ? p->new.i_nlinks : 1);
	return r;
}

int mfs_do_rename(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct rename_plan p;
	(void)out;
	memset(&p, 0, sizeof(p));
	int r = rename_check(fs, in, &p);
	if (r != 0)
		return r < 0 ? r : 0;
	return rename_apply(fs, &p);
}
