/*
 * cli/run.c - `kip run`: boot kip and run until the machine halts.
 *
 * Until the real servers exist, the boot table holds the disk driver (with
 * --disk IMG: servers/disk, given the disk device) and one process, the
 * demo's init (programs/demo/init.c), which starts the rest; --init names
 * another registered program instead (the end-to-end tests use this).
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
	if (cfg.disk_image) {
		endpoint_t disk = kernel_spawn_driver("disk", "disk");
		if (disk < 0) {
			fprintf(stderr, "kip: cannot start the disk driver: %s\n", strerror(-disk));
			kernel_halt();
			return 1;
		}
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
