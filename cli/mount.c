/*
 * cli/mount.c - `kip mount IMG DIR`: boot kip with the file-system stack
 * and the FUSE bridge, and serve its root file system on DIR (docs/fuse.md,
 * "kip mount"; ARCHITECTURE 6).
 *
 * Processes and threads:
 *
 *   kip mount (parent) --fork--> daemon (setsid, cwd /)
 *     waits on a pipe for one      main thread = the CPU thread: boots the
 *     int: 0 = DIR is mounted,       disk driver, MFS, VFS and fused, then
 *     else the daemon failed         kernel_run() until the machine halts
 *     (then it waits for the       "kip-fuse" thread: waits for fused's
 *     daemon to exit, so nothing     READY, mounts, reports 0 to the parent,
 *     is left half-mounted)          runs the multi-threaded FUSE loop, then
 *                                    BRIDGE_SHUTDOWN (fused syncs) and lets
 *                                    the machine halt
 *
 * The fork comes before any thread exists.  With -f there is no fork: the
 * console stays on the terminal.  Detached, the daemon's console and errors
 * go to the log next to its pidfile (fuse-bridge/mounts.h) once DIR is
 * mounted; before that they go to the terminal, so a failed mount (a
 * corrupted image: MFS's and fused's messages) is seen there.
 *
 * Shutdown.  The FUSE loop ends when DIR is unmounted (kip umount,
 * fusermount3 -u, umount) or on SIGINT, SIGTERM or SIGHUP: libfuse's
 * handlers, which only the kip-fuse thread receives (every other thread
 * blocks them).  Then: unmount if still mounted, BRIDGE_SHUTDOWN (fused
 * writes every cached block back), close the host edge so the idle machine
 * halts, kernel_halt (the disk device flushes its overlay to the image),
 * record the exit status in the pidfile and release its lock - which is
 * what `kip umount` waits for.
 *
 * Exit status: 0 mounted (with -f: served, then unmounted and synced
 * cleanly), 1 failed, 2 usage.
 *
 * Entry point: cli_mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuse-bridge/bridge.h"
#include "fuse-bridge/mounts.h"
#include "fuse-bridge/serve.h"

#define MOUNT_READY_MS 30000	 /* fused says READY within this (host time) */
#define MOUNT_SHUTDOWN_MS 120000 /* a SHUTDOWN (a whole sync) takes at most this */

struct mount_run {
	/* Set before the daemon's threads start. */
	char image[PATH_MAX]; /* absolute */
	char dir[PATH_MAX];   /* absolute */
	const char *fuse_opts;
	bool foreground, debug;
	int report_fd; /* the pipe to the waiting parent; -1: none (or done) */
	int log_fd;    /* where output goes once mounted; -1: stay */
	struct kip_bridge *bridge;
	sigset_t signals; /* what only the kip-fuse thread receives */

	/* The kip-fuse thread's. */
	struct kfuse *f;
	bool served;  /* DIR was mounted and served */
	int shutdown; /* BRIDGE_SHUTDOWN's status */

	/* Between the two threads: kip-fuse sets in_loop (its signal handlers
	 * are in place), then looks at halted; the CPU thread sets halted
	 * when kernel_run returns, then looks at in_loop and, if set, sends
	 * kip-fuse a SIGTERM.  One of them sees the other's flag, so a FUSE
	 * loop never outlives the machine. */
	atomic_bool in_loop, halted;
};

static void mount_help(void)
{
	printf("usage: kip mount IMG DIR [-f] [-d] [-o OPTIONS] [--seed N] [--trace-ipc] ...\n\n"
	       "Boot kip with IMG (a MINIX v3 image, e.g. from kip mkfs) as its disk - the disk\n"
	       "driver, MFS, VFS and fused - and serve its root file system on DIR through\n"
	       "FUSE 3.  Every operation on DIR is performed inside kip, by its servers, as\n"
	       "the host user who asked; kip's VFS decides what each user may do (as root,\n"
	       "the mount allows other users in).  Returns once DIR is mounted; kip keeps\n"
	       "running in the background until `kip umount DIR` (or SIGINT/SIGTERM to it),\n"
	       "which syncs the image and waits until kip has shut down.\n\n"
	       "options:\n"
	       "  -f                stay in the foreground, kip's console on the terminal;\n"
	       "                    Ctrl-C unmounts and shuts down\n"
	       "  -d                libfuse's request log on stderr (implies -f)\n"
	       "  -o OPTIONS        FUSE mount options (ro, allow_other, ...), comma-separated\n");
	cli_boot_options_help();
	printf("\nA detached kip's pidfile and log live in $KIP_RUN_DIR, else /run/kip (root),\n"
	       "$XDG_RUNTIME_DIR/kip or /tmp/kip-UID.  Exit status: 0 mounted (with -f:\n"
	       "unmounted and synced), 1 failed (nothing is left mounted), 2 usage.\n");
}

