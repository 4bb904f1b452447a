/*
 * servers/fused/event.c - VFS's change events, out to the host.
 *
 * Entry points: fused_subscribe, fused_forward_events.
 *
 * fused subscribes at start.  From then on VFS queues every change made by
 * anyone else (a kip process's POSIX calls, another VFS_AT_* caller) and
 * NOTIFYs fused at the first one; fused fetches them with VFS_AT_EVENTS
 * until none is left, copies each batch (at most BRIDGE_EVENTS_MAX
 * records) to the device's event area and writes their count to EVENTS;
 * the device hands them to the host, which tells the host kernel to forget
 * what it cached.  fused's own changes (the host's requests) are not
 * events: the host made them.
 */
#include "kip/format.h"
#include "kip/syslib.h"
#include "fused.h"

int fused_subscribe(struct fused *f)
{
	message m;
	kip_msg_init(&m, VFS_AT_SUBSCRIBE);
	return fused_at(f, &fused_root, &m, NULL, 0, 0);
}

void fused_forward_events(struct fused *f)
{
	for (;;) {
		message m;
		kip_msg_init(&m, VFS_AT_EVENTS);
		m.m_vfs_at.len = sizeof(f->events);
		int r = fused_at(f, &fused_root, &m, f->events, sizeof(f->events), KIP_GRANT_WRITE);
		if (r <= 0) {
			if (r < 0)
				kip_printf("fused: cannot fetch events: %d\n", r);
			return;
		}
		unsigned n = (unsigned)r / sizeof(struct vfs_event);
		r = kip_dma(f->dev, KIP_DEV_WRITE, f->events, n * sizeof(struct vfs_event),
			    BRIDGE_EVENT_OFF);
		if (r == 0)
			r = kip_dev_write(f->dev, BRIDGE_REG_EVENTS, n);
		if (r < 0)
			kip_printf("fused: cannot post %u events: %d\n", n, r);
		f->event_batches++;
	}
}
