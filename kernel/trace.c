/*
 * kernel/trace.c - the IPC trace: one line per message.
 *
 * Entry points: trace_init, trace_message, trace_event.
 *
 *   virtual-ns  sender(ep) -> receiver(ep)  TYPE  outcome
 *
 * With --trace-ipc (or KIP_TRACE=ipc) the trace installs itself as the
 * message-delivery interposition point and prints to cfg.trace_out.  Every
 * line also goes into a small ring that a panic prints.  Nothing in a line
 * depends on host addresses or host time, so two runs with the same seed
 * and epoch print the same trace.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kip/error.h"
#include "kernel/kernel.h"

static void emit(struct kernel *k, const char *line)
{
	snprintf(k->trace_tail[k->trace_next % TRACE_TAIL_LINES], TRACE_LINE_MAX, "%s", line);
	k->trace_next++;
	if (k->cfg.trace & KIP_TRACE_IPC)
		fprintf(k->cfg.trace_out, "%s\n", line);
}

static void type_text(const message *m, bool reply, char *buf, size_t size)
{
	const char *name = m ? kip_msg_name(m->m_type) : "(no message)";
	if (m && reply) {
		const char *err = m->m_type < 0 ? kip_strerror(m->m_type) : NULL;
		if (err)
			snprintf(buf, size, "REPLY -%s", err);
		else
			snprintf(buf, size, "REPLY %d", m->m_type);
	} else if (name) {
		snprintf(buf, size, "%s", name);
	} else {
		snprintf(buf, size, "0x%x", (unsigned)m->m_type);
	}
}

void trace_message(struct kernel *k, endpoint_t from, endpoint_t to, const message *m, int outcome,
		   bool reply)
{
	char type[48], line[TRACE_LINE_MAX];
	type_text(m, reply, type, sizeof(type));
	const char *err = outcome ? kip_strerror(outcome) : "ok";
	snprintf(line, sizeof(line), "%12" PRIu64 "  %s(%d) -> %s(%d)  %s  %s", k->clock.now,
		 proc_name(k, from), from, proc_name(k, to), to, type, err ? err : "error");
	emit(k, line);
}

void trace_event(struct kernel *k, const char *fmt, ...)
{
	char text[TRACE_LINE_MAX - 24], line[TRACE_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%12" PRIu64 "  -- %s", k->clock.now, text);
	emit(k, line);
}

static void trace_hook(void *arg, endpoint_t from, endpoint_t to, const message *m, int outcome,
		       bool reply)
{
	trace_message(arg, from, to, m, outcome, reply);
}

void trace_init(struct kernel *k)
{
	if (!(k->cfg.trace & KIP_TRACE_IPC))
		return;
	k->deliver_hook = trace_hook;
	k->deliver_hook_arg = k;
	fprintf(k->cfg.trace_out,
		"kip trace: seed %" PRIu64 " epoch %" PRIu64 " switch %s quantum %" PRIu64 " ns\n",
		k->cfg.seed, k->cfg.epoch, ctx_impl_name(k->cfg.impl), k->cfg.quantum_ns);
}
