/*
 * servers/mfs/mfs.h - the MINIX v3 file server: the on-disk file system
 * (kip/minixfs.h) served by inode number (MFS_*, kip/msgtypes.h) on top of
 * a block driver (BDEV_*).  docs/mfs.md is the protocol.
 *
 * Layers, bottom up, one file each:
 *   bdev.c      synchronous BDEV_* requests to the driver, data by grants
 *   cache.c     the block cache: fixed buffers, LRU, dirty, write-back
 *   super.c     MFS_MOUNT: open the device, validate the superblock
 *   alloc.c     the inode and zone bitmaps: allocate, free, count
 *   inode.c     read and write an inode in the inode table
 *   bmap.c      file block -> zone through direct and indirect zones
 *   dir.c       directory entries: names, lookup, add, repoint, remove,
 *               getdents
 *   truncate.c  MFS_TRUNCATE, and freeing an inode's zones
 *   node.c      MFS_GETNODE, MFS_PUTNODE: inodes held open; freeing an
 *               inode when its last link and its last reference are gone
 *   read.c      MFS_READ, MFS_WRITE
 *   attr.c      MFS_STAT, MFS_SETATTR, MFS_STATFS
 *   link.c      MFS_LOOKUP, MFS_CREATE, MFS_MKDIR, MFS_GETDENTS, MFS_LINK
 *   symlink.c   MFS_SYMLINK, MFS_READLINK
 *   unlink.c    MFS_UNLINK, MFS_RMDIR
 *   rename.c    MFS_RENAME
 *   sync.c      MFS_SYNC
 *   main.c      start-up and the loop; table.c the dispatch table
 *
 * The whole state is one struct mfs (server_state_alloc), block cache
 * included.  Every number read from the disk is range-checked before it is
 * used; a bad one fails the request that met it with -EIO.
 */
#ifndef KIP_SERVERS_MFS_H
#define KIP_SERVERS_MFS_H

#include <stdbool.h>
#include <stdint.h>

#include "kip/grant.h"
#include "kip/minixfs.h"
#include "kip/server.h"

#define MFS_NR_BUFS 64	 /* cache buffers, each one block of up to 4 KiB */
#define MFS_NR_NODES 512 /* inodes held by MFS_GETNODE at once (ENFILE beyond) */
#define MFS_NO_BLOCK UINT32_MAX

/* One cache buffer. */
struct mfs_buf {
	uint32_t block; /* MFS_NO_BLOCK: empty */
	bool dirty;
	unsigned pins;	   /* users holding it; a pinned buffer is never evicted */
	uint64_t last_use; /* LRU clock value of the last mfs_cache_get */
	uint8_t *data;	   /* points into mfs.bufdata */
};

/* An inode held by MFS_GETNODE: MINIX's in-core count.  ino 0: a free slot. */
struct mfs_node {
	uint32_t ino;
	uint32_t count; /* GETNODEs not yet matched by PUTNODE */
};

/* The server's whole state. */
struct mfs {
	struct server srv;
	endpoint_t driver;
	struct kip_grants *grants;
	uint64_t next_id; /* BDEV request tags */

	bool mounted;
	uint64_t dev_size;
	struct minixfs_super sb;
	uint32_t block_size;
	uint32_t ptrs;	      /* zone numbers per indirect block */
	uint64_t max_size;    /* largest file, bytes */
	uint32_t free_inodes; /* counted at mount, kept up to date */
	uint32_t free_zones;
	uint32_t zone_hint; /* zone bitmap bit to start searching from */

	uint64_t lru_clock;
	struct mfs_buf bufs[MFS_NR_BUFS];
	uint64_t cache_hits, cache_misses, cache_writes; /* statistics */

	struct mfs_node nodes[MFS_NR_NODES]; /* held inodes; emptied by MFS_MOUNT */

	char name[MINIXFS_NAME_MAX + 1];  /* the request's name, NUL-terminated */
	char name2[MINIXFS_NAME_MAX + 1]; /* RENAME's new name */
	char target[MINIXFS_BLOCK_MAX];	  /* SYMLINK's target, checked before use */
	uint8_t bufdata[MFS_NR_BUFS][MINIXFS_BLOCK_MAX] __attribute__((aligned(4096)));
};

