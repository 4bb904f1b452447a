/*
 * fuse-bridge/fuse_ops.h - inside the FUSE half of `kip mount`: the state
 * the low-level operations share and the helpers they use.
 *
 * Four files implement the session (docs/fuse.md, "kip mount"):
 *   fuse_ops.c      names and attributes: lookup, forget, getattr, setattr,
 *                   readlink, mknod, mkdir, unlink, rmdir, symlink, rename,
 *                   link, statfs, access; the error conversion; the table
 *   fuse_io.c       open files and directories: open, create, read, write,
 *                   flush, release, fsync, opendir, readdir, releasedir
 *   fuse_session.c  the session: options, mount, the multi-threaded loop,
 *                   change events -> the host kernel's cache
 *   nodes.c         which inodes the host kernel holds
 *
 * Every operation is one (or, for readdir, a few) kip_bridge_call: the
 * session's threads never reach kip any other way (ARCHITECTURE 6, 7).
 */
#ifndef KIP_FUSE_BRIDGE_FUSE_OPS_H
#define KIP_FUSE_BRIDGE_FUSE_OPS_H

#define FUSE_USE_VERSION 35 /* libfuse >= 3.5: fuse_loop_config, fuse_req_ctx umask */

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fuse-bridge/bridge.h"

/*
 * How long the host kernel may trust what it was told.
 *
 * Names: not at all (0).  kip's VFS is the judge of search permission on
 * each directory, by the LOOKUP it performs as the walking user; with a
 * timeout of 0 every walk revalidates each name by such a LOOKUP, so kip
 * refuses exactly where a local file system would.  (The mount now has
 * default_permissions too, so the host kernel checks the walk as well,
 * from cached attributes; names could be cached on that basis, which is
 * not done: kip stays the judge.)
 *
 * Attributes: 1 s.  They carry no permission (search permission on the path
 * was just checked), the mount's own changes update them, and changes made
 * inside kip arrive as VFS change events and are invalidated at once
 * (fuse_session.c); the timeout bounds what an event cannot name (an
 * overflow: "anything may have changed").
 */
#define KFUSE_ENTRY_TIMEOUT 0.0 /* seconds: names, and "no such name" */
#define KFUSE_ATTR_TIMEOUT 1.0	/* seconds: attributes */

/* A bridge call waits this long (host time) for fused before it fails with
 * EIO: enough for a sync of a large cache or a restarted server, short
 * enough that a wedged kip returns errors instead of hanging its users. */
#define KFUSE_CALL_TIMEOUT_MS 60000

/* Largest read and write: one bridge call each (kip/bridge_regs.h). */
#define KFUSE_IO_MAX (128u * 1024)
_Static_assert(KFUSE_IO_MAX <= BRIDGE_DATA_MAX, "a read or write fits one bridge slot");

/* Change events waiting for the invalidation thread; more than this and
 * they collapse into "everything changed". */
#define KFUSE_EVENT_QUEUE_MAX 1024

/* The session's state: one per mount. */
struct kfuse {
	struct kip_bridge *bridge;
	struct fuse_session *se;
	bool mounted;
	bool protected_hardlinks; /* the host's fs.protected_hardlinks (fuse_ops.c) */

	/* Which inodes the host kernel holds (nodes.c). */
	pthread_mutex_t nodes_lock;
	struct kfuse_node *nodes;
	uint32_t nodes_cap, nodes_used;

	/* Change events from the bridge's event thread, replayed into the host
	 * kernel by ours (fuse_session.c): a ring of ev_cap records. */
	pthread_mutex_t ev_lock;
	pthread_cond_t ev_cond;
	struct vfs_event *ev_ring;
	unsigned ev_head, ev_count;
	bool ev_overflow, ev_stop, ev_running;
	pthread_t ev_thread;
};

/* The table of operations (fuse_ops.c), with fuse_io.c's entries in it. */
extern const struct fuse_lowlevel_ops kfuse_ops;

/* The session of a request. */
static inline struct kfuse *kfuse_of(fuse_req_t req)
{
	return (struct kfuse *)fuse_req_userdata(req);
}

/*
 * Fill c for operation op on inode ino as the user behind req: uid, gid and
 * umask from fuse_req_ctx, and, when `groups` is set, the supplementary
 * groups (fuse_req_getgroups; at most KIP_AT_NGROUPS_MAX, the rest dropped;
 * none if they cannot be read).  Operations whose checks were done at open
 * (read, write, readdir) or that check nothing skip the groups, and so do
 * root's requests (root passes every check that groups decide): reading
 * them costs a read of /proc, and kip a copy.
 */
void kfuse_call_init(struct bridge_call *c, fuse_req_t req, enum bridge_op op, fuse_ino_t ino,
		     bool groups);

/* Perform c through the bridge.  Returns c->rep.status: 0, a count, or a
 * negative kip errno (-EIO when fused did not answer in time). */
int kfuse_call(struct kfuse *f, struct bridge_call *c);

/* The one place a kip error becomes a host errno (STYLE 6): reply to req
 * with the error `status` (negative, as kip returns it). */
void kfuse_reply_err(fuse_req_t req, int status);

/* A struct stat for the host from kip's attributes. */
void kfuse_stat(const struct kip_stat *ks, struct stat *st);

/* Reply to req with the entry ks (after LOOKUP, MKNOD, MKDIR, SYMLINK, LINK
 * gave kip one more reference to it).  If the host kernel does not take the
 * reply (the request was interrupted), that reference is given back. */
void kfuse_reply_entry(struct kfuse *f, fuse_req_t req, const struct kip_stat *ks);

/* Give n references to ino back to kip (FORGET), as no one's request.
 * The caller keeps the node table right (kfuse_node_add). */
void kfuse_forget(struct kfuse *f, uint32_t ino, uint64_t n);

/* nodes.c: which inodes the host kernel holds (lookups not forgotten). */
int kfuse_nodes_init(struct kfuse *f); /* 0 or -1 (no memory) */
void kfuse_nodes_fini(struct kfuse *f);
/* Count lookups of ino (entry replies; negative: FORGETs).  Done before
 * the reply that hands it over, undone if the kernel does not take it. */
void kfuse_node_add(struct kfuse *f, uint32_t ino, int64_t lookups);
/* The inodes held now, in a malloc'd array *out (NULL if none or no
 * memory); returns how many. */
size_t kfuse_nodes_held(struct kfuse *f, uint32_t **out);

/* fuse_io.c's operations, for the table. */
void kfuse_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void kfuse_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		  struct fuse_file_info *fi);
void kfuse_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void kfuse_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		 struct fuse_file_info *fi);
void kfuse_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void kfuse_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void kfuse_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void kfuse_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void kfuse_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi);
void kfuse_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

/* fuse_session.c's: the session starts (capabilities, sizes). */
void kfuse_init(void *userdata, struct fuse_conn_info *conn);

#endif
