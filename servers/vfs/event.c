/*
 * servers/vfs/event.c - change events for the privileged caller:
 * VFS_AT_SUBSCRIBE, VFS_AT_EVENTS, and the hooks the handlers call.
 *
 * Entry points: vfs_event_entry, vfs_event_inode, vfs_do_at_subscribe,
 * vfs_do_at_events.
 *
 * The FUSE daemon serves the host's cache of names and attributes; when a
 * process inside kip changes the file system behind its back, the host must
 * be told to forget what it cached (FUSE's notify_inval_entry and
 * notify_inval_inode).  So one process may SUBSCRIBE (a second replaces the
 * first, and starts with an empty queue).  From then on every change made
 * by anyone else - a POSIX call, or another VFS_AT_* caller - is recorded
 * as a struct vfs_event in a ring in struct vfs:
 *
 *   ENTRY (dir, name, ino)  a name in directory dir was made, removed or
 *                           renamed (ino: what it names, 0 if unknown);
 *                           dir's own attributes (size, times) and ino's
 *                           (its link count) changed with it.
 *   INODE (ino)             ino's data or attributes changed (write,
 *                           truncate, chmod, chown, utime).
 *   INODE (0)               the ring overflowed: anything may have changed.
 *
 * Changes the subscriber makes itself are not recorded: it knows them.  The
 * first event after the subscriber's last VFS_AT_EVENTS NOTIFYs it (once:
 * further events wait for the next VFS_AT_EVENTS, which fetches as many
 * whole records as its buffer holds; call it until it returns 0).  When
 * the ring is full, the events in it are dropped and the overflow flag is
 * set instead: the next VFS_AT_EVENTS delivers one INODE record with ino 0,
 * which covers those and every change made until then (nothing more is
 * queued meanwhile).  A subscriber that has died (its NOTIFY fails) is
 * forgotten.
 */
#include <string.h>

#include "vfs.h"

#define VFS_NR_EVENTS (sizeof(((struct vfs *)0)->at_events) / sizeof(struct vfs_event))

/* Tell the subscriber, unless told since its last VFS_AT_EVENTS. */
static void vfs_event_notify(struct vfs *v)
{
	if (v->at_notified)
		return;
	if (v->srv.ipc->notify(v->at_sub) < 0)
		v->at_subscribed = false; /* gone: nobody to tell any more */
	else
		v->at_notified = true;
}

/* The slot for a new record, or NULL if this change needs none: no
 * subscriber, the subscriber's own change, or already covered by an
 * overflow. */
static struct vfs_event *vfs_event_slot(struct vfs *v, endpoint_t by)
{
	if (!v->at_subscribed || by == v->at_sub)
		return NULL;
	if (v->at_overflow) {
		vfs_event_notify(v);
		return NULL;
	}
	if (v->at_ev_count == VFS_NR_EVENTS) {
		v->at_overflow = true; /* what was queued is covered by "everything" */
		v->at_ev_head = v->at_ev_count = 0;
		vfs_event_notify(v);
		return NULL;
	}
	uint32_t i = (v->at_ev_head + v->at_ev_count) % VFS_NR_EVENTS;
	v->at_ev_count++;
	struct vfs_event *ev = &v->at_events[i];
	memset(ev, 0, sizeof(*ev));
	return ev;
}

void vfs_event_entry(struct vfs *v, endpoint_t by, uint32_t dir, const char *name, uint32_t len,
		     uint32_t ino)
{
	struct vfs_event *ev = vfs_event_slot(v, by);
	if (!ev)
		return;
	if (len > MINIXFS_NAME_MAX)
		len = MINIXFS_NAME_MAX; /* cannot happen: MFS refused the name */
	ev->kind = KIP_VFS_EV_ENTRY;
	ev->dir = dir;
	ev->ino = ino;
	ev->name_len = len;
	memcpy(ev->name, name, len);
	vfs_event_notify(v);
}

void vfs_event_inode(struct vfs *v, endpoint_t by, uint32_t ino)
{
	struct vfs_event *ev = vfs_event_slot(v, by);
	if (!ev)
		return;
	ev->kind = KIP_VFS_EV_INODE;
	ev->ino = ino;
	vfs_event_notify(v);
}

int vfs_do_at_subscribe(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	(void)out;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	v->at_sub = in->m_source;
	v->at_subscribed = true;
	v->at_notified = false;
	v->at_overflow = false;
	v->at_ev_head = v->at_ev_count = 0;
	return 0;
}

/* Copy n records from the ring's head to the caller's grant at `offset`
 * bytes (n does not wrap past the end of the array). */
static int vfs_event_copy(struct vfs *v, const message *in, uint32_t offset, uint32_t n)
{
	int r = kip_safecopy_to(in->m_source, in->m_vfs_at.grant, offset,
				&v->at_events[v->at_ev_head], n * sizeof(struct vfs_event));
	if (r < 0)
		return r;
	v->at_ev_head = (uint32_t)((v->at_ev_head + n) % VFS_NR_EVENTS);
	v->at_ev_count -= n;
	return 0;
}

int vfs_do_at_events(void *state, const message *in, message *out)
{
	struct vfs *v = state;
	(void)out;
	int r = vfs_at_begin(v, in);
	if (r < 0)
		return r;
	if (!v->at_subscribed || in->m_source != v->at_sub)
		return -EINVAL; /* not the subscriber */
	v->at_notified = false;
	uint32_t cap = in->m_vfs_at.len / (uint32_t)sizeof(struct vfs_event);
	if (!v->at_overflow && v->at_ev_count == 0)
		return 0;
	if (cap == 0)
		return -EINVAL; /* not even one record fits */
	if (v->at_overflow) {
		struct vfs_event all;
		memset(&all, 0, sizeof(all));
		all.kind = KIP_VFS_EV_INODE;
		r = kip_safecopy_to(in->m_source, in->m_vfs_at.grant, 0, &all, sizeof(all));
		if (r < 0)
			return r;
		v->at_overflow = false;
		return (int)sizeof(all);
	}
	uint32_t n = v->at_ev_count < cap ? v->at_ev_count : cap;
	uint32_t first = (uint32_t)VFS_NR_EVENTS - v->at_ev_head; /* before the wrap */
	if (first > n)
		first = n;
	r = vfs_event_copy(v, in, 0, first);
	if (r < 0)
		return r;
	if (n > first &&
	    vfs_event_copy(v, in, first * (uint32_t)sizeof(struct vfs_event), n - first) < 0)
		n = first; /* the rest stays queued */
	return (int)(n * sizeof(struct vfs_event));
}
