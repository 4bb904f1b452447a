/*
 * servers/mfs/node.c - inodes held open: MFS_GETNODE, MFS_PUTNODE, and
 * the rule for freeing an inode.
 *
 * Entry points: mfs_do_getnode, mfs_do_putnode, mfs_node_count,
 * mfs_node_unlink, mfs_node_drop_all.
 *
 * MINIX's VFS holds an inode in the file server for as long as it uses it
 * (an open file, a working directory): REQ_GETNODE adds a reference,
 * REQ_PUTNODE drops some, and the file server frees an inode only when it
 * has neither a link nor a reference.  MFS keeps the references in a fixed
 * table in its state (fs->nodes, MFS_NR_NODES slots: ENFILE when full),
 * searched linearly - it is consulted on GETNODE, PUTNODE and when a link
 * count reaches 0, never on READ or WRITE.
 *
 * So an UNLINK, RMDIR or RENAME that takes an inode's last link frees it
 * at once if nobody holds it; a held one stays allocated with its zones
 * and 0 links (READ, WRITE, STAT, TRUNCATE by number still work) until the
 * PUTNODE that drops its last reference frees it.  A directory with 0
 * links is dead: nothing can be looked up or created in it.
 *
 * The table is not on the disk: a second MFS_MOUNT empties it, and so
 * does a restart.  An unlinked inode held at that moment stays allocated
 * with 0 links - an orphan `fsck` reports - until a GETNODE and PUTNODE of
 * it free it (GETNODE accepts any allocated inode).
 */
#include <string.h>

#include "mfs.h"

/* The slot holding ino, or NULL. */
static struct mfs_node *node_find(struct mfs *fs, uint32_t ino)
{
	for (unsigned i = 0; i < MFS_NR_NODES; i++)
		if (fs->nodes[i].ino == ino)
			return &fs->nodes[i];
	return NULL;
}

uint32_t mfs_node_count(struct mfs *fs, uint32_t ino)
{
	struct mfs_node *n = ino ? node_find(fs, ino) : NULL;
	return n ? n->count : 0;
}

void mfs_node_drop_all(struct mfs *fs)
{
	memset(fs->nodes, 0, sizeof(fs->nodes));
}

/* Free inode ino (*ip, no links, not held): its zones, then its bitmap bit.
 * 0 or an error (the inode keeps what was not yet freed). */
static int node_free(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip)
{
	int r = mfs_truncate(fs, ip, 0);
	if (r < 0)
		return r;
	memset(ip, 0, sizeof(*ip));
	r = mfs_inode_write(fs, ino, ip);
	if (r == 0)
		r = mfs_free_inode(fs, ino);
	return r;
}

int mfs_node_unlink(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip, unsigned links)
{
	ip->i_nlinks = ip->i_nlinks > links ? (uint16_t)(ip->i_nlinks - links) : 0;
	ip->i_ctime = mfs_time();
	if (ip->i_nlinks > 0 || mfs_node_count(fs, ino) > 0)
		return mfs_inode_write(fs, ino, ip);
	return node_free(fs, ino, ip);
}

int mfs_do_getnode(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	uint32_t num = in->m_mfs.ino;
	int r = mfs_inode_read(fs, num, &ino);
	if (r < 0)
		return r;
	struct mfs_node *n = node_find(fs, num);
	if (!n)
		n = node_find(fs, 0); /* a free slot */
	if (!n || n->count == UINT32_MAX)
		return -ENFILE;
	n->ino = num;
	n->count++;
	mfs_fill_attr(&out->m_mfs_attr, num, &ino);
	return 0;
}

int mfs_do_putnode(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	uint32_t num = in->m_mfs.ino, drop = in->m_mfs.len;
	(void)out;
	if (!fs->mounted)
		return -ENODEV;
	struct mfs_node *n = num ? node_find(fs, num) : NULL;
	if (!n || drop == 0 || drop > n->count)
		return -EINVAL; /* not held, or not that many times */
	n->count -= drop;
	if (n->count > 0)
		return 0;
	n->ino = 0;
	int r = mfs_inode_read(fs, num, &ino);
	if (r < 0)
		return r;
	return ino.i_nlinks == 0 ? node_free(fs, num, &ino) : 0;
}
