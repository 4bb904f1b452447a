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
 * with the mount's error.
 *
 * Requests run on VFS_NR_WORKERS workers (server_run_workers,
 * servers/lib/worker.c): a request that waits for MFS is answered later,
 * and VFS receives and serves others meanwhile.  Requests that reach MFS
 * are served one at a time, from their first MFS call to their reply, so
 * each sees the file system change only by its own hand; the others (an
 * lseek, a dup, a umask, a close that is not the last) go at once.  Each
 * worker has its own scratch (struct vfs_req: the paths, the names, the
 * identity), which v->req points at while it runs.  MFS answers VFS with
 * a blocking send (it set that up when VFS mounted it).
 *
 * The state (vfs.h) is one struct; its vnode table makes it about 1 MiB.
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
	if (r == 0) {
		v->root = m.m_mfs_mount.root_ino;
		v->block_size = m.m_mfs_mount.block_size;
	} else
		kip_printf("vfs: cannot mount the root: %d\n", r);
}

/* A worker (re)starts: its own scratch. */
static void vfs_on_resume(void *state, unsigned index)
{
	struct vfs *v = state;
	v->req = &v->reqs[index];
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
	v->req = &v->reqs[0];
	server_init(&v->srv, "vfs", v, &vfs_table, NULL);
	vfs_mount_root(v);
	return server_run_workers(&v->srv, VFS_NR_WORKERS, v->mfs, vfs_on_resume) < 0 ? 1 : 0;
}

KIP_PROGRAM(vfs, vfs_main, 3, KIP_PROG_SYSTEM);
