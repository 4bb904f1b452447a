/*
 * fuse-bridge/fuse_session.c - the FUSE session of `kip mount`: its
 * options, the mount, the multi-threaded loop, and the change events that
 * keep the host kernel's cache honest (docs/fuse.md, "kip mount").
 *
 * Options.  Every mount gets fsname=kip:IMAGE, subtype=kip and
 * max_read=128 KiB; allow_other when the caller asks (kip mount does, as
 * root); and default_permissions: kip's VFS checks every request as the
 * user behind it, but some opens never reach it - a FIFO's or a device's
 * is the host kernel's alone, and without default_permissions the kernel
 * would let anyone open them - so the kernel checks too, from the
 * attributes kip gave it (docs/fuse.md, "The session").  The user's
 * -o OPTIONS come after ours.  At init the
 * session asks for 128 KiB writes and read-ahead, no umask applied by the
 * kernel (kip applies the requester's), O_TRUNC inside open, no writeback
 * cache (every write reaches kip before write(2) returns), and no "handle
 * killpriv": the host kernel drops set-user-ID bits on write and truncate
 * itself, by a SETATTR (fuse_ops.c tells those from chmod).  libfuse 3.14
 * would not pass that capability on anyway.
 *
 * Change events.  Something inside kip (a program, a server) changing the
 * file system behind the host's back is told to us by fused (VFS's change
 * events, kip/message.h struct vfs_event) on the bridge's event thread.
 * Our callback only queues them; our own thread ("kip-inval") replays them
 * as fuse_lowlevel_notify_inval_entry/_inode, so a notification that waits
 * on a lock in the host kernel never holds up the bridge or fused.  An
 * overflow (ours or VFS's: INODE 0) invalidates the attributes and data of
 * every inode the host holds (nodes.c; names are never cached: fuse_ops.h).
 *
 * Entry points: kfuse_new, kfuse_mount, kfuse_loop, kfuse_stop, kfuse_free
 * (fuse-bridge/serve.h); kfuse_init (fuse_ops.h).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse-bridge/fuse_ops.h"
#include "fuse-bridge/serve.h"

/* Threads serving requests: at most as many idle ones as the bridge has
 * slots (libfuse >= 3.12 also caps them all at 10 by default). */
#define KFUSE_IDLE_THREADS BRIDGE_SLOTS

/* Invalidate the attributes and data of every inode the host holds. */
static void inval_all(struct kfuse *f)
{
	uint32_t *held;
	size_t n = kfuse_nodes_held(f, &held);
	fuse_lowlevel_notify_inval_inode(f->se, FUSE_ROOT_ID, 0, 0);
	for (size_t i = 0; i < n; i++)
		fuse_lowlevel_notify_inval_inode(f->se, held[i], 0, 0);
	free(held);
}

/* ---- change events ---------------------------------------------------- */

/* The bridge's event thread: queue the batch for ours. */
static void on_events(void *ctx, const struct vfs_event *ev, unsigned n)
{
	struct kfuse *f = ctx;
	pthread_mutex_lock(&f->ev_lock);
	if (!f->ev_stop) {
		for (unsigned i = 0; i < n; i++) {
			if (f->ev_count == KFUSE_EVENT_QUEUE_MAX ||
			    (ev[i].kind == KIP_VFS_EV_INODE && ev[i].ino == 0)) {
				f->ev_overflow = true; /* covers everything queued */
				f->ev_count = 0;
				continue;
			}
			if (f->ev_overflow)
				continue; /* the pending "everything" covers it */
			unsigned at = (f->ev_head + f->ev_count) % KFUSE_EVENT_QUEUE_MAX;
			f->ev_ring[at] = ev[i];
			f->ev_count++;
		}
		pthread_cond_signal(&f->ev_cond);
	}
	pthread_mutex_unlock(&f->ev_lock);
}

/* Tell the host kernel what one record says changed.  Errors (ENOENT: it
 * has nothing cached there) are of no interest. */
