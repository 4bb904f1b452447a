/*
 * servers/vfs/main.c - the virtual file system: start-up and the loop.
 *
 * Entry point: vfs_main (the registered program "vfs").
 *
 * Started with the root file server's endpoint as its argument (low 32
 * bits) and, in the high 32 bits, MM's endpoint + 1 (0: no MM yet, and every
 * VFS_PM_* is refused with EPERM):
 *     kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs, 0);
 * It mounts the root with MFS_MOUNT, then serves VFS_* (table.c) until the
 * machine halts.  If the mount fails VFS stays up and answers every call
 * with the mount's error.  A request is served to the end before the next
 * is received: VFS waits for MFS (SENDREC) in the middle of a request.
 */
#include "kip/program.h"
#include "kip/format.h"
#include "kip/syslib.h"
#include "vfs.h"

/* Mount the root: MFS_MOUNT.  Sets v->root or v->mount_status. */
static void vfs_mount_root(struct vfs *v)
{
	message m;
	kip_msg_init(&m, MFS_MOUNT);
	int r = vfs_mfs_call(v, &m);
	v->mount_status = r < 0 ? r : 0;
	if (r == 0)
		v->root = m.m_mfs_mount.root_ino;
	else
		kip_printf("vfs: cannot mount the root: %d\n", r);
}

static int vfs_main(uint64_t arg)
{
	struct vfs *v = server_state_alloc(sizeof(*v));
	if (!v)
		return 1;
	v->mfs = (endpoint_t)(uint32_t)arg;
	v->pm = (arg >> 32) ? (endpoint_t)((arg >> 32) - 1) : KIP_NONE;
	v->grants = kip_grant_init(8);
	if (!v->grants)
		return 1;
	for (int i = 0; i < VFS_NR_FILPS; i++)
		v->filps[i].refs = 0;
	for (int i = 0; i < KIP_NR_PROCS; i++)
		v->procs[i].endpoint = KIP_NONE;
	server_init(&v->srv, "vfs", v, &vfs_table, NULL);
	vfs_mount_root(v);
	return server_run(&v->srv) < 0 ? 1 : 0;
}

KIP_PROGRAM(vfs, vfs_main, 3, KIP_PROG_SYSTEM);
