/*
 * kernel/ipc.c - message passing with MINIX 3 semantics.
 *
 * Entry points: ipc_send (SEND, SENDREC's send half, SENDNB), ipc_receive,
 * ipc_notify, ipc_kernel_notify, ipc_unlink_sender.
 *
 * SEND is a rendezvous: the message is copied straight from the sender's
 * buffer into the receiver's, so nothing is buffered in the kernel.  A
 * receiver looks first at pending notifications (unless it waits for a
 * reply), then at the queue of blocked senders, oldest first.  SENDREC is a
 * send followed by a receive from the same party that only the reply can
 * satisfy.  A send or receive that would block and close a cycle of blocked
 * processes fails with ELOCKED (kernel/deadlock.c).
 */
#include <assert.h>
#include <string.h>

#include "kip/error.h"
#include "kip/fault_point.h"
#include "kernel/cost.h"
#include "kernel/kernel.h"

static bool waits_for(const struct proc *dst, endpoint_t src)
{
	return (dst->p_rts & RTS_RECEIVING) && (dst->p_getfrom == KIP_ANY || dst->p_getfrom == src);
}

/* Copy m into dst's receive buffer, stamped with `from`, and wake dst. */
static void deliver(struct kernel *k, endpoint_t from, struct proc *dst, const message *m,
		    bool reply)
{
	*dst->p_recvbuf = *m;
	dst->p_recvbuf->m_source = from;
	dst->p_reply_wait = false;
	k->n_messages++;
	clock_advance(&k->clock, COST_MESSAGE_NS);
	deliver_observe(k, from, dst->p_endpoint, dst->p_recvbuf, 0, reply);
	proc_wake(k, dst, RTS_RECEIVING, 0);
}

static void enqueue_sender(struct proc *dst, struct proc *s)
{
	struct proc **pp = &dst->p_callers;
	while (*pp)
		pp = &(*pp)->p_q_next;
	s->p_q_next = NULL;
	*pp = s;
}

void ipc_unlink_sender(struct kernel *k, struct proc *p)
{
	if (!(p->p_rts & RTS_SENDING))
		return;
	struct proc *dst = proc_lookup(k, p->p_sendto);
	if (!dst)
		return;
	for (struct proc **pp = &dst->p_callers; *pp; pp = &(*pp)->p_q_next) {
		if (*pp == p) {
			*pp = p->p_q_next;
			p->p_q_next = NULL;
			return;
		}
	}
}

/* Enter the receive-the-reply state after a SENDREC's send completed. */
static void await_reply(struct kernel *k, struct proc *caller, endpoint_t from, message *m)
{
	caller->p_rts |= RTS_RECEIVING;
	caller->p_getfrom = from;
	caller->p_recvbuf = m;
	caller->p_reply_wait = true;
	proc_unready(k, caller);
}

static void observe_refusal(struct kernel *k, struct proc *caller, endpoint_t dst, const message *m,
			    int err)
{
	deliver_observe(k, caller->p_endpoint, dst, m, err, false);
}

int ipc_send(struct kernel *k, struct proc *caller, endpoint_t dst_e, message *m, int op)
{
	struct proc *dst = proc_lookup(k, dst_e);
	int err = 0;
	if (!dst)
		err = -EDEADSRCDST;
	else if (dst == caller)
		err = -ELOCKED;
	else if (!priv_may_send(caller, dst))
		err = -ECALLDENIED;
	if (err) {
		observe_refusal(k, caller, dst_e, m, err);
		return err;
	}
	if (fault_point(FP_IPC_DELIVER)) {
		observe_refusal(k, caller, dst_e, m, -EIO);
		return -EIO;
	}
	bool reply = dst->p_reply_wait;
	if (waits_for(dst, caller->p_endpoint)) {
		deliver(k, caller->p_endpoint, dst, m, reply);
		if (op == IPC_SENDREC) {
			await_reply(k, caller, dst_e, m);
			return IPC_BLOCKED;
		}
		return 0;
	}
	if (op == IPC_SENDNB) {
		observe_refusal(k, caller, dst_e, m, -ENOTREADY);
		return -ENOTREADY;
	}
	if (deadlock_cycle(k, caller, dst_e, true)) {
		observe_refusal(k, caller, dst_e, m, -ELOCKED);
		return -ELOCKED;
	}
	caller->p_rts |= RTS_SENDING;
	caller->p_sendto = dst_e;
	caller->p_sendbuf = m;
	caller->p_reply_wait = (op == IPC_SENDREC);
	enqueue_sender(dst, caller);
	proc_unready(k, caller);
	return IPC_BLOCKED;
}

static endpoint_t kernel_source(unsigned bit)
{
	switch (bit) {
	case KNOTIFY_HARDWARE:
		return KIP_HARDWARE;
	case KNOTIFY_CLOCK:
		return KIP_CLOCK;
	default:
		return KIP_SYSTEM;
	}
}

