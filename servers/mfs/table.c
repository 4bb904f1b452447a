/*
 * servers/mfs/table.c - MFS's dispatch table (MFS_*).
 */
#include "mfs.h"

static const struct server_call mfs_calls[] = {
	[MFS_MOUNT - MFS_MOUNT] = {"MFS_MOUNT", mfs_do_mount},
	[MFS_LOOKUP - MFS_MOUNT] = {"MFS_LOOKUP", mfs_do_lookup},
	[MFS_STAT - MFS_MOUNT] = {"MFS_STAT", mfs_do_stat},
	[MFS_READ - MFS_MOUNT] = {"MFS_READ", mfs_do_read},
	[MFS_WRITE - MFS_MOUNT] = {"MFS_WRITE", mfs_do_write},
	[MFS_GETDENTS - MFS_MOUNT] = {"MFS_GETDENTS", mfs_do_getdents},
	[MFS_CREATE - MFS_MOUNT] = {"MFS_CREATE", mfs_do_create},
	[MFS_MKDIR - MFS_MOUNT] = {"MFS_MKDIR", mfs_do_mkdir},
	[MFS_SYNC - MFS_MOUNT] = {"MFS_SYNC", mfs_do_sync},
	[MFS_UNLINK - MFS_MOUNT] = {"MFS_UNLINK", mfs_do_unlink},
	[MFS_RMDIR - MFS_MOUNT] = {"MFS_RMDIR", mfs_do_rmdir},
	[MFS_TRUNCATE - MFS_MOUNT] = {"MFS_TRUNCATE", mfs_do_truncate},
	[MFS_LINK - MFS_MOUNT] = {"MFS_LINK", mfs_do_link},
	[MFS_RENAME - MFS_MOUNT] = {"MFS_RENAME", mfs_do_rename},
	[MFS_SYMLINK - MFS_MOUNT] = {"MFS_SYMLINK", mfs_do_symlink},
	[MFS_READLINK - MFS_MOUNT] = {"MFS_READLINK", mfs_do_readlink},
	[MFS_SETATTR - MFS_MOUNT] = {"MFS_SETATTR", mfs_do_setattr},
	[MFS_STATFS - MFS_MOUNT] = {"MFS_STATFS", mfs_do_statfs},
	[MFS_GETNODE - MFS_MOUNT] = {"MFS_GETNODE", mfs_do_getnode},
	[MFS_PUTNODE - MFS_MOUNT] = {"MFS_PUTNODE", mfs_do_putnode},
};

const struct server_table mfs_table = {
	.base = MFS_MOUNT,
	.count = sizeof(mfs_calls) / sizeof(mfs_calls[0]),
	.calls = mfs_calls,
};
