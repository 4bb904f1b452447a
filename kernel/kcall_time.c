/*
 * kernel/kcall_time.c - kernel calls about time, and the console.
 *
 * One alarm per process: SYS_SETALARM arms it (replacing the previous one)
 * and a CLOCK notification arrives when it is due.  The timer is "armed"
 * only while some alarm is pending: it is an event on the virtual clock.
 */
#include "kip/error.h"
#include "kernel/kcall.h"

static void alarm_fire(void *arg, uint64_t data)
{
	struct kernel *k = arg;
	struct proc *p = &k->procs[data];
	if (p->p_rts & RTS_SLOT_FREE)
		return;
	p->p_alarm_id = 0;
	ipc_kernel_notify(k, p, KIP_CLOCK);
}

int do_setalarm(struct kernel *k, struct proc *caller, message *m)
{
	uint64_t now = k->clock.now;
	m->m_time.now = now; /* the alarm counts from here */
	m->m_time.previous = 0;
	if (caller->p_alarm_id) {
		m->m_time.previous = caller->p_alarm_at > now ? caller->p_alarm_at - now : 0;
		clock_cancel(&k->clock, caller->p_alarm_id);
		caller->p_alarm_id = 0;
	}
	if (m->m_time.ns == 0)
		return 0;
	/* A delay past the end of virtual time waits for ever, not wraps. */
	caller->p_alarm_at = m->m_time.ns > UINT64_MAX - now ? UINT64_MAX : now + m->m_time.ns;
	caller->p_alarm_id = clock_schedule(&k->clock, caller->p_alarm_at, alarm_fire, k,
					    (uint64_t)caller->p_slot);
	return caller->p_alarm_id ? 0 : -EAGAIN;
}

int do_times(struct kernel *k, struct proc *caller, message *m)
{
	m->m_time.now = k->clock.now;
	m->m_time.epoch = k->clock.epoch;
	m->m_time.cpu_ns = caller->p_cpu_ns;
	m->m_time.messages = k->n_messages; /* kernel_get_stats' counters (kip bench fs) */
	m->m_time.switches = k->n_switches;
	return 0;
}

int do_print(struct kernel *k, struct proc *caller, message *m)
{
	(void)caller;
	char buf[1024];
	uint64_t len = m->m_print.len;
	if (len > sizeof(buf))
		return -EINVAL;
	int r = copy_from_proc(k, buf, m->m_print.addr, len);
	if (r < 0)
		return r;
	fwrite(buf, 1, len, k->cfg.console);
	return (int)len;
}
