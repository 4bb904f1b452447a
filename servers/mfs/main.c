/*
 * servers/mfs/main.c - the MINIX file server: start-up and the loop.
 *
 * Entry point: mfs_main (the registered program "mfs").
 *
 * Started with the block driver's endpoint as its argument, e.g.
 *     kernel_spawn("mfs", NULL, -1, (uint64_t)driver, 0);
 * It serves MFS_* requests (table.c) until the machine halts.  Until an
 * MFS_MOUNT succeeds every other request gets -ENODEV (each handler starts
 * by reading an inode, which says so; MFS_SYNC checks itself).  A request is
 * served to the end before the next is received: MFS waits for the disk
 * (SENDREC to the driver) in the middle of a request.
 */
#include "kip/program.h"
#include "mfs.h"

static int mfs_main(uint64_t arg)
{
	struct mfs *fs = server_state_alloc(sizeof(*fs));
	if (!fs)
		return 1;
	fs->driver = (endpoint_t)arg;
	fs->grants = kip_grant_init(8);
	if (!fs->grants)
		return 1;
	mfs_cache_init(fs);
	server_init(&fs->srv, "mfs", fs, &mfs_table, NULL);
	return server_run(&fs->srv) < 0 ? 1 : 0;
}

KIP_PROGRAM(mfs, mfs_main, 3, KIP_PROG_SYSTEM);
