/*
 * servers/mfs/sync.c - MFS_SYNC: make everything written so far durable.
 *
 * Entry point: mfs_do_sync.
 *
 * Every dirty cache buffer is written to the driver, then BDEV_FLUSH asks
 * the device to make those writes durable (docs/disk.md: a write is durable
 * only after a flush).  Nothing is durable before a SYNC.
 */
#include "mfs.h"

int mfs_do_sync(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	(void)in;
	(void)out;
	if (!fs->mounted)
		return -ENODEV;
	int r = mfs_cache_flush(fs);
	if (r < 0)
		return r;
	return mfs_bdev_flush(fs);
}
