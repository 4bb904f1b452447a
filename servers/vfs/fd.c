/*
 * servers/vfs/fd.c - per-process fd tables and the open file table:
 * VFS_CLOSE, VFS_DUP, VFS_DUP2, VFS_LSEEK and MM's VFS_PM_FORK, VFS_PM_EXIT,
 * VFS_PM_EXEC.
 *
 * Entry points: vfs_caller, vfs_fd_get, vfs_caller_fd, vfs_fd_free,
 * vfs_filp_free, vfs_filp_open, vfs_filp_drop, vfs_fd_close and the
 * handlers above, with VFS_PM_SETCRED and VFS_UMASK.
 *
 * A process's table sits in the slot of its endpoint.  The first request
 * from an endpoint the slot does not hold (a new process in a reused slot)
 * closes whatever the old one left open and starts a fresh table with the
 * root as working directory, as root (uid 0, gid 0) with umask 022 until
 * MM says otherwise (VFS_PM_SETCRED).  An fd names an open file (struct
 * vfs_filp); dup'd fds, and fork's copies, share it and so its offset.  An
 * open file and a working directory each hold a vnode reference
 * (vnode.c), so a file unlinked while open stays readable until closed.
 */
#include <assert.h>
#include <string.h>

#include "vfs.h"

/* Close everything p holds and give it to `ep` with the root as cwd. */
static void vfs_proc_reset(struct vfs *v, struct vfs_proc *p, endpoint_t ep)
{
	for (int fd = 0; fd < VFS_NR_FDS; fd++)
		if (p->endpoint != KIP_NONE)
			vfs_fd_close(v, p, fd);
	for (int fd = 0; fd < VFS_NR_FDS; fd++) {
		p->fd[fd] = -1;
		p->cloexec[fd] = 0;
	}
	if (p->endpoint != KIP_NONE)
		vfs_vnode_put(v, p->cwd, 1);
	p->endpoint = ep;
	p->cwd = v->root;
	(void)vfs_vnode_get(v, v->root); /* the root never goes: a miss is harmless */
	memset(&p->cred, 0, sizeof(p->cred));
	p->cred.umask = 022;
}

/* The table of process ep, fresh if its slot held another endpoint. */
static struct vfs_proc *vfs_proc_get(struct vfs *v, endpoint_t ep)
{
	int slot = kip_ep_slot(ep);
	if (ep < 0 || slot < 0 || slot >= KIP_NR_PROCS)
		return NULL;
	struct vfs_proc *p = &v->procs[slot];
	if (p->endpoint != ep)
		vfs_proc_reset(v, p, ep);
	return p;
}

/* The caller's table; NULL with *err set when the root is not mounted. */
struct vfs_proc *vfs_caller(struct vfs *v, const message *in, int *err)
{
	*err = v->mount_status;
	if (*err < 0)
		return NULL;
	struct vfs_proc *p = vfs_proc_get(v, in->m_source);
	if (!p)
		*err = -EINVAL;
	else
		v->req->who = &p->cred;
	return p;
}

/* The open file behind fd, or NULL (a bad or closed fd: EBADF). */
struct vfs_filp *vfs_fd_get(struct vfs *v, struct vfs_proc *p, int fd)
{
	if (fd < 0 || fd >= VFS_NR_FDS || p->fd[fd] < 0)
		return NULL;
	return &v->filps[p->fd[fd]];
}

struct vfs_filp *vfs_caller_fd(struct vfs *v, const message *in, struct vfs_proc **pp, int *err)
{
	*pp = vfs_caller(v, in, err);
	if (!*pp)
		return NULL;
	struct vfs_filp *f = vfs_fd_get(v, *pp, in->m_vfs.fd);
	if (!f)
		*err = -EBADF;
	return f;
}

/* The lowest closed fd >= from, or -EMFILE. */
int vfs_fd_free(const struct vfs_proc *p, int from)
{
	for (int fd = from < 0 ? 0 : from; fd < VFS_NR_FDS; fd++)
		if (p->fd[fd] < 0)
			return fd;
	return -EMFILE;
}

/* A free open-file slot, or -ENFILE.  Nothing is taken until refs is set. */
int vfs_filp_free(const struct vfs *v)
{
	for (int i = 0; i < VFS_NR_FILPS; i++)
		if (v->filps[i].refs == 0)
			return i;
	return -ENFILE;
}

int vfs_filp_open(struct vfs *v, int filp, const struct mfs_attr *a, int flags)
{
	int r = vfs_vnode_get(v, a->ino);
	if (r < 0)
		return r;
	struct vfs_filp *f = &v->filps[filp];
	f->refs = 1;
	f->ino = a->ino;
	f->mode = a->mode;
	f->flags = flags;
	f->position = 0;
	return 0;
}

void vfs_filp_drop(struct vfs *v, int filp)
{
	struct vfs_filp *f = &v->filps[filp];
	assert(f->refs > 0);
	if (--f->refs == 0)
		vfs_vnode_put(v, f->ino, 1);
}

