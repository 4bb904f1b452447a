/*
 * fuse-bridge/mounts.h - the registry of running `kip mount` daemons: one
 * pidfile per mount point, so that `kip umount DIR` can find the daemon
 * serving DIR and wait until it has synced, shut kip down and exited
 * (docs/fuse.md, "kip mount").
 *
 * Where: $KIP_RUN_DIR if set; else /run/kip for root; else
 * $XDG_RUNTIME_DIR/kip; else /tmp/kip-UID (made 0700, and refused unless
 * it is a directory of ours).  The name is the mount point's real path
 * escaped: "/" -> "-", anything but [A-Za-z0-9._:] -> "%HH" (a path too
 * long for that: "h" and a 64-bit hash), then ".pid"; the daemon's log
 * (kip's console once it has detached) is the same name with ".log",
 * removed after a clean exit if nothing was written to it.
 *
 * The daemon holds an exclusive flock(2) on its pidfile for its whole
 * life: a pidfile nobody has locked is stale, and "the daemon has exited"
 * is "the lock can be taken" - no polling of pids that may be reused.  The
 * file holds "pid PID", "image IMG", "dir DIR" lines; the daemon appends
 * "exit STATUS" and removes the file just before it exits, and the lock
 * goes with the process.
 *
 * Entry points: kmounts_paths, kmounts_claim, kmounts_record,
 * kmounts_finish, kmounts_open, kmounts_wait.
 */
#ifndef KIP_FUSE_BRIDGE_MOUNTS_H
#define KIP_FUSE_BRIDGE_MOUNTS_H

#include <stddef.h>
#include <sys/types.h>

#define KMOUNTS_PATH_MAX 4096

/* The pidfile and log of the mount point dir (which need not be reachable:
 * only its parent is resolved, so a dead or wedged mount still names the
 * same file).  make_dir: create the registry's folder if missing.  0, or a
 * negative errno after printing why. */
int kmounts_paths(const char *dir, int make_dir, char *pidfile, char *logfile);

/* The daemon side: create pidfile and lock it.  Returns the open fd, or
 * -EBUSY if a live daemon holds it (its pid in *holder, 0 if unknown), or
 * another negative errno. */
int kmounts_claim(const char *pidfile, pid_t *holder);

/* Write who serves what into the claimed file.  0 or a negative errno. */
int kmounts_record(int fd, pid_t pid, const char *image, const char *dir);

/* The daemon's last act before it exits: append "exit status" and remove
 * the file.  The lock stays until the process has exited (fd is left open
 * for that). */
void kmounts_finish(int fd, const char *pidfile, int status);

/* The umount side: open pidfile and read the daemon's pid.  The fd, or
 * -ENOENT (no such file: nothing registered), or another negative errno. */
int kmounts_open(const char *pidfile, pid_t *pid);

/* Wait (host time, at most timeout_ms) until the daemon has released the
 * lock, i.e. exited.  0 with its exit status in *status (-1 if it died
 * without writing one), or -ETIMEDOUT. */
int kmounts_wait(int fd, int timeout_ms, int *status);

#endif
