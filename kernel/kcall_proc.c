/*
 * kernel/kcall_proc.c - kernel calls about processes: create, kill, stop,
 * resume, exit, privileges, information, events, shutdown, manager.
 */
#include <string.h>

#include "kip/error.h"
#include "kip/procinfo.h"
#include "kernel/kcall.h"

struct proc *kcall_target(struct kernel *k, struct proc *caller, endpoint_t e)
{
	return e == KIP_SELF ? caller : proc_lookup(k, e);
}

int do_create(struct kernel *k, struct proc *caller, message *m)
{
	struct kcall_create *c = &m->m_create;
	c->program[sizeof(c->program) - 1] = '\0';
	c->name[sizeof(c->name) - 1] = '\0';
	const struct kip_program *prog = kip_program_find(c->program);
	if (!prog)
		return -ENOENT;
	if (c->priority < -1 || c->priority >= SCHED_NR_QUEUES)
		return -EINVAL;
	int err;
	struct proc *p =
		proc_create(k, prog, c->name, c->priority, c->arg, caller->p_endpoint, &err);
	if (!p)
		return err;
	c->endpoint = p->p_endpoint;
	trace_event(k, "%s.%d creates %s.%d", caller->p_name, caller->p_endpoint, p->p_name,
		    p->p_endpoint);
	return 0;
}

int do_kill(struct kernel *k, struct proc *caller, message *m)
{
	struct proc *p = kcall_target(k, caller, m->m_proc.endpoint);
	if (!p)
		return -EDEADSRCDST;
	if (p == caller)
		return -EINVAL; /* use SYS_EXIT */
	proc_kill(k, p, KIP_EV_KILLED, 128 + 9, NULL);
	return 0;
}

int do_stop(struct kernel *k, struct proc *caller, message *m)
{
	struct proc *p = kcall_target(k, caller, m->m_proc.endpoint);
	if (!p)
		return -EDEADSRCDST;
	if (p == caller)
		return -EINVAL;
	p->p_rts |= RTS_STOPPED;
	proc_unready(k, p);
	return 0;
}

int do_resume(struct kernel *k, struct proc *caller, message *m)
{
	struct proc *p = kcall_target(k, caller, m->m_proc.endpoint);
	if (!p)
		return -EDEADSRCDST;
	if (!(p->p_rts & (RTS_STOPPED | RTS_FAULTED)))
		return -EINVAL;
	if (p->p_rts & RTS_FAULTED)
		p->p_resume_full = true;
	p->p_rts &= ~(RTS_STOPPED | RTS_FAULTED);
	proc_ready(k, p);
	return 0;
}

int do_exit(struct kernel *k, struct proc *caller, message *m)
{
	proc_kill(k, caller, KIP_EV_EXIT, m->m_proc.status, NULL);
	return 0;
}

int do_privctl(struct kernel *k, struct proc *caller, message *m)
{
	const struct kcall_privctl *pc = &m->m_privctl;
	struct proc *p = kcall_target(k, caller, pc->endpoint);
	if (!p)
		return -EDEADSRCDST;
	if (pc->flags & KIP_PRIV_USER) {
		p->p_priv = &k->user_priv;
		return 0;
	}
	p->p_priv = &p->p_own_priv;
	p->p_own_priv.flags = pc->flags;
	p->p_own_priv.trap_mask = pc->trap_mask;
	p->p_own_priv.send_mask[0] = pc->send_mask[0];
	p->p_own_priv.send_mask[1] = pc->send_mask[1];
	p->p_own_priv.kcall_mask = pc->kcall_mask;
	p->p_own_priv.irq_mask = pc->irq_mask;
	p->p_own_priv.dev_mask = pc->dev_mask;
	return 0;
}

static int proc_state(const struct proc *p)
{
	if (p->p_rts & RTS_SLOT_FREE)
		return KIP_PS_FREE;
	if (p->p_rts & RTS_FAULTED)
		return KIP_PS_FAULTED;
	if (p->p_rts & RTS_STOPPED)
		return KIP_PS_STOPPED;
	if (p->p_rts & RTS_SENDING)
		return KIP_PS_SENDING;
	if (p->p_rts & RTS_RECEIVING)
		return KIP_PS_RECEIVING;
	return KIP_PS_RUNNABLE;
}

int do_getinfo(struct kernel *k, struct proc *caller, message *m)
{
	(void)caller;
	int slot = m->m_getinfo.slot;
	if (slot < 0 || slot >= KIP_NR_PROCS)
		return -EINVAL;
	const struct proc *p = &k->procs[slot];
	struct kip_procinfo info;
	memset(&info, 0, sizeof(info));
	info.slot = slot;
	info.state = proc_state(p);
	if (info.state != KIP_PS_FREE) {
		info.endpoint = p->p_endpoint;
		memcpy(info.name, p->p_name, KIP_NAME_MAX);
		info.blocked_on = info.state == KIP_PS_SENDING	   ? p->p_sendto
				  : info.state == KIP_PS_RECEIVING ? p->p_getfrom
								   : KIP_NONE;
		info.priority = p->p_priority;
		info.pages = (uint32_t)mem_list(&k->mem, (unsigned)slot + 1, NULL, 0);
		info.cpu_ns = p->p_cpu_ns;
		info.flags = p->p_priv->flags;
	}
	return copy_to_proc(k, m->m_getinfo.addr, &info, sizeof(info));
}

int do_getevent(struct kernel *k, struct proc *caller, message *m)
{
	(void)k;
	if (caller->p_ev_count == 0)
		return -EAGAIN;
	m->m_event = caller->p_events[caller->p_ev_head];
	caller->p_ev_head = (caller->p_ev_head + 1) % PROC_MAX_EVENTS;
	caller->p_ev_count--;
	m->m_event.remaining = (int32_t)caller->p_ev_count;
	return 0;
}

int do_shutdown(struct kernel *k, struct proc *caller, message *m)
{
	trace_event(k, "%s.%d shuts the machine down, status %d", caller->p_name,
		    caller->p_endpoint, m->m_proc.status);
	k->halted = true;
	k->exit_status = m->m_proc.status;
	return 0;
}

int do_setmanager(struct kernel *k, struct proc *caller, message *m)
{
	struct proc *p = kcall_target(k, caller, m->m_proc.endpoint);
	if (!p)
		return -EDEADSRCDST;
	k->manager = p->p_endpoint;
	k->manager_takes_faults = m->m_proc.status != 0;
	return 0;
}
