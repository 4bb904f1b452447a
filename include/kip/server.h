/*
 * kip/server.h - the server library: every server and driver is this loop.
 *
 *     receive(ANY) -> dispatch through a const table indexed by type -> reply
 *
 * A handler has the form  int do_x(void *state, const message *in,
 * message *out)  and returns the reply status (0, a count, or a negative
 * error) that goes back as the reply's m_type, with `out` as its payload;
 * or -KIP_EDONTREPLY to answer later with server_reply (a request waiting
 * for a device, an alarm, another server).  Unknown types get ENOSYS.
 * Notifications go to the server's notify handler.
 *
 * The server reaches IPC only through the operations its struct carries
 * (struct server_ipc), so the same handlers can later be linked and called
 * directly, without IPC, in a --mono build.
 *
 * Entry points (servers/lib/server.c): server_init, server_run,
 * server_reply, server_state_alloc; kip_trap_ipc (the trap-based ops).
 */
#ifndef KIP_SERVER_H
#define KIP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "kip/error.h"
#include "kip/message.h"

/* The IPC operations a server uses. */
struct server_ipc {
	int (*receive)(endpoint_t src, message *m);
	int (*send)(endpoint_t dst, message *m);
	int (*sendrec)(endpoint_t dst, message *m);
	int (*notify)(endpoint_t dst);
	/* A reply: never blocks (a client that gave up is not waited for). */
	int (*reply)(endpoint_t dst, message *m);
};

/* The operations through kip_trap. */
extern const struct server_ipc kip_trap_ipc;

typedef int (*server_handler)(void *state, const message *in, message *out);

struct server_call {
	const char *name; /* the message type's name, for traces and gdb */
	server_handler fn;
};

/* A dispatch table: calls[type - base] for base <= type < base + count. */
struct server_table {
	int base;
	int count;
	const struct server_call *calls;
};

struct server {
	const char *name;
	void *state;
	const struct server_ipc *ipc;
	const struct server_table *table;
	/* Called for NOTIFY_MESSAGE (may be NULL). */
	void (*on_notify)(void *state, const message *in);
	bool stop; /* set by a handler to leave server_run after this message */
};

void server_init(struct server *srv, const char *name, void *state,
		 const struct server_table *table,
		 void (*on_notify)(void *state, const message *in));

/* Serve until srv->stop is set.  Returns 0 or the receive error that ended it. */
int server_run(struct server *srv);

/* Send a deferred reply with `status` as m_type and out as payload. */
int server_reply(struct server *srv, endpoint_t to, message *out, int status);

/* The handler for `type`, or NULL. */
const struct server_call *server_lookup(const struct server_table *table, int type);

/* Allocate the server's state (zeroed) from pages it owns.  NULL on failure. */
void *server_state_alloc(size_t size);

#endif
