/*
 * cli/boot_fs.c - start the file-system stack on a booted kernel: the disk
 * driver, MFS on it, VFS on MFS (docs/vfs.md, "Starting it").
 *
 * Entry point: cli_boot_fs, used by `kip run --disk IMG` (cli/run.c) and
 * `kip bench fs` (cli/bench_fs.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_boot_fs(endpoint_t *vfs)
{
	endpoint_t disk = kernel_spawn_driver("disk", "disk");
	if (disk < 0) {
		fprintf(stderr, "kip: cannot start the disk driver: %s\n", strerror(-disk));
		return disk;
	}
	endpoint_t mfs = kernel_spawn("mfs", NULL, -1, (uint64_t)(uint32_t)disk, 0);
	if (mfs < 0) {
		fprintf(stderr, "kip: cannot start mfs: %s\n", strerror(-mfs));
		return mfs;
	}
	endpoint_t v = kernel_spawn("vfs", NULL, -1, (uint64_t)(uint32_t)mfs, 0);
	if (v < 0) {
		fprintf(stderr, "kip: cannot start vfs: %s\n", strerror(-v));
		return v;
	}
	if (vfs)
		*vfs = v;
	return 0;
}
