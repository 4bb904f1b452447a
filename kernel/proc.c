/*
 * kernel/proc.c - the process table: create, look up, ready, kill.
 *
 * Entry points: proc_lookup, proc_create, proc_kill, proc_ready,
 * proc_unready, proc_wake, proc_post_event, proc_name.
 *
 * A slot's generation grows on every kill, so the endpoint of a dead
 * process never names its successor (EDEADSRCDST instead).  Every page a
 * process uses - its stack with the guard page below, its state, its heap -
 * is owned by it in the page allocator and freed when it dies.
 */
#include <assert.h>
#include <string.h>
#include <sys/mman.h>

#include "kip/error.h"
#include "kip/fault_point.h"
#include "kernel/kernel.h"

const char *proc_name(struct kernel *k, endpoint_t e)
{
	switch (e) {
	case KIP_ANY:
		return "ANY";
	case KIP_KERNEL:
		return "kernel";
	case KIP_CLOCK:
		return "CLOCK";
	case KIP_HARDWARE:
		return "HARDWARE";
	case KIP_SYSTEM:
		return "SYSTEM";
	default:
		break;
	}
	struct proc *p = proc_lookup(k, e);
	return p ? p->p_name : "(dead)";
}

static void proc_entry(void *arg)
{
	struct proc *p = arg;
	int status = p->p_program->main(p->p_arg);
	message m;
	kip_msg_init(&m, SYS_EXIT);
	m.m_proc.endpoint = KIP_SELF;
	m.m_proc.status = status;
	kip_kcall(SYS_EXIT, &m);
	kernel_panic("process %s returned from SYS_EXIT", p->p_name);
}

static struct proc *free_slot(struct kernel *k)
{
	for (int i = 0; i < KIP_NR_PROCS; i++)
		if (k->procs[i].p_rts & RTS_SLOT_FREE)
			return &k->procs[i];
	return NULL;
}

static unsigned owner_id(const struct proc *p)
{
	return (unsigned)p->p_slot + 1;
}

