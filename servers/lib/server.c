/*
 * servers/lib/server.c - the server loop (kip/server.h).
 *
 * Entry points: server_init, server_run, server_reply, server_lookup,
 * server_state_alloc, server_set_blocking_reply, kip_trap_ipc.
 */
#include <string.h>

#include "kip/ipc.h"
#include "kip/server.h"
#include "kip/syslib.h"

static int trap_reply(endpoint_t dst, message *m)
{
	return kip_sendnb(dst, m);
}

const struct server_ipc kip_trap_ipc = {
	.receive = kip_receive,
	.send = kip_send,
	.sendrec = kip_sendrec,
	.notify = kip_notify,
	.reply = trap_reply,
};

void server_init(struct server *srv, const char *name, void *state,
		 const struct server_table *table,
		 void (*on_notify)(void *state, const message *in))
{
	memset(srv, 0, sizeof(*srv));
	srv->name = name;
	srv->state = state;
	srv->ipc = &kip_trap_ipc;
	srv->table = table;
	srv->on_notify = on_notify;
	srv->blocking_reply_to = KIP_NONE;
}

void server_set_blocking_reply(struct server *srv, endpoint_t client)
{
	srv->blocking_reply_to = client;
}

const struct server_call *server_lookup(const struct server_table *table, int type)
{
	if (type < table->base || type >= table->base + table->count)
		return NULL;
	const struct server_call *c = &table->calls[type - table->base];
	return c->fn ? c : NULL;
}

int server_reply(struct server *srv, endpoint_t to, message *out, int status)
{
	out->m_type = status;
	if (to == srv->blocking_reply_to)
		return srv->ipc->send(to, out);
	return srv->ipc->reply(to, out);
}

int server_run(struct server *srv)
{
	message in, out;
	while (!srv->stop) {
		int r = srv->ipc->receive(KIP_ANY, &in);
		if (r < 0)
			return r;
		if (in.m_type == NOTIFY_MESSAGE) {
			if (srv->on_notify)
				srv->on_notify(srv->state, &in);
			continue;
		}
		const struct server_call *call = server_lookup(srv->table, in.m_type);
		kip_msg_init(&out, 0);
		int status = call ? call->fn(srv->state, &in, &out) : -ENOSYS;
		if (status != -KIP_EDONTREPLY)
			server_reply(srv, in.m_source, &out, status);
	}
	return 0;
}

void *server_state_alloc(size_t size)
{
	unsigned pages = (unsigned)((size + 4095) / 4096);
	return kip_page_alloc(pages ? pages : 1);
}
