/*
 * cli/run.c - `kip run`: boot kip and run until the machine halts.
 *
 * The boot table holds, with --disk IMG, the file-system stack (the disk
 * driver, MFS and VFS: cli_boot_fs, cli/boot_fs.c), then one process, the
 * demo's init (programs/demo/init.c), which starts the rest; --init names
 * another registered program instead (the end-to-end tests use this).
 * Without --disk only init is started.
 *
 * Entry point: cli_run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void run_help(void)
{
	printf("usage: kip run [OPTIONS]\n\n"
	       "Boot kip and run its processes until the machine halts; the exit status is\n"
	       "the init process's.\n\n"
	       "options:\n"
	       "  --init PROGRAM    first process (default: init, the demo)\n"
	       "  --arg N           number passed to the init process's main\n"
	       "  --small           scaled-down demo (the memcheck smoke run)\n");
	cli_boot_options_help();
	printf("\nWith --disk IMG (a MINIX v3 image, e.g. from kip mkfs) the file-system stack\n"
	       "starts before init: the disk driver, MFS on it, then VFS, which mounts IMG as\n"
	       "the root (docs/vfs.md).\n");
}

int cli_run(int argc, char **argv)
{
	struct kip_config cfg;
	const char *init = "init";
	uint64_t arg = 0;
	kernel_default_config(&cfg);
	const char *env = getenv("KIP_TRACE");
	if (env && strstr(env, "ipc"))
		cfg.trace |= KIP_TRACE_IPC;
	for (int i = 1; i < argc;) {
		int used = cli_boot_option(&cfg, argc - i, argv + i);
		if (used < 0)
			return 2;
		if (used > 0) {
			i += used;
			continue;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			run_help();
			return 0;
		} else if (!strcmp(argv[i], "--small")) {
			arg = 1;
		} else if (!strcmp(argv[i], "--init") && i + 1 < argc) {
			init = argv[++i];
		} else if (!strcmp(argv[i], "--arg") && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &arg) < 0) {
				fprintf(stderr, "kip: bad value '%s' for --arg\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "kip run: unknown option '%s' (try kip run --help)\n",
				argv[i]);
			return 2;
		}
		i++;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int r = kernel_boot(&cfg);
	if (r < 0) {
		fprintf(stderr, "kip: boot failed: %s\n", strerror(-r));
		return 1;
	}
	if (cfg.disk_image && cli_boot_fs(NULL) < 0) {
		kernel_halt();
		return 1;
	}
	endpoint_t ep = kernel_spawn(init, NULL, -1, arg, SPAWN_INIT);
	if (ep < 0) {
		fprintf(stderr, "kip: no program '%s' to start\n", init);
		kernel_halt();
		return 2;
	}
	int status = kernel_run();
	kernel_halt();
	return status;
}
