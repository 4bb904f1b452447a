/*
 * kernel/trace.c - the IPC trace: one line per message.
 *
 * Entry points: trace_init, trace_message, trace_event, trace_dump_tail.
 *
 *   virtual-ns  sender(ep) -> receiver(ep)  TYPE  outcome
 *
 * With --trace-ipc (or KIP_TRACE=ipc) the trace installs itself as the
 * message-delivery interposition point and prints to cfg.trace_out.  Traced
 * or not, the last messages (raw, see deliver_observe) and events are kept
 * in small rings that a panic prints (trace_dump_tail).  Nothing in a line
 * depends on host addresses or host time, so two runs with the same seed
 * and epoch print the same trace.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kip/error.h"
#include "kernel/kernel.h"

static void type_text(int type, bool reply, char *buf, size_t size)
{
	const char *name = kip_msg_name(type);
	const char *err = type < 0 ? kip_strerror(type) : NULL;
	if (reply && err)
		snprintf(buf, size, "REPLY -%s", err);
	else if (reply)
		snprintf(buf, size, "REPLY %d", type);
	else if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "0x%x", (unsigned)type);
}

static void format_message(struct kernel *k, const struct trace_rec *r, char *line, size_t size)
{
	char type[48];
	type_text(r->type, r->reply, type, sizeof(type));
	const char *err = r->outcome ? kip_strerror(r->outcome) : "ok";
	snprintf(line, size, "%12" PRIu64 "  %s(%d) -> %s(%d)  %s  %s", r->when,
		 proc_name(k, r->from), r->from, proc_name(k, r->to), r->to, type,
		 err ? err : "error");
}

void trace_message(struct kernel *k, endpoint_t from, endpoint_t to, const message *m, int outcome,
		   bool reply)
{
	char line[TRACE_LINE_MAX];
	struct trace_rec r = {0, k->clock.now, from, to, m ? m->m_type : 0, outcome, reply};
	format_message(k, &r, line, sizeof(line));
	if (k->cfg.trace & KIP_TRACE_IPC)
		fprintf(k->cfg.trace_out, "%s\n", line);
}

void trace_event(struct kernel *k, const char *fmt, ...)
{
	char text[TRACE_LINE_MAX - 24], line[TRACE_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%12" PRIu64 "  -- %s", k->clock.now, text);
	uint64_t seq = k->trace_seq++;
	unsigned e = (unsigned)(seq % TRACE_TAIL_EVENTS);
	snprintf(k->trace_events[e], TRACE_LINE_MAX, "%s", line);
	k->trace_event_seq[e] = seq;
	k->trace_msgs[seq % TRACE_TAIL_MSGS].seq = UINT64_MAX; /* not a message */
	if (k->cfg.trace & KIP_TRACE_IPC)
		fprintf(k->cfg.trace_out, "%s\n", line);
}

void trace_dump_tail(struct kernel *k, FILE *out)
{
	uint64_t first = k->trace_seq > TRACE_TAIL_MSGS ? k->trace_seq - TRACE_TAIL_MSGS : 0;
	char line[TRACE_LINE_MAX];
	fprintf(out, "last trace lines (messages and events):\n");
	for (uint64_t seq = first; seq < k->trace_seq; seq++) {
		const struct trace_rec *r = &k->trace_msgs[seq % TRACE_TAIL_MSGS];
		unsigned e = (unsigned)(seq % TRACE_TAIL_EVENTS);
		if (r->seq == seq) {
			format_message(k, r, line, sizeof(line));
			fprintf(out, "  %s\n", line);
		} else if (k->trace_event_seq[e] == seq) {
			fprintf(out, "  %s\n", k->trace_events[e]);
		}
	}
}

static void trace_hook(void *arg, endpoint_t from, endpoint_t to, const message *m, int outcome,
		       bool reply)
{
	trace_message(arg, from, to, m, outcome, reply);
}

void trace_init(struct kernel *k)
{
	for (unsigned i = 0; i < TRACE_TAIL_EVENTS; i++)
		k->trace_event_seq[i] = UINT64_MAX;
	for (unsigned i = 0; i < TRACE_TAIL_MSGS; i++)
		k->trace_msgs[i].seq = UINT64_MAX;
	if (!(k->cfg.trace & KIP_TRACE_IPC))
		return;
	k->deliver_hook = trace_hook;
	k->deliver_hook_arg = k;
	fprintf(k->cfg.trace_out,
		"kip trace: seed %" PRIu64 " epoch %" PRIu64 " switch %s quantum %" PRIu64 " ns\n",
		k->cfg.seed, k->cfg.epoch, ctx_impl_name(k->cfg.impl), k->cfg.quantum_ns);
}
