/*
 * tests/kernel/bridge_client.c - a host-side client of the bridge device
 * for the tests (see bridge_client.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "tests/kernel/bridge_client.h"

const struct bc_user bc_root = {.uid = 0, .gid = 0, .umask = 022};

BC_HOST struct bc bc_new(struct kip_bridge *b, const struct bc_user *who)
{
	struct bc c;
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.who = *who;
	c.timeout_ms = BC_TIMEOUT_MS;
	return c;
}

/* Does a reply to op carry attributes? */
BC_HOST static bool bc_gives_attrs(uint32_t op)
{
	switch (op) {
	case BRIDGE_LOOKUP:
	case BRIDGE_GETATTR:
	case BRIDGE_SETATTR:
	case BRIDGE_MKNOD:
	case BRIDGE_MKDIR:
	case BRIDGE_SYMLINK:
	case BRIDGE_LINK:
	case BRIDGE_OPEN:
	case BRIDGE_CREATE:
		return true;
	default:
		return false;
	}
}

BC_HOST int bc_call(struct bc *c, struct bridge_slot_req *req, const void *in, size_t in_len,
		    void *out, size_t out_cap)
{
	struct bridge_call call;
	memset(&call, 0, sizeof(call));
	req->uid = c->who.uid;
	req->gid = c->who.gid;
	req->umask = c->who.umask;
	req->ngroups = c->who.ngroups;
	memcpy(req->groups, c->who.groups, sizeof(c->who.groups));
	call.req = *req;
	call.in = in;
	call.in_len = in_len;
	call.out = out;
	call.out_cap = out_cap;
	int r = kip_bridge_call(c->b, &call, c->timeout_ms);
	c->rep = call.rep;
	if (r >= 0 && bc_gives_attrs(req->op))
		c->st = call.rep.st;
	return r;
}

/* A request of `op` about name (and name2 right after it) in dir. */
BC_HOST static int bc_named(struct bc *c, struct bridge_slot_req *req, uint32_t op, uint32_t dir,
			    const char *name, const char *name2)
{
	char names[2 * 128];
	size_t l1 = strlen(name), l2 = name2 ? strlen(name2) : 0;
	if (l1 + l2 > sizeof(names))
		return -ENAMETOOLONG;
	memcpy(names, name, l1);
	if (l2)
		memcpy(names + l1, name2, l2);
	req->op = op;
	req->ino = dir;
	req->len = (uint32_t)l1;
	req->len2 = (uint32_t)l2;
	return bc_call(c, req, names, l1 + l2, NULL, 0);
}

/* A request of `op` about ino alone. */
BC_HOST static int bc_node(struct bc *c, uint32_t op, uint32_t ino, int flags, uint32_t count)
{
	struct bridge_slot_req req = {.op = op, .ino = ino, .flags = flags, .count = count};
	return bc_call(c, &req, NULL, 0, NULL, 0);
}

BC_HOST int bc_lookup(struct bc *c, uint32_t dir, const char *name)
{
	struct bridge_slot_req req = {0};
	return bc_named(c, &req, BRIDGE_LOOKUP, dir, name, NULL);
}

BC_HOST int bc_forget(struct bc *c, uint32_t ino, uint32_t n)
{
	return bc_node(c, BRIDGE_FORGET, ino, 0, n);
}

BC_HOST int bc_getattr(struct bc *c, uint32_t ino)
{
	return bc_node(c, BRIDGE_GETATTR, ino, 0, 0);
}

BC_HOST int bc_setattr(struct bc *c, uint32_t ino, const struct vfs_setattr *sa)
{
	struct bridge_slot_req req = {.op = BRIDGE_SETATTR, .ino = ino, .attr = *sa};
	return bc_call(c, &req, NULL, 0, NULL, 0);
}

BC_HOST int bc_readlink(struct bc *c, uint32_t ino, char *buf, size_t cap)
{
	struct bridge_slot_req req = {.op = BRIDGE_READLINK, .ino = ino, .count = (uint32_t)cap};
	return bc_call(c, &req, NULL, 0, buf, cap);
}

BC_HOST int bc_mkdir(struct bc *c, uint32_t dir, const char *name, uint32_t mode)
{
	struct bridge_slot_req req = {.mode = mode};
	return bc_named(c, &req, BRIDGE_MKDIR, dir, name, NULL);
}

