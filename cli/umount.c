/*
 * cli/umount.c - `kip umount DIR`: unmount a `kip mount` and wait until its
 * kip has synced the image, shut down and exited (docs/fuse.md, "kip
 * mount").
 *
 * Unmounting alone is not enough: `fusermount3 -u` returns as soon as the
 * kernel has let go of DIR, long before the daemon has written its cache
 * back (REFERENCE.md), and a test or a user checking the image then would
 * see it half written.  So: find the daemon's pidfile (fuse-bridge/mounts.h),
 * unmount (umount2 as root, else fusermount3 -u), then wait until the
 * daemon releases the pidfile's lock, which it does as the very last thing
 * it does, after writing its exit status there.
 *
 * Exit status: 0 unmounted and kip shut down cleanly; 1 otherwise (not a
 * kip mount, busy, kip did not finish in time or reported a failure);
 * 2 usage.
 *
 * Entry point: cli_umount.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuse-bridge/mounts.h"

#define UMOUNT_DEFAULT_TIMEOUT_S 120

static void umount_help(void)
{
	printf("usage: kip umount DIR [--timeout SECONDS]\n\n"
	       "Unmount the kip file system on DIR (from kip mount) and wait until its kip has\n"
	       "written every cached block back to the image, shut down and exited - unlike\n"
	       "fusermount3 -u, which returns before that.  --timeout bounds the wait\n"
	       "(default %d s).\n\n"
	       "Exit status: 0 done, 1 failed (not a kip mount, busy, kip did not finish in\n"
	       "time or reported an error), 2 usage.\n",
	       UMOUNT_DEFAULT_TIMEOUT_S);
}

/* Unmount dir: umount2 as root, else fusermount3 -u.  0 or -errno (after
 * printing why, for fusermount3). */
static int umount_dir(const char *dir)
{
	if (geteuid() == 0)
		return umount2(dir, UMOUNT_NOFOLLOW) == 0 ? 0 : -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", "-u", "--", dir, (char *)NULL);
		perror("kip umount: fusermount3");
		_exit(127);
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0 ? 0 : -EIO;
}

int cli_umount(int argc, char **argv)
{
	const char *dir = NULL;
	uint64_t timeout_s = UMOUNT_DEFAULT_TIMEOUT_S;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			umount_help();
			return 0;
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &timeout_s) < 0 || timeout_s == 0 ||
			    timeout_s > 86400) {
				fprintf(stderr, "kip umount: bad value '%s' for --timeout\n",
					argv[i]);
				return 2;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "kip umount: unknown option '%s' (try kip umount --help)\n",
				argv[i]);
			return 2;
		} else if (!dir) {
			dir = argv[i];
		} else {
			fprintf(stderr, "kip umount: one folder at a time\n");
			return 2;
		}
	}
	if (!dir) {
		fprintf(stderr, "usage: kip umount DIR [--timeout SECONDS]\n");
		return 2;
	}

	char pidfile[KMOUNTS_PATH_MAX], logfile[KMOUNTS_PATH_MAX];
	if (kmounts_paths(dir, 0, pidfile, logfile) < 0)
		return 1;
	pid_t pid = 0;
	int fd = kmounts_open(pidfile, &pid);
	if (fd < 0) {
		fprintf(stderr, "kip umount: %s is not mounted by kip (no %s)\n", dir, pidfile);
		return 1;
	}
	int r = umount_dir(dir);
	if (r == -EBUSY) {
		fprintf(stderr, "kip umount: %s is busy (a process uses it)\n", dir);
		close(fd);
		return 1;
	}
	if (r < 0 && r != -EINVAL && r != -ENOENT) {
		/* EINVAL: not mounted (any more) - the daemon may be on its way
		 * out already, so wait for it all the same. */
		fprintf(stderr, "kip umount: cannot unmount %s: %s\n", dir, strerror(-r));
		close(fd);
		return 1;
	}
	int status;
	r = kmounts_wait(fd, (int)(timeout_s * 1000), &status);
	close(fd);
	if (r == -ETIMEDOUT) {
		fprintf(stderr,
			"kip umount: kip (pid %ld) has not finished after %llu s (its log: %s)\n",
			(long)pid, (unsigned long long)timeout_s, logfile);
		return 1;
	}
	if (status != 0) {
		if (status < 0)
			fprintf(stderr,
				"kip umount: kip (pid %ld) exited without a status: check the "
				"image with kip fsck (its log: %s)\n",
				(long)pid, logfile);
		else
			fprintf(stderr,
				"kip umount: kip (pid %ld) shut down with status %d (its log: "
				"%s)\n",
				(long)pid, status, logfile);
		return 1;
	}
	return 0;
}