extern const struct server_table mfs_table;

/* bdev.c: one BDEV request, waited for.  Bytes done (READ, WRITE), 0, or an error. */
int mfs_bdev_open(struct mfs *fs, uint64_t *size);
int mfs_bdev_io(struct mfs *fs, int type, uint64_t position, void *buf, uint32_t len);
int mfs_bdev_flush(struct mfs *fs);

/* cache.c */
void mfs_cache_init(struct mfs *fs);
/* The buffer holding `block`, pinned, read from the disk unless `fresh`
 * (then zero-filled: the caller overwrites it).  *err = 0; or NULL with
 * *err = -EIO for a block outside the file system, or the disk's error. */
struct mfs_buf *mfs_cache_get(struct mfs *fs, uint32_t block, bool fresh, int *err);
void mfs_cache_dirty(struct mfs_buf *b);
void mfs_cache_put(struct mfs_buf *b);
/* Write every dirty buffer back.  0 or the first error. */
int mfs_cache_flush(struct mfs *fs);
/* Forget every buffer, dirty or not (before a new mount). */
void mfs_cache_drop(struct mfs *fs);

/* super.c */
int mfs_do_mount(void *state, const message *in, message *out);

/* alloc.c: 0 and the number, or -ENOSPC; free: 0 or -EIO. */
int mfs_alloc_inode(struct mfs *fs, uint32_t *ino);
int mfs_free_inode(struct mfs *fs, uint32_t ino);
int mfs_alloc_zone(struct mfs *fs, uint32_t *zone);
int mfs_free_zone(struct mfs *fs, uint32_t zone);
/* Count the clear bits of both bitmaps into fs->free_*.  0 or an error. */
int mfs_count_free(struct mfs *fs);

/* inode.c */
int mfs_inode_read(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip);
int mfs_inode_write(struct mfs *fs, uint32_t ino, const struct minixfs_inode *ip);
/* Is `zone` a data zone (firstdatazone .. s_zones - 1)? */
bool mfs_zone_valid(const struct mfs *fs, uint32_t zone);
/* Seconds since 1970, for timestamps. */
uint32_t mfs_time(void);
/* Inode ino (*ip) was read (READ, GETDENTS, READLINK): atime = now under
 * relatime's rule - only if atime <= mtime, atime <= ctime, or atime is a
 * day old - and the inode written then.  A failed write is not reported
 * (the read it follows succeeded). */
void mfs_inode_accessed(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip);
/* A character or block device node: zone[0] is its device number. */
static inline bool mfs_is_device(uint16_t mode)
{
	return minixfs_type(mode) == MINIXFS_S_IFCHR || minixfs_type(mode) == MINIXFS_S_IFBLK;
}

/* bmap.c */
/* The zone holding file block `fblock` of *ip: 0 for a hole.  With `alloc`,
 * holes on the way are filled (zeroed zones; *ip updated, the caller writes
 * it).  -EIO for a bad zone number, -EFBIG beyond the triple indirect,
 * -ENOSPC when the zones needed are not all free (nothing is allocated). */
int mfs_bmap(struct mfs *fs, struct minixfs_inode *ip, uint64_t fblock, bool alloc, uint32_t *zone);

/* dir.c */
/* Copy the request's name from the caller's grant into fs->name and check it:
 * -ENAMETOOLONG over 60 bytes, -EINVAL empty or with '/' or NUL. */
int mfs_dir_get_name(struct mfs *fs, const message *in);
/* The same for `len` bytes at `offset` of the grant, into name[61]. */
int mfs_dir_copy_name(const message *in, uint32_t offset, uint32_t len, char *name);
/* Read directory ino into *dp for a named call: -ENOTDIR if it is not
 * one, -ENOENT if it has no links left (removed, still held). */
