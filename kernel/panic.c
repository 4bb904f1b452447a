/*
 * kernel/panic.c - the kernel's own bugs: print what is known, then abort.
 *
 * Entry points: kernel_panic, kernel_dump_procs.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/kernel.h"

void kernel_dump_procs(struct kernel *k, FILE *out)
{
	fprintf(out, "slot endpoint name          flags  prio  blocked-on\n");
	for (int i = 0; i < KIP_NR_PROCS; i++) {
		struct proc *p = &k->procs[i];
		if (p->p_rts & RTS_SLOT_FREE)
			continue;
		endpoint_t on = (p->p_rts & RTS_SENDING)     ? p->p_sendto
				: (p->p_rts & RTS_RECEIVING) ? p->p_getfrom
							     : KIP_NONE;
		fprintf(out, "%4d %8d %-13s 0x%02x %5d  %s\n", i, p->p_endpoint, p->p_name,
			p->p_rts, p->p_priority, on == KIP_NONE ? "-" : proc_name(k, on));
	}
}

void kernel_panic(const char *fmt, ...)
{
	struct kernel *k = kern;
	va_list ap;
	/* Not cpustate_uninstall: we may be running on the alternate signal
	 * stack it would unmap.  Just let abort() do what it normally does. */
	signal(SIGABRT, SIG_DFL);
	fflush(stdout);
	fprintf(stderr, "kip: kernel panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (k) {
		kernel_dump_procs(k, stderr);
		trace_dump_tail(k, stderr);
	}
	abort();
}
