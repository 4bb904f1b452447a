/*
 * servers/vfs/vnode.c - references to inodes.
 *
 * Entry points: vfs_vnode_get, vfs_vnode_put, vfs_vnode_pin,
 * vfs_vnode_refs, vfs_vnode_get_at, vfs_vnode_put_at, vfs_vnode_put_all_at.
 *
 * The privileged caller's references (FUSE's lookup counts and opens) are
 * also counted apart (at_refs), so a FORGET can only give back what the
 * privileged interface took, and a shutdown can give back all of it at
 * once (the host forgets nothing it still caches when it unmounts): an
 * inode unlinked while the host still knew it is freed then, and the image
 * left behind has no orphans.
 *
 * Every open file, every working directory and every reference the
 * privileged caller holds (VFS_AT_LOOKUP and friends, VFS_AT_OPEN) counts
 * on its inode here.  MFS frees an inode as soon as its last link goes
 * unless someone holds an MFS reference on it, so before VFS removes a name
 * (unlink, rmdir, rename over) of a referenced inode it pins it: one
 * MFS_GETNODE.  When the last reference goes, a pinned inode gets its
 * MFS_PUTNODE and MFS frees it if it has no links left.  Only the rare
 * pinned inodes cost MFS anything; counting is VFS's.
 *
 * The table is open-addressed (linear probing, backward-shift deletion)
 * with VFS_NR_VNODES slots; a full table is -ENFILE.
 */
#include "vfs.h"

#define VN_MASK (VFS_NR_VNODES - 1)
_Static_assert((VFS_NR_VNODES & VN_MASK) == 0, "VFS_NR_VNODES is a power of two");

static uint32_t vn_hash(uint32_t ino)
{
	return (ino * 2654435761u) & VN_MASK;
}

/* The slot holding ino, or the empty slot where it would go. */
static struct vfs_vnode *vn_find(const struct vfs *v, uint32_t ino)
{
	uint32_t i = vn_hash(ino);
	while (v->vnodes[i].ino != 0 && v->vnodes[i].ino != ino)
		i = (i + 1) & VN_MASK;
	return (struct vfs_vnode *)&v->vnodes[i];
}

uint32_t vfs_vnode_refs(const struct vfs *v, uint32_t ino)
{
	const struct vfs_vnode *n = vn_find(v, ino);
	return n->ino == ino ? n->refs : 0;
}

int vfs_vnode_get(struct vfs *v, uint32_t ino)
{
	struct vfs_vnode *n = vn_find(v, ino);
	if (n->ino != ino) {
		if (v->nvnodes >= VFS_NR_VNODES - 1)
			return -ENFILE; /* keep one slot empty: probes end */
		n->ino = ino;
		n->refs = 0;
		n->at_refs = 0;
		n->pinned = false;
		v->nvnodes++;
	}
	n->refs++;
	return 0;
}

/* Empty slot i and shift later members of its run back into the hole. */
static void vn_remove(struct vfs *v, uint32_t i)
{
	v->vnodes[i].ino = 0;
	v->nvnodes--;
	uint32_t j = i;
	for (;;) {
		j = (j + 1) & VN_MASK;
		if (v->vnodes[j].ino == 0)
			return;
		uint32_t home = vn_hash(v->vnodes[j].ino);
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			v->vnodes[i] = v->vnodes[j];
			v->vnodes[j].ino = 0;
			i = j;
		}
	}
}

int vfs_vnode_get_at(struct vfs *v, uint32_t ino)
{
	int r = vfs_vnode_get(v, ino);
	if (r == 0)
		vn_find(v, ino)->at_refs++;
	return r;
}

void vfs_vnode_put_at(struct vfs *v, uint32_t ino, uint32_t count)
{
	struct vfs_vnode *n = vn_find(v, ino);
	if (n->ino != ino)
		return;
	if (count > n->at_refs)
		count = n->at_refs;
	n->at_refs -= count;
	vfs_vnode_put(v, ino, count);
}

void vfs_vnode_put_all_at(struct vfs *v)
{
	/* A put may shift a later entry into slot i (or wait for MFS while
	 * others change the table): look at slot i again until it is clean,
	 * and go round twice. */
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < VFS_NR_VNODES; i++)
			while (v->vnodes[i].ino != 0 && v->vnodes[i].at_refs > 0)
				vfs_vnode_put_at(v, v->vnodes[i].ino, v->vnodes[i].at_refs);
}

void vfs_vnode_put(struct vfs *v, uint32_t ino, uint32_t count)
{
	struct vfs_vnode *n = vn_find(v, ino);
	if (n->ino != ino || count == 0)
		return;
	if (n->refs > count) {
		n->refs -= count;
		if (n->at_refs > n->refs)
			n->at_refs = n->refs;
		return;
	}
	bool pinned = n->pinned;
	/* Gone from the table before MFS hears of it: the worker may wait
	 * for MFS, and others must not find a half-dead entry meanwhile. */
	vn_remove(v, (uint32_t)(n - v->vnodes));
	if (pinned) {
		message m;
		kip_msg_init(&m, MFS_PUTNODE);
		m.m_mfs.ino = ino;
		m.m_mfs.len = 1;
		(void)vfs_mfs_call(v, &m); /* nothing to undo if MFS refuses */
	}
}

int vfs_vnode_pin(struct vfs *v, uint32_t ino)
{
	struct vfs_vnode *n = vn_find(v, ino);
	if (n->ino != ino || n->pinned)
		return 0;
	message m;
	kip_msg_init(&m, MFS_GETNODE);
	m.m_mfs.ino = ino;
	int r = vfs_mfs_call(v, &m);
	if (r == 0)
		n->pinned = true;
	return r;
}
