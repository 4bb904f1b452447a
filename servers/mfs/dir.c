/*
 * servers/mfs/dir.c - directories: names, lookup, adding an entry, and
 * listing (MFS_GETDENTS records).
 *
 * Entry points: mfs_dir_get_name, mfs_dir_copy_name, mfs_dir_open,
 * mfs_dir_lookup, mfs_dir_add, mfs_dir_set, mfs_dir_remove,
 * mfs_dir_is_empty, mfs_dir_getdents.
 *
 * A directory is an array of 64-byte entries (struct minixfs_dirent) in
 * its zones; d_ino 0 is a free slot.  Directories have no holes and a size
 * that is a multiple of 64: a hole or another size is -EIO.  A name is
 * 1..60 bytes with no '/' and no NUL, stored NUL-padded (exactly 60 bytes:
 * no NUL).  Adding or removing an entry sets the directory's mtime and
 * ctime; a directory with no links left (removed while MFS_GETNODE holds
 * it) is dead: mfs_dir_open refuses it with -ENOENT.
 */
#include <string.h>

#include "mfs.h"

int mfs_dir_copy_name(const message *in, uint32_t offset, uint32_t len, char *name)
{
	if (len > MINIXFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -EINVAL;
	int r = kip_safecopy_from(in->m_source, in->m_mfs.grant, offset, name, len);
	if (r < 0)
		return r;
	name[len] = '\0';
	for (uint32_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return -EINVAL;
	return 0;
}

int mfs_dir_get_name(struct mfs *fs, const message *in)
{
	return mfs_dir_copy_name(in, 0, in->m_mfs.name_len, fs->name);
}

int mfs_dir_open(struct mfs *fs, uint32_t ino, struct minixfs_inode *dp)
{
	int r = mfs_inode_read(fs, ino, dp);
	if (r < 0)
		return r;
	if (minixfs_type(dp->i_mode) != MINIXFS_S_IFDIR)
		return -ENOTDIR;
	return dp->i_nlinks == 0 ? -ENOENT : 0;
}

/* Does entry e carry `name`? */
static bool dirent_matches(const struct minixfs_dirent *e, const char *name, size_t len)
{
	return e->d_ino != 0 && minixfs_name_len(e->d_name) == len &&
	       memcmp(e->d_name, name, len) == 0;
}

/*
 * Call fn on each entry slot of directory *dp in order, from byte `pos`,
 * until fn returns non-zero (its value is returned) or the directory ends
 * (0).  fn may change the entry and set *dirty.  Negative on an error.
 */
typedef int (*dir_visit)(void *arg, struct minixfs_dirent *e, uint64_t pos, bool *dirty);

static int dir_scan(struct mfs *fs, const struct minixfs_inode *dp, uint64_t pos, dir_visit fn,
		    void *arg)
{
	struct minixfs_inode copy = *dp; /* bmap without alloc does not change it */
	uint32_t bs = fs->block_size;
	if (dp->i_size % MINIXFS_DIRENT_SIZE)
		return -EIO; /* else an entry appended at i_size would straddle two blocks */
	pos -= pos % MINIXFS_DIRENT_SIZE;
	while (pos < dp->i_size) {
		uint32_t zone;
		int r = mfs_bmap(fs, &copy, pos / bs, false, &zone);
		if (r < 0)
			return r;
		if (zone == 0)
			return -EIO;
		struct mfs_buf *b = mfs_cache_get(fs, zone, false, &r);
		if (!b)
			return r;
		int done = 0;
		bool dirty = false;
		for (; done == 0 && pos < dp->i_size; pos += MINIXFS_DIRENT_SIZE) {
			struct minixfs_dirent *e = (void *)(b->data + pos % bs);
			done = fn(arg, e, pos, &dirty);
			if (pos % bs + MINIXFS_DIRENT_SIZE == bs) {
				pos += MINIXFS_DIRENT_SIZE;
				break;
			}
		}
		if (dirty)
			mfs_cache_dirty(b);
		mfs_cache_put(b);
		if (done)
			return done;
	}
	return 0;
}

struct lookup_arg {
	const char *name;
	size_t len;
	uint32_t ino;
};

static int lookup_visit(void *arg, struct minixfs_dirent *e, uint64_t pos, bool *dirty)
{
	struct lookup_arg *a = arg;
	(void)pos;
	(void)dirty;
	if (!dirent_matches(e, a->name, a->len))
		return 0;
	a->ino = e->d_ino;
	return 1;
}

int mfs_dir_lookup(struct mfs *fs, const struct minixfs_inode *dp, const char *name, uint32_t *ino)
{
	struct lookup_arg a = {name, strlen(name), 0};
	if (minixfs_type(dp->i_mode) != MINIXFS_S_IFDIR)
		return -ENOTDIR;
	int r = dir_scan(fs, dp, 0, lookup_visit, &a);
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	if (a.ino > fs->sb.s_ninodes)
		return -EIO;
	*ino = a.ino;
	return 0;
}

struct add_arg {
	const char *name;
	uint32_t ino;
};

static int add_visit(void *arg, struct minixfs_dirent *e, uint64_t pos, bool *dirty)
{
	struct add_arg *a = arg;
	(void)pos;
	if (e->d_ino != 0)
		return 0;
	memset(e, 0, sizeof(*e));
	e->d_ino = a->ino;
	memcpy(e->d_name, a->name, strlen(a->name));
	*dirty = true;
	return 1;
}

int mfs_dir_add(struct mfs *fs, uint32_t dir, struct minixfs_inode *dp, const char *name,
		uint32_t ino)
{
	struct add_arg a = {name, ino};
	int r = dir_scan(fs, dp, 0, add_visit, &a);
	if (r < 0)
		return r;
	if (r == 0) {
		/* No free slot: append one, in a new zone if the last one is full. */
		uint64_t pos = dp->i_size;
		if (pos + MINIXFS_DIRENT_SIZE > fs->max_size)
			return -EFBIG;
		uint32_t zone;
		r = mfs_bmap(fs, dp, pos / fs->block_size, true, &zone);
		if (r < 0)
			return r;
		struct mfs_buf *b = mfs_cache_get(fs, zone, false, &r);
		if (!b)
			return r;
		bool dirty = false;
		add_visit(&a, (void *)(b->data + pos % fs->block_size), pos, &dirty);
		mfs_cache_dirty(b);
		mfs_cache_put(b);
		dp->i_size = (uint32_t)(pos + MINIXFS_DIRENT_SIZE);
	}
	dp->i_mtime = dp->i_ctime = mfs_time();
	return mfs_inode_write(fs, dir, dp);
}

/* What dir_repoint looks for and puts. */
struct repoint_arg {
	const char *name;
	size_t len;
	uint32_t old, new; /* the inode the entry named; the one it will name */
};

static int repoint_visit(void *arg, struct minixfs_dirent *e, uint64_t pos, bool *dirty)
{
	struct repoint_arg *a = arg;
	(void)pos;
	if (!dirent_matches(e, a->name, a->len))
		return 0;
	a->old = e->d_ino;
	e->d_ino = a->new; /* 0 frees the slot; as MINIX, the name bytes stay */
	*dirty = true;
	return 1;
}

/* Make entry `name` of directory *dp name inode `ino` (0: remove it); the
 * inode it named in *old.  0, -ENOENT or an error. */
static int dir_repoint(struct mfs *fs, const struct minixfs_inode *dp, const char *name,
		       uint32_t ino, uint32_t *old)
{
	struct repoint_arg a = {name, strlen(name), 0, ino};
	int r = dir_scan(fs, dp, 0, repoint_visit, &a);
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOENT;
	*old = a.old;
	return 0;
}

int mfs_dir_set(struct mfs *fs, const struct minixfs_inode *dp, const char *name, uint32_t ino)
{
	uint32_t old;
	return dir_repoint(fs, dp, name, ino, &old);
}

int mfs_dir_remove(struct mfs *fs, uint32_t dir, struct minixfs_inode *dp, const char *name,
		   uint32_t *ino)
{
	int r = dir_repoint(fs, dp, name, 0, ino);
	if (r < 0)
		return r;
	dp->i_mtime = dp->i_ctime = mfs_time();
	return mfs_inode_write(fs, dir, dp);
}

static int empty_visit(void *arg, struct minixfs_dirent *e, uint64_t pos, bool *dirty)
{
	(void)arg;
	(void)dirty;
	return pos >= 2 * MINIXFS_DIRENT_SIZE && e->d_ino != 0;
}

int mfs_dir_is_empty(struct mfs *fs, const struct minixfs_inode *dp)
{
	int r = dir_scan(fs, dp, 0, empty_visit, NULL);
	return r < 0 ? r : !r;
}

struct dents_arg {
	struct mfs *fs;
	endpoint_t who;
	kip_grant_id grant;
	uint32_t len, done;
	uint64_t next; /* the position after the last entry copied */
	int err;
};

static int dents_visit(void *arg, struct minixfs_dirent *e, uint64_t pos, bool *dirty)
{
	struct dents_arg *a = arg;
	struct mfs_dent d;
	(void)dirty;
	if (e->d_ino != 0) {
		if (a->len - a->done < MFS_DENT_SIZE)
			return 1; /* no room: stop before this entry */
		memset(&d, 0, sizeof(d));
		d.ino = e->d_ino;
		d.name_len = (uint32_t)minixfs_name_len(e->d_name);
		memcpy(d.name, e->d_name, d.name_len);
		int r = kip_safecopy_to(a->who, a->grant, a->done, &d, sizeof(d));
		if (r < 0) {
			a->err = r;
			return 1;
		}
		a->done += MFS_DENT_SIZE;
	}
	a->next = pos + MINIXFS_DIRENT_SIZE;
	return 0;
}

int mfs_dir_getdents(struct mfs *fs, const struct minixfs_inode *dp, endpoint_t who,
		     kip_grant_id grant, uint32_t len, uint64_t *pos)
{
	struct dents_arg a = {fs, who, grant, len, 0, *pos, 0};
	if (minixfs_type(dp->i_mode) != MINIXFS_S_IFDIR)
		return -ENOTDIR;
	if (*pos % MINIXFS_DIRENT_SIZE)
		return -EINVAL;
	int r = dir_scan(fs, dp, *pos, dents_visit, &a);
	if (r < 0)
		return r;
	if (a.err < 0)
		return a.err;
	if (a.done == 0 && a.next < dp->i_size && len < MFS_DENT_SIZE)
		return -EINVAL; /* the buffer cannot hold one record */
	*pos = a.next;
	return (int)a.done;
}
