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
#include <stdint.h>

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
	bool stop;		      /* set by a handler to leave server_run after this message */
	endpoint_t blocking_reply_to; /* server_set_blocking_reply's client */
	struct server_workers *workers; /* server_run_workers's, or NULL */
};

void server_init(struct server *srv, const char *name, void *state,
		 const struct server_table *table,
		 void (*on_notify)(void *state, const message *in));

/* Serve until srv->stop is set.  Returns 0 or the receive error that ended it. */
int server_run(struct server *srv);

/*
 * Workers: "reply later" for requests that wait on another server (the
 * peer: VFS's is MFS).  servers/lib/worker.c.
 *
 * server_run_workers serves like server_run, but each request runs on one
 * of up to SERVER_MAX_WORKERS coroutines in the server's own pages.  A
 * handler that calls server_call_peer gives the processor back to the loop
 * until the peer answers, and the loop receives and serves other requests
 * meanwhile; the waiting caller gets its reply when its handler finishes.
 * Requests that reach the peer are serialised: the first peer call of a
 * request takes the peer for the rest of that request (others wait their
 * turn in arrival order), so a request sees the peer's state change only
 * by its own hand.  Requests that never call the peer (an lseek, a dup)
 * are served at once.  The peer must answer with a blocking send (see
 * server_set_blocking_reply): the server is not always receiving when the
 * answer comes; and it must not NOTIFY the server while it holds one of
 * its requests (an answer's status may be any count, 0x100 included, so
 * what the peer sends then is taken for the answer).  Without workers,
 * server_call_peer is a plain SENDREC.
 */
#define SERVER_MAX_WORKERS 8
#define SERVER_WORKER_STACK (32u * 1024)

struct server_worker;

struct server_workers {
	endpoint_t peer;
	unsigned count;
	struct server_worker *w;	  /* count of them, in the server's pages */
	struct server_worker *current;	  /* running a request, or NULL (the loop) */
	struct server_worker *peer_owner; /* holds the peer for its request */
	void *loop_sp;			  /* the loop's stack while a worker runs */
	/* Messages that found every worker busy, in arrival order. */
	message *backlog;
	unsigned backlog_head, backlog_len, backlog_cap;
	uint64_t next_ticket; /* the peer's queue order */
	/* Called whenever worker `index` (re)starts running, so the server
	 * can point its per-request scratch at that worker's own. */
	void (*on_resume)(void *state, unsigned index);
};

/* Serve with `nworkers` workers (1..SERVER_MAX_WORKERS) and `peer` as the
 * server requests wait on.  Returns like server_run; < 0 if the workers'
 * stacks cannot be had. */
int server_run_workers(struct server *srv, unsigned nworkers, endpoint_t peer,
		       void (*on_resume)(void *state, unsigned index));

/* From a handler: SENDREC m to the peer; m holds the answer.  The answer's
 * status (m_type), or an IPC error.  Under server_run_workers the server
 * goes on serving while it waits; otherwise this is srv->ipc->sendrec. */
int server_call_peer(struct server *srv, endpoint_t peer, message *m);

/* Answer requests from `client` with a blocking send instead of a
 * non-blocking one (for a trusted client that runs workers, so it may be
 * busy for a moment when the answer is ready).  KIP_NONE: none. */
void server_set_blocking_reply(struct server *srv, endpoint_t client);

/* Send a deferred reply with `status` as m_type and out as payload. */
int server_reply(struct server *srv, endpoint_t to, message *out, int status);

/* The handler for `type`, or NULL. */
const struct server_call *server_lookup(const struct server_table *table, int type);

/* Allocate the server's state (zeroed) from pages it owns.  NULL on failure. */
void *server_state_alloc(size_t size);

#endif