struct proc *proc_create(struct kernel *k, const struct kip_program *prog, const char *name,
			 int priority, uint64_t arg, endpoint_t parent, int *err)
{
	struct proc *p = free_slot(k);
	if (!p || fault_point(FP_PROC_CREATE)) {
		*err = -EAGAIN;
		return NULL;
	}
	if (priority < 0)
		priority = prog->priority;
	if (priority >= SCHED_NR_QUEUES) {
		*err = -EINVAL;
		return NULL;
	}
	int slot = p->p_slot, gen = p->p_gen;
	long pfn = mem_alloc(&k->mem, PROC_STACK_PAGES + 1, (unsigned)slot + 1);
	if (pfn < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	p->p_slot = slot;
	p->p_gen = gen;
	p->p_endpoint = kip_ep_make(gen, slot);
	strncpy(p->p_name, name && name[0] ? name : prog->name, KIP_NAME_MAX - 1);
	p->p_priority = priority;
	p->p_program = prog;
	p->p_arg = arg;
	p->p_parent = parent;
	p->p_fault = &k->fault_states[slot];
	p->p_counted = (prog->flags & KIP_PROG_USER) != 0;
	if (prog->flags & KIP_PROG_USER) {
		p->p_priv = &k->user_priv;
	} else {
		priv_init_system(&p->p_own_priv);
		p->p_priv = &p->p_own_priv;
	}
	p->p_sendto = p->p_getfrom = KIP_NONE;
	p->p_stack_pfn = pfn;
	mem_protect(&k->mem, (size_t)pfn, 1, PROT_NONE); /* the guard page */
	ctx_init(&p->p_ctx, mem_addr(&k->mem, (size_t)pfn + 1), PROC_STACK_PAGES * SIM_PAGE_SIZE,
		 proc_entry, p);
	p->p_rts = 0;
	proc_ready(k, p);
	*err = 0;
	return p;
}

void proc_post_event(struct kernel *k, struct proc *to, const struct kcall_event *ev)
{
	if (to->p_ev_count == PROC_MAX_EVENTS) {
		/* Full: drop the oldest, keep the newest. */
		to->p_ev_head = (to->p_ev_head + 1) % PROC_MAX_EVENTS;
		to->p_ev_count--;
	}
	to->p_events[(to->p_ev_head + to->p_ev_count) % PROC_MAX_EVENTS] = *ev;
	to->p_ev_count++;
	ipc_kernel_notify(k, to, KIP_SYSTEM);
}

/* Wake everyone blocked on p with EDEADSRCDST. */
static void release_waiters(struct kernel *k, struct proc *p)
{
	while (p->p_callers) {
		struct proc *s = p->p_callers;
		p->p_callers = s->p_q_next;
		s->p_q_next = NULL;
		s->p_reply_wait = false;
		proc_wake(k, s, RTS_SENDING, -EDEADSRCDST);
	}
	for (int i = 0; i < KIP_NR_PROCS; i++) {
		struct proc *q = &k->procs[i];
		if (q == p || (q->p_rts & RTS_SLOT_FREE))
			continue;
		if ((q->p_rts & RTS_RECEIVING) && q->p_getfrom == p->p_endpoint) {
			q->p_reply_wait = false;
			proc_wake(k, q, RTS_RECEIVING, -EDEADSRCDST);
		}
		q->p_notify_pending[p->p_slot / 64] &= ~(1ull << (p->p_slot % 64));
	}
}

static void release_hardware(struct kernel *k, struct proc *p)
{
	for (int i = 0; i < SIM_MAX_DEVICES; i++)
		if (k->dev_owner[i] == (int)owner_id(p))
			k->dev_owner[i] = 0;
	for (int i = 0; i < SIM_MAX_IRQS; i++) {
		if (k->irq_owner[i] == (int)owner_id(p)) {
			k->irq_owner[i] = 0;
			k->irq_enabled &= ~(1u << i);
		}
	}
}

static void tell_family(struct kernel *k, struct proc *p, int kind, int status,
			const struct cpustate *why)
{
	struct kcall_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.endpoint = p->p_endpoint;
	ev.kind = kind;
	ev.status = status;
	if (why) {
		ev.signo = why->signo;
		ev.addr = why->addr;
		ev.rip = why->rip;
		ev.access = why->access;
	}
	memcpy(ev.name, p->p_name, KIP_NAME_MAX);
	struct proc *parent = proc_lookup(k, p->p_parent);
	struct proc *manager = proc_lookup(k, k->manager);
	if (parent)
		proc_post_event(k, parent, &ev);
	if (manager && manager != parent)
		proc_post_event(k, manager, &ev);
}

void proc_kill(struct kernel *k, struct proc *p, int kind, int status, const struct cpustate *why)
{
	assert(!(p->p_rts & RTS_SLOT_FREE));
	assert(p != k->cpu.current);
	trace_event(k, "%s.%d %s status %d", p->p_name, p->p_endpoint,
		    kind == KIP_EV_EXIT ? "exits" : "is killed", status);
	proc_unready(k, p);
	ipc_unlink_sender(k, p);
	release_waiters(k, p);
	if (p->p_alarm_id)
		clock_cancel(&k->clock, p->p_alarm_id);
	release_hardware(k, p);
	ctx_destroy(&p->p_ctx);
	mem_free_owner(&k->mem, owner_id(p));
	k->mem_epoch++;
	if (k->cpu.last == p)
		k->cpu.last = NULL;
	p->p_rts = RTS_SLOT_FREE;
	p->p_gen++;
	if (p->p_gen >= (1 << 15))
		p->p_gen = 1;
	if (p->p_init) {
		k->halted = true;
		k->exit_status = status;
	}
	if (k->manager == p->p_endpoint)
		k->manager = KIP_NONE;
	tell_family(k, p, kind, status, why);
}
