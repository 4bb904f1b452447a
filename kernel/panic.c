/*
 * kernel/panic.c - the kernel's own bugs: print what is known, then abort.
 *
 * Entry points: kernel_panic, kernel_dump_procs.
 */
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
	cpustate_uninstall();
	fflush(stdout);
	fprintf(stderr, "kip: kernel panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (k) {
		kernel_dump_procs(k, stderr);
		unsigned n = k->trace_next < TRACE_TAIL_LINES ? k->trace_next : TRACE_TAIL_LINES;
		fprintf(stderr, "last %u trace lines:\n", n);
		for (unsigned i = k->trace_next - n; i < k->trace_next; i++)
			fprintf(stderr, "  %s\n", k->trace_tail[i % TRACE_TAIL_LINES]);
	}
	abort();
}
