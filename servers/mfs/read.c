/*
 * servers/mfs/read.c - file data: MFS_READ and MFS_WRITE.
 *
 * Entry points: mfs_do_read, mfs_do_write.
 *
 * Data moves block by block between the cache and the caller's grant with
 * kip_safecopy_to / kip_safecopy_from: never through the message.  A read
 * stops at the end of the file; a hole reads as zeros.  A write fills holes
 * and grows the file; it stops at the first error, returning the bytes
 * written before it if there were any (a short write), else the error:
 * -ENOSPC (no zone left), -EFBIG (at or past the largest file; a write
 * that crosses it writes what fits, as POSIX and Linux do).  A WRITE sets
 * mtime and ctime; a READ of at least one byte asked for sets atime by
 * relatime's rule (mfs_inode_accessed).
 */
#include <string.h>

#include "mfs.h"

/* What a hole reads as (read-only data, not server state). */
static const uint8_t zeros[MINIXFS_BLOCK_MAX];

/* Check a READ or WRITE request and read its inode.  0 or an error. */
static int rw_check(struct mfs *fs, const message *in, struct minixfs_inode *ip)
{
	int r = mfs_inode_read(fs, in->m_mfs.ino, ip);
	if (r < 0)
		return r;
	if (minixfs_type(ip->i_mode) == MINIXFS_S_IFDIR)
		return -EISDIR;
	if (!minixfs_has_zones(ip->i_mode))
		return -EINVAL;
	if (in->m_mfs.len > INT32_MAX)
		return -EINVAL;
	return 0;
}

int mfs_do_read(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	uint32_t bs = fs->block_size;
	out->m_mfs = in->m_mfs;
	int r = rw_check(fs, in, &ino);
	if (r < 0)
		return r;
	uint64_t pos = in->m_mfs.position;
	uint64_t end = pos + in->m_mfs.len;
	if (end > ino.i_size)
		end = ino.i_size;
	uint32_t done = 0;
	while (pos < end) {
		uint32_t off = (uint32_t)(pos % bs);
		uint32_t chunk = (uint32_t)(end - pos < bs - off ? end - pos : bs - off);
		uint32_t zone;
		r = mfs_bmap(fs, &ino, pos / bs, false, &zone);
		if (r < 0)
			break;
		if (zone == 0) {
			r = kip_safecopy_to(in->m_source, in->m_mfs.grant, done, zeros, chunk);
		} else {
			struct mfs_buf *b = mfs_cache_get(fs, zone, false, &r);
			if (!b)
				break;
			r = kip_safecopy_to(in->m_source, in->m_mfs.grant, done, b->data + off,
					    chunk);
			mfs_cache_put(b);
		}
		if (r < 0)
			break;
		pos += chunk;
		done += chunk;
	}
	if (r < 0 && done == 0)
		return r;
	out->m_mfs.position = pos;
	if (in->m_mfs.len > 0)
		mfs_inode_accessed(fs, in->m_mfs.ino, &ino);
	return (int)done;
}

int mfs_do_write(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode ino;
	uint32_t bs = fs->block_size;
	out->m_mfs = in->m_mfs;
	int r = rw_check(fs, in, &ino);
	if (r < 0)
		return r;
	uint64_t pos = in->m_mfs.position;
	uint64_t end = pos + in->m_mfs.len;
	if (in->m_mfs.len > 0 && pos >= fs->max_size)
		return -EFBIG; /* not one byte fits */
	if (end > fs->max_size)
		end = fs->max_size; /* a short write: what fits */
	uint32_t done = 0;
	while (pos < end) {
		uint32_t off = (uint32_t)(pos % bs);
		uint32_t chunk = (uint32_t)(end - pos < bs - off ? end - pos : bs - off);
		uint32_t zone;
		r = mfs_bmap(fs, &ino, pos / bs, true, &zone);
		if (r < 0)
			break;
		struct mfs_buf *b = mfs_cache_get(fs, zone, false, &r);
		if (!b)
			break;
		r = kip_safecopy_from(in->m_source, in->m_mfs.grant, done, b->data + off, chunk);
		if (r == 0)
			mfs_cache_dirty(b);
		mfs_cache_put(b);
		if (r < 0)
			break;
		pos += chunk;
		done += chunk;
		if (pos > ino.i_size)
			ino.i_size = (uint32_t)pos;
	}
	ino.i_mtime = ino.i_ctime = mfs_time();
	int w = mfs_inode_write(fs, in->m_mfs.ino, &ino); /* zones may have changed */
	if (w < 0)
		return w;
	if (r < 0 && done == 0)
		return r;
	out->m_mfs.position = pos;
	return (int)done;
}
