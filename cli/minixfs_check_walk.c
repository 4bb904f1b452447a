/*
 * cli/minixfs_check_walk.c - kip fsck's walk from the root directory.
 *
 * Entry point: mfsck_walk (cli/minixfs_check.h).
 *
 * Directories are read breadth-first from the root, each once.  The first
 * entry naming an inode is its place in the tree (for a directory, its ".."
 * must agree); every entry naming it counts towards its link count.  A
 * second entry naming a directory is a problem: a hard link to a directory,
 * or a loop - and it is not followed, so the walk always ends.
 *
 * Reaching an inode walks its tree of zones: each zone must be a data zone
 * no other inode (or other place in the same tree) uses; nothing may be
 * mapped past the end of the file (holes, zone 0, are fine - except in a
 * directory); an indirect block is read once, so the walk costs at most one
 * read per zone however corrupt the image is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/minixfs_check.h"

static const char *const depth_name[] = {"data", "indirect", "double indirect", "triple indirect"};

/* One inode's zone tree being walked. */
struct zwalk {
	uint32_t ino;
	uint32_t size;
	uint64_t nblocks; /* blocks its size covers */
	uint32_t *map;	  /* directories: the zone of each block; else NULL */
};

/* A directory's names, to find two entries with the same one. */
struct dirnames {
	char (*name)[MINIXFS_NAME_MAX + 1];
	size_t n;
};

/* Blocks a file of `size` bytes spans. */
static uint64_t blocks_for(const struct mfsck *c, uint32_t size)
{
	return ((uint64_t)size + c->bs - 1) / c->bs;
}

/* Copy a raw name for printing: control characters become '?'. */
static void printable(char *out, const char *raw, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)raw[i];
		out[i] = ch < 0x20 || ch == 0x7f ? '?' : raw[i];
	}
	out[len] = '\0';
}

/* ---- zone trees ---- */

/* Make zone z w->ino's.  1 if it is now, and may be read; 0 after
 * reporting why not (outside the data zones, or already used). */
static int claim(struct mfsck *c, const struct zwalk *w, uint32_t z, int depth)
{
	char path[256];
	if (z < c->first || z >= c->zones) {
		mfsck_problem(c, w->ino, "%s zone %u is outside the data zones %u..%u",
			      depth_name[depth], z, c->first, c->zones - 1);
		return 0;
	}
	uint32_t other = c->owner[z];
	if (other) {
		mfsck_path(c, other, path, sizeof(path));
		mfsck_problem(c, w->ino, "%s zone %u is also used by inode %u (%s)",
			      depth_name[depth], z, other, path);
		return 0;
	}
	c->owner[z] = w->ino;
	c->nzones[w->ino]++;
	return 1;
}

/* Walk pointer z, which maps blocks [start, start + span) of the file
 * through `depth` levels of indirect blocks.  `past`: a pointer above was
 * already reported as mapping past the end of the file. */
static void walk_zone(struct mfsck *c, struct zwalk *w, uint32_t z, int depth, uint64_t start,
		      uint64_t span, int past)
{
	if (z == 0)
		return;
	if (start >= w->nblocks && !past) {
		mfsck_problem(c, w->ino,
			      "%s zone %u maps block %llu, past the end of the file"
			      " (%u bytes)",
			      depth_name[depth], z, (unsigned long long)start, w->size);
		past = 1;
	}
	if (depth == 0 && w->map && start < w->nblocks)
		w->map[start] = z;
	if (!claim(c, w, z, depth) || depth == 0)
		return;
	uint32_t *ptrs = c->ind[depth];
	if (mfsck_read_block(c, w->ino, z, ptrs) < 0)
		return;
	uint64_t per = span / c->ppb;
	for (uint32_t i = 0; i < c->ppb; i++)
		walk_zone(c, w, ptrs[i], depth - 1, start + i * per, per, past);
}

/* Walk all of inode ino's zones; fill map[0..nblocks) if map. */
static void walk_zones(struct mfsck *c, uint32_t ino, uint32_t *map, uint64_t nblocks)
{
	const struct minixfs_inode *ip = &c->itable[ino - 1];
	struct zwalk w = {ino, ip->i_size, nblocks, map};
	uint64_t start = MINIXFS_NR_DZONES, span = 1;

	for (int i = 0; i < MINIXFS_NR_DZONES; i++)
		walk_zone(c, &w, ip->i_zone[i], 0, (uint64_t)i, 1, 0);
	for (int d = 1; d <= 3; d++) {
		span *= c->ppb;
		walk_zone(c, &w, ip->i_zone[MINIXFS_IND + d - 1], d, start, span, 0);
		start += span;
	}
}

/* ---- inodes ---- */

/* Is z a data zone (not metadata, not past the end)? */
static int zone_in_range(const struct mfsck *c, uint32_t z)
{
	return z >= c->first && z < c->zones;
}

/* A symbolic link's target: 1..block size - 1 bytes in its first zone, no
 * NUL among them. */
