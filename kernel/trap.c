/*
 * kernel/trap.c - the trap: how a process enters the kernel, and what the
 * kernel does with it.
 *
 * Entry points: kip_trap (process side), __sanitizer_cov_trace_pc (the
 * basic-block counter of counted programs), trap_handle (kernel side).
 *
 * kip_trap records the request in the process's slot and switches to the
 * kernel context, as a real trap switches stacks; the kernel loop
 * (kernel/boot.c) calls trap_handle, and the process continues when the
 * kernel next switches back to it, with p_trap_result as the return value.
 * gdb users: `break trap_handle` stops on every system call.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kip/error.h"
#include "kernel/cost.h"
#include "kernel/kernel.h"

/* Basic blocks the running counted program may still execute. */
int64_t kip_cpu_budget = INT64_MAX;

int kip_trap(int op, endpoint_t ep, message *m)
{
	struct kernel *k = kern;
	struct proc *p = k ? k->cpu.current : NULL;
	if (!p) {
		fprintf(stderr, "kip: kip_trap called outside a process\n");
		abort();
	}
	p->p_trap_op = op;
	p->p_trap_ep = ep;
	p->p_trap_msg = m;
	p->p_trap_result = 0;
	/* A tail call: the kernel resumes the process straight in our caller,
	 * handing it p_trap_result (kernel/boot.c dispatch). */
	return ctx_switch_val(&p->p_ctx, &k->kctx, 0);
}

static void budget_spent(void)
{
	struct proc *p = kern ? kern->cpu.current : NULL;
	if (!p || !p->p_counted) {
		kip_cpu_budget = INT64_MAX;
		return;
	}
	kip_trap(IPC_PREEMPT, KIP_NONE, NULL);
}

/* Called by -fsanitize-coverage=trace-pc at every basic block of counted
 * code.  Kept tiny: one decrement and a predictable branch. */
void __sanitizer_cov_trace_pc(void)
{
	if (__builtin_expect(--kip_cpu_budget <= 0, 0))
		budget_spent();
}

/* Can the kernel read and write the caller's message buffer?  Probing costs
 * a sigsetjmp, and processes reuse one or two buffers, so the answer is
 * cached per process until page protections change (k->mem_epoch). */
static bool message_accessible(struct kernel *k, struct proc *p, message *m)
{
	if (p->p_msg_epoch == k->mem_epoch && (m == p->p_msg_ok[0] || m == p->p_msg_ok[1]))
		return true;
	if (probe_proc_rw(k, (uint64_t)(uintptr_t)m, sizeof(*m)) < 0)
		return false;
	if (p->p_msg_epoch != k->mem_epoch) {
		p->p_msg_ok[0] = p->p_msg_ok[1] = NULL;
		p->p_msg_epoch = k->mem_epoch;
	}
	/* Servers alternate two buffers (request in, reply out): keep both. */
	p->p_msg_ok[1] = p->p_msg_ok[0];
	p->p_msg_ok[0] = m;
	return true;
}

static int trap_ipc(struct kernel *k, struct proc *p)
{
	int op = p->p_trap_op;
	message *m = p->p_trap_msg;
	/* NOTIFY carries no message: only the trap mask can refuse it. */
	int err = (op != IPC_NOTIFY && !m) ? -EFAULT : !priv_may_trap(p, op) ? -ETRAPDENIED : 0;
	if (err) {
		deliver_observe(k, p->p_endpoint, p->p_trap_ep, m, err, false);
		return err;
	}
	switch (op) {
	case IPC_SEND:
	case IPC_SENDREC:
	case IPC_SENDNB:
		return ipc_send(k, p, p->p_trap_ep, m, op);
	case IPC_RECEIVE:
		return ipc_receive(k, p, p->p_trap_ep, m);
	case IPC_NOTIFY:
		return ipc_notify(k, p, p->p_trap_ep);
	default:
		return -EINVAL;
	}
}

void trap_handle(struct kernel *k, struct proc *p)
{
	int r;
	k->n_traps++;
	message *m = p->p_trap_msg;
	if (m && p->p_trap_op < TRAP_FAULT && !message_accessible(k, p, m)) {
		p->p_trap_op = TRAP_NONE;
		p->p_trap_result = -EFAULT;
		return;
	}
	switch (p->p_trap_op) {
	case IPC_KCALL:
		r = p->p_trap_msg ? kcall_dispatch(k, p, p->p_trap_msg) : -EFAULT;
		break;
	case IPC_YIELD:
		p->p_quantum_used = k->cfg.quantum_ns;
		r = 0;
		break;
	case IPC_PREEMPT:
		r = 0;
		break;
	case TRAP_FAULT:
		fault_handle(k, p);
		return;
	default:
		r = trap_ipc(k, p);
		break;
	}
	p->p_trap_op = TRAP_NONE;
	if (r == IPC_BLOCKED || (p->p_rts & RTS_SLOT_FREE))
		return; /* result comes when it is woken (or it is gone) */
	p->p_trap_result = r;
}