BC_HOST int bc_unlink(struct bc *c, uint32_t dir, const char *name)
{
	struct bridge_slot_req req = {0};
	return bc_named(c, &req, BRIDGE_UNLINK, dir, name, NULL);
}

BC_HOST int bc_rmdir(struct bc *c, uint32_t dir, const char *name)
{
	struct bridge_slot_req req = {0};
	return bc_named(c, &req, BRIDGE_RMDIR, dir, name, NULL);
}

BC_HOST int bc_symlink(struct bc *c, uint32_t dir, const char *name, const char *target)
{
	struct bridge_slot_req req = {0};
	return bc_named(c, &req, BRIDGE_SYMLINK, dir, name, target);
}

BC_HOST int bc_rename(struct bc *c, uint32_t dir, const char *name, uint32_t ndir,
		      const char *nname, int flags)
{
	struct bridge_slot_req req = {.ino2 = ndir, .flags = flags};
	return bc_named(c, &req, BRIDGE_RENAME, dir, name, nname);
}

BC_HOST int bc_link(struct bc *c, uint32_t ino, uint32_t dir, const char *name)
{
	struct bridge_slot_req req = {.ino2 = ino};
	return bc_named(c, &req, BRIDGE_LINK, dir, name, NULL);
}

BC_HOST int bc_open(struct bc *c, uint32_t ino, int flags)
{
	return bc_node(c, BRIDGE_OPEN, ino, flags, 0);
}

BC_HOST int bc_create(struct bc *c, uint32_t dir, const char *name, uint32_t mode, int flags)
{
	struct bridge_slot_req req = {.mode = mode, .flags = flags};
	return bc_named(c, &req, BRIDGE_CREATE, dir, name, NULL);
}

BC_HOST int bc_read(struct bc *c, uint32_t ino, uint64_t off, void *buf, uint32_t n)
{
	struct bridge_slot_req req = {.op = BRIDGE_READ, .ino = ino, .offset = off, .count = n};
	return bc_call(c, &req, NULL, 0, buf, n);
}

BC_HOST int bc_write(struct bc *c, uint32_t ino, uint64_t off, const void *buf, uint32_t n)
{
	struct bridge_slot_req req = {.op = BRIDGE_WRITE, .ino = ino, .offset = off, .count = n};
	return bc_call(c, &req, buf, n, NULL, 0);
}

BC_HOST int bc_release(struct bc *c, uint32_t ino)
{
	return bc_node(c, BRIDGE_RELEASE, ino, 0, 0);
}

BC_HOST int bc_fsync(struct bc *c, uint32_t ino)
{
	return bc_node(c, BRIDGE_FSYNC, ino, 0, 0);
}

BC_HOST int bc_readdir(struct bc *c, uint32_t dir, uint64_t off, void *buf, uint32_t cap,
		       uint64_t *next)
{
	struct bridge_slot_req req = {
		.op = BRIDGE_READDIR, .ino = dir, .offset = off, .count = cap};
	int r = bc_call(c, &req, NULL, 0, buf, cap);
	*next = c->rep.offset;
	return r;
}

BC_HOST int bc_statfs(struct bc *c, struct kip_statfs *sfs)
{
	struct bridge_slot_req req = {.op = BRIDGE_STATFS};
	int r = bc_call(c, &req, NULL, 0, NULL, 0);
	*sfs = c->rep.sfs;
	return r;
}

BC_HOST int bc_access(struct bc *c, uint32_t ino, int mask)
{
	return bc_node(c, BRIDGE_ACCESS, ino, mask, 0);
}

BC_HOST int bc_shutdown(struct bc *c)
{
	return bc_node(c, BRIDGE_SHUTDOWN, 0, 0, 0);
}

BC_HOST int bc_lists(struct bc *c, uint32_t dir, const char *name)
{
	struct mfs_dent d[3];
	uint64_t off = 0, next;
	for (;;) {
		int r = bc_readdir(c, dir, off, d, sizeof(d), &next);
		if (r <= 0)
			return r;
		for (int i = 0; i < r / MFS_DENT_SIZE; i++)
			if (!strcmp(d[i].name, name))
				return 1;
		if (next <= off)
			return -EIO; /* no progress */
		off = next;
	}
}
