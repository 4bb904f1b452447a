/*
 * servers/vfs/rw.c - file data: VFS_READ, VFS_WRITE, VFS_PREAD, VFS_PWRITE,
 * VFS_TRUNCATE, VFS_FTRUNCATE, VFS_SYNC, VFS_FSYNC.
 *
 * Entry points: the handlers above, vfs_mfs_io, vfs_truncate_ino,
 * vfs_sync_all.
 *
 * The read() walk (ARCHITECTURE 4): the caller grants VFS its buffer; VFS
 * checks the fd, makes an INDIRECT grant of the caller's grant to MFS and
 * sends MFS_READ (or MFS_WRITE) at the open file's offset; MFS copies
 * straight between its block cache and the caller's buffer, and the kernel
 * follows the indirect grant back to the caller.  VFS never touches the
 * bytes.  It revokes the grant when MFS replies and advances the offset by
 * what MFS moved.
 */
#include "vfs.h"

int vfs_mfs_io_grant(struct vfs *v, endpoint_t owner, int32_t grant, uint32_t len, int type,
		     uint32_t ino, uint64_t *pos)
{
	message m;
	int access = type == MFS_WRITE ? KIP_GRANT_READ : KIP_GRANT_WRITE;
	if (len > VFS_IO_MAX)
		len = VFS_IO_MAX;
	kip_grant_id g = kip_grant_indirect(v->grants, v->mfs, owner, grant, 0, len, access);
	if (g < 0)
		return g;
	kip_msg_init(&m, type);
	m.m_mfs.ino = ino;
	m.m_mfs.position = pos ? *pos : 0;
	m.m_mfs.len = len;
	m.m_mfs.grant = g;
	int r = vfs_mfs_call(v, &m);
	kip_grant_revoke(v->grants, g);
	if (r >= 0 && pos)
		*pos = m.m_mfs.position;
	return r;
}

int vfs_mfs_io(struct vfs *v, const message *in, int type, uint32_t ino, uint64_t *pos)
{
	return vfs_mfs_io_grant(v, in->m_source, in->m_vfs.grant, in->m_vfs.len, type, ino, pos);
}

/* The open file behind the request's fd, open for `acc` (KIP_O_RDONLY:
 * reading, KIP_O_WRONLY: writing); NULL with *err = -EBADF if not. */
static struct vfs_filp *vfs_fd_for(struct vfs *v, const message *in, int acc, int *err)
{
	struct vfs_proc *p = vfs_caller(v, in, err);
	if (!p)
		return NULL;
	struct vfs_filp *f = vfs_fd_get(v, p, in->m_vfs.fd);
	int mode = f ? f->flags & KIP_O_ACCMODE : 0;
	bool ok = f && (mode == KIP_O_RDWR || mode == acc);
	*err = ok ? 0 : -EBADF;
	return ok ? f : NULL;
}

int vfs_do_read(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_filp *f = vfs_fd_for(v, in, KIP_O_RDONLY, &r);
	if (!f)
		return r;
	if (vfs_is_dir(f->mode))
		return -EISDIR;
	if (in->m_vfs.len == 0)
		return 0;
	return vfs_mfs_io(v, in, MFS_READ, f->ino, &f->position);
}

int vfs_do_write(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	struct vfs_filp *f = vfs_fd_for(v, in, KIP_O_WRONLY, &r);
	if (!f)
		return r;
	if (in->m_vfs.len == 0)
		return 0;
	if (f->flags & KIP_O_APPEND) {
		r = vfs_mfs_stat(v, f->ino, &a);
		if (r < 0)
			return r;
		f->position = a.size;
	}
	r = vfs_mfs_io(v, in, MFS_WRITE, f->ino, &f->position);
	if (r > 0)
		vfs_event_inode(v, in->m_source, f->ino);
	return r;
}

/* pread/pwrite: at the request's offset; the open file's stays. */
static int vfs_positioned(struct vfs *v, const message *in, int acc, int type)
{
	int r;
	struct vfs_filp *f = vfs_fd_for(v, in, acc, &r);
	if (!f)
		return r;
	if (vfs_is_dir(f->mode))
		return -EISDIR;
	if (in->m_vfs.offset < 0)
		return -EINVAL;
	if (in->m_vfs.len == 0)
		return 0;
	uint64_t pos = (uint64_t)in->m_vfs.offset;
	r = vfs_mfs_io(v, in, type, f->ino, &pos);
	if (r > 0 && type == MFS_WRITE)
		vfs_event_inode(v, in->m_source, f->ino);
	return r;
}

int vfs_do_pread(void *state, const message *in, message *out)
{
	(void)out;
	return vfs_positioned(state, in, KIP_O_RDONLY, MFS_READ);
}

/* As Linux: pwrite on an O_APPEND file appends all the same. */
int vfs_do_pwrite(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_filp *f = vfs_fd_for(v, in, KIP_O_WRONLY, &r);
	if (f && (f->flags & KIP_O_APPEND)) {
		struct mfs_attr a;
		r = vfs_mfs_stat(v, f->ino, &a);
		if (r < 0)
			return r;
		uint64_t pos = a.size;
		r = in->m_vfs.len ? vfs_mfs_io(v, in, MFS_WRITE, f->ino, &pos) : 0;
		if (r > 0)
			vfs_event_inode(v, in->m_source, f->ino);
		return r;
	}
	return vfs_positioned(v, in, KIP_O_WRONLY, MFS_WRITE);
}

/* MFS_TRUNCATE of ino to `size` bytes. */
int vfs_truncate_ino(struct vfs *v, uint32_t ino, int64_t size)
{
	message m;
	if (size < 0)
		return -EINVAL;
	kip_msg_init(&m, MFS_TRUNCATE);
	m.m_mfs.ino = ino;
	m.m_mfs.position = (uint64_t)size;
	return vfs_mfs_call(v, &m);
}

int vfs_do_truncate(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	(void)out;
	if (in->m_vfs.offset < 0)
		return -EINVAL;
	if (!vfs_caller_path(v, in, true, &a, &r))
		return r;
	if (vfs_is_dir(a.mode))
		return -EISDIR;
	if ((a.mode & MINIXFS_S_IFMT) != MINIXFS_S_IFREG)
		return -EINVAL;
	r = vfs_may(v, &a, KIP_W_OK);
	if (r < 0)
		return r;
	r = vfs_truncate_ino(v, a.ino, in->m_vfs.offset);
	if (r == 0)
		vfs_event_inode(v, in->m_source, a.ino);
	return r;
}

int vfs_do_ftruncate(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p;
	struct vfs_filp *f = vfs_caller_fd(v, in, &p, &r);
	if (!f)
		return r;
	if ((f->flags & KIP_O_ACCMODE) == KIP_O_RDONLY || vfs_is_dir(f->mode))
		return -EINVAL; /* as Linux: not open for writing */
	r = vfs_truncate_ino(v, f->ino, in->m_vfs.offset);
	if (r == 0)
		vfs_event_inode(v, in->m_source, f->ino);
	return r;
}

int vfs_sync_all(struct vfs *v)
{
	message m;
	kip_msg_init(&m, MFS_SYNC);
	return vfs_mfs_call(v, &m);
}

int vfs_do_sync(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	if (!vfs_caller(v, in, &r))
		return r;
	return vfs_sync_all(v);
}

/* One file system, no per-file write-back yet: fsync is sync. */
int vfs_do_fsync(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p;
	if (!vfs_caller_fd(v, in, &p, &r))
		return r;
	return vfs_sync_all(v);
}
