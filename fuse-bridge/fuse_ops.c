/*
 * fuse-bridge/fuse_ops.c - the FUSE low-level operations on names and
 * attributes, each one request to `fused` through the bridge device
 * (ARCHITECTURE 6; docs/fuse.md, "kip mount").
 *
 * Node ids are MINIX inode numbers (the root is 1 = FUSE_ROOT_ID).  Every
 * request carries the identity of the host process behind it (uid, gid,
 * umask, supplementary groups), and kip's VFS checks every request as that
 * user; the host kernel checks as well (default_permissions, for the opens
 * of FIFOs and devices that never reach kip).  Every reply that
 * names an entry gave kip one more reference to the inode, which FORGET
 * gives back when the host kernel forgets it: the lookup counts of FUSE and
 * the references of VFS move together.
 *
 * Errors come back as kip errnos (Linux's values, negative) and become the
 * host's errno in one place, kfuse_reply_err.
 *
 * Entry points: kfuse_ops (the table, with fuse_io.c's operations), and the
 * helpers of fuse_ops.h: kfuse_call_init, kfuse_call, kfuse_reply_err,
 * kfuse_stat, kfuse_reply_entry, kfuse_forget.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fuse-bridge/fuse_ops.h"
#include "kip/error.h"

/* ---- helpers ---------------------------------------------------------- */

void kfuse_call_init(struct bridge_call *c, fuse_req_t req, enum bridge_op op, fuse_ino_t ino,
		     bool groups)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	memset(c, 0, sizeof(*c));
	c->req.op = op;
	c->req.ino = (uint32_t)ino;
	c->req.uid = ctx->uid;
	c->req.gid = ctx->gid;
	c->req.umask = ctx->umask & 0777;
	if (groups && ctx->uid != 0) { /* root passes every check groups decide */
		gid_t list[KIP_AT_NGROUPS_MAX];
		int n = fuse_req_getgroups(req, KIP_AT_NGROUPS_MAX, list);
		if (n < 0)
			n = 0; /* the process is gone, or no /proc: its own ids only */
		if (n > KIP_AT_NGROUPS_MAX)
			n = KIP_AT_NGROUPS_MAX;
		for (int i = 0; i < n; i++)
			c->req.groups[i] = list[i];
		c->req.ngroups = (uint32_t)n;
	}
}

int kfuse_call(struct kfuse *f, struct bridge_call *c)
{
	return kip_bridge_call(f->bridge, c, KFUSE_CALL_TIMEOUT_MS);
}

void kfuse_reply_err(fuse_req_t req, int status)
{
	int err = 0;
	if (status < 0) {
		/* kip's errnos are Linux's; its own IPC errors (EDEADSRCDST and
		 * up) mean something inside broke, which a host program can only
		 * see as an I/O error. */
		err = -status;
		if (err >= EDEADSRCDST)
			err = EIO;
	}
	fuse_reply_err(req, err);
}

void kfuse_stat(const struct kip_stat *ks, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ks->st_ino;
	st->st_mode = ks->st_mode; /* MINIX's S_IF* are POSIX's */
	st->st_nlink = ks->st_nlink;
	st->st_uid = ks->st_uid;
	st->st_gid = ks->st_gid;
	st->st_rdev = ks->st_rdev; /* FUSE's own 32-bit encoding, kept as given */
	st->st_size = (off_t)ks->st_size;
	st->st_atim.tv_sec = ks->st_atime_sec;
	st->st_mtim.tv_sec = ks->st_mtime_sec;
	st->st_ctim.tv_sec = ks->st_ctime_sec;
	st->st_blksize = ks->st_blksize;
	st->st_blocks = ks->st_blocks;
}

