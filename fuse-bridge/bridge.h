/*
 * fuse-bridge/bridge.h - the host side of the bridge device: how host
 * threads (the FUSE session's) hand requests to `fused` inside kip and get
 * its replies.  The one narrow hook `kip mount` uses to reach the inside
 * (ARCHITECTURE 6, 7).
 *
 * The device (sim/bridge.c, kip/bridge_regs.h) is attached at boot when
 * struct kip_config asks for it; `fused` (servers/fused/) drives it.  A
 * call takes a free slot (waiting while all BRIDGE_SLOTS are busy), copies
 * the request and its data into it, has the CPU thread raise the device's
 * interrupt (kernel_host_post), and sleeps until fused has written the
 * reply — or until the timeout, then -EIO.  Any number of host threads may
 * call at once.  Nothing here touches the simulation from a host thread.
 *
 * Entry points: kip_bridge_get, kip_bridge_wait_ready, kip_bridge_call,
 * kip_bridge_on_events, kip_bridge_close.
 */
#ifndef KIP_FUSE_BRIDGE_BRIDGE_H
#define KIP_FUSE_BRIDGE_BRIDGE_H

#include <stddef.h>

#include "kip/bridge_regs.h"

struct kip_bridge;

/* One request and its reply. */
struct bridge_call {
	struct bridge_slot_req req; /* filled by the caller */
	const void *in;		    /* data sent after the header (names, target, bytes) */
	size_t in_len;		    /* <= BRIDGE_DATA_MAX */
	void *out;		    /* where the reply's data goes (READ, READLINK, READDIR) */
	size_t out_cap;		    /* <= BRIDGE_DATA_MAX */
	struct bridge_slot_rep rep; /* the reply header, filled by kip_bridge_call */
};

/* The bridge of the booted machine, or NULL if it has none.  CPU thread,
 * after kernel_boot. */
struct kip_bridge *kip_bridge_get(void);

/* Any thread: wait (host time, at most timeout_ms) until fused has said it
 * is up.  0, fused's error (e.g. the root could not be mounted), or
 * -ETIMEDOUT. */
int kip_bridge_wait_ready(struct kip_bridge *b, int timeout_ms);

/* Any thread: perform c.  Returns c->rep.status (0, a count or a negative
 * errno), or -EIO if no reply came within timeout_ms or the machine halted,
 * or -EINVAL for data too large. */
int kip_bridge_call(struct kip_bridge *b, struct bridge_call *c, int timeout_ms);

/* Change events from inside kip: fn(ctx, records, n) on a host thread of
 * the bridge's own (never the CPU thread, never under a lock of the
 * bridge's), in the order fused posted them. */
void kip_bridge_on_events(struct kip_bridge *b,
			  void (*fn)(void *ctx, const struct vfs_event *ev, unsigned n), void *ctx);

/* Any thread: fail every call in flight and every later one with -EIO
 * (the machine is going down). */
void kip_bridge_close(struct kip_bridge *b);

#endif