/* ---- the kip-fuse thread ---------------------------------------------- */

/* Tell the waiting parent (once). */
static void mount_report(struct mount_run *m, int status)
{
	if (m->report_fd < 0)
		return;
	ssize_t n;
	do
		n = write(m->report_fd, &status, sizeof(status));
	while (n < 0 && errno == EINTR);
	close(m->report_fd);
	m->report_fd = -1;
}

/* On the CPU thread: the FUSE edge is closed, so an idle machine halts. */
static void mount_close_edge(void *arg)
{
	(void)arg;
	kernel_host_edge_close();
}

/* Have fused sync and let the machine halt. */
static void mount_shutdown(struct mount_run *m)
{
	struct bridge_call c;
	memset(&c, 0, sizeof(c));
	c.req.op = BRIDGE_SHUTDOWN;
	m->shutdown = kip_bridge_call(m->bridge, &c, MOUNT_SHUTDOWN_MS);
	if (kernel_host_post(mount_close_edge, NULL) < 0)
		kip_bridge_close(m->bridge);
}

static void *mount_thread(void *arg)
{
	struct mount_run *m = arg;
	int r = kip_bridge_wait_ready(m->bridge, MOUNT_READY_MS);
	if (r < 0) {
		if (r == -ETIMEDOUT)
			fprintf(stderr, "kip mount: kip did not come up within %d s\n",
				MOUNT_READY_MS / 1000);
		else if (r == -EIO)
			fprintf(stderr, "kip mount: kip stopped before serving %s\n", m->image);
		else
			fprintf(stderr, "kip mount: %s: the file system cannot be served: %s\n",
				m->image, strerror(-r));
		goto shutdown;
	}
	struct kfuse_options o = {
		.image = m->image,
		.fuse_opts = m->fuse_opts,
		.allow_other = geteuid() == 0,
		.debug = m->debug,
	};
	m->f = kfuse_new(m->bridge, &o);
	if (!m->f)
		goto shutdown;
	atomic_store(&m->in_loop, true); /* a SIGTERM now waits for the loop */
	if (atomic_load(&m->halted)) {
		fprintf(stderr, "kip mount: kip stopped before serving %s\n", m->image);
		goto stop;
	}
	if (kfuse_mount(m->f, m->dir) < 0) {
		fprintf(stderr, "kip mount: cannot mount on %s\n", m->dir);
		goto stop;
	}
	if (m->foreground)
		fprintf(stderr,
			"kip mount: %s mounted on %s (Ctrl-C or kip umount %s to unmount)\n",
			m->image, m->dir, m->dir);
	fflush(stdout);
	fflush(stderr);
	if (m->log_fd >= 0) { /* detached: nothing more on the terminal */
		dup2(m->log_fd, STDOUT_FILENO);
		dup2(m->log_fd, STDERR_FILENO);
	}
	mount_report(m, 0);
	pthread_sigmask(SIG_UNBLOCK, &m->signals, NULL);
	r = kfuse_loop(m->f);
	pthread_sigmask(SIG_BLOCK, &m->signals, NULL);
	m->served = true;
	if (r < 0)
		fprintf(stderr, "kip mount: the FUSE session failed: %s\n", strerror(-r));
stop:
	atomic_store(&m->in_loop, false);
	kfuse_stop(m->f);
shutdown:
	mount_shutdown(m);
	return NULL;
}

/* ---- the daemon ------------------------------------------------------- */

