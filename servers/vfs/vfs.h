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

/* One open file: what open() made and dup() shares. */
struct vfs_filp {
	uint32_t refs;	   /* fds pointing here; 0 = free */
	uint32_t ino;	   /* the inode (MFS) */
	uint32_t mode;	   /* the inode's type bits when opened */
	int32_t flags;	   /* KIP_O_* given to open */
	uint64_t position; /* the file offset */
};

/* One process as VFS sees it, in the slot of its endpoint. */
struct vfs_proc {
	endpoint_t endpoint;	     /* KIP_NONE: unused */
	uint32_t cwd;		     /* the working directory's inode */
	int16_t fd[VFS_NR_FDS];	     /* index into filps, -1 = closed */
	uint8_t cloexec[VFS_NR_FDS]; /* close on exec */
};

struct vfs {
	struct server srv;
	endpoint_t mfs;	  /* the file server of the root */
	endpoint_t pm;	  /* who may send VFS_PM_* (KIP_NONE until MM exists) */
	int mount_status; /* MFS_MOUNT's; every call fails with it while < 0 */
	uint32_t root;	  /* the root directory's inode */
	struct kip_grants *grants;
	char path[VFS_PATH_MAX + 1];	 /* the path of the current request */
	char name[MINIXFS_NAME_MAX + 1]; /* the name granted to MFS */
	struct vfs_filp filps[VFS_NR_FILPS];
	struct vfs_proc procs[KIP_NR_PROCS];
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
void vfs_fd_close(struct vfs *v, struct vfs_proc *p, int fd);
bool vfs_ino_in_use(const struct vfs *v, uint32_t ino);
int vfs_do_close(void *state, const message *in, message *out);
int vfs_do_dup(void *state, const message *in, message *out);
int vfs_do_dup2(void *state, const message *in, message *out);
int vfs_do_lseek(void *state, const message *in, message *out);
int vfs_do_pm_fork(void *state, const message *in, message *out);
int vfs_do_pm_exit(void *state, const message *in, message *out);
int vfs_do_pm_exec(void *state, const message *in, message *out);

/* path.c: resolution and the MFS requests that take a name. */
int vfs_path_fetch(struct vfs *v, const message *in);
int vfs_path_walk(struct vfs *v, struct vfs_proc *p, struct mfs_attr *out);
int vfs_path_parent(struct vfs *v, struct vfs_proc *p, struct mfs_attr *dir, const char **last,
		    uint32_t *last_len);
int vfs_mfs_named(struct vfs *v, int type, uint32_t dir, const char *name, uint32_t len,
		  uint32_t mode, struct mfs_attr *out);
int vfs_mfs_call(struct vfs *v, message *m);
int vfs_mfs_stat(struct vfs *v, uint32_t ino, struct mfs_attr *out);

/* open.c */
int vfs_do_open(void *state, const message *in, message *out);

/* rw.c */
int vfs_mfs_io(struct vfs *v, const message *in, int type, uint32_t ino, uint64_t *pos);
int vfs_do_read(void *state, const message *in, message *out);
int vfs_do_write(void *state, const message *in, message *out);
int vfs_do_truncate(void *state, const message *in, message *out);
int vfs_do_ftruncate(void *state, const message *in, message *out);
int vfs_do_sync(void *state, const message *in, message *out);
int vfs_do_fsync(void *state, const message *in, message *out);

/* dir.c */
int vfs_do_mkdir(void *state, const message *in, message *out);
int vfs_do_unlink(void *state, const message *in, message *out);
int vfs_do_rmdir(void *state, const message *in, message *out);
int vfs_do_getdents(void *state, const message *in, message *out);
int vfs_do_chdir(void *state, const message *in, message *out);

/* stat.c */
int vfs_do_stat(void *state, const message *in, message *out);
int vfs_do_fstat(void *state, const message *in, message *out);

static inline bool vfs_is_dir(uint32_t mode)
{
	return (mode & MINIXFS_S_IFMT) == MINIXFS_S_IFDIR;
}

#endif
