/*
 * servers/lib/worker.c - workers: "reply later" while a request waits on
 * another server (kip/server.h: server_run_workers, server_call_peer).
 *
 * Entry points: server_run_workers, server_call_peer.
 *
 * A worker is a coroutine on a stack in the server's own pages: the
 * process is still one kip process with one endpoint, and the kernel never
 * sees the workers; they switch among themselves with
 * server_worker_switch (callee-saved registers and the stack pointer, as a
 * function call).  The loop runs on the process's own stack: it receives a
 * message, and either hands the peer's answer to the worker waiting for it,
 * or starts a free worker on a new request (or keeps the request in the
 * backlog while all are busy), then lets every worker that can go on run
 * until it finishes or waits.  One worker at a time owns the peer, from
 * its first server_call_peer until its request is answered; the others
 * wait in ticket order.  Scheduling is a pure function of the messages
 * received, so runs stay deterministic.
 *
 * Under Valgrind each stack is registered (VALGRIND_STACK_REGISTER is a
 * client request compiled inline, not a host call), or memcheck would take
 * a switch for a huge stack frame.
 */
#include <stdint.h>
#include <string.h>
#include <valgrind/valgrind.h>

#include "kip/server.h"
#include "kip/syslib.h"

struct server_worker {
	void *sp; /* saved stack pointer while switched out */
	struct server *srv;
	unsigned index;
	bool busy;	   /* serving a request */
	bool wants_peer;   /* waiting its turn for the peer */
	bool awaiting;	   /* its request to the peer is out */
	uint64_t ticket;   /* its place in the peer's queue */
	message in;	   /* the request it serves */
	message *peer_msg; /* where the peer's answer goes */
	uint8_t *stack;	   /* SERVER_WORKER_STACK bytes */
	unsigned vg_stack; /* Valgrind's stack id */
};

/* Save the callee-saved registers and the stack pointer in *save, switch
 * to the stack `to` and restore what was saved there. */
void server_worker_switch(void **save, void *to);
/* A new worker's first code: r12 holds the worker. */
void server_worker_start(void);
void server_worker_body(struct server_worker *w);

__asm__(".text\n"
	".globl server_worker_switch\n"
	".hidden server_worker_switch\n"
	".type server_worker_switch, @function\n"
	"server_worker_switch:\n"
	"	push %rbp\n"
	"	push %rbx\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	mov %rsp, (%rdi)\n"
	"	mov %rsi, %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbx\n"
	"	pop %rbp\n"
	"	ret\n"
	".size server_worker_switch, .-server_worker_switch\n"
	".globl server_worker_start\n"
	".hidden server_worker_start\n"
	".type server_worker_start, @function\n"
	"server_worker_start:\n"
	"	mov %r12, %rdi\n"
	"	call server_worker_body\n"
	"	ud2\n"
	".size server_worker_start, .-server_worker_start\n");

/* Run worker w until it finishes its request or waits. */
static void worker_run(struct server_workers *ws, struct server_worker *w)
{
	ws->current = w;
	if (ws->on_resume)
		ws->on_resume(w->srv->state, w->index);
	server_worker_switch(&ws->loop_sp, w->sp);
	ws->current = NULL;
}

/* From a worker: back to the loop. */
static void worker_yield(struct server_workers *ws, struct server_worker *w)
{
	server_worker_switch(&w->sp, ws->loop_sp);
}

void server_worker_body(struct server_worker *w)
{
	struct server *srv = w->srv;
	struct server_workers *ws = srv->workers;
	for (;;) {
		message out;
		const struct server_call *call = server_lookup(srv->table, w->in.m_type);
		kip_msg_init(&out, 0);
		int status = call ? call->fn(srv->state, &w->in, &out) : -ENOSYS;
		if (status != -KIP_EDONTREPLY)
			server_reply(srv, w->in.m_source, &out, status);
		if (ws->peer_owner == w)
			ws->peer_owner = NULL;
		w->busy = false;
		worker_yield(ws, w);
	}
}

int server_call_peer(struct server *srv, endpoint_t peer, message *m)
{
	struct server_workers *ws = srv->workers;
	if (!ws || !ws->current || peer != ws->peer) {
		int r = srv->ipc->sendrec(peer, m);
		return r < 0 ? r : m->m_type;
	}
	struct server_worker *w = ws->current;
	if (ws->peer_owner && ws->peer_owner != w) {
		w->wants_peer = true;
		w->ticket = ws->next_ticket++;
		worker_yield(ws, w); /* the loop resumes us owning the peer */
	}
	ws->peer_owner = w;
	int r = srv->ipc->send(peer, m);
	if (r < 0)
		return r;
	w->peer_msg = m;
	w->awaiting = true;
	worker_yield(ws, w);
	return m->m_type;
}

