/*
 * cli/minixfs_check.c - kip fsck's checker: superblock, tables, counts.
 *
 * Entry points (cli/minixfs_check.h): mfsck_check, and for the walk in
 * cli/minixfs_check_walk.c mfsck_problem, mfsck_path, mfsck_read_block.
 *
 * The order: trust nothing in the superblock until every field agrees with
 * the others and with the image's size (if not, the image cannot be checked:
 * exit 8 in kip fsck); load both bitmaps and the inode table; walk the tree
 * from the root (minixfs_check_walk.c); then compare what the walk found
 * with the bitmaps (every inode and zone in use is marked, every marked one
 * is in use) and every link count with the entries that name the inode.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/minixfs_check.h"
#include "sim/hostio.h"

/* ---- reporting ---- */

void mfsck_problem(struct mfsck *c, uint32_t ino, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	if (++c->problems > c->max_lines)
		return;
	fputs("kip fsck: ", c->out);
	if (ino) {
		mfsck_path(c, ino, path, sizeof(path));
		if (strcmp(path, "?"))
			fprintf(c->out, "inode %u (%s): ", ino, path);
		else
			fprintf(c->out, "inode %u: ", ino);
	}
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

void mfsck_path(const struct mfsck *c, uint32_t ino, char *buf, size_t len)
{
	uint32_t chain[32];
	size_t n = 0, pos = 0;

	if (ino == 0 || ino > c->ninodes || !(c->state[ino] & MFSCK_REACHED)) {
		snprintf(buf, len, "?");
		return;
	}
	for (uint32_t i = ino; i != MINIXFS_ROOT_INO && n < 32; i = c->parent[i])
		chain[n++] = i;
	buf[0] = '\0';
	if (n == 32)
		pos += (size_t)snprintf(buf, len, "/...");
	for (size_t k = n; k-- > 0 && pos < len;)
		pos += (size_t)snprintf(buf + pos, len - pos, "/%s",
					c->names + c->name_at[chain[k]]);
	if (n == 0)
		snprintf(buf, len, "/");
}

int mfsck_read_block(struct mfsck *c, uint32_t ino, uint32_t b, void *buf)
{
	int rc = hostio_pread_all(c->fd, buf, c->bs, (uint64_t)b * c->bs);
	if (rc < 0)
		mfsck_problem(c, ino, "cannot read block %u: %s", b, strerror(-rc));
	return rc;
}

/* ---- the superblock ---- */

static int cannot(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Explain in `why` why the image cannot be checked; -EINVAL. */
static int cannot(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Magic, block size, zone size and feature flags. */
static int check_kind(const struct minixfs_super *sb, char *why, size_t len)
{
	switch (sb->s_magic) {
	case MINIXFS_MAGIC_V3:
		break;
	case MINIXFS_MAGIC_V1:
	case MINIXFS_MAGIC_V1_30:
	case MINIXFS_MAGIC_V2:
	case MINIXFS_MAGIC_V2_30:
		return cannot(why, len, "a MINIX v1 or v2 file system (magic 0x%04x); kip reads v3",
			      sb->s_magic);
	default:
		return cannot(why, len, "bad magic 0x%04x: not a MINIX v3 file system",
			      sb->s_magic);
	}
	if (sb->s_blocksize != 1024 && sb->s_blocksize != 2048 && sb->s_blocksize != 4096)
		return cannot(why, len, "block size %u is not 1024, 2048 or 4096", sb->s_blocksize);
	if (sb->s_log_zone_size)
		return cannot(why, len, "zones of %u blocks (s_log_zone_size %u) are not supported",
			      minixfs_blocks_per_zone(sb), sb->s_log_zone_size);
	if (sb->s_flags & MINIXFS_FLAGS_MANDATORY)
		return cannot(why, len, "unknown mandatory feature flags 0x%04x",
			      sb->s_flags & MINIXFS_FLAGS_MANDATORY);
	return 0;
}

/* The areas: bitmaps big enough, the first data zone right after the inode
 * table, everything inside the image. */
static int check_areas(struct mfsck *c, uint64_t bytes, char *why, size_t len)
{
	const struct minixfs_super *sb = &c->sb;
	uint32_t bs = sb->s_blocksize, bits = minixfs_bits_per_block(bs);
	uint64_t itable = minixfs_itable_blocks(sb->s_ninodes, bs);
	uint64_t first = minixfs_first_data_zone(sb->s_imap_blocks, sb->s_zmap_blocks, itable);

	c->imap_bits = (uint64_t)sb->s_imap_blocks * bits;
	c->zmap_bits = (uint64_t)sb->s_zmap_blocks * bits;
	if (sb->s_ninodes == 0)
		return cannot(why, len, "s_ninodes is 0");
	if (c->imap_bits < (uint64_t)sb->s_ninodes + 1)
		return cannot(why, len, "s_imap_blocks %u is too few for %u inodes",
			      sb->s_imap_blocks, sb->s_ninodes);
	if (sb->s_firstdatazone && sb->s_firstdatazone != first)
		return cannot(why, len,
			      "s_firstdatazone is %u, but the inode table ends at block %llu",
			      sb->s_firstdatazone, (unsigned long long)first);
	if (first >= sb->s_zones)
		return cannot(why, len, "s_zones %u leaves no data zones (the first would be %llu)",
			      sb->s_zones, (unsigned long long)first);
	if ((uint64_t)sb->s_zones * bs > bytes)
		return cannot(why, len,
			      "the superblock says %u blocks of %u bytes, but the image is only"
			      " %llu bytes",
			      sb->s_zones, bs, (unsigned long long)bytes);
	if (c->zmap_bits < sb->s_zones - first + 1)
		return cannot(why, len, "s_zmap_blocks %u is too few for %llu data zones",
			      sb->s_zmap_blocks, (unsigned long long)(sb->s_zones - first));
	c->bs = bs;
	c->ppb = minixfs_ptrs_per_block(bs);
	c->ninodes = sb->s_ninodes;
	c->zones = sb->s_zones;
	c->first = (uint32_t)first;
	return 0;
}

/* Read and check the superblock of an image `bytes` long. */
static int read_super(struct mfsck *c, uint64_t bytes, char *why, size_t len)
{
	if (bytes < MINIXFS_SUPER_OFFSET + MINIXFS_SUPER_BYTES)
		return cannot(why, len, "%llu bytes is too small to hold a superblock",
			      (unsigned long long)bytes);
	memset(&c->sb, 0, sizeof(c->sb));
	int rc = hostio_pread_all(c->fd, &c->sb, MINIXFS_SUPER_BYTES, MINIXFS_SUPER_OFFSET);
	if (rc < 0) {
		snprintf(why, len, "cannot read the superblock: %s", strerror(-rc));
		return rc;
	}
	rc = check_kind(&c->sb, why, len);
	return rc < 0 ? rc : check_areas(c, bytes, why, len);
}

/* ---- tables ---- */

/* Allocate the checker's arrays; read both bitmaps and the inode table. */
static int load_tables(struct mfsck *c, char *why, size_t len)
{
	uint64_t imap_bytes = (uint64_t)c->sb.s_imap_blocks * c->bs;
	uint64_t zmap_bytes = (uint64_t)c->sb.s_zmap_blocks * c->bs;
	uint64_t itable_blocks = minixfs_itable_blocks(c->ninodes, c->bs);
	size_t n = (size_t)c->ninodes + 1;
	int rc;

	c->imap = malloc(imap_bytes);
	c->zmap = malloc(zmap_bytes);
	c->itable = malloc(itable_blocks * c->bs);
	c->state = calloc(n, 1);
	c->links = calloc(n, sizeof(uint32_t));
	c->parent = calloc(n, sizeof(uint32_t));
	c->name_at = calloc(n, sizeof(uint32_t));
	c->nzones = calloc(n, sizeof(uint32_t));
	c->queue = calloc(n, sizeof(uint32_t));
	c->owner = calloc(c->zones, sizeof(uint32_t));
	c->dirblock = malloc(c->bs);
	c->linkblock = malloc(c->bs);
	for (int d = 1; d <= 3; d++)
		c->ind[d] = malloc(c->bs);
	if (!c->imap || !c->zmap || !c->itable || !c->state || !c->links || !c->parent ||
	    !c->name_at || !c->nzones || !c->queue || !c->owner || !c->dirblock || !c->linkblock ||
	    !c->ind[1] || !c->ind[2] || !c->ind[3]) {
		snprintf(why, len, "out of memory for %u inodes and %u zones", c->ninodes,
			 c->zones);
		return -ENOMEM;
	}
	uint64_t at = (uint64_t)MINIXFS_START_BLOCK * c->bs;
	if ((rc = hostio_pread_all(c->fd, c->imap, imap_bytes, at)) < 0 ||
	    (rc = hostio_pread_all(c->fd, c->zmap, zmap_bytes, at + imap_bytes)) < 0 ||
	    (rc = hostio_pread_all(c->fd, c->itable, itable_blocks * c->bs,
				   at + imap_bytes + zmap_bytes)) < 0) {
		snprintf(why, len, "cannot read the bitmaps and inode table: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static void free_tables(struct mfsck *c)
{
	free(c->imap);
	free(c->zmap);
	free(c->itable);
	free(c->state);
	free(c->links);
	free(c->parent);
	free(c->name_at);
	free(c->nzones);
	free(c->queue);
	free(c->owner);
	free(c->dirblock);
	free(c->linkblock);
	free(c->names);
	for (int d = 1; d <= 3; d++)
		free(c->ind[d]);
}

/* ---- after the walk ---- */

/* Is inode 1 a directory?  If not, nothing can be walked: say so. */
static int root_is_dir(struct mfsck *c)
{
	uint16_t mode = c->itable[MINIXFS_ROOT_INO - 1].i_mode;
	if (minixfs_type(mode) == MINIXFS_S_IFDIR)
		return 1;
	mfsck_problem(c, 0, "root inode %u is not a directory (mode 0%06o): nothing is reachable",
		      MINIXFS_ROOT_INO, mode);
	return 0;
}

/* Bit 0 of each bitmap stands for nothing and must be set. */
static void check_reserved_bits(struct mfsck *c)
{
	if (!minixfs_bit_test(c->imap, 0))
		mfsck_problem(c, 0, "inode bitmap: reserved bit 0 is clear");
	if (!minixfs_bit_test(c->zmap, 0))
		mfsck_problem(c, 0, "zone bitmap: reserved bit 0 is clear");
}

/* Every inode: reached exactly when marked, link count = entries naming it. */
static void check_inodes(struct mfsck *c)
{
	for (uint32_t i = 1; i <= c->ninodes; i++) {
		int used = minixfs_bit_test(c->imap, i);
		int reached = c->state[i] & MFSCK_REACHED;
		if (reached && !used)
			mfsck_problem(c, i,
				      "in use (a directory entry names it), but free in the"
				      " inode bitmap");
		if (!reached && used)
			mfsck_problem(c, i,
				      "marked in the inode bitmap, but no directory entry"
				      " names it");
		if (reached && c->itable[i - 1].i_nlinks != c->links[i])
			mfsck_problem(c, i, "link count %u, but %u %s it",
				      c->itable[i - 1].i_nlinks, c->links[i],
				      c->links[i] == 1 ? "entry names" : "entries name");
	}
}

/* Every data zone: used by one inode exactly when marked. */
static void check_zones(struct mfsck *c)
{
	for (uint32_t z = c->first; z < c->zones; z++) {
		int marked = minixfs_bit_test(c->zmap, minixfs_zone_bit(c->first, z));
		uint32_t owner = c->owner[z];
		if (owner && !marked)
			mfsck_problem(c, owner, "zone %u is in use, but free in the zone bitmap",
				      z);
		if (!owner && marked)
			mfsck_problem(c, 0,
				      "zone %u is marked in the zone bitmap, but no file uses it",
				      z);
	}
}

/* --verbose: one line per inode reached, and the totals. */
static void list_and_count(struct mfsck *c, struct mfsck_stats *st)
{
	char path[256];
	if (c->verbose)
		fprintf(c->out, "%8s %7s %5s %10s %6s %s\n", "inode", "mode", "links", "size",
			"zones", "path");
	for (uint32_t i = 1; i <= c->ninodes; i++) {
		const struct minixfs_inode *ip = &c->itable[i - 1];
		if (!(c->state[i] & MFSCK_REACHED))
			continue;
		st->inodes_used++;
		st->zones_used += c->nzones[i];
		switch (minixfs_type(ip->i_mode)) {
		case MINIXFS_S_IFREG:
			st->files++;
			break;
		case MINIXFS_S_IFDIR:
			st->dirs++;
			break;
		case MINIXFS_S_IFLNK:
			st->symlinks++;
			break;
		default:
			st->others++;
		}
		if (!c->verbose)
			continue;
		mfsck_path(c, i, path, sizeof(path));
		fprintf(c->out, "%8u %07o %5u %10u %6u %s\n", i, ip->i_mode, ip->i_nlinks,
			ip->i_size, c->nzones[i], path);
	}
}

int mfsck_check(int fd, uint64_t bytes, FILE *out, bool verbose, uint64_t max_lines,
		struct mfsck_stats *st, char *why, size_t whylen)
{
	struct mfsck c = {.fd = fd, .out = out, .verbose = verbose, .max_lines = max_lines};
	int rc;

	memset(st, 0, sizeof(*st));
	rc = read_super(&c, bytes, why, whylen);
	if (rc == 0)
		rc = load_tables(&c, why, whylen);
	if (rc == 0) {
		check_reserved_bits(&c);
		if (root_is_dir(&c)) {
			rc = mfsck_walk(&c);
			if (rc < 0)
				snprintf(why, whylen, "out of memory while walking the tree");
		}
		if (rc == 0 && c.state[MINIXFS_ROOT_INO]) {
			check_inodes(&c);
			check_zones(&c);
			list_and_count(&c, st);
		}
		st->problems = c.problems;
		st->block_size = c.bs;
		st->ninodes = c.ninodes;
		st->data_zones = c.zones - c.first;
	}
	free_tables(&c);
	return rc;
}
