/*
 * servers/vfs/vfs.h - the virtual file system: its state and its internal
 * interfaces.
 *
 * VFS owns what MFS does not know about: per-process fd tables, the open
 * file table (offset, flags, reference count shared across dup), the
 * working directory and path resolution.  File work goes to MFS by inode
 * number (docs/mfs.md); data never passes through VFS: the caller's grant
 * is passed on to MFS as an indirect grant (docs/vfs.md).
 *
 * The whole state is one struct vfs from server_state_alloc.
 */
#ifndef KIP_SERVERS_VFS_H
#define KIP_SERVERS_VFS_H

#include <stdbool.h>
#include <stdint.h>

#include "kip/endpoint.h"
#include "kip/error.h"
#include "kip/grant.h"
#include "kip/message.h"
#include "kip/minixfs.h"
#include "kip/server.h"

#define VFS_NR_FDS 32		  /* file descriptors per process */
#define VFS_NR_FILPS 256	  /* open files, all processes together */
#define VFS_PATH_MAX KIP_PATH_MAX /* bytes of a path, without a NUL */
#define VFS_IO_MAX (1u << 30)	  /* the most one READ or WRITE moves */
#define VFS_SYMLOOP_MAX 40	  /* symbolic links followed in one path (as Linux) */
#define VFS_NR_VNODES 65536	  /* referenced inodes (a power of two) */
#define VFS_NR_WORKERS 4	  /* requests in progress at once */

/* Who a request acts for: a process's identity (VFS_PM_SETCRED, VFS_UMASK)
 * or the user a privileged VFS_AT_* request names. */
struct vfs_cred {
	uint32_t uid, gid;
	uint16_t umask;
	uint16_t ngroups;
	uint32_t groups[KIP_AT_NGROUPS_MAX];
};

/* One open file: what open() made and dup() shares. */
struct vfs_filp {
	uint32_t refs;	   /* fds pointing here; 0 = free */
	uint32_t ino;	   /* the inode (MFS); holds a vnode reference */
	uint32_t mode;	   /* the inode's type bits when opened */
	int32_t flags;	   /* KIP_O_* given to open */
	uint64_t position; /* the file offset */
};

/* One process as VFS sees it, in the slot of its endpoint. */
struct vfs_proc {
	endpoint_t endpoint;	     /* KIP_NONE: unused */
	uint32_t cwd;		     /* the working directory's inode (a vnode reference) */
	int16_t fd[VFS_NR_FDS];	     /* index into filps, -1 = closed */
	uint8_t cloexec[VFS_NR_FDS]; /* close on exec */
	struct vfs_cred cred;	     /* root, umask 022, until MM says otherwise */
};

/* A referenced inode: open files, working directories and the privileged
 * caller's lookups and opens count.  While an inode has references, VFS
 * holds one MFS reference on it (MFS_GETNODE) from the moment a name of it
 * is about to go, so MFS keeps an unlinked inode until the last reference
 * goes (MFS_PUTNODE).  Open addressing, linear probing. */
struct vfs_vnode {
	uint32_t ino; /* 0: empty slot */
	uint32_t refs;
	uint32_t at_refs; /* of refs, those the privileged interface holds */
	bool pinned;	  /* VFS holds an MFS reference */
};

/* What one request in progress needs for itself: each worker has one
 * (server_run_workers), v->req points at the running worker's. */
struct vfs_req {
	const struct vfs_cred *who;	/* the request's identity */
	struct vfs_cred at_cred;	/* a VFS_AT_* request's identity */
	char path[VFS_PATH_MAX + 1];	/* the path of the request */
	char path2[VFS_PATH_MAX + 1];	/* its second path (LINK, RENAME, SYMLINK) */
	char scratch[VFS_PATH_MAX + 1]; /* a path being rebuilt around a symlink */
	char link[MINIXFS_BLOCK_MAX] __attribute__((aligned(8))); /* a target, getdents */
	char name[2 * MINIXFS_NAME_MAX];			  /* the name(s) granted to MFS */
};

