/*
 * kernel/deadlock.c - deadlock detection and the "who waits on whom" report.
 *
 * Entry points: deadlock_cycle, deadlock_report.
 *
 * Before a process blocks on `target`, follow the chain of blocked-on links
 * from target.  If it comes back to the caller, blocking would close a
 * cycle in which nobody can ever run: refuse with ELOCKED.  The one
 * exception (as in MINIX) is the ordinary request/reply pair: a cycle of
 * two in which one side sends and the other receives.  (In kip that case
 * never reaches this check - ipc.c delivers such a message at once - but
 * the rule is kept so the check stands on its own, as MINIX's does.)
 */
#include "kernel/kernel.h"

/* The endpoint p is blocked on, or KIP_ANY if it is not blocked on one. */
static endpoint_t blocked_on(const struct proc *p)
{
	if (p->p_rts & RTS_SENDING)
		return p->p_sendto;
	if (p->p_rts & RTS_RECEIVING)
		return p->p_getfrom;
	return KIP_ANY;
}

int deadlock_cycle(struct kernel *k, struct proc *caller, endpoint_t target, bool sending)
{
	int group = 2;
	endpoint_t e = target;
	for (int steps = 0; e != KIP_ANY && steps < KIP_NR_PROCS; steps++) {
		struct proc *xp = proc_lookup(k, e);
		if (!xp || (xp->p_rts & (RTS_STOPPED | RTS_FAULTED)))
			return 0;
		e = blocked_on(xp);
		if (e == KIP_ANY || kip_ep_is_kernel_source(e))
			return 0;
		if (e == caller->p_endpoint) {
			bool xp_sends = (xp->p_rts & RTS_SENDING) != 0;
			if (group == 2 && xp_sends != sending)
				return 0;
			return group;
		}
		group++;
	}
	return 0;
}

static const char *state_name(const struct proc *p)
{
	if (p->p_rts & RTS_FAULTED)
		return "faulted";
	if (p->p_rts & RTS_STOPPED)
		return "stopped";
	if (p->p_rts & RTS_SENDING)
		return p->p_reply_wait ? "sendrec to" : "sending to";
	if (p->p_rts & RTS_RECEIVING)
		return p->p_reply_wait ? "awaiting reply from" : "receiving from";
	return "runnable";
}

void deadlock_report(struct kernel *k, FILE *out)
{
	fprintf(out, "kip: deadlock: no process can run again; who waits on whom:\n");
	for (int i = 0; i < KIP_NR_PROCS; i++) {
		struct proc *p = &k->procs[i];
		if (p->p_rts & RTS_SLOT_FREE)
			continue;
		endpoint_t on = blocked_on(p);
		if (p->p_rts & (RTS_SENDING | RTS_RECEIVING))
			fprintf(out, "  %-12s (ep %d) %s %s (ep %d)\n", p->p_name, p->p_endpoint,
				state_name(p), proc_name(k, on), on);
		else
			fprintf(out, "  %-12s (ep %d) %s\n", p->p_name, p->p_endpoint,
				state_name(p));
	}
}