static void check_symlink(struct mfsck *c, uint32_t ino)
{
	const struct minixfs_inode *ip = &c->itable[ino - 1];
	if (ip->i_size == 0 || ip->i_size >= c->bs) {
		mfsck_problem(c, ino, "symbolic link target of %u bytes (must be 1..%u)",
			      ip->i_size, c->bs - 1);
		return;
	}
	if (ip->i_zone[0] == 0) {
		mfsck_problem(c, ino, "symbolic link has no zone for its target");
		return;
	}
	if (!zone_in_range(c, ip->i_zone[0]) ||
	    mfsck_read_block(c, ino, ip->i_zone[0], c->linkblock) < 0)
		return;
	if (memchr(c->linkblock, '\0', ip->i_size))
		mfsck_problem(c, ino, "symbolic link target has a NUL byte");
}

/* Check a newly reached inode's own fields, and walk the zones of a file or
 * symbolic link (a directory's are walked when it is read). */
static void check_inode(struct mfsck *c, uint32_t ino)
{
	const struct minixfs_inode *ip = &c->itable[ino - 1];
	if (!minixfs_type_valid(ip->i_mode)) {
		mfsck_problem(c, ino, "mode 0%06o is not a valid file type", ip->i_mode);
		return;
	}
	if (!minixfs_has_zones(ip->i_mode))
		return; /* device, fifo, socket: zone[0] may hold a device number */
	if (ip->i_size > c->sb.s_max_size)
		mfsck_problem(c, ino, "size %u is over the file system's maximum %u", ip->i_size,
			      c->sb.s_max_size);
	if (minixfs_type(ip->i_mode) == MINIXFS_S_IFDIR)
		return;
	walk_zones(c, ino, NULL, blocks_for(c, ip->i_size));
	if (minixfs_type(ip->i_mode) == MINIXFS_S_IFLNK)
		check_symlink(c, ino);
}

/* The first entry naming inode ino: remember where, then check it. */
static int reach(struct mfsck *c, uint32_t ino, uint32_t dir, const char *name, size_t len)
{
	if (c->names_len + len + 1 > c->names_cap) {
		size_t cap = (c->names_cap + len + 1) * 2;
		char *p = realloc(c->names, cap);
		if (!p)
			return -ENOMEM;
		c->names = p;
		c->names_cap = cap;
	}
	c->name_at[ino] = (uint32_t)c->names_len;
	printable(c->names + c->names_len, name, len);
	c->names_len += len + 1;
	c->state[ino] |= MFSCK_REACHED;
	c->parent[ino] = dir;
	if (minixfs_type(c->itable[ino - 1].i_mode) == MINIXFS_S_IFDIR) {
		c->state[ino] |= MFSCK_QUEUED;
		c->queue[c->qtail++] = ino;
	} else {
		check_inode(c, ino);
	}
	return 0;
}

/* One more entry names ino (if it is an inode at all). */
static void count_link(struct mfsck *c, uint32_t ino)
{
	if (ino >= 1 && ino <= c->ninodes && c->links[ino] < UINT32_MAX)
		c->links[ino]++;
}

/* ---- directory entries ---- */

/* Entry 0 must be "." naming the directory, entry 1 ".." naming its parent. */
static void check_dot(struct mfsck *c, uint32_t dir, uint64_t idx, const struct minixfs_dirent *e)
{
	const char *want = idx ? ".." : ".";
	uint32_t want_ino = idx ? c->parent[dir] : dir;
	size_t len = minixfs_name_len(e->d_name);
	char shown[MINIXFS_NAME_MAX + 1];

	printable(shown, e->d_name, len);
	if (strcmp(shown, want) || e->d_ino != want_ino)
		mfsck_problem(c, dir,
			      "entry %llu should be \"%s\" -> inode %u, but is \"%s\" -> inode %u",
			      (unsigned long long)idx, want, want_ino, shown, e->d_ino);
	count_link(c, e->d_ino);
}

/* A name: not empty, no '/', NUL-padded, not "." or ".." again. */
static void check_name(struct mfsck *c, uint32_t dir, uint64_t idx, const struct minixfs_dirent *e,
		       const char *shown, size_t len)
{
	if (len == 0)
		mfsck_problem(c, dir, "entry %llu (-> inode %u) has an empty name",
			      (unsigned long long)idx, e->d_ino);
	else if (memchr(e->d_name, '/', len))
		mfsck_problem(c, dir, "entry \"%s\" has a '/' in its name", shown);
	else if (!strcmp(shown, ".") || !strcmp(shown, ".."))
		mfsck_problem(c, dir, "entry %llu is another \"%s\"", (unsigned long long)idx,
			      shown);
	for (size_t k = len + 1; k < MINIXFS_NAME_MAX; k++)
		if (e->d_name[k]) {
			mfsck_problem(c, dir, "entry \"%s\" is not NUL-padded (byte %zu)", shown,
				      k);
			break;
		}
}