static unsigned kernel_bit(endpoint_t source)
{
	switch (source) {
	case KIP_HARDWARE:
		return KNOTIFY_HARDWARE;
	case KIP_CLOCK:
		return KNOTIFY_CLOCK;
	default:
		return KNOTIFY_SYSTEM;
	}
}

static void build_notify(struct kernel *k, struct proc *dst, endpoint_t source, message *out)
{
	kip_msg_init(out, NOTIFY_MESSAGE);
	out->m_source = source;
	out->m_notify.timestamp = k->clock.now;
	if (source == KIP_HARDWARE) {
		out->m_notify.irq_pending = dst->p_irq_pending;
		dst->p_irq_pending = 0;
	}
}

/* Take a pending notification matching src into *m.  Kernel sources come
 * first, then processes by slot number. */
static bool take_notify(struct kernel *k, struct proc *caller, endpoint_t src, message *m)
{
	if (!caller->p_kernel_pending &&
	    !(caller->p_notify_pending[0] | caller->p_notify_pending[1]))
		return false;
	for (unsigned bit = 1; bit <= KNOTIFY_SYSTEM; bit <<= 1) {
		endpoint_t from = kernel_source(bit);
		if ((caller->p_kernel_pending & bit) && (src == KIP_ANY || src == from)) {
			caller->p_kernel_pending &= ~bit;
			build_notify(k, caller, from, m);
			return true;
		}
	}
	for (int w = 0; w < 2; w++) {
		uint64_t bits = caller->p_notify_pending[w];
		while (bits) {
			int slot = w * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			struct proc *s = &k->procs[slot];
			if (src != KIP_ANY && src != s->p_endpoint)
				continue;
			caller->p_notify_pending[w] &= ~(1ull << (slot % 64));
			build_notify(k, caller, s->p_endpoint, m);
			return true;
		}
	}
	return false;
}

/* Take the oldest queued sender matching src. */
static struct proc *take_sender(struct proc *caller, endpoint_t src)
{
	for (struct proc **pp = &caller->p_callers; *pp; pp = &(*pp)->p_q_next) {
		struct proc *s = *pp;
		if (src == KIP_ANY || src == s->p_endpoint) {
			*pp = s->p_q_next;
			s->p_q_next = NULL;
			return s;
		}
	}
	return NULL;
}

int ipc_receive(struct kernel *k, struct proc *caller, endpoint_t src, message *m)
{
	if (src != KIP_ANY && !kip_ep_is_kernel_source(src) && !proc_lookup(k, src))
		return -EDEADSRCDST;
	if (take_notify(k, caller, src, m)) {
		k->n_messages++;
		deliver_observe(k, m->m_source, caller->p_endpoint, m, 0, false);
		return 0;
	}
	struct proc *s = take_sender(caller, src);
	if (s) {
		*m = *s->p_sendbuf;
		m->m_source = s->p_endpoint;
		k->n_messages++;
		clock_advance(&k->clock, COST_MESSAGE_NS);
		deliver_observe(k, s->p_endpoint, caller->p_endpoint, m, 0, false);
		s->p_rts &= ~RTS_SENDING;
		if (s->p_reply_wait)
			await_reply(k, s, caller->p_endpoint, s->p_sendbuf);
		else
			proc_wake(k, s, 0, 0);
		return 0;
	}
	if (src != KIP_ANY && !kip_ep_is_kernel_source(src) &&
	    deadlock_cycle(k, caller, src, false))
		return -ELOCKED;
	caller->p_rts |= RTS_RECEIVING;
	caller->p_getfrom = src;
	caller->p_recvbuf = m;
	caller->p_reply_wait = false;
	proc_unready(k, caller);
	return IPC_BLOCKED;
}

static bool notify_now(const struct proc *dst, endpoint_t from)
{
	return waits_for(dst, from) && !dst->p_reply_wait;
}

int ipc_notify(struct kernel *k, struct proc *caller, endpoint_t dst_e)
{
	struct proc *dst = proc_lookup(k, dst_e);
	message m;
	kip_msg_init(&m, NOTIFY_MESSAGE);
	int err = !dst ? -EDEADSRCDST : !priv_may_send(caller, dst) ? -ECALLDENIED : 0;
	if (err) {
		observe_refusal(k, caller, dst_e, &m, err);
		return err;
	}
	if (notify_now(dst, caller->p_endpoint)) {
		build_notify(k, dst, caller->p_endpoint, &m);
		deliver(k, caller->p_endpoint, dst, &m, false);
		return 0;
	}
	dst->p_notify_pending[caller->p_slot / 64] |= 1ull << (caller->p_slot % 64);
	return 0;
}

void ipc_kernel_notify(struct kernel *k, struct proc *dst, endpoint_t source)
{
	if (notify_now(dst, source)) {
		message m;
		build_notify(k, dst, source, &m);
		deliver(k, source, dst, &m, false);
		return;
	}
	dst->p_kernel_pending |= kernel_bit(source);
}
