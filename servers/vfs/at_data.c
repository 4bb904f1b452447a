/*
 * servers/vfs/at_data.c - data through the privileged interface:
 * VFS_AT_READ, VFS_AT_WRITE, VFS_AT_GETDENTS, VFS_AT_READLINK.
 *
 * Entry points: the handlers above.
 *
 * As for read(2) (rw.c), the bytes never pass through VFS: the caller's
 * grant goes on to MFS as an indirect grant (vfs_mfs_io) and MFS copies
 * straight between its cache and the caller.  A READ is therefore one
 * MFS_READ: no MFS_STAT, since the permission was checked by the OPEN the
 * FUSE daemon keeps its handle from, and MFS itself refuses a directory
 * (EISDIR) or a node without data (EINVAL).  The inode must be referenced
 * (vfs_at_node's rule, checked in VFS's own table: no message).  A WRITE
 * with KIP_O_APPEND in flags goes to the end of the file (an MFS_STAT
 * first); each WRITE that moves a byte is a change event.  GETDENTS gives
 * whole struct mfs_dent records from `offset` and the next position in the
 * reply's m_vfs_at.offset.  READLINK copies up to len bytes of the target,
 * no NUL, and returns how many.
 */
#include "vfs.h"

/* MFS_READ, WRITE or GETDENTS at *pos through the request's grant. */
static int vfs_at_io(struct vfs *v, const message *in, int type, uint64_t *pos)
{
	return vfs_mfs_io_grant(v, in->m_source, in->m_vfs_at.grant, in->m_vfs_at.len, type,
				in->m_vfs_at.ino, pos);
}

/* The request is well formed and names an inode the caller holds: 0, or
 * an error. */
static int vfs_at_data_begin(struct vfs *v, const message *in)
{
	int r = vfs_at_begin(v, in);
	return r < 0 ? r : vfs_at_held(v, in->m_vfs_at.ino);
}

int vfs_do_at_read(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	uint64_t pos = in->m_vfs_at.offset;
	(void)out;
	int r = vfs_at_data_begin(v, in);
	if (r < 0 || in->m_vfs_at.len == 0)
		return r;
	return vfs_at_io(v, in, MFS_READ, &pos);
}

int vfs_do_at_write(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	uint64_t pos = in->m_vfs_at.offset;
	(void)out;
	int r = vfs_at_data_begin(v, in);
	if (r < 0 || in->m_vfs_at.len == 0)
		return r;
	if (in->m_vfs_at.flags & KIP_O_APPEND) {
		struct mfs_attr a;
		r = vfs_mfs_stat(v, in->m_vfs_at.ino, &a);
		if (r < 0)
			return r;
		pos = a.size;
	}
	r = vfs_at_io(v, in, MFS_WRITE, &pos);
	if (r > 0)
		vfs_event_inode(v, in->m_source, in->m_vfs_at.ino);
	return r;
}

int vfs_do_at_getdents(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	uint64_t pos = in->m_vfs_at.offset;
	int r = vfs_at_data_begin(v, in);
	if (r == 0)
		r = vfs_at_io(v, in, MFS_GETDENTS, &pos);
	if (r >= 0)
		out->m_vfs_at.offset = pos;
	return r;
}

int vfs_do_at_readlink(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	(void)out;
	int r = vfs_at_data_begin(v, in);
	if (r < 0)
		return r;
	if (in->m_vfs_at.len == 0)
		return -EINVAL;
	return vfs_at_io(v, in, MFS_READLINK, NULL);
}