/* Close fd if it is open: drop its reference to the open file. */
void vfs_fd_close(struct vfs *v, struct vfs_proc *p, int fd)
{
	if (!vfs_fd_get(v, p, fd))
		return;
	int filp = p->fd[fd];
	p->fd[fd] = -1;
	p->cloexec[fd] = 0;
	vfs_filp_drop(v, filp); /* may wait for MFS (the last reference) */
}

int vfs_do_close(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p;
	if (!vfs_caller_fd(v, in, &p, &r))
		return r;
	vfs_fd_close(v, p, in->m_vfs.fd);
	return 0;
}

/* Make fd `to` (closed) share fd `from`'s open file.  Returns `to`. */
static int vfs_fd_share(struct vfs *v, struct vfs_proc *p, int from, int to)
{
	int filp = p->fd[from];
	v->filps[filp].refs++;
	p->fd[to] = (int16_t)filp;
	p->cloexec[to] = 0;
	return to;
}

int vfs_do_dup(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p;
	if (!vfs_caller_fd(v, in, &p, &r))
		return r;
	int fd = vfs_fd_free(p, 0);
	if (fd < 0)
		return fd;
	return vfs_fd_share(v, p, in->m_vfs.fd, fd);
}

int vfs_do_dup2(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r, from = in->m_vfs.fd, to = in->m_vfs.fd2;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	if (!vfs_fd_get(v, p, from) || to < 0 || to >= VFS_NR_FDS)
		return -EBADF;
	if (from == to)
		return to;
	vfs_fd_close(v, p, to);
	return vfs_fd_share(v, p, from, to);
}

int vfs_do_lseek(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	struct mfs_attr a;
	int r;
	struct vfs_proc *p;
	struct vfs_filp *f = vfs_caller_fd(v, in, &p, &r);
	if (!f)
		return r;
	int64_t base;
	switch (in->m_vfs.whence) {
	case KIP_SEEK_SET:
		base = 0;
		break;
	case KIP_SEEK_CUR:
		base = (int64_t)f->position;
		break;
	case KIP_SEEK_END:
		r = vfs_mfs_stat(v, f->ino, &a);
		if (r < 0)
			return r;
		base = a.size;
		break;
	default:
		return -EINVAL;
	}
	int64_t off = in->m_vfs.offset;
	if ((off < 0 && base + off < 0) || (off > 0 && off > INT64_MAX - base))
		return -EINVAL;
	f->position = (uint64_t)(base + off);
	out->m_vfs.offset = base + off;
	return 0;
}

/* ------------------------------------------------------------ from MM */

/* The table of a process MM names, after checking the caller is MM. */
static struct vfs_proc *vfs_pm_target(struct vfs *v, const message *in, endpoint_t ep, int *err)
{
	*err = -EPERM;
	if (v->pm == KIP_NONE || in->m_source != v->pm)
		return NULL;
	*err = -EINVAL;
	return vfs_proc_get(v, ep);
}

int vfs_do_pm_fork(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *parent = vfs_pm_target(v, in, in->m_vfs.proc, &r);
	if (!parent)
		return r;
	struct vfs_proc *child = vfs_proc_get(v, in->m_vfs.proc2);
	if (!child || child == parent)
		return -EINVAL;
	vfs_proc_reset(v, child, in->m_vfs.proc2);
	if (vfs_vnode_get(v, parent->cwd) == 0) {
		vfs_vnode_put(v, child->cwd, 1);
		child->cwd = parent->cwd;
	}
	child->cred = parent->cred;
	for (int fd = 0; fd < VFS_NR_FDS; fd++) {
		child->fd[fd] = parent->fd[fd];
		child->cloexec[fd] = parent->cloexec[fd];
		if (parent->fd[fd] >= 0)
			v->filps[parent->fd[fd]].refs++;
	}
	return 0;
}

int vfs_do_pm_exit(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_pm_target(v, in, in->m_vfs.proc, &r);
	if (!p)
		return r;
	vfs_proc_reset(v, p, in->m_vfs.proc);
	p->endpoint = KIP_NONE;
	return 0;
}

int vfs_do_pm_exec(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_pm_target(v, in, in->m_vfs.proc, &r);
	if (!p)
		return r;
	for (int fd = 0; fd < VFS_NR_FDS; fd++)
		if (p->cloexec[fd])
			vfs_fd_close(v, p, fd);
	return 0;
}

int vfs_do_pm_setcred(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	const struct vfs_pm_cred *c = &in->m_vfs_cred;
	struct vfs_proc *p = vfs_pm_target(v, in, c->proc, &r);
	if (!p)
		return r;
	if (c->ngroups > KIP_NGROUPS_MAX)
		return -EINVAL;
	p->cred.uid = c->uid;
	p->cred.gid = c->gid;
	p->cred.ngroups = (uint16_t)c->ngroups;
	for (uint32_t i = 0; i < c->ngroups; i++)
		p->cred.groups[i] = c->groups[i];
	return 0;
}

/* umask(2): the new mask in `mode`; the old one is the reply. */
int vfs_do_umask(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	int r;
	(void)out;
	struct vfs_proc *p = vfs_caller(v, in, &r);
	if (!p)
		return r;
	int old = p->cred.umask;
	p->cred.umask = (uint16_t)(in->m_vfs.mode & 0777);
	return old;
}