void kfuse_forget(struct kfuse *f, uint32_t ino, uint64_t n)
{
	if (ino == FUSE_ROOT_ID)
		return; /* never looked up: the mount holds the root */
	while (n > 0) {
		struct bridge_call c;
		memset(&c, 0, sizeof(c));
		c.req.op = BRIDGE_FORGET;
		c.req.ino = ino;
		c.req.count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		n -= c.req.count;
		kfuse_call(f, &c); /* nothing to tell anyone if it fails */
	}
}

static void fill_entry(struct fuse_entry_param *e, const struct kip_stat *ks)
{
	memset(e, 0, sizeof(*e));
	e->ino = ks->st_ino;
	e->generation = 0; /* VFS never reuses a number the host still holds */
	kfuse_stat(ks, &e->attr);
	e->attr_timeout = KFUSE_ATTR_TIMEOUT;
	e->entry_timeout = KFUSE_ENTRY_TIMEOUT;
}

void kfuse_reply_entry(struct kfuse *f, fuse_req_t req, const struct kip_stat *ks)
{
	struct fuse_entry_param e;
	fill_entry(&e, ks);
	kfuse_node_add(f, ks->st_ino, 1);
	if (fuse_reply_entry(req, &e) != 0) {
		/* Interrupted: the kernel did not count it. */
		kfuse_node_add(f, ks->st_ino, -1);
		kfuse_forget(f, ks->st_ino, 1);
	}
}

/* The request's data: one name, or a name then a second name or target. */
static void put_names(struct bridge_call *c, char *buf, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	memcpy(buf, a, la);
	if (b)
		memcpy(buf + la, b, lb);
	c->req.len = (uint32_t)la;
	c->req.len2 = (uint32_t)lb;
	c->in = buf;
	c->in_len = la + lb;
}

/* Host names are at most NAME_MAX and targets PATH_MAX bytes: data for
 * any request that carries names fits this. */
#define NAMES_MAX (2 * 256 + 4096)

/* Perform c (data: names a, b) and reply with its entry or its error. */
static void entry_call(fuse_req_t req, struct bridge_call *c, const char *a, const char *b)
{
	struct kfuse *f = kfuse_of(req);
	char buf[NAMES_MAX];
	if (strlen(a) + (b ? strlen(b) : 0) > sizeof(buf)) {
		kfuse_reply_err(req, -ENAMETOOLONG);
		return;
	}
	put_names(c, buf, a, b);
	int r = kfuse_call(f, c);
	if (r < 0)
		kfuse_reply_err(req, r);
	else
		kfuse_reply_entry(f, req, &c->rep.st);
}

/* Perform c (data: names a, b) and reply with its status. */
static void status_call(fuse_req_t req, struct bridge_call *c, const char *a, const char *b)
{
	char buf[NAMES_MAX];
	if (strlen(a) + (b ? strlen(b) : 0) > sizeof(buf)) {
		kfuse_reply_err(req, -ENAMETOOLONG);
		return;
	}
	put_names(c, buf, a, b);
	kfuse_reply_err(req, kfuse_call(kfuse_of(req), c));
}

/* ---- lookup and forget ------------------------------------------------ */

static void kfuse_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct kfuse *f = kfuse_of(req);
	struct bridge_call c;
	char buf[NAMES_MAX];
	if (strlen(name) > sizeof(buf)) {
		kfuse_reply_err(req, -ENAMETOOLONG);
		return;
	}
	kfuse_call_init(&c, req, BRIDGE_LOOKUP, parent, true);
	put_names(&c, buf, name, NULL);
	int r = kfuse_call(f, &c);
	if (r == -ENOENT) {
		/* A negative entry, valid for the entry timeout (0: the next
		 * walk asks again). */
		struct fuse_entry_param e;
		memset(&e, 0, sizeof(e));
		e.entry_timeout = KFUSE_ENTRY_TIMEOUT;
		fuse_reply_entry(req, &e);
	} else if (r < 0) {
		kfuse_reply_err(req, r);
	} else {
		kfuse_reply_entry(f, req, &c.rep.st);
	}
}