struct vfs {
	struct server srv;
	endpoint_t mfs;	  /* the file server of the root */
	endpoint_t pm;	  /* who may send VFS_PM_* (KIP_NONE until MM exists) */
	int mount_status; /* MFS_MOUNT's; every call fails with it while < 0 */
	uint32_t root;	  /* the root directory's inode */
	uint32_t block_size;
	struct kip_grants *grants;
	struct vfs_req *req;		     /* the running worker's scratch */
	struct vfs_req reqs[VFS_NR_WORKERS]; /* one per worker */
	struct vfs_filp filps[VFS_NR_FILPS];
	struct vfs_proc procs[KIP_NR_PROCS];
	uint32_t nvnodes;
	struct vfs_vnode vnodes[VFS_NR_VNODES];
	/* VFS_AT_*: */
	endpoint_t at_priv_ep[KIP_NR_PROCS]; /* per slot: whose privilege was looked up */
	uint8_t at_priv[KIP_NR_PROCS];	     /* per slot: 0 not looked up, else VFS_AT_PRIV_* */
	bool at_subscribed;		     /* at_sub is NOTIFYed of others' changes */
	bool at_notified;		     /* ... and has been, since its last VFS_AT_EVENTS */
	bool at_overflow;		     /* events were lost: deliver "everything changed" */
	endpoint_t at_sub;		     /* the subscriber */
	uint32_t at_ev_head, at_ev_count;    /* the ring below: oldest record, records */
	struct vfs_event at_events[256];     /* change events not yet fetched */
};

extern const struct server_table vfs_table;

/* fd.c: per-process tables and open files. */
struct vfs_proc *vfs_caller(struct vfs *v, const message *in, int *err);
struct vfs_filp *vfs_fd_get(struct vfs *v, struct vfs_proc *p, int fd);
/* The caller's table (*pp) and its open file for in->m_vfs.fd, or NULL with
 * *err set (the caller's error, or -EBADF). */
struct vfs_filp *vfs_caller_fd(struct vfs *v, const message *in, struct vfs_proc **pp, int *err);
int vfs_fd_free(const struct vfs_proc *p, int from);
int vfs_filp_free(const struct vfs *v);
/* Fill free open file `filp` for inode *a (taking a vnode reference):
 * 0 or -ENFILE. */
int vfs_filp_open(struct vfs *v, int filp, const struct mfs_attr *a, int flags);
/* Drop one reference to open file `filp` (the last frees it). */
void vfs_filp_drop(struct vfs *v, int filp);
void vfs_fd_close(struct vfs *v, struct vfs_proc *p, int fd);
int vfs_do_close(void *state, const message *in, message *out);
int vfs_do_dup(void *state, const message *in, message *out);
int vfs_do_dup2(void *state, const message *in, message *out);
int vfs_do_lseek(void *state, const message *in, message *out);
int vfs_do_pm_fork(void *state, const message *in, message *out);
int vfs_do_pm_exit(void *state, const message *in, message *out);
int vfs_do_pm_exec(void *state, const message *in, message *out);
int vfs_do_pm_setcred(void *state, const message *in, message *out);
int vfs_do_umask(void *state, const message *in, message *out);

/* vnode.c: inode references. */
int vfs_vnode_get(struct vfs *v, uint32_t ino);
void vfs_vnode_put(struct vfs *v, uint32_t ino, uint32_t count);
/* References the privileged interface (VFS_AT_*) holds, counted apart so
 * it can only give back its own, and all of them at once. */
int vfs_vnode_get_at(struct vfs *v, uint32_t ino);
void vfs_vnode_put_at(struct vfs *v, uint32_t ino, uint32_t count);
void vfs_vnode_put_all_at(struct vfs *v);
/* A name of `ino` is about to go: if it is referenced, make MFS keep it. */
int vfs_vnode_pin(struct vfs *v, uint32_t ino);
uint32_t vfs_vnode_refs(const struct vfs *v, uint32_t ino);

