/*
 * fuse-bridge/serve.h - serve kip's file system to the host through FUSE 3:
 * what `kip mount` (cli/mount.c) uses once the machine is up and fused has
 * said READY (docs/fuse.md, "kip mount").
 *
 *   struct kfuse *f = kfuse_new(bridge, &opts);   // session, signal handlers
 *   kfuse_mount(f, dir);                           // DIR shows kip's root
 *   kfuse_loop(f);              // until unmounted, SIGINT, SIGTERM, SIGHUP
 *   kfuse_stop(f);              // unmount if still mounted, end the session
 *   ... the machine shuts down (BRIDGE_SHUTDOWN) and halts ...
 *   kfuse_free(f);              // after kernel_halt: no more bridge events
 *
 * kfuse_new installs libfuse's handlers for SIGINT, SIGTERM and SIGHUP:
 * they end the loop.  The caller decides which thread receives them (the
 * one in kfuse_loop, whose wait they interrupt).
 *
 * Entry points: kfuse_new, kfuse_mount, kfuse_loop, kfuse_stop, kfuse_free.
 */
#ifndef KIP_FUSE_BRIDGE_SERVE_H
#define KIP_FUSE_BRIDGE_SERVE_H

#include <stdbool.h>

#include "fuse-bridge/bridge.h"

struct kfuse;

struct kfuse_options {
	const char *image;     /* shown as the file system's source (fsname) */
	const char *fuse_opts; /* the user's -o OPTIONS, or NULL */
	bool allow_other;      /* let every user in (kip's VFS checks them) */
	bool debug;	       /* libfuse's request log on stderr */
};

/* A session serving kip's file system through bridge b.  NULL after
 * printing why (bad -o options, no host memory). */
struct kfuse *kfuse_new(struct kip_bridge *b, const struct kfuse_options *o);

/* Mount it on dir.  0, or -1 after libfuse printed why. */
int kfuse_mount(struct kfuse *f, const char *dir);

/* Serve requests on several threads until the file system is unmounted or
 * a signal ends the loop.  Returns 0, or what libfuse says ended it. */
int kfuse_loop(struct kfuse *f);

/* Stop forwarding change events, unmount (if still mounted), end the
 * session and remove the signal handlers. */
void kfuse_stop(struct kfuse *f);

/* Free f: after the bridge is gone (kernel_halt), since its event thread
 * may still deliver a batch taken before kfuse_stop. */
void kfuse_free(struct kfuse *f);

#endif