static void inval_one(struct kfuse *f, const struct vfs_event *e)
{
	if (e->kind == KIP_VFS_EV_ENTRY) {
		size_t len = e->name_len < sizeof(e->name) ? e->name_len : sizeof(e->name) - 1;
		fuse_lowlevel_notify_inval_entry(f->se, e->dir, e->name, len);
		fuse_lowlevel_notify_inval_inode(f->se, e->dir, -1, 0); /* size, times */
		if (e->ino)
			fuse_lowlevel_notify_inval_inode(f->se, e->ino, -1, 0); /* links */
	} else if (e->kind == KIP_VFS_EV_INODE) {
		fuse_lowlevel_notify_inval_inode(f->se, e->ino, 0, 0); /* attributes, data */
	}
}

static void *inval_thread(void *arg)
{
	struct kfuse *f = arg;
	struct vfs_event batch[64];
	pthread_mutex_lock(&f->ev_lock);
	for (;;) {
		while (!f->ev_stop && f->ev_count == 0 && !f->ev_overflow)
			pthread_cond_wait(&f->ev_cond, &f->ev_lock);
		if (f->ev_stop)
			break;
		bool all = f->ev_overflow;
		unsigned n = 0;
		f->ev_overflow = false;
		while (n < 64 && f->ev_count > 0) {
			batch[n++] = f->ev_ring[f->ev_head];
			f->ev_head = (f->ev_head + 1) % KFUSE_EVENT_QUEUE_MAX;
			f->ev_count--;
		}
		pthread_mutex_unlock(&f->ev_lock);
		if (all)
			inval_all(f);
		for (unsigned i = 0; i < n; i++)
			inval_one(f, &batch[i]);
		pthread_mutex_lock(&f->ev_lock);
	}
	pthread_mutex_unlock(&f->ev_lock);
	return NULL;
}

/* ---- the session ------------------------------------------------------ */

void kfuse_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->max_write = KFUSE_IO_MAX;
	conn->max_read = KFUSE_IO_MAX;
	if (conn->max_readahead > KFUSE_IO_MAX)
		conn->max_readahead = KFUSE_IO_MAX;
	conn->time_gran = 1000000000; /* MINIX keeps whole seconds */
	if (conn->capable & FUSE_CAP_DONT_MASK)
		conn->want |= FUSE_CAP_DONT_MASK;
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~(unsigned)(FUSE_CAP_HANDLE_KILLPRIV | FUSE_CAP_WRITEBACK_CACHE);
}

/* Append ",", then name, then value (if any) with the commas and backslashes
 * in it escaped as libfuse's option parser wants, to the option string o of
 * capacity cap.  0, or -1 if it does not fit. */
static int opt_add(char *o, size_t cap, const char *name, const char *value)
{
	size_t n = strlen(o);
	if (n && n + 1 < cap)
		o[n++] = ',';
	for (const char *s = name; *s; s++) {
		if (n + 1 >= cap)
			return -1;
		o[n++] = *s;
	}
	for (const char *s = value ? value : ""; *s; s++) {
		if (*s == ',' || *s == '\\') {
			if (n + 1 >= cap)
				return -1;
			o[n++] = '\\';
		}
		if (n + 1 >= cap)
			return -1;
		o[n++] = *s;
	}
	o[n] = '\0';
	return 0;
}

struct kfuse *kfuse_new(struct kip_bridge *b, const struct kfuse_options *o)
{
	struct kfuse *f = calloc(1, sizeof(*f));
	if (!f || !(f->ev_ring = calloc(KFUSE_EVENT_QUEUE_MAX, sizeof(*f->ev_ring)))) {
		fprintf(stderr, "kip mount: out of memory\n");
		free(f);
		return NULL;
	}
	f->bridge = b;
	if (kfuse_nodes_init(f) < 0) {
		fprintf(stderr, "kip mount: out of memory\n");
		free(f->ev_ring);
		free(f);
		return NULL;
	}
	FILE *ph = fopen("/proc/sys/fs/protected_hardlinks", "r");
	int on = 0;
	if (ph) {
		if (fscanf(ph, "%d", &on) != 1)
			on = 0;
		fclose(ph);
	}
	f->protected_hardlinks = on != 0;
	pthread_mutex_init(&f->ev_lock, NULL);
	pthread_cond_init(&f->ev_cond, NULL);