/* Entry idx (2 or more) of directory dir. */
static int check_entry(struct mfsck *c, uint32_t dir, uint64_t idx, const struct minixfs_dirent *e,
		       struct dirnames *names)
{
	size_t len = minixfs_name_len(e->d_name);
	char shown[MINIXFS_NAME_MAX + 1];
	uint32_t ino = e->d_ino;

	if (ino == 0)
		return 0; /* a free slot; MINIX keeps old bytes in its name */
	printable(shown, e->d_name, len);
	check_name(c, dir, idx, e, shown, len);
	if (ino > c->ninodes) {
		mfsck_problem(c, dir, "entry \"%s\" names inode %u, past the last inode %u", shown,
			      ino, c->ninodes);
		return 0;
	}
	count_link(c, ino);
	memcpy(names->name[names->n], e->d_name, len);
	names->name[names->n++][len] = '\0';
	if (!(c->state[ino] & MFSCK_REACHED))
		return reach(c, ino, dir, e->d_name, len);
	if (minixfs_type(c->itable[ino - 1].i_mode) == MINIXFS_S_IFDIR) {
		char path[256];
		mfsck_path(c, ino, path, sizeof(path));
		mfsck_problem(c, dir,
			      "entry \"%s\" names directory inode %u (%s), which already has an"
			      " entry: a hard link to a directory, or a loop",
			      shown, ino, path);
	}
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Report each name more than one entry of directory dir has. */
static void check_duplicates(struct mfsck *c, uint32_t dir, struct dirnames *names)
{
	char shown[MINIXFS_NAME_MAX + 1];
	qsort(names->name, names->n, sizeof(names->name[0]), cmp_name);
	for (size_t i = 1; i < names->n; i++)
		if (names->name[i][0] && !strcmp(names->name[i], names->name[i - 1]) &&
		    (i == 1 || strcmp(names->name[i], names->name[i - 2]))) {
			printable(shown, names->name[i], strlen(names->name[i]));
			mfsck_problem(c, dir, "more than one entry is named \"%s\"", shown);
		}
}

/* ---- directories ---- */

/* Read the entries of directory block `b` (zone z). */
static int read_dir_block(struct mfsck *c, uint32_t dir, uint64_t b, uint32_t z, uint64_t nents,
			  struct dirnames *names)
{
	uint32_t epb = minixfs_dirents_per_block(c->bs);
	if (!zone_in_range(c, z) || mfsck_read_block(c, dir, z, c->dirblock) < 0)
		return 0; /* already reported */
	for (uint32_t i = 0; i < epb && b * epb + i < nents; i++) {
		struct minixfs_dirent e;
		uint64_t idx = b * epb + i;
		memcpy(&e, c->dirblock + (size_t)i * MINIXFS_DIRENT_SIZE, sizeof(e));
		if (idx < 2) {
			check_dot(c, dir, idx, &e);
			continue;
		}
		int rc = check_entry(c, dir, idx, &e, names);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Check directory dir and reach what it names. */
static int read_dir(struct mfsck *c, uint32_t dir)
{
	const struct minixfs_inode *ip = &c->itable[dir - 1];
	uint64_t nblocks = blocks_for(c, ip->i_size), nents = ip->i_size / MINIXFS_DIRENT_SIZE;
	struct dirnames names = {0};
	int rc = 0;

	check_inode(c, dir);
	if (ip->i_size % MINIXFS_DIRENT_SIZE)
		mfsck_problem(c, dir, "directory size %u is not a multiple of %d", ip->i_size,
			      MINIXFS_DIRENT_SIZE);
	if (nents < 2)
		mfsck_problem(c, dir, "directory size %u leaves no room for \".\" and \"..\"",
			      ip->i_size);
	if (nblocks > c->zones - c->first) {
		mfsck_problem(c, dir, "directory size %u is more than all the data zones hold",
			      ip->i_size);
		walk_zones(c, dir, NULL, nblocks);
		return 0;
	}
	uint32_t *map = calloc(nblocks ? nblocks : 1, sizeof(*map));
	names.name = calloc(nents ? nents : 1, sizeof(*names.name));
	if (!map || !names.name) {
		rc = -ENOMEM;
		goto out;
	}
	walk_zones(c, dir, map, nblocks);
	for (uint64_t b = 0; rc == 0 && b < nblocks; b++) {
		if (map[b] == 0)
			mfsck_problem(c, dir, "directory has a hole at block %llu",
				      (unsigned long long)b);
		else
			rc = read_dir_block(c, dir, b, map[b], nents, &names);
	}
	if (rc == 0)
		check_duplicates(c, dir, &names);
out:
	free(map);
	free(names.name);
	return rc;
}

int mfsck_walk(struct mfsck *c)
{
	int rc = reach(c, MINIXFS_ROOT_INO, MINIXFS_ROOT_INO, "", 0);
	while (rc == 0 && c->qhead < c->qtail)
		rc = read_dir(c, c->queue[c->qhead++]);
	return rc;
}