static void forget_node(struct kfuse *f, fuse_ino_t ino, uint64_t nlookup)
{
	kfuse_node_add(f, (uint32_t)ino, -(int64_t)nlookup);
	kfuse_forget(f, (uint32_t)ino, nlookup);
}

static void kfuse_forget_one(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	forget_node(kfuse_of(req), ino, nlookup);
	fuse_reply_none(req);
}

static void kfuse_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		forget_node(kfuse_of(req), forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

/* ---- attributes ------------------------------------------------------- */

static void kfuse_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)fi;
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_GETATTR, ino, false);
	int r = kfuse_call(kfuse_of(req), &c);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	struct stat st;
	kfuse_stat(&c.rep.st, &st);
	fuse_reply_attr(req, &st, KFUSE_ATTR_TIMEOUT);
}

/* A host time for SETATTR: seconds (MINIX keeps no more), or "now".  A time
 * before 1970 cannot be stored (and -1 is KIP_UTIME_NOW): -EINVAL. */
static int set_time(int64_t *out, const struct timespec *ts, bool now)
{
	if (now) {
		*out = KIP_UTIME_NOW;
		return 0;
	}
	if (ts->tv_sec < 0)
		return -EINVAL;
	*out = ts->tv_sec;
	return 0;
}

/* What the host kernel's privilege kill leaves of mode: no set-user-ID,
 * and no set-group-ID if the group may execute (Linux's should_remove_suid). */
static uint32_t mode_killed(uint32_t mode)
{
	mode &= ~(uint32_t)S_ISUID;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		mode &= ~(uint32_t)S_ISGID;
	return mode;
}

/*
 * Is a SETATTR's new mode the host kernel dropping set-user-ID/set-group-ID
 * bits after a write or truncate by someone other than the owner, rather
 * than a chmod?  It asks with the writer's identity, and kip would refuse
 * the writer a chmod (EPERM), failing the write.  Such a request is
 * recognised by its shape - asked by someone who is neither root nor the
 * owner, and exactly "the current mode less the bits the kernel kills" -
 * and then done as root (setattr below).  That grants nothing new: whoever
 * may write the file may drop those bits anyway, by any write.  Returns 1
 * (yes), 0 (no: an ordinary chmod), or a negative kip errno.
 */
static int setattr_kills_privs(struct kfuse *f, fuse_req_t req, fuse_ino_t ino, uint32_t mode)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	if (ctx->uid == 0)
		return 0;
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_GETATTR, ino, false);
	int r = kfuse_call(f, &c);
	if (r < 0)
		return r;
	uint32_t now = c.rep.st.st_mode & 07777;
	if (c.rep.st.st_uid == ctx->uid || mode == now || mode != mode_killed(now))
		return 0;
	return 1;
}