/* Give the peer to the worker that has waited longest, if it is free. */
static struct server_worker *worker_next_for_peer(struct server_workers *ws)
{
	if (ws->peer_owner)
		return NULL;
	struct server_worker *best = NULL;
	for (unsigned i = 0; i < ws->count; i++) {
		struct server_worker *w = &ws->w[i];
		if (w->wants_peer && (!best || w->ticket < best->ticket))
			best = w;
	}
	if (best) {
		best->wants_peer = false;
		ws->peer_owner = best;
	}
	return best;
}

static struct server_worker *worker_free(struct server_workers *ws)
{
	for (unsigned i = 0; i < ws->count; i++)
		if (!ws->w[i].busy)
			return &ws->w[i];
	return NULL;
}

/* Start a free worker on m, or keep m for later. */
static void worker_take(struct server_workers *ws, const message *m)
{
	struct server_worker *w = worker_free(ws);
	if (!w) {
		if (ws->backlog_len < ws->backlog_cap) {
			unsigned tail = (ws->backlog_head + ws->backlog_len) % ws->backlog_cap;
			ws->backlog[tail] = *m;
			ws->backlog_len++;
		}
		/* A full backlog cannot happen: each sender has one request out. */
		return;
	}
	w->busy = true;
	w->in = *m;
	worker_run(ws, w);
}

/* Run whatever can run now: the peer's next owner, backlogged requests. */
static void worker_settle(struct server_workers *ws)
{
	for (;;) {
		struct server_worker *w = worker_next_for_peer(ws);
		if (w) {
			worker_run(ws, w);
			continue;
		}
		if (ws->backlog_len > 0 && worker_free(ws)) {
			message m = ws->backlog[ws->backlog_head];
			ws->backlog_head = (ws->backlog_head + 1) % ws->backlog_cap;
			ws->backlog_len--;
			worker_take(ws, &m);
			continue;
		}
		return;
	}
}

/* The workers, their stacks and the backlog, from the server's pages. */
static struct server_workers *worker_pool(struct server *srv, unsigned n)
{
	size_t cap = KIP_NR_PROCS;
	size_t size = sizeof(struct server_workers) + n * sizeof(struct server_worker) +
		      cap * sizeof(message);
	uint8_t *mem = server_state_alloc(size);
	uint8_t *stacks = server_state_alloc((size_t)n * SERVER_WORKER_STACK);
	if (!mem || !stacks)
		return NULL;
	struct server_workers *ws = (struct server_workers *)mem;
	ws->w = (struct server_worker *)(mem + sizeof(*ws));
	ws->backlog = (message *)(ws->w + n);
	ws->backlog_cap = (unsigned)cap;
	ws->count = n;
	for (unsigned i = 0; i < n; i++) {
		struct server_worker *w = &ws->w[i];
		w->srv = srv;
		w->index = i;
		w->stack = stacks + (size_t)i * SERVER_WORKER_STACK;
		w->vg_stack = VALGRIND_STACK_REGISTER(w->stack, w->stack + SERVER_WORKER_STACK);
		/* The first switch pops six registers (r12 = w) and returns
		 * into server_worker_start with a 16-byte aligned stack. */
		uint64_t *top = (uint64_t *)(w->stack + SERVER_WORKER_STACK);
		top[-1] = (uint64_t)(uintptr_t)server_worker_start;
		top[-2] = 0;			  /* rbp: the end of backtraces */
		top[-3] = 0;			  /* rbx */
		top[-4] = (uint64_t)(uintptr_t)w; /* r12 */
		top[-5] = 0;			  /* r13 */
		top[-6] = 0;			  /* r14 */
		top[-7] = 0;			  /* r15 */
		w->sp = &top[-7];
	}
	return ws;
}

int server_run_workers(struct server *srv, unsigned nworkers, endpoint_t peer,
		       void (*on_resume)(void *state, unsigned index))
{
	if (nworkers == 0 || nworkers > SERVER_MAX_WORKERS)
		return -EINVAL;
	struct server_workers *ws = worker_pool(srv, nworkers);
	if (!ws)
		return -ENOMEM;
	ws->peer = peer;
	ws->on_resume = on_resume;
	srv->workers = ws;
	message m;
	while (!srv->stop) {
		int r = srv->ipc->receive(KIP_ANY, &m);
		if (r < 0)
			return r;
		struct server_worker *owner = ws->peer_owner;
		/* The peer's answer first: its status is any count, and a count
		 * of 0x100 reads like NOTIFY_MESSAGE.  (So a peer must not
		 * NOTIFY the server while it has a request of the server's.) */
		if (m.m_source == peer && owner && owner->awaiting) {
			*owner->peer_msg = m;
			owner->awaiting = false;
			worker_run(ws, owner);
		} else if (m.m_type == NOTIFY_MESSAGE) {
			if (srv->on_notify)
				srv->on_notify(srv->state, &m);
		} else {
			worker_take(ws, &m);
		}
		worker_settle(ws);
	}
	return 0;
}