/* perm.c: permission checks for v->req->who.  0 or -EACCES / -EPERM. */
bool vfs_is_root(const struct vfs *v);
bool vfs_in_group(const struct vfs *v, uint32_t gid);
/* want: KIP_R_OK | KIP_W_OK | KIP_X_OK on *a. */
int vfs_may(const struct vfs *v, const struct mfs_attr *a, int want);
/* May v->req->who remove (or rename away) entry *a from directory *dir?  Write
 * and search on dir, and the sticky bit's rule. */
int vfs_may_remove(const struct vfs *v, const struct mfs_attr *dir, const struct mfs_attr *a);
/* The owner (uid, gid) and mode of a new inode of type `type` with
 * permission bits `mode` in directory *dir: v->req->who, the umask, setgid. */
void vfs_new_owner(const struct vfs *v, const struct mfs_attr *dir, uint32_t type, uint32_t mode,
		   uint32_t *out_mode, uint32_t *uid, uint32_t *gid);

/* path.c: resolution and the MFS requests that take a name. */
int vfs_path_fetch(struct vfs *v, const message *in);
/* Fetch the second path (grant2, len2) into v->req->path2. */
int vfs_path2_fetch(struct vfs *v, const message *in);
/* Resolve v->req->path; follow a last symlink if `follow`. */
int vfs_path_walk(struct vfs *v, struct vfs_proc *p, struct mfs_attr *out);
int vfs_path_lwalk(struct vfs *v, struct vfs_proc *p, struct mfs_attr *out);
int vfs_path_parent(struct vfs *v, struct vfs_proc *p, struct mfs_attr *dir, const char **last,
		    uint32_t *last_len);
/* The caller's table with the request's path fetched and resolved (a last
 * symlink followed if `follow`) into *a; NULL with *err set. */
struct vfs_proc *vfs_caller_path(struct vfs *v, const message *in, bool follow, struct mfs_attr *a,
				 int *err);
/* The same, resolved up to its last component (vfs_path_parent). */
struct vfs_proc *vfs_caller_parent(struct vfs *v, const message *in, struct mfs_attr *dir,
				   const char **last, uint32_t *last_len, int *err);
/* LOOKUP, UNLINK, RMDIR (or CREATE, MKDIR with uid/gid of v->req->who's new
 * owner rules already applied by the caller) of a name in dir. */
int vfs_mfs_named(struct vfs *v, int type, uint32_t dir, const char *name, uint32_t len,
		  uint32_t mode, struct mfs_attr *out);
/* Send m (type and fields set) with name[0..len) granted as its name. */
int vfs_mfs_name_call(struct vfs *v, message *m, const char *name, uint32_t len);
/* MFS_CREATE or MFS_MKDIR of a name in *dir for v->req->who (owner, umask,
 * setgid inheritance); rdev for a device node. */
int vfs_mfs_make(struct vfs *v, int type, const struct mfs_attr *dir, const char *name,
		 uint32_t len, uint32_t mode, uint32_t rdev, struct mfs_attr *out);
/* SENDREC m to MFS (a worker waits, VFS serves others meanwhile): MFS's
 * status, or -EIO when MFS cannot be reached. */
int vfs_mfs_call(struct vfs *v, message *m);
int vfs_mfs_stat(struct vfs *v, uint32_t ino, struct mfs_attr *out);
/* The target of symlink ino into v->req->link (NUL-terminated); its length. */
int vfs_mfs_readlink(struct vfs *v, uint32_t ino);

/* open.c */
int vfs_do_open(void *state, const message *in, message *out);
/* May v->req->who open *a with these flags (as open(2))?  0 or the error. */
int vfs_may_open(const struct vfs *v, const struct mfs_attr *a, int flags);

/* rw.c */
/* MFS_READ, WRITE, GETDENTS or READLINK of len bytes at *pos (NULL: 0) of
 * inode ino, through grant `grant` of `owner` passed on to MFS as an
 * indirect grant: MFS copies, VFS never touches the bytes.  Bytes moved
 * (*pos advanced), or an error. */
int vfs_mfs_io_grant(struct vfs *v, endpoint_t owner, int32_t grant, uint32_t len, int type,
		     uint32_t ino, uint64_t *pos);
