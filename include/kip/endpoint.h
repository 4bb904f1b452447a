/*
 * kip/endpoint.h - endpoints: how processes name each other.
 *
 * An endpoint is a process-table slot plus a generation:
 *     endpoint = generation * KIP_EP_GEN_SIZE + slot
 * The generation grows each time a slot is reused, so a message to a process
 * that died (even if its slot now holds another process) fails with
 * EDEADSRCDST instead of reaching the wrong incarnation.
 *
 * Special endpoints are negative: ANY (receive from anyone), NONE, SELF, and
 * the kernel's own sources of notifications (CLOCK for alarms, HARDWARE for
 * interrupts, SYSTEM for process events) and KERNEL (the kernel-call target).
 */
#ifndef KIP_ENDPOINT_H
#define KIP_ENDPOINT_H

#include <stdint.h>

typedef int32_t endpoint_t;

enum {
	KIP_NR_PROCS = 128, /* process-table slots */
	KIP_EP_GEN_SIZE = 1 << 15,
};

#define KIP_ANY ((endpoint_t)-1)
#define KIP_NONE ((endpoint_t)-2)
#define KIP_SELF ((endpoint_t)-3)
#define KIP_KERNEL ((endpoint_t)-4)   /* kernel calls go here */
#define KIP_CLOCK ((endpoint_t)-5)    /* notifications: alarms */
#define KIP_HARDWARE ((endpoint_t)-6) /* notifications: interrupts */
#define KIP_SYSTEM ((endpoint_t)-7)   /* notifications: process events */

static inline int kip_ep_slot(endpoint_t ep)
{
	return (int)(ep % KIP_EP_GEN_SIZE);
}

static inline int kip_ep_gen(endpoint_t ep)
{
	return (int)(ep / KIP_EP_GEN_SIZE);
}

static inline endpoint_t kip_ep_make(int gen, int slot)
{
	return (endpoint_t)(gen * KIP_EP_GEN_SIZE + slot);
}

/* Nonzero for the kernel's notification sources, which have no slot. */
static inline int kip_ep_is_kernel_source(endpoint_t ep)
{
	return ep == KIP_CLOCK || ep == KIP_HARDWARE || ep == KIP_SYSTEM;
}

#endif
