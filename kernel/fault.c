/*
 * kernel/fault.c - faults and hangs of processes.
 *
 * Entry points: fault_hook (given to sim/cpustate: runs on the alternate
 * signal stack), fault_watchdog_tick (from the CPU-time timer signal),
 * fault_handle (kernel loop, after the switch back).
 *
 * A fault signal raised while a process runs is pinned on that process: the
 * hook stores the full interrupted state in the process's slot and switches
 * to the kernel without returning.  The kernel stops the process and
 * reports it to the manager (the future RS), which may fix the cause and
 * SYS_RESUME it or SYS_KILL it; without a manager that takes faults the
 * default is kill, and its parent and the manager are told.  The watchdog
 * does the same for a process that ran longer than the limit of host CPU
 * time without trapping; its firing depends on host timing, so the trace
 * marks it as nondeterministic.  A fault in the kernel's own context is a
 * panic - unless it happened inside a guarded copy (kernel/copy.c).
 */
#include <signal.h>
#include <string.h>

#include "kip/error.h"
#include "kernel/kernel.h"

#define WATCHDOG_PERIOD_MS 50

static const char *signal_name(int signo)
{
	switch (signo) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	case SIGABRT:
		return "SIGABRT";
	default:
		return "signal";
	}
}

void fault_hook(struct cpustate *st)
{
	struct kernel *k = kern;
	if (!k)
		return;
	struct proc *p = k->cpu.current;
	if (!p) {
		if (st->cause == CPUSTATE_WATCHDOG)
			return;
		if (k->copying) {
			cpustate_unblock(st->signo);
			siglongjmp(k->copy_jmp, 1);
		}
		kernel_panic("%s in the kernel's own context (si_code %d)", signal_name(st->signo),
			     st->si_code);
	}
	memcpy(p->p_fault, st, sizeof(*st));
	p->p_trap_op = TRAP_FAULT;
	cpustate_unblock(st->signo);
	ctx_switch(&p->p_ctx, &k->kctx);
	kernel_panic("process %s resumed through its abandoned fault frame", p->p_name);
}

int fault_watchdog_tick(void)
{
	struct kernel *k = kern;
	if (!k || !k->cfg.watchdog_ms || !k->cpu.current) {
		if (k)
			k->watchdog_ticks = 0;
		return 0;
	}
	if (k->dispatches != k->watchdog_seen) {
		k->watchdog_seen = k->dispatches;
		k->watchdog_ticks = 0;
		return 0;
	}
	if (++k->watchdog_ticks * WATCHDOG_PERIOD_MS < k->cfg.watchdog_ms)
		return 0;
	k->watchdog_ticks = 0;
	return 1;
}

unsigned fault_watchdog_period_ms(void)
{
	return WATCHDOG_PERIOD_MS;
}

void fault_handle(struct kernel *k, struct proc *p)
{
	struct cpustate *st = p->p_fault;
	bool hang = st->cause == CPUSTATE_WATCHDOG;
	p->p_trap_op = TRAP_NONE;
	if (hang) {
		k->watchdog_fired++;
		trace_event(k,
			    "watchdog: %s.%d ran %u ms of host CPU without trapping "
			    "(nondeterministic event)",
			    p->p_name, p->p_endpoint, k->cfg.watchdog_ms);
	} else {
		trace_event(k, "%s.%d faults: %s (%s)", p->p_name, p->p_endpoint,
			    signal_name(st->signo), st->access ? "write" : "read");
	}
	p->p_rts |= RTS_FAULTED;
	proc_unready(k, p);
	struct proc *mgr = proc_lookup(k, k->manager);
	if (mgr && mgr != p && k->manager_takes_faults) {
		struct kcall_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.endpoint = p->p_endpoint;
		ev.kind = hang ? KIP_EV_HANG : KIP_EV_FAULT;
		ev.signo = st->signo;
		ev.addr = st->addr;
		ev.rip = st->rip;
		ev.access = st->access;
		memcpy(ev.name, p->p_name, KIP_NAME_MAX);
		proc_post_event(k, mgr, &ev);
		return;
	}
	proc_kill(k, p, KIP_EV_KILLED, 128 + st->signo, st);
}