/* The same through the request's own grant and len (m_vfs). */
int vfs_mfs_io(struct vfs *v, const message *in, int type, uint32_t ino, uint64_t *pos);
int vfs_truncate_ino(struct vfs *v, uint32_t ino, int64_t size);
int vfs_sync_all(struct vfs *v);
int vfs_do_read(void *state, const message *in, message *out);
int vfs_do_write(void *state, const message *in, message *out);
int vfs_do_pread(void *state, const message *in, message *out);
int vfs_do_pwrite(void *state, const message *in, message *out);
int vfs_do_truncate(void *state, const message *in, message *out);
int vfs_do_ftruncate(void *state, const message *in, message *out);
int vfs_do_sync(void *state, const message *in, message *out);
int vfs_do_fsync(void *state, const message *in, message *out);

/* dir.c */
int vfs_do_mkdir(void *state, const message *in, message *out);
int vfs_do_mknod(void *state, const message *in, message *out);
/* mknod's mode and dev checked for v->who: the mode to create (no type is
 * a regular file) and the device number; -EPERM (a device node, not root)
 * or -EINVAL (a directory, a symlink, nonsense). */
int vfs_mknod_mode(const struct vfs *v, uint32_t mode, uint64_t dev, uint32_t *out_mode,
		   uint32_t *rdev);
int vfs_do_unlink(void *state, const message *in, message *out);
/* UNLINK or RMDIR of name[0..len) in *dir for v->who, on behalf of `by`
 * (change events): the "." / ".." / "/" rules, the removal rights, the pin
 * of a referenced inode; `slash`: the path ended in '/'. */
int vfs_remove_name(struct vfs *v, endpoint_t by, int type, const struct mfs_attr *dir,
		    const char *name, uint32_t len, bool slash);
int vfs_do_rmdir(void *state, const message *in, message *out);
int vfs_do_getdents(void *state, const message *in, message *out);
int vfs_do_chdir(void *state, const message *in, message *out);
int vfs_do_fchdir(void *state, const message *in, message *out);
int vfs_do_getcwd(void *state, const message *in, message *out);

/* link.c */
int vfs_do_link(void *state, const message *in, message *out);
int vfs_do_rename(void *state, const message *in, message *out);
int vfs_do_symlink(void *state, const message *in, message *out);
int vfs_do_readlink(void *state, const message *in, message *out);
/* MFS_SYMLINK: name[0..len) in *dir pointing at target[0..tlen), owned by
 * v->req->who (the pair is granted to MFS from v->req->link). */
int vfs_mfs_symlink(struct vfs *v, const struct mfs_attr *dir, const char *name, uint32_t len,
		    const char *target, uint32_t tlen, struct mfs_attr *out);
/* The checks and MFS requests behind rename, shared with VFS_AT_RENAME. */
int vfs_rename_at(struct vfs *v, const struct mfs_attr *odir, const char *oname, uint32_t olen,
		  const struct mfs_attr *ndir, const char *nname, uint32_t nlen);

/* stat.c */
void vfs_fill_stat(const struct vfs *v, struct kip_stat *st, const struct mfs_attr *a);
int vfs_do_stat(void *state, const message *in, message *out);
int vfs_do_lstat(void *state, const message *in, message *out);
int vfs_do_fstat(void *state, const message *in, message *out);
int vfs_do_statfs(void *state, const message *in, message *out);
int vfs_do_fstatfs(void *state, const message *in, message *out);
int vfs_statfs(struct vfs *v, struct kip_statfs *st);

/* attr.c: chmod, chown, utime, access. */
int vfs_chmod_ino(struct vfs *v, const struct mfs_attr *a, uint32_t mode, struct mfs_attr *out);
int vfs_chown_ino(struct vfs *v, const struct mfs_attr *a, uint32_t uid, uint32_t gid,
		  struct mfs_attr *out);
int vfs_utime_ino(struct vfs *v, const struct mfs_attr *a, int64_t atime, int64_t mtime,
		  struct mfs_attr *out);
int vfs_do_chmod(void *state, const message *in, message *out);
int vfs_do_fchmod(void *state, const message *in, message *out);
int vfs_do_chown(void *state, const message *in, message *out);
int vfs_do_fchown(void *state, const message *in, message *out);
int vfs_do_utime(void *state, const message *in, message *out);
int vfs_do_access(void *state, const message *in, message *out);

