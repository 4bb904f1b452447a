/*
 * servers/disk/table.c - the disk driver's dispatch table (BDEV_*).
 */
#include "disk_driver.h"

static const struct server_call disk_calls[] = {
	[BDEV_OPEN - BDEV_OPEN] = {"BDEV_OPEN", disk_do_open},
	[BDEV_READ - BDEV_OPEN] = {"BDEV_READ", disk_do_read},
	[BDEV_WRITE - BDEV_OPEN] = {"BDEV_WRITE", disk_do_write},
	[BDEV_FLUSH - BDEV_OPEN] = {"BDEV_FLUSH", disk_do_flush},
};

const struct server_table disk_table = {
	.base = BDEV_OPEN,
	.count = sizeof(disk_calls) / sizeof(disk_calls[0]),
	.calls = disk_calls,
};
