/*
 * kernel/kcall.c - the kernel-call table and its dispatcher.
 *
 * Entry point: kcall_dispatch.
 *
 * A kernel call is a message to KIP_KERNEL whose m_type is a SYS_* number
 * (kip/msgtypes.h).  The dispatcher checks the number is in range and has a
 * handler (else ENOSYS), that the caller's privileges allow it (else
 * ECALLDENIED), then calls the handler with the caller's message, which it
 * fills with the answer.  Later issues add calls to this table, never
 * around it.  Handlers live in one file per family: kcall_proc.c,
 * kcall_mem.c, kcall_dev.c, kcall_time.c, kcall_tls.c.
 */
#include <stddef.h>

#include "kip/error.h"
#include "kip/fault_point.h"
#include "kernel/cost.h"
#include "kernel/kcall.h"

static const struct kcall_entry kcall_table[SYS_COUNT] = {
#define KCALL(type, fn) [type - SYS_FIRST] = {#type, fn}
	KCALL(SYS_CREATE, do_create),
	KCALL(SYS_KILL, do_kill),
	KCALL(SYS_STOP, do_stop),
	KCALL(SYS_RESUME, do_resume),
	KCALL(SYS_EXIT, do_exit),
	KCALL(SYS_PRIVCTL, do_privctl),
	KCALL(SYS_SAFECOPYFROM, do_safecopy),
	KCALL(SYS_SAFECOPYTO, do_safecopy),
	KCALL(SYS_SETGRANT, do_setgrant),
	KCALL(SYS_PAGE_ALLOC, do_page_alloc),
	KCALL(SYS_PAGE_FREE, do_page_free),
	KCALL(SYS_PAGE_LIST, do_page_list),
	KCALL(SYS_PAGE_PROTECT, do_page_protect),
	KCALL(SYS_DEVCTL, do_devctl),
	KCALL(SYS_DEVIO, do_devio),
	KCALL(SYS_DMA, do_dma),
	KCALL(SYS_IRQCTL, do_irqctl),
	KCALL(SYS_SETALARM, do_setalarm),
	KCALL(SYS_TIMES, do_times),
	KCALL(SYS_GETINFO, do_getinfo),
	KCALL(SYS_GETEVENT, do_getevent),
	KCALL(SYS_PRINT, do_print),
	KCALL(SYS_SHUTDOWN, do_shutdown),
	KCALL(SYS_SETMANAGER, do_setmanager),
	KCALL(SYS_SETTLS, do_settls),
#undef KCALL
};

const char *kcall_name(int type)
{
	int i = kip_kcall_index(type);
	return (i >= 0 && kcall_table[i].name) ? kcall_table[i].name : NULL;
}

int kcall_dispatch(struct kernel *k, struct proc *caller, message *m)
{
	int type = m->m_type;
	int i = kip_kcall_index(type);
	int r;
	k->n_kcalls++;
	clock_advance(&k->clock, COST_KCALL_NS);
	if (i < 0 || !kcall_table[i].fn)
		r = -ENOSYS;
	else if (!priv_may_kcall(caller, i))
		r = -ECALLDENIED;
	else if (fault_point(FP_KCALL))
		r = -EIO;
	else
		r = kcall_table[i].fn(k, caller, m);
	if (!(caller->p_rts & RTS_SLOT_FREE)) {
		m->m_type = type; /* observers see the call, not the answer */
		deliver_observe(k, caller->p_endpoint, KIP_KERNEL, m, r < 0 ? r : 0, false);
	}
	return r;
}
