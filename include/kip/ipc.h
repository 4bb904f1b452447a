/*
 * kip/ipc.h - the trap entry: the only door from a process into the kernel.
 *
 * Every process (server, driver, program) reaches the kernel through
 * kip_trap(); the inline wrappers below name the MINIX 3 primitives:
 *
 *   kip_send(dst, m)      block until dst receives m (rendezvous)
 *   kip_receive(src, m)   block until a message from src (or KIP_ANY)
 *   kip_sendrec(dst, m)   send, then wait for dst's reply into m; a
 *                         notification cannot break the wait
 *   kip_notify(dst)       never blocks; coalesced per sender
 *   kip_sendnb(dst, m)    send only if dst is waiting, else -ENOTREADY
 *   kip_kcall(type, m)    a kernel call (m->m_type = type)
 *
 * All return 0 or a negative error (kip/error.h).  m_source is stamped by
 * the kernel on delivery.
 */
#ifndef KIP_IPC_H
#define KIP_IPC_H

#include "kip/message.h"

/* Trap operations.  The first five are the IPC primitives that privilege
 * trap masks refer to (bit 1 << op). */
enum kip_trap_op {
	IPC_SEND = 0,
	IPC_RECEIVE = 1,
	IPC_SENDREC = 2,
	IPC_NOTIFY = 3,
	IPC_SENDNB = 4,
	IPC_KCALL = 5,	 /* kernel call (always allowed; calls are checked) */
	IPC_YIELD = 6,	 /* give up the rest of the quantum */
	IPC_PREEMPT = 7, /* quantum spent (from the basic-block counter) */
	IPC_NR_OPS
};

#define KIP_TRAP_ALL_IPC                                                                           \
	((1u << IPC_SEND) | (1u << IPC_RECEIVE) | (1u << IPC_SENDREC) | (1u << IPC_NOTIFY) |       \
	 (1u << IPC_SENDNB))

/* The trap entry.  Switches to the kernel context and back. */
int kip_trap(int op, endpoint_t ep, message *m);

static inline int kip_send(endpoint_t dst, message *m)
{
	return kip_trap(IPC_SEND, dst, m);
}

static inline int kip_receive(endpoint_t src, message *m)
{
	return kip_trap(IPC_RECEIVE, src, m);
}

static inline int kip_sendrec(endpoint_t dst, message *m)
{
	return kip_trap(IPC_SENDREC, dst, m);
}

static inline int kip_notify(endpoint_t dst)
{
	return kip_trap(IPC_NOTIFY, dst, 0);
}

static inline int kip_sendnb(endpoint_t dst, message *m)
{
	return kip_trap(IPC_SENDNB, dst, m);
}

static inline int kip_yield(void)
{
	return kip_trap(IPC_YIELD, KIP_NONE, 0);
}

static inline int kip_kcall(int type, message *m)
{
	m->m_type = type;
	return kip_trap(IPC_KCALL, KIP_KERNEL, m);
}

#endif