static inline bool vfs_is_dir(uint32_t mode)
{
	return (mode & MINIXFS_S_IFMT) == MINIXFS_S_IFDIR;
}

static inline bool vfs_is_lnk(uint32_t mode)
{
	return (mode & MINIXFS_S_IFMT) == MINIXFS_S_IFLNK;
}

/* at*.c, event.c: the privileged interface (VFS_AT_*) and change events. */
/* at.c: the gate every VFS_AT_* request passes first: the root mounted, a
 * system caller (else -EPERM), its requester's credentials in v->req->at_cred
 * and v->req->who pointing at them.  0 or an error. */
int vfs_at_begin(struct vfs *v, const message *in);
/* The request's name (grant, len) into v->req->path, NUL-terminated; with
 * `second`, the second name (len2 bytes after it) into v->req->path2.  -ENOENT
 * (empty), -ENAMETOOLONG (over 60 bytes), -EINVAL (a '/' or a NUL in it). */
int vfs_at_names(struct vfs *v, const message *in, bool second);
/* 0 if inode ino is referenced (looked up, open, a working directory) or
 * is the root; else -ESTALE: an unreferenced number may already name
 * another file. */
int vfs_at_held(const struct vfs *v, uint32_t ino);
/* The attributes of inode ino, which vfs_at_held must accept. */
int vfs_at_node(struct vfs *v, uint32_t ino, struct mfs_attr *a);
/* vfs_at_node, for a directory that a name is looked up or made in:
 * -ENOTDIR, and search permission (-EACCES). */
int vfs_at_dir(struct vfs *v, uint32_t ino, struct mfs_attr *dir);
/* -ENFILE unless the vnode table has room for `n` more inodes. */
int vfs_at_room(const struct vfs *v, uint32_t n);
/* Take one vnode reference on *a and put its attributes in the reply. */
int vfs_at_hold(struct vfs *v, const struct mfs_attr *a, message *out);
int vfs_do_at_getattr(void *state, const message *in, message *out);
int vfs_do_at_setattr(void *state, const message *in, message *out);
int vfs_do_at_access(void *state, const message *in, message *out);
int vfs_do_at_statfs(void *state, const message *in, message *out);
int vfs_do_at_fsync(void *state, const message *in, message *out);
/* at_lookup.c: the references a FUSE daemon counts. */
int vfs_do_at_lookup(void *state, const message *in, message *out);
int vfs_do_at_forget(void *state, const message *in, message *out);
int vfs_do_at_open(void *state, const message *in, message *out);
int vfs_do_at_create(void *state, const message *in, message *out);
int vfs_do_at_release(void *state, const message *in, message *out);
/* at_names.c: directory entries. */
int vfs_do_at_mknod(void *state, const message *in, message *out);
int vfs_do_at_mkdir(void *state, const message *in, message *out);
int vfs_do_at_symlink(void *state, const message *in, message *out);
int vfs_do_at_link(void *state, const message *in, message *out);
int vfs_do_at_unlink(void *state, const message *in, message *out);
int vfs_do_at_rmdir(void *state, const message *in, message *out);
int vfs_do_at_rename(void *state, const message *in, message *out);
/* at_data.c: data through the caller's grant. */
int vfs_do_at_read(void *state, const message *in, message *out);
int vfs_do_at_write(void *state, const message *in, message *out);
int vfs_do_at_getdents(void *state, const message *in, message *out);
int vfs_do_at_readlink(void *state, const message *in, message *out);
/* event.c: change events for the subscriber.  `by` made the change (the
 * request's m_source); the subscriber's own changes are not recorded. */
void vfs_event_entry(struct vfs *v, endpoint_t by, uint32_t dir, const char *name, uint32_t len,
		     uint32_t ino);
void vfs_event_inode(struct vfs *v, endpoint_t by, uint32_t ino);
int vfs_do_at_subscribe(void *state, const message *in, message *out);
int vfs_do_at_events(void *state, const message *in, message *out);

#endif