static void kfuse_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
			  struct fuse_file_info *fi)
{
	struct kfuse *f = kfuse_of(req);
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_SETATTR, ino, true);
	struct vfs_setattr *sa = &c.req.attr;
	int r = 0;
	bool kill = false;
	if (to_set & FUSE_SET_ATTR_MODE) {
		sa->mode = attr->st_mode & 07777;
		r = setattr_kills_privs(f, req, ino, sa->mode);
		kill = r == 1;
		if (!kill)
			sa->mask |= KIP_SETATTR_MODE;
	}
	if (to_set & FUSE_SET_ATTR_UID) {
		sa->mask |= KIP_SETATTR_UID;
		sa->uid = attr->st_uid;
	}
	if (to_set & FUSE_SET_ATTR_GID) {
		sa->mask |= KIP_SETATTR_GID;
		sa->gid = attr->st_gid;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		sa->mask |= KIP_SETATTR_SIZE;
		sa->size = (uint64_t)attr->st_size;
		/* With a file (ftruncate, O_TRUNC) the host kernel has checked
		 * that it is open for writing: that is the permission, as on
		 * Linux, whatever the mode says now. */
		if (fi)
			sa->mask |= KIP_SETATTR_OPENED;
	}
	if (r >= 0 && (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW))) {
		sa->mask |= KIP_SETATTR_ATIME;
		r = set_time(&sa->atime, &attr->st_atim, to_set & FUSE_SET_ATTR_ATIME_NOW);
	}
	if (r >= 0 && (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW))) {
		sa->mask |= KIP_SETATTR_MTIME;
		r = set_time(&sa->mtime, &attr->st_mtim, to_set & FUSE_SET_ATTR_MTIME_NOW);
	}
	/* FUSE_SET_ATTR_CTIME: kip sets ctime itself with every change.  With
	 * nothing else asked, the answer is the attributes as they are. */
	if (r >= 0 && sa->mask == 0) {
		c.req.op = BRIDGE_GETATTR;
		if (kill) { /* after a write: the writer may write (else: chmod's EPERM) */
			struct bridge_call a;
			kfuse_call_init(&a, req, BRIDGE_ACCESS, ino, true);
			a.req.flags = KIP_W_OK;
			r = kfuse_call(f, &a) == 0 ? 0 : -EPERM;
		}
	}
	if (r >= 0)
		r = kfuse_call(f, &c);
	if (r >= 0 && kill) {
		uint32_t mode = sa->mode;
		memset(&c, 0, sizeof(c)); /* as root: the system's doing, not the user's */
		c.req.op = BRIDGE_SETATTR;
		c.req.ino = (uint32_t)ino;
		c.req.attr.mask = KIP_SETATTR_MODE;
		c.req.attr.mode = mode;
		r = kfuse_call(f, &c);
	}
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	struct stat st;
	kfuse_stat(&c.rep.st, &st);
	fuse_reply_attr(req, &st, KFUSE_ATTR_TIMEOUT);
}

static void kfuse_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct bridge_call c;
	char target[4096 + 1]; /* a target fits one block, at most 4 KiB */
	kfuse_call_init(&c, req, BRIDGE_READLINK, ino, false);
	c.out = target;
	c.out_cap = sizeof(target) - 1;
	int r = kfuse_call(kfuse_of(req), &c);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	size_t n = c.rep.data_len < c.out_cap ? c.rep.data_len : c.out_cap;
	target[n] = '\0';
	fuse_reply_readlink(req, target);
}

/* ---- names ------------------------------------------------------------ */

static void kfuse_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
			dev_t rdev)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_MKNOD, parent, true);
	c.req.mode = mode;
	c.req.rdev = (uint32_t)rdev; /* as FUSE encodes it; kfuse_stat gives it back */
	entry_call(req, &c, name, NULL);
}

static void kfuse_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_MKDIR, parent, true);
	c.req.mode = S_IFDIR | (mode & 07777);
	entry_call(req, &c, name, NULL);
}

static void kfuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_SYMLINK, parent, true);
	c.req.mode = S_IFLNK | 0777;
	entry_call(req, &c, name, link);
}

/*
 * Linux's fs.protected_hardlinks, which the host kernel cannot apply here:
 * its check asks the file system whether the caller may read and write the
 * source, and a FUSE file system without default_permissions answers "yes"
 * to every such question (it checks at open).  So, when the host has it on,
 * the same rule is applied here: the owner and root may link anything;
 * anyone else only a regular file that is neither set-user-ID nor
 * executable set-group-ID, and that they may read and write - else EPERM.
 * (POSIX asks none of this; kip's VFS does not.)  0 or -EPERM.
 */