int mfs_dir_open(struct mfs *fs, uint32_t ino, struct minixfs_inode *dp);
/* The inode `name` names in directory *dp, or -ENOENT. */
int mfs_dir_lookup(struct mfs *fs, const struct minixfs_inode *dp, const char *name, uint32_t *ino);
/* Add entry name -> ino to directory dir (*dp: size, mtime, ctime; written
 * back).  0 or an error; on -ENOSPC/-EFBIG nothing has changed. */
int mfs_dir_add(struct mfs *fs, uint32_t dir, struct minixfs_inode *dp, const char *name,
		uint32_t ino);
/* Make entry `name` of directory *dp name `ino` instead.  The directory
 * inode is not changed (the caller sets its times).  0, -ENOENT or an error. */
int mfs_dir_set(struct mfs *fs, const struct minixfs_inode *dp, const char *name, uint32_t ino);
/* Remove entry `name` from directory dir (*dp, written back); the inode
 * it named in *ino.  0, -ENOENT or an error. */
int mfs_dir_remove(struct mfs *fs, uint32_t dir, struct minixfs_inode *dp, const char *name,
		   uint32_t *ino);
/* 1 if directory *dp holds nothing but "." and "..", 0 if it does, or an error. */
int mfs_dir_is_empty(struct mfs *fs, const struct minixfs_inode *dp);
/* Fill the caller's grant with struct mfs_dent records from *pos. */
int mfs_dir_getdents(struct mfs *fs, const struct minixfs_inode *dp, endpoint_t who,
		     kip_grant_id grant, uint32_t len, uint64_t *pos);

/* truncate.c: free what maps bytes >= size (or grow: a hole); *ip
 * updated, the caller writes it.  0 or an error. */
int mfs_truncate(struct mfs *fs, struct minixfs_inode *ip, uint64_t size);

/* link.c, for every call that makes an inode: */
/* Check a new name: the directory (live; into *dir), the request's name
 * (into fs->name; not taken: -EEXIST), the owner (<= 65535), a free inode.
 * 0 or an error. */
int mfs_new_check(struct mfs *fs, const message *in, struct minixfs_inode *dir);
/* A fresh inode of `mode`, one link, the request's uid and gid, times now. */
void mfs_new_inode(struct minixfs_inode *ip, const message *in, uint16_t mode);

/* node.c */
/* The references GETNODE holds on inode ino (0: not held). */
uint32_t mfs_node_count(struct mfs *fs, uint32_t ino);
/* Drop `links` of inode ino's links (*ip updated and written; ctime = now).
 * With none left and no reference held, free it (zones, then bitmap bit);
 * held, it stays, with 0 links, until the last PUTNODE.  0 or an error. */
int mfs_node_unlink(struct mfs *fs, uint32_t ino, struct minixfs_inode *ip, unsigned links);
/* Forget every reference (a new MOUNT). */
void mfs_node_drop_all(struct mfs *fs);

/* The handlers of table.c. */
int mfs_do_stat(void *state, const message *in, message *out);
int mfs_do_read(void *state, const message *in, message *out);
int mfs_do_write(void *state, const message *in, message *out);
int mfs_do_lookup(void *state, const message *in, message *out);
int mfs_do_getdents(void *state, const message *in, message *out);
int mfs_do_create(void *state, const message *in, message *out);
int mfs_do_mkdir(void *state, const message *in, message *out);
int mfs_do_unlink(void *state, const message *in, message *out);
int mfs_do_rmdir(void *state, const message *in, message *out);
int mfs_do_truncate(void *state, const message *in, message *out);
int mfs_do_sync(void *state, const message *in, message *out);
int mfs_do_link(void *state, const message *in, message *out);
int mfs_do_rename(void *state, const message *in, message *out);
int mfs_do_symlink(void *state, const message *in, message *out);
int mfs_do_readlink(void *state, const message *in, message *out);
int mfs_do_setattr(void *state, const message *in, message *out);
int mfs_do_statfs(void *state, const message *in, message *out);
int mfs_do_getnode(void *state, const message *in, message *out);
int mfs_do_putnode(void *state, const message *in, message *out);

/* Fill a reply's attributes from inode `ino` (rdev: zone[0] of a device). */
void mfs_fill_attr(struct mfs_attr *a, uint32_t ino, const struct minixfs_inode *ip);

#endif
