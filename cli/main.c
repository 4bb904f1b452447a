/*
 * cli/main.c - `kip`: the command-line entry point.
 *
 *   kip run [options]        boot kip and run the demo (or --init PROGRAM)
 *   kip bench ipc [--json]   IPC round-trip benchmark
 *   kip bench fs [--json]    file-system benchmark (cli/bench_fs.c)
 *   kip mkfs IMG [options]   make a MINIX v3 image (cli/mkfs.c)
 *   kip fsck IMG [--verbose] check a MINIX v3 image (cli/fsck.c)
 *   kip mount IMG DIR        serve the image on DIR through FUSE (cli/mount.c)
 *   kip umount DIR           unmount it and wait for kip to finish (cli/umount.c)
 *   kip bench fuse [--json]  a kip mount against tmpfs (cli/bench_fuse.c)
 *   kip help | --help        this text
 *
 * Exit status: the simulated machine's status for `run`; 2 for usage errors
 * (16 for `kip fsck`, whose statuses follow fsck(8)).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* `kip bench fuse` is cli/bench_fuse.c's; the others are cli_bench's. */
static int bench(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "fuse"))
		return cli_bench_fuse(argc, argv);
	return cli_bench(argc, argv);
}

static const struct cli_command commands[] = {
	{"run", "boot kip and run its processes until the machine halts", cli_run},
	{"bench", "benchmarks: kip bench ipc|fs|fuse [--json]", bench},
	{"mkfs", "make a MINIX v3 image: kip mkfs IMG [--size 64M] [--from DIR]", cli_mkfs},
	{"fsck", "check a MINIX v3 image without changing it: kip fsck IMG", cli_fsck},
	{"mount", "serve an image's file system on a host folder: kip mount IMG DIR", cli_mount},
	{"umount", "unmount it and wait until kip has synced and exited: kip umount DIR",
	 cli_umount},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: kip COMMAND [OPTIONS]\n\n"
		     "kip - a MINIX-3-style microkernel running inside one Linux process.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`kip COMMAND --help` describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kip: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