/* Boot the machine: the file-system stack, then fused on the bridge.  0,
 * or -1 after printing why (the kernel halted again if it had booted). */
static int mount_boot(struct mount_run *m, struct kip_config *cfg)
{
	cfg->disk_image = m->image;
	cfg->bridge = true;
	cfg->host_clock = true; /* file times follow the host's clock */
	int r = kernel_boot(cfg);
	if (r < 0) {
		fprintf(stderr, "kip mount: boot failed: %s\n", strerror(-r));
		return -1;
	}
	endpoint_t vfs;
	if (cli_boot_fs(&vfs) < 0)
		goto fail;
	endpoint_t fused = kernel_spawn_driver_peer("fused", "bridge", vfs);
	m->bridge = kip_bridge_get();
	if (fused < 0 || !m->bridge) {
		fprintf(stderr, "kip mount: cannot start fused: %s\n",
			strerror(fused < 0 ? -fused : ENODEV));
		goto fail;
	}
	kernel_host_edge_open(); /* kip-fuse will post: sleep, do not halt */
	return 0;
fail:
	kernel_halt();
	return -1;
}

/* Run the machine with the kip-fuse thread beside it until it halts.
 * Returns the exit status. */
static int mount_run_machine(struct mount_run *m)
{
	pthread_t thread;
	if (pthread_create(&thread, NULL, mount_thread, m) != 0) {
		fprintf(stderr, "kip mount: cannot start a thread\n");
		kernel_halt();
		return 1;
	}
	pthread_setname_np(thread, "kip-fuse");
	int status = kernel_run();
	/* The machine has halted: the bridge is closed, every call fails. */
	atomic_store(&m->halted, true);
	if (atomic_load(&m->in_loop)) {
		fprintf(stderr, "kip mount: kip halted (status %d) while %s was mounted\n", status,
			m->dir);
		pthread_kill(thread, SIGTERM); /* ends the FUSE loop: unmount */
		status = status ? status : 1;
	}
	pthread_join(thread, NULL);
	kernel_halt(); /* the disk's overlay reaches the image */
	kfuse_free(m->f);
	if (!m->served)
		return 1;
	if (m->shutdown < 0) {
		fprintf(stderr, "kip mount: %s may not be synced: %s\n", m->image,
			strerror(-m->shutdown));
		return 1;
	}
	if (status != 0) {
		fprintf(stderr, "kip mount: kip stopped with status %d\n", status);
		return 1;
	}
	return 0;
}

/* The daemon (or -f): boot, serve, shut down.  Returns the exit status. */
static int mount_serve(struct mount_run *m, struct kip_config *cfg)
{
	sigemptyset(&m->signals);
	sigaddset(&m->signals, SIGINT);
	sigaddset(&m->signals, SIGTERM);
	sigaddset(&m->signals, SIGHUP);
	/* Blocked here, before any thread exists: every thread inherits it
	 * but kip-fuse, which unblocks them in the FUSE loop. */
	pthread_sigmask(SIG_BLOCK, &m->signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	FILE *trace = NULL;
	if (m->log_fd >= 0 && cfg->trace) {
		/* Detached: the whole trace goes to the log, not its first lines
		 * to the terminal. */
		int fd = dup(m->log_fd);
		trace = fd >= 0 ? fdopen(fd, "a") : NULL;
		if (trace)
			cfg->trace_out = trace;
	}
	int status = mount_boot(m, cfg) < 0 ? 1 : mount_run_machine(m);
	if (trace)
		fclose(trace);
	return status;
}

/* The parent: wait until the daemon has mounted DIR (0) or failed. */
static int mount_wait_child(pid_t child, int rfd)
{
	int status = 1;
	ssize_t n;
	do
		n = read(rfd, &status, sizeof(status));
	while (n < 0 && errno == EINTR);
	close(rfd);
	if (n == (ssize_t)sizeof(status) && status == 0)
		return 0;
	/* Failed: wait until the daemon has shut kip down and gone, so that
	 * nothing is left behind when we return. */
	int ws;
	while (waitpid(child, &ws, 0) < 0 && errno == EINTR) {
	}
	return 1;
}

/* ---- options ---------------------------------------------------------- */

static int mount_parse(int argc, char **argv, struct mount_run *m, struct kip_config *cfg,
		       const char **image, const char **dir)
{
	*image = *dir = NULL;
	for (int i = 1; i < argc;) {
		const char *a = argv[i];
		if (!strcmp(a, "--disk")) {
			fprintf(stderr, "kip mount: the image is the first argument, not --disk\n");
			return -1;
		}
		int used = cli_boot_option(cfg, argc - i, argv + i);
		if (used < 0)
			return -1;
		if (used > 0) {
			i += used;
			continue;
		}
		if (!strcmp(a, "-f") || !strcmp(a, "--foreground")) {
			m->foreground = true;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--debug")) {
			m->debug = m->foreground = true;
		} else if (!strcmp(a, "-o")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "kip mount: -o needs OPTIONS\n");
				return -1;
			}
			m->fuse_opts = argv[++i];
		} else if (!strncmp(a, "-o", 2)) {
			m->fuse_opts = a + 2;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "kip mount: unknown option '%s' (try kip mount --help)\n",
				a);
			return -1;
		} else if (!*image) {
			*image = a;
		} else if (!*dir) {
			*dir = a;
		} else {
			fprintf(stderr, "kip mount: one image and one folder (extra: '%s')\n", a);
			return -1;
		}
		i++;
	}
	if (!*image || !*dir) {
		fprintf(stderr, "usage: kip mount IMG DIR [-f] [-o OPTIONS] [--seed N] "
				"[--trace-ipc] (kip mount --help)\n");
		return -1;
	}
	return 0;
}

