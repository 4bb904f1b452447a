/*
 * fuse-bridge/bridge.c - the host side of the bridge device, as the FUSE
 * half sees it (fuse-bridge/bridge.h): the one narrow hook from `kip
 * mount` into the machine (ARCHITECTURE 6, 7).
 *
 * Entry points: kip_bridge_get, kip_bridge_wait_ready, kip_bridge_call,
 * kip_bridge_on_events, kip_bridge_close.
 *
 * The device and everything its host threads share with the CPU thread -
 * the slots, their locks and condition variables, the kick posted through
 * the host mailbox, the event thread - live in one place, sim/bridge.c,
 * so the protocol between the two sides can be read in one file.  This
 * file finds the machine's bridge through the kernel's named hook
 * (kernel_bridge_device) and puts the FUSE half's struct bridge_call on
 * it.  docs/fuse.md describes the device, fused and the protocol.
 */
#include "fuse-bridge/bridge.h"
#include "kernel/boot.h"
#include "sim/bridge.h"

struct kip_bridge *kip_bridge_get(void)
{
	return kernel_bridge_device();
}

int kip_bridge_wait_ready(struct kip_bridge *b, int timeout_ms)
{
	return bridge_wait_ready(b, timeout_ms);
}

int kip_bridge_call(struct kip_bridge *b, struct bridge_call *c, int timeout_ms)
{
	return bridge_call(b, &c->req, c->in, c->in_len, c->out, c->out_cap, &c->rep, timeout_ms);
}

void kip_bridge_on_events(struct kip_bridge *b,
			  void (*fn)(void *ctx, const struct vfs_event *ev, unsigned n), void *ctx)
{
	bridge_on_events(b, fn, ctx);
}

void kip_bridge_close(struct kip_bridge *b)
{
	bridge_close(b);
}
