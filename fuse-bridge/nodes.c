/*
 * fuse-bridge/nodes.c - which of kip's inodes the host kernel holds: for
 * each inode number, its lookup count (FUSE's nlookup: entry replies not
 * yet forgotten).  These are the inodes whose cached attributes and data an
 * "everything changed" event invalidates (fuse_session.c).
 *
 * (The references VFS keeps for those lookups need no help from here at
 * the end: an unmount aborts the connection, so the kernel never sends the
 * FORGETs it still owes, but fused's SHUTDOWN has VFS give back everything
 * the privileged interface holds before it syncs - docs/fuse.md.)
 *
 * An open-addressed table (linear probing) keyed by inode number, grown by
 * doubling; an entry whose count reaches zero stays (it is simply not
 * held).  One mutex: every change is a few instructions.
 *
 * Entry points: kfuse_nodes_init, kfuse_nodes_fini, kfuse_node_add,
 * kfuse_nodes_held.
 */
#include <stdlib.h>
#include <string.h>

#include "fuse-bridge/fuse_ops.h"

#define NODES_MIN 1024 /* slots at first (a power of two) */

struct kfuse_node {
	uint32_t ino; /* 0: empty */
	uint64_t lookups;
};

static uint32_t node_hash(uint32_t ino)
{
	return ino * 2654435761u;
}

/* The slot of ino in t (cap slots), or the empty one where it would go. */
static struct kfuse_node *node_slot(struct kfuse_node *t, uint32_t cap, uint32_t ino)
{
	uint32_t i = node_hash(ino) & (cap - 1);
	while (t[i].ino != 0 && t[i].ino != ino)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

int kfuse_nodes_init(struct kfuse *f)
{
	pthread_mutex_init(&f->nodes_lock, NULL);
	f->nodes = calloc(NODES_MIN, sizeof(*f->nodes));
	f->nodes_cap = NODES_MIN;
	f->nodes_used = 0;
	return f->nodes ? 0 : -1;
}

void kfuse_nodes_fini(struct kfuse *f)
{
	free(f->nodes);
	f->nodes = NULL;
	pthread_mutex_destroy(&f->nodes_lock);
}

/* Double the table.  Caller holds the lock.  0, or -1 (no memory: the
 * table stays as it was). */
static int nodes_grow(struct kfuse *f)
{
	uint32_t cap = f->nodes_cap * 2;
	struct kfuse_node *t = calloc(cap, sizeof(*t));
	if (!t)
		return -1;
	for (uint32_t i = 0; i < f->nodes_cap; i++)
		if (f->nodes[i].ino)
			*node_slot(t, cap, f->nodes[i].ino) = f->nodes[i];
	free(f->nodes);
	f->nodes = t;
	f->nodes_cap = cap;
	return 0;
}

void kfuse_node_add(struct kfuse *f, uint32_t ino, int64_t lookups)
{
	if (ino == 0 || ino == FUSE_ROOT_ID)
		return; /* the mount holds the root for its whole life */
	pthread_mutex_lock(&f->nodes_lock);
	struct kfuse_node *n = node_slot(f->nodes, f->nodes_cap, ino);
	if (n->ino == 0) {
		if ((f->nodes_used + 1) * 4 > f->nodes_cap * 3 && nodes_grow(f) == 0)
			n = node_slot(f->nodes, f->nodes_cap, ino);
		if ((f->nodes_used + 1) * 8 > f->nodes_cap * 7) {
			pthread_mutex_unlock(&f->nodes_lock);
			return; /* out of memory: an overflow will miss this inode */
		}
		n->ino = ino;
		f->nodes_used++;
	}
	if (lookups < 0 && (uint64_t)-lookups > n->lookups)
		n->lookups = 0;
	else
		n->lookups += (uint64_t)lookups;
	pthread_mutex_unlock(&f->nodes_lock);
}

size_t kfuse_nodes_held(struct kfuse *f, uint32_t **out)
{
	*out = NULL;
	pthread_mutex_lock(&f->nodes_lock);
	uint32_t *list = malloc((f->nodes_used + 1) * sizeof(*list));
	size_t n = 0;
	for (uint32_t i = 0; list && i < f->nodes_cap; i++)
		if (f->nodes[i].ino && f->nodes[i].lookups)
			list[n++] = f->nodes[i].ino;
	pthread_mutex_unlock(&f->nodes_lock);
	*out = list;
	return n;
}