static int link_protected(struct kfuse *f, fuse_req_t req, fuse_ino_t ino)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	if (!f->protected_hardlinks || ctx->uid == 0)
		return 0;
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_GETATTR, ino, false);
	int r = kfuse_call(f, &c);
	if (r < 0)
		return r;
	uint32_t mode = c.rep.st.st_mode;
	if (c.rep.st.st_uid == ctx->uid)
		return 0;
	if (!S_ISREG(mode) || (mode & S_ISUID) ||
	    (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		return -EPERM;
	kfuse_call_init(&c, req, BRIDGE_ACCESS, ino, true);
	c.req.flags = KIP_R_OK | KIP_W_OK;
	return kfuse_call(f, &c) == 0 ? 0 : -EPERM;
}

static void kfuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	int r = link_protected(kfuse_of(req), req, ino);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_LINK, newparent, true);
	c.req.ino2 = (uint32_t)ino;
	entry_call(req, &c, newname, NULL);
}

static void kfuse_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_UNLINK, parent, true);
	status_call(req, &c, name, NULL);
}

static void kfuse_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_RMDIR, parent, true);
	status_call(req, &c, name, NULL);
}

static void kfuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
			 const char *newname, unsigned int flags)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_RENAME, parent, true);
	c.req.ino2 = (uint32_t)newparent;
	/* RENAME_NOREPLACE is honoured; RENAME_EXCHANGE, RENAME_WHITEOUT and
	 * anything else cannot be (kip refuses them with EINVAL itself, but an
	 * unknown host bit must not alias a kip one). */
	if (flags & ~(unsigned)RENAME_NOREPLACE) {
		kfuse_reply_err(req, -EINVAL);
		return;
	}
	c.req.flags = (flags & RENAME_NOREPLACE) ? KIP_RENAME_NOREPLACE : 0;
	status_call(req, &c, name, newname);
}

/* ---- the file system -------------------------------------------------- */

static void kfuse_statfs(fuse_req_t req, fuse_ino_t ino)
{
	(void)ino;
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_STATFS, FUSE_ROOT_ID, false);
	int r = kfuse_call(kfuse_of(req), &c);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	const struct kip_statfs *s = &c.rep.sfs;
	struct statvfs sv;
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = s->f_bsize;
	sv.f_frsize = s->f_bsize;
	sv.f_blocks = s->f_blocks;
	sv.f_bfree = s->f_bfree;
	sv.f_bavail = s->f_bavail;
	sv.f_files = s->f_files;
	sv.f_ffree = s->f_ffree;
	sv.f_favail = s->f_ffree;
	sv.f_namemax = s->f_namemax; /* 60 */
	fuse_reply_statfs(req, &sv);
}

static void kfuse_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_ACCESS, ino, true);
	int kmask = 0;
	if (mask & R_OK)
		kmask |= KIP_R_OK;
	if (mask & W_OK)
		kmask |= KIP_W_OK;
	if (mask & X_OK)
		kmask |= KIP_X_OK;
	c.req.flags = kmask;
	kfuse_reply_err(req, kfuse_call(kfuse_of(req), &c));
}

const struct fuse_lowlevel_ops kfuse_ops = {
	.init = kfuse_init,
	.lookup = kfuse_lookup,
	.forget = kfuse_forget_one,
	.forget_multi = kfuse_forget_multi,
	.getattr = kfuse_getattr,
	.setattr = kfuse_setattr,
	.readlink = kfuse_readlink,
	.mknod = kfuse_mknod,
	.mkdir = kfuse_mkdir,
	.unlink = kfuse_unlink,
	.rmdir = kfuse_rmdir,
	.symlink = kfuse_symlink,
	.rename = kfuse_rename,
	.link = kfuse_link,
	.open = kfuse_open,
	.create = kfuse_create,
	.read = kfuse_read,
	.write = kfuse_write,
	.flush = kfuse_flush,
	.release = kfuse_release,
	.fsync = kfuse_fsync,
	.opendir = kfuse_opendir,
	.readdir = kfuse_readdir,
	.releasedir = kfuse_releasedir,
	.fsyncdir = kfuse_fsync,
	.statfs = kfuse_statfs,
	.access = kfuse_access,
};