	char ours[4096] = "";
	char maxread[32];
	snprintf(maxread, sizeof(maxread), "max_read=%u", KFUSE_IO_MAX);
	if (opt_add(ours, sizeof(ours), "fsname=kip:", o->image) < 0 ||
	    opt_add(ours, sizeof(ours), "subtype=kip", NULL) < 0 ||
	    opt_add(ours, sizeof(ours), maxread, NULL) < 0 ||
	    opt_add(ours, sizeof(ours), "default_permissions", NULL) < 0 ||
	    (o->allow_other && opt_add(ours, sizeof(ours), "allow_other", NULL) < 0)) {
		fprintf(stderr, "kip mount: the image's path is too long\n");
		goto fail;
	}
	char *argv[8];
	int argc = 0;
	argv[argc++] = "kip";
	argv[argc++] = "-o";
	argv[argc++] = ours;
	if (o->fuse_opts && o->fuse_opts[0]) {
		argv[argc++] = "-o";
		argv[argc++] = (char *)o->fuse_opts;
	}
	if (o->debug)
		argv[argc++] = "-d";
	argv[argc] = NULL;
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	f->se = fuse_session_new(&args, &kfuse_ops, sizeof(kfuse_ops), f);
	fuse_opt_free_args(&args);
	if (!f->se) {
		fprintf(stderr, "kip mount: cannot start a FUSE session (bad -o options?)\n");
		goto fail;
	}
	if (fuse_set_signal_handlers(f->se) != 0) {
		fprintf(stderr, "kip mount: cannot install the signal handlers\n");
		fuse_session_destroy(f->se);
		goto fail;
	}
	return f;
fail:
	f->se = NULL;
	kfuse_free(f);
	return NULL;
}

int kfuse_mount(struct kfuse *f, const char *dir)
{
	if (fuse_session_mount(f->se, dir) != 0)
		return -1;
	f->mounted = true;
	kip_bridge_on_events(f->bridge, on_events, f);
	if (pthread_create(&f->ev_thread, NULL, inval_thread, f) != 0) {
		fprintf(stderr,
			"kip mount: no invalidation thread: changes made inside kip "
			"show on the host after %.0f s\n",
			KFUSE_ATTR_TIMEOUT);
		return 0;
	}
	f->ev_running = true;
	pthread_setname_np(f->ev_thread, "kip-inval");
	return 0;
}

int kfuse_loop(struct kfuse *f)
{
	struct fuse_loop_config cfg = {.clone_fd = 0, .max_idle_threads = KFUSE_IDLE_THREADS};
	return fuse_session_loop_mt(f->se, &cfg);
}

void kfuse_stop(struct kfuse *f)
{
	if (!f || !f->se)
		return;
	kip_bridge_on_events(f->bridge, NULL, NULL);
	pthread_mutex_lock(&f->ev_lock);
	f->ev_stop = true;
	pthread_cond_signal(&f->ev_cond);
	pthread_mutex_unlock(&f->ev_lock);
	if (f->ev_running)
		pthread_join(f->ev_thread, NULL);
	f->ev_running = false;
	if (f->mounted)
		fuse_session_unmount(f->se);
	f->mounted = false;
	fuse_remove_signal_handlers(f->se);
	fuse_session_destroy(f->se);
	f->se = NULL;
}

void kfuse_free(struct kfuse *f)
{
	if (!f)
		return;
	assert(!f->se); /* kfuse_stop came first */
	kfuse_nodes_fini(f);
	pthread_mutex_destroy(&f->ev_lock);
	pthread_cond_destroy(&f->ev_cond);
	free(f->ev_ring);
	free(f);
}
