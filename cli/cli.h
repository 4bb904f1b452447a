/*
 * cli/cli.h - the `kip` command: subcommands and the helpers they share.
 */
#ifndef KIP_CLI_H
#define KIP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/boot.h"

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cli_run(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_bench_fs(int argc, char **argv);
int cli_mkfs(int argc, char **argv);
int cli_fsck(int argc, char **argv);
int cli_mount(int argc, char **argv);
int cli_umount(int argc, char **argv);
int cli_bench_fuse(int argc, char **argv);

/* Parse an option shared by the commands that boot kip (--seed, --epoch,
 * --switch, --mem, --trace-ipc, --watchdog-ms, --quantum-us, --disk; the
 * --disk path points into argv, which must outlive the boot).  Returns the
 * number of argv entries consumed (0 if argv[0] is not such an option), or
 * -1 after printing an error. */
int cli_boot_option(struct kip_config *cfg, int argc, char **argv);
void cli_boot_options_help(void);

/* After kernel_boot with cfg.disk_image set: start the disk driver, then
 * `mfs` (argument: the driver's endpoint), then `vfs` (argument: MFS's
 * endpoint), and store VFS's endpoint in *vfs (if not NULL).  MFS mounts
 * the image when VFS asks, once the kernel runs.  Returns 0, or a negative
 * error after printing which one failed; the caller halts the kernel. */
int cli_boot_fs(endpoint_t *vfs);

/* Parse a size like 64M, 4096, 1G.  Returns 0 or -1. */
int cli_parse_size(const char *s, uint64_t *out);
int cli_parse_u64(const char *s, uint64_t *out);

#endif
