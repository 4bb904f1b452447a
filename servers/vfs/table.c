/*
 * servers/vfs/table.c - VFS's dispatch table (VFS_*).
 */
#include "vfs.h"

#define VFS_CALL(type, fn) [type - VFS_OPEN] = {#type, fn}

static const struct server_call vfs_calls[] = {
	VFS_CALL(VFS_OPEN, vfs_do_open),	   VFS_CALL(VFS_CLOSE, vfs_do_close),
	VFS_CALL(VFS_READ, vfs_do_read),	   VFS_CALL(VFS_WRITE, vfs_do_write),
	VFS_CALL(VFS_LSEEK, vfs_do_lseek),	   VFS_CALL(VFS_DUP, vfs_do_dup),
	VFS_CALL(VFS_DUP2, vfs_do_dup2),	   VFS_CALL(VFS_STAT, vfs_do_stat),
	VFS_CALL(VFS_FSTAT, vfs_do_fstat),	   VFS_CALL(VFS_MKDIR, vfs_do_mkdir),
	VFS_CALL(VFS_UNLINK, vfs_do_unlink),	   VFS_CALL(VFS_RMDIR, vfs_do_rmdir),
	VFS_CALL(VFS_GETDENTS, vfs_do_getdents),   VFS_CALL(VFS_TRUNCATE, vfs_do_truncate),
	VFS_CALL(VFS_FTRUNCATE, vfs_do_ftruncate), VFS_CALL(VFS_CHDIR, vfs_do_chdir),
	VFS_CALL(VFS_SYNC, vfs_do_sync),	   VFS_CALL(VFS_FSYNC, vfs_do_fsync),
	VFS_CALL(VFS_PM_FORK, vfs_do_pm_fork),	   VFS_CALL(VFS_PM_EXIT, vfs_do_pm_exit),
	VFS_CALL(VFS_PM_EXEC, vfs_do_pm_exec),
};

const struct server_table vfs_table = {
	.base = VFS_OPEN,
	.count = sizeof(vfs_calls) / sizeof(vfs_calls[0]),
	.calls = vfs_calls,
};
