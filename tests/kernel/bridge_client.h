/*
 * tests/kernel/bridge_client.h - a host-side client of the bridge device
 * for the tests (tests/kernel/test_bridge.c): one small function per
 * enum bridge_op, on kip_bridge_call (fuse-bridge/bridge.h), as the FUSE
 * half will use it.  Any host thread; never the CPU thread.
 *
 *     struct bc c = bc_new(b, &bc_root);
 *     if (bc_create(&c, 1, "f", 0644, KIP_O_RDWR) == 0)
 *             ino = c.st.st_ino;
 *
 * Each returns the reply's status (0, a count, or a negative errno) and
 * leaves the reply in c->rep; a successful reply that carries attributes
 * (of an entry or an inode) also sets c->st, which others leave alone.
 * Names are C strings, sent without their NUL.
 *
 * Code under tests/ is built with -fsanitize-coverage=trace-pc, whose
 * callback counts the basic blocks of the running kip process and traps
 * when its quantum is spent: code that runs on a host thread must not be
 * instrumented, or it would spend a kip process's budget and trap from the
 * wrong thread.  Mark every such function BC_HOST.
 */
#ifndef KIP_TESTS_KERNEL_BRIDGE_CLIENT_H
#define KIP_TESTS_KERNEL_BRIDGE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "fuse-bridge/bridge.h"

#define BC_HOST __attribute__((no_sanitize_coverage))

/* Host time a call may take before it is -EIO: generous, for memcheck. */
#define BC_TIMEOUT_MS (5 * 60 * 1000)

/* Who a request is made for. */
struct bc_user {
	uint32_t uid, gid, umask;
	uint32_t ngroups;
	uint32_t groups[4];
};
extern const struct bc_user bc_root; /* uid 0, gid 0, umask 022 */

struct bc {
	struct kip_bridge *b;
	struct bc_user who;
	int timeout_ms;
	struct bridge_slot_rep rep; /* the last reply */
	struct kip_stat st;	    /* its attributes */
};

BC_HOST struct bc bc_new(struct kip_bridge *b, const struct bc_user *who);

/* Any request: the credentials and the timeout are c's.  in: data after
 * the header; out: where the reply's data goes. */
BC_HOST int bc_call(struct bc *c, struct bridge_slot_req *req, const void *in, size_t in_len,
		    void *out, size_t out_cap);

BC_HOST int bc_lookup(struct bc *c, uint32_t dir, const char *name);
BC_HOST int bc_forget(struct bc *c, uint32_t ino, uint32_t n);
BC_HOST int bc_getattr(struct bc *c, uint32_t ino);
BC_HOST int bc_setattr(struct bc *c, uint32_t ino, const struct vfs_setattr *sa);
BC_HOST int bc_readlink(struct bc *c, uint32_t ino, char *buf, size_t cap);
BC_HOST int bc_mkdir(struct bc *c, uint32_t dir, const char *name, uint32_t mode);
BC_HOST int bc_unlink(struct bc *c, uint32_t dir, const char *name);
BC_HOST int bc_rmdir(struct bc *c, uint32_t dir, const char *name);
BC_HOST int bc_symlink(struct bc *c, uint32_t dir, const char *name, const char *target);
BC_HOST int bc_rename(struct bc *c, uint32_t dir, const char *name, uint32_t ndir,
		      const char *nname, int flags);
BC_HOST int bc_link(struct bc *c, uint32_t ino, uint32_t dir, const char *name);
BC_HOST int bc_open(struct bc *c, uint32_t ino, int flags);
BC_HOST int bc_create(struct bc *c, uint32_t dir, const char *name, uint32_t mode, int flags);
BC_HOST int bc_read(struct bc *c, uint32_t ino, uint64_t off, void *buf, uint32_t n);
BC_HOST int bc_write(struct bc *c, uint32_t ino, uint64_t off, const void *buf, uint32_t n);
BC_HOST int bc_release(struct bc *c, uint32_t ino);
BC_HOST int bc_fsync(struct bc *c, uint32_t ino);
/* Records (struct mfs_dent) from off into buf; the next offset in *next. */
BC_HOST int bc_readdir(struct bc *c, uint32_t dir, uint64_t off, void *buf, uint32_t cap,
		       uint64_t *next);
BC_HOST int bc_statfs(struct bc *c, struct kip_statfs *sfs);
BC_HOST int bc_access(struct bc *c, uint32_t ino, int mask);
BC_HOST int bc_shutdown(struct bc *c);

/* Does directory dir list `name`?  1 yes, 0 no, or a negative errno
 * (read a few records at a time, to go through the offsets). */
BC_HOST int bc_lists(struct bc *c, uint32_t dir, const char *name);

#endif
