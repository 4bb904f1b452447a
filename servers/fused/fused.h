/*
 * servers/fused/fused.h - fused: the in-kip half of the FUSE bridge
 * (ARCHITECTURE 4, 6; docs/fuse.md).  The one process that owns the
 * bridge device (kip/bridge_regs.h): it takes the host's requests from the
 * device's slots and performs them through VFS's privileged interface
 * (VFS_AT_*), as the host user each request names, and it passes VFS's
 * change events back out to the host.
 *
 * Files: main.c (start-up, the loop, interrupts and VFS's notifications),
 * slot.c (one slot: copy the request in, validate, dispatch, copy the
 * reply out, DONE), table.c (the dispatch table, by enum bridge_op),
 * at.c (a VFS_AT_* call with the requester's credentials and a grant),
 * names.c (LOOKUP, MKNOD, MKDIR, UNLINK, RMDIR, SYMLINK, RENAME, LINK,
 * CREATE), node.c (FORGET, GETATTR, SETATTR, OPEN, RELEASE, FSYNC,
 * ACCESS, STATFS, SHUTDOWN), data.c (READ, WRITE, READDIR, READLINK),
 * event.c (SUBSCRIBE, and VFS's events to the device).
 *
 * Requests are served one at a time, in slot order, each with one VFS_AT_*
 * call (so a 128 KiB READ or WRITE is one request and one reply between
 * fused and VFS, with MFS copying straight between its cache and fused's
 * buffer).  Data moves only by DMA between the device and fused's buffer,
 * and through grants on that buffer - never in messages.  Reply statuses
 * are VFS's, unchanged.
 */
#ifndef KIP_SERVERS_FUSED_H
#define KIP_SERVERS_FUSED_H

#include <stdbool.h>
#include <stdint.h>

#include "kip/bridge_regs.h"
#include "kip/grant.h"
#include "kip/server.h"

/* The driver's whole state (one struct, from server_state_alloc). */
struct fused {
	struct server srv;
	int dev, irq;
	endpoint_t vfs;
	struct kip_grants *grants;
	int ready; /* what READY said: 0, or the error it cannot serve with */

	/* The request being served (slot.c). */
	struct bridge_slot_req req;
	struct bridge_slot_rep rep;

	uint64_t requests, errors, event_batches; /* statistics (gdb: kip msg) */

	struct vfs_event events[BRIDGE_EVENTS_MAX]; /* AT_EVENTS lands here */
	/* A request's data (names, target, bytes to write) and a reply's
	 * (bytes read, a target, directory records): never both at once. */
	uint8_t data[BRIDGE_DATA_MAX] __attribute__((aligned(4096)));
};

/* A handler: perform req (its data in f->data), fill what the reply
 * carries besides the status (rep->st, data_len, offset, sfs; the data in
 * f->data).  Returns the status: 0, a count, or a negative errno. */
typedef int (*fused_handler)(struct fused *f, const struct bridge_slot_req *req,
			     struct bridge_slot_rep *rep);

struct fused_op {
	const char *name; /* for traces and gdb */
	fused_handler fn;
};

/* table.c: the handler of op, or NULL (unknown op). */
const struct fused_op *fused_op_lookup(uint32_t op);

/* slot.c: serve every slot PENDING names. */
void fused_serve_pending(struct fused *f);

/* at.c */
/* Root, umask 022, no groups: who fused is when it acts for itself. */
extern const struct bridge_slot_req fused_root;
/* Send m (type and its own fields set) to VFS for the user `who` names,
 * with a grant on len bytes at buf (buf NULL: none) of `access`
 * (KIP_GRANT_READ or WRITE).  The reply replaces m.  Returns its status,
 * or the IPC or grant error. */
int fused_at(struct fused *f, const struct bridge_slot_req *who, message *m, const void *buf,
	     size_t len, int access);

/* names.c */
int fused_do_lookup(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);
int fused_do_mknod(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_mkdir(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_unlink(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);
int fused_do_rmdir(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_symlink(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep);
int fused_do_rename(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);
int fused_do_link(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_create(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);

/* node.c */
int fused_do_forget(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);
int fused_do_getattr(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep);
int fused_do_setattr(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep);
int fused_do_open(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_release(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep);
int fused_do_fsync(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_access(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);
int fused_do_statfs(struct fused *f, const struct bridge_slot_req *req,
		    struct bridge_slot_rep *rep);
int fused_do_shutdown(struct fused *f, const struct bridge_slot_req *req,
		      struct bridge_slot_rep *rep);

/* data.c */
int fused_do_read(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_write(struct fused *f, const struct bridge_slot_req *req, struct bridge_slot_rep *rep);
int fused_do_readdir(struct fused *f, const struct bridge_slot_req *req,
		     struct bridge_slot_rep *rep);
int fused_do_readlink(struct fused *f, const struct bridge_slot_req *req,
		      struct bridge_slot_rep *rep);

/* event.c */
/* Subscribe to VFS's change events.  0 or VFS's error. */
int fused_subscribe(struct fused *f);
/* VFS notified: fetch its events until none is left, and post each batch
 * to the device. */
void fused_forward_events(struct fused *f);

#endif
