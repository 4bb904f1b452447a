/*
 * fuse-bridge/mounts.c - the registry of running `kip mount` daemons:
 * pidfiles with a lock held for the daemon's life (fuse-bridge/mounts.h).
 *
 * Entry points: kmounts_paths, kmounts_claim, kmounts_record,
 * kmounts_finish, kmounts_open, kmounts_wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuse-bridge/mounts.h"

/* The registry's folder into out (KMOUNTS_PATH_MAX).  0 or -errno. */
static int run_dir(char *out, int make_dir)
{
	const char *env = getenv("KIP_RUN_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	bool check_owner = false;
	if (env && env[0])
		snprintf(out, KMOUNTS_PATH_MAX, "%s", env);
	else if (geteuid() == 0)
		snprintf(out, KMOUNTS_PATH_MAX, "/run/kip");
	else if (xdg && xdg[0])
		snprintf(out, KMOUNTS_PATH_MAX, "%s/kip", xdg);
	else {
		snprintf(out, KMOUNTS_PATH_MAX, "/tmp/kip-%u", (unsigned)geteuid());
		check_owner = true; /* /tmp is everyone's: it must be ours */
	}
	if (make_dir && mkdir(out, 0700) != 0 && errno != EEXIST) {
		int err = errno;
		fprintf(stderr, "kip: cannot make %s: %s\n", out, strerror(err));
		return -err;
	}
	struct stat st;
	if (lstat(out, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || (check_owner && st.st_uid != geteuid())) {
		fprintf(stderr, "kip: %s is not a folder of this user's\n", out);
		return -EPERM;
	}
	return 0;
}

/* The mount point's real path, resolving only its parent: the mount point
 * itself may be a dead FUSE mount whose stat fails or hangs. */
static int mount_point_path(const char *dir, char *out)
{
	char copy[KMOUNTS_PATH_MAX], parent_real[PATH_MAX];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof(copy))
		return -ENAMETOOLONG;
	memcpy(copy, dir, n + 1);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	char base_copy[KMOUNTS_PATH_MAX], dir_copy[KMOUNTS_PATH_MAX];
	strcpy(base_copy, copy);
	strcpy(dir_copy, copy);
	const char *base = basename(base_copy);
	const char *parent = dirname(dir_copy);
	if (!strcmp(base, "/") || !strcmp(base, ".") || !strcmp(base, "..")) {
		if (!realpath(copy, parent_real))
			return -errno;
		snprintf(out, KMOUNTS_PATH_MAX, "%s", parent_real);
		return 0;
	}
	if (!realpath(parent, parent_real))
		return -errno;
	int w = snprintf(out, KMOUNTS_PATH_MAX, "%s/%s",
			 strcmp(parent_real, "/") ? parent_real : "", base);
	return w >= KMOUNTS_PATH_MAX ? -ENAMETOOLONG : 0;
}

/* The file name for a real path: escaped, or hashed when too long. */
static void escape_name(const char *path, char *out, size_t cap)
{
	size_t n = 0;
	const char *p = path[0] == '/' && path[1] ? path + 1 : path;
	for (; *p && n + 4 < cap; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '/')
			out[n++] = '-';
		else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == ':')
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, cap - n, "%%%02X", ch);
	}
	out[n] = '\0';
	if (*p || n > 200) {
		uint64_t h = 1469598103934665603ull; /* FNV-1a */
		for (p = path; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		snprintf(out, cap, "h%016llx", (unsigned long long)h);
	}
}

int kmounts_paths(const char *dir, int make_dir, char *pidfile, char *logfile)
{
	char rd[KMOUNTS_PATH_MAX], real[KMOUNTS_PATH_MAX], name[256];
	int r = mount_point_path(dir, real);
	if (r < 0) {
		fprintf(stderr, "kip: %s: %s\n", dir, strerror(-r));
		return r;
	}
	r = run_dir(rd, make_dir);
	if (r < 0)
		return r;
	escape_name(real, name, sizeof(name));
	if (snprintf(pidfile, KMOUNTS_PATH_MAX, "%s/%s.pid", rd, name) >= KMOUNTS_PATH_MAX ||
	    snprintf(logfile, KMOUNTS_PATH_MAX, "%s/%s.log", rd, name) >= KMOUNTS_PATH_MAX) {
		fprintf(stderr, "kip: %s: path too long\n", rd);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The pid in an open pidfile, or 0. */
static pid_t read_pid(int fd)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	long pid = 0;
	if (sscanf(buf, "pid %ld", &pid) != 1 || pid <= 0)
		return 0;
	return (pid_t)pid;
}

int kmounts_claim(const char *pidfile, pid_t *holder)
{
	*holder = 0;
	int fd = open(pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		*holder = read_pid(fd);
		close(fd);
		return err == EWOULDBLOCK ? -EBUSY : -err;
	}
	/* A stale file (its daemon was killed) is ours now: start it afresh. */
	if (ftruncate(fd, 0) != 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

int kmounts_record(int fd, pid_t pid, const char *image, const char *dir)
{
	char buf[3 * KMOUNTS_PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "pid %ld\nimage %s\ndir %s\n", (long)pid, image, dir);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

void kmounts_finish(int fd, const char *pidfile, int status)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "exit %d\n", status);
	off_t end = lseek(fd, 0, SEEK_END);
	if (end >= 0 && pwrite(fd, line, (size_t)n, end) != n) {
		/* nothing better to do: kip umount will say the status is unknown */
	}
	unlink(pidfile);
	/* fd stays open: the lock goes when the process does (kip umount
	 * returns then). */
	(void)fd;
}

int kmounts_open(const char *pidfile, pid_t *pid)
{
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	*pid = read_pid(fd);
	return fd;
}

/* The status the daemon appended, or -1. */
static int read_status(int fd)
{
	char buf[3 * KMOUNTS_PATH_MAX + 64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *p = strstr(buf, "\nexit ");
	int status;
	if (!p || sscanf(p + 1, "exit %d", &status) != 1)
		return -1;
	return status;
}

int kmounts_wait(int fd, int timeout_ms, int *status)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
			*status = read_status(fd);
			flock(fd, LOCK_UN);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - start.tv_sec) * 1000 +
			  (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= timeout_ms)
			return -ETIMEDOUT;
		struct timespec pause = {0, 10 * 1000 * 1000}; /* 10 ms */
		nanosleep(&pause, NULL);
	}
}
