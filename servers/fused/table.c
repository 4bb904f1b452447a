/*
 * servers/fused/table.c - fused's dispatch table: one handler per
 * enum bridge_op (kip/bridge_regs.h), with its name.
 *
 * Entry point: fused_op_lookup.
 */
#include "fused.h"

static const struct fused_op fused_ops[BRIDGE_NR_OPS] = {
	[BRIDGE_LOOKUP] = {"BRIDGE_LOOKUP", fused_do_lookup},
	[BRIDGE_FORGET] = {"BRIDGE_FORGET", fused_do_forget},
	[BRIDGE_GETATTR] = {"BRIDGE_GETATTR", fused_do_getattr},
	[BRIDGE_SETATTR] = {"BRIDGE_SETATTR", fused_do_setattr},
	[BRIDGE_READLINK] = {"BRIDGE_READLINK", fused_do_readlink},
	[BRIDGE_MKNOD] = {"BRIDGE_MKNOD", fused_do_mknod},
	[BRIDGE_MKDIR] = {"BRIDGE_MKDIR", fused_do_mkdir},
	[BRIDGE_UNLINK] = {"BRIDGE_UNLINK", fused_do_unlink},
	[BRIDGE_RMDIR] = {"BRIDGE_RMDIR", fused_do_rmdir},
	[BRIDGE_SYMLINK] = {"BRIDGE_SYMLINK", fused_do_symlink},
	[BRIDGE_RENAME] = {"BRIDGE_RENAME", fused_do_rename},
	[BRIDGE_LINK] = {"BRIDGE_LINK", fused_do_link},
	[BRIDGE_OPEN] = {"BRIDGE_OPEN", fused_do_open},
	[BRIDGE_CREATE] = {"BRIDGE_CREATE", fused_do_create},
	[BRIDGE_READ] = {"BRIDGE_READ", fused_do_read},
	[BRIDGE_WRITE] = {"BRIDGE_WRITE", fused_do_write},
	[BRIDGE_RELEASE] = {"BRIDGE_RELEASE", fused_do_release},
	[BRIDGE_FSYNC] = {"BRIDGE_FSYNC", fused_do_fsync},
	[BRIDGE_READDIR] = {"BRIDGE_READDIR", fused_do_readdir},
	[BRIDGE_STATFS] = {"BRIDGE_STATFS", fused_do_statfs},
	[BRIDGE_ACCESS] = {"BRIDGE_ACCESS", fused_do_access},
	[BRIDGE_SHUTDOWN] = {"BRIDGE_SHUTDOWN", fused_do_shutdown},
};

const struct fused_op *fused_op_lookup(uint32_t op)
{
	if (op >= BRIDGE_NR_OPS || !fused_ops[op].fn)
		return NULL;
	return &fused_ops[op];
}