int cli_mount(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			mount_help();
			return 0;
		}
	static struct mount_run run; /* shared with the kip-fuse thread */
	struct mount_run *m = &run;
	struct kip_config cfg;
	const char *image, *dir;
	kernel_default_config(&cfg);
	m->report_fd = m->log_fd = -1;
	if (mount_parse(argc, argv, m, &cfg, &image, &dir) < 0)
		return 2;

	struct stat st;
	if (!realpath(image, m->image) || stat(m->image, &st) != 0) {
		fprintf(stderr, "kip mount: %s: %s\n", image, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		fprintf(stderr, "kip mount: %s: not an image file\n", image);
		return 1;
	}
	if (!realpath(dir, m->dir) || stat(m->dir, &st) != 0) {
		fprintf(stderr, "kip mount: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kip mount: %s: not a directory\n", dir);
		return 1;
	}
	char pidfile[KMOUNTS_PATH_MAX], logfile[KMOUNTS_PATH_MAX];
	if (kmounts_paths(m->dir, 1, pidfile, logfile) < 0)
		return 1;
	pid_t holder;
	int pid_fd = kmounts_claim(pidfile, &holder);
	if (pid_fd == -EBUSY) {
		fprintf(stderr, "kip mount: %s is already served by kip (pid %ld)\n", m->dir,
			(long)holder);
		return 1;
	}
	if (pid_fd < 0) {
		fprintf(stderr, "kip mount: %s: %s\n", pidfile, strerror(-pid_fd));
		return 1;
	}

	if (!m->foreground) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0) {
			perror("kip mount: pipe");
			return 1;
		}
		fflush(stdout);
		fflush(stderr);
		pid_t child = fork();
		if (child < 0) {
			perror("kip mount: fork");
			return 1;
		}
		if (child > 0) {
			close(p[1]);
			close(pid_fd); /* the daemon's copy keeps the lock */
			return mount_wait_child(child, p[0]);
		}
		close(p[0]);
		m->report_fd = p[1];
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		m->log_fd =
			open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	}
	if (chdir("/") != 0) {
		/* cannot happen; the paths are absolute anyway */
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	kmounts_record(pid_fd, getpid(), m->image, m->dir);
	int status = mount_serve(m, &cfg);
	mount_report(m, 1); /* if it never mounted: the parent returns 1 */
	fflush(stdout);
	fflush(stderr);
	struct stat log_st;
	if (m->log_fd >= 0 && status == 0 && fstat(m->log_fd, &log_st) == 0 && log_st.st_size == 0)
		unlink(logfile); /* nothing to read in it: leave no litter */
	kmounts_finish(pid_fd, pidfile, status);
	return status;
}
