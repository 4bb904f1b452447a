/*
 * sim/bridge.h - the bridge device: how requests from host threads (the
 * FUSE session's) reach `fused` inside kip, and its replies and change
 * events come back (ARCHITECTURE 2, 6; registers and layout in
 * kip/bridge_regs.h; docs/fuse.md).
 *
 * The device has two sides, and this module is the only place they meet:
 *
 *   host side (any host thread)          device side (the CPU thread)
 *   bridge_call: take a free slot,   --> the posted kick sets the slot's
 *     copy the request in, post a        PENDING bit, raises the IRQ
 *     kick (hostq), sleep               fused: SYS_DEVIO / SYS_DMA
 *   ... woken with the reply        <--  DONE: the reply is copied out to
 *                                        the caller's buffers, it is woken
 *   bridge_wait_ready               <--  READY: fused is up (0) or not
 *   the callback, on the bridge's   <--  EVENTS: records queued for the
 *     own event thread                   event thread
 *
 * A host thread never touches the simulation: it only posts work through
 * the host mailbox (sim/hostq.h).  Host-side waits use host time
 * (pthread_cond_timedwait on CLOCK_MONOTONIC); nothing in the machine's
 * scheduling or virtual time depends on them.
 *
 * A caller that gives up (timeout, close) leaves its slot "abandoned": the
 * slot goes back to the pool only when fused has answered it (or, if its
 * kick had not yet run, when the kick sees it), so a late DONE never
 * writes into a caller that has gone and a slot number is never in use
 * twice.
 *
 * Entry points: bridge_create (device side, at boot), bridge_of;
 * bridge_call, bridge_wait_ready, bridge_on_events, bridge_close,
 * bridge_free_slots (any thread).  The device is destroyed with the bus (kernel_halt): that
 * closes it, waits for the threads inside bridge_call or
 * bridge_wait_ready to leave and stops the event thread; no host thread
 * may use the bridge after that.
 */
#ifndef KIP_SIM_BRIDGE_H
#define KIP_SIM_BRIDGE_H

#include <stddef.h>

#include "kip/bridge_regs.h"
#include "sim/device.h"
#include "sim/hostq.h"

/* The device with its host side (opaque; the FUSE half knows it by this
 * name too, fuse-bridge/bridge.h). */
struct kip_bridge;

/* Queued change events beyond this many records become one "everything
 * changed" record (KIP_VFS_EV_INODE, ino 0), as VFS's own ring does. */
#define BRIDGE_EVENT_QUEUE_MAX 4096

typedef void (*bridge_event_fn)(void *ctx, const struct vfs_event *ev, unsigned n);

/* A bridge raising `irq`, whose host threads post their kicks to q (the
 * kernel's mailbox).  NULL when out of host memory. */
struct sim_device *bridge_create(int irq, struct hostq *q);

/* The bridge that is device d, or NULL if d is not a bridge. */
struct kip_bridge *bridge_of(struct sim_device *d);

/*
 * Any host thread: send req (and in_len bytes of data after it) in a free
 * slot, waiting while all BRIDGE_SLOTS are busy, and sleep until fused
 * answers.  The reply's header goes to *rep and its data (at most out_cap
 * bytes; rep->data_len says how many) to out.  timeout_ms bounds the whole
 * call, slot wait included; < 0 waits for ever.
 *
 * Returns rep->status (0, a count or a negative errno from inside kip);
 * -EINVAL when in_len or out_cap exceeds BRIDGE_DATA_MAX or in_len is
 * shorter than the data the header names (count for a WRITE, len + len2
 * otherwise); -EIO on timeout, when the bridge is closed, or when the kick
 * cannot be posted (no host memory).
 */
int bridge_call(struct kip_bridge *b, const struct bridge_slot_req *req, const void *in,
		size_t in_len, void *out, size_t out_cap, struct bridge_slot_rep *rep,
		int timeout_ms);

/* Any host thread: wait until fused writes READY.  Its value (0, or the
 * -errno it cannot serve with), -ETIMEDOUT after timeout_ms (< 0: no
 * limit), or -EIO once the bridge is closed. */
int bridge_wait_ready(struct kip_bridge *b, int timeout_ms);

/* Any host thread: call fn(ctx, records, n) for every batch of change
 * events fused posts from now on, in order, on a host thread of the
 * bridge's own (started on first use, never the CPU thread, never under a
 * lock of the bridge's).  fn NULL: drop them.  A batch already taken by
 * the event thread may still go to the previous fn. */
void bridge_on_events(struct kip_bridge *b, bridge_event_fn fn, void *ctx);

/* Any thread: slots in the pool now (tests, gdb).  A slot whose caller
 * gave up is not in it until fused has answered it. */
unsigned bridge_free_slots(struct kip_bridge *b);

/* Any thread: fail every call in flight, and every later call and
 * bridge_wait_ready, with -EIO; drop undelivered events.  Idempotent.
 * The kernel closes the bridge when the machine halts (kernel_run). */
void bridge_close(struct kip_bridge *b);

#endif
