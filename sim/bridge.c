/*
 * sim/bridge.c - the bridge device and its host side (see sim/bridge.h and
 * kip/bridge_regs.h).
 *
 * Entry points: bridge_create, bridge_of, bridge_call, bridge_wait_ready,
 * bridge_on_events, bridge_close, bridge_free_slots; the device ops (registers, DMA, destroy)
 * reached through struct sim_device_ops.
 *
 * Four parts: the slots (a host thread takes one, fills it and sleeps; the
 * CPU thread kicks it and, at DONE, copies the reply out and wakes the
 * caller), READY, the events (a queue of batches and the thread that hands
 * them to the callback), and the device ops.
 *
 * A slot's life (state, under b->lock):
 *
 *   FREE --bridge_call--> POSTED --kick: PENDING bit, IRQ--> (fused works)
 *   POSTED --DONE: reply copied to the caller--> ANSWERED --caller--> FREE
 *   POSTED --the caller gives up--> ABANDONED --kick or DONE--> FREE
 *
 * Exactly one kick runs per post (the host mailbox runs every callback
 * posted while the kernel lives), and PENDING is set only by a kick and
 * cleared only by DONE, so an abandoned slot returns to the pool exactly
 * once: at its kick if that finds it abandoned (the request never reaches
 * fused), else at its DONE.
 *
 * Locks: b->lock guards the slots, READY, `closed`, `callers` and the
 * buffer (DMA takes it too, so a host thread filling a slot and fused's DMA
 * never race); b->ev_lock guards the event queue and the callback.  The
 * CPU thread takes each only for copies and bookkeeping, never to wait;
 * nothing holds both.  `pending` (the PENDING register) is the CPU
 * thread's alone.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/bridge.h"

enum bridge_slot_state {
	SLOT_FREE,	/* in the pool */
	SLOT_POSTED,	/* a caller waits; its kick is queued or PENDING is set */
	SLOT_ANSWERED,	/* the reply is in the caller's buffers */
	SLOT_ABANDONED, /* the caller gave up; free again at its kick or DONE */
};

struct bridge_slot {
	struct kip_bridge *b; /* the kick's way back */
	unsigned index;
	enum bridge_slot_state state; /* b->lock */
	pthread_cond_t answered;      /* the caller sleeps here: state left POSTED */
	/* The caller's buffers, while POSTED (b->lock). */
	struct bridge_slot_rep *rep;
	void *out;
	size_t out_cap;
};

/* One EVENTS write's records, queued for the event thread. */
struct bridge_batch {
	struct bridge_batch *next;
	unsigned n;
	struct vfs_event ev[];
};

struct kip_bridge {
	struct sim_device dev;
	struct hostq *hostq; /* where kicks are posted */
	uint32_t pending;    /* PENDING: the CPU thread's alone */

	pthread_mutex_t lock;
	pthread_cond_t slot_freed; /* a slot went back to the pool (lock) */
	pthread_cond_t ready_cv;   /* READY was written (lock) */
	pthread_cond_t idle;	   /* callers dropped to 0 (lock) */
	struct bridge_slot slots[BRIDGE_SLOTS];
	bool ready;	  /* fused wrote READY (lock) */
	int ready_status; /* ... this value (lock) */
	bool closed;	  /* calls fail with -EIO (lock) */
	unsigned callers; /* host threads inside bridge_call / wait_ready (lock) */
	uint8_t *buf;	  /* BRIDGE_BUF_SIZE bytes (lock) */

	pthread_mutex_t ev_lock;
	pthread_cond_t ev_cv;			/* a batch was queued, or stop (ev_lock) */
	struct bridge_batch *ev_head, *ev_tail; /* (ev_lock) */
	unsigned ev_queued;			/* records in the queue (ev_lock) */
	bridge_event_fn ev_fn;			/* (ev_lock) */
	void *ev_ctx;				/* (ev_lock) */
	bool ev_started, ev_stop, ev_closed;	/* (ev_lock) */
	pthread_t ev_thread;
};

static const struct sim_device_ops bridge_ops;

struct kip_bridge *bridge_of(struct sim_device *d)
{
	return d && d->ops == &bridge_ops ? d->priv : NULL;
}

/* ----------------------------------------------------------- host time */

/* The absolute CLOCK_MONOTONIC time timeout_ms from now. */
static struct timespec deadline_after(int timeout_ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += timeout_ms / 1000;
	t.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Wait on cv (b->lock held) until signalled or the deadline (NULL: none).
 * false when the deadline has passed. */
static bool bridge_wait(struct kip_bridge *b, pthread_cond_t *cv, const struct timespec *deadline)
{
	if (!deadline) {
		pthread_cond_wait(cv, &b->lock);
		return true;
	}
	return pthread_cond_timedwait(cv, &b->lock, deadline) != ETIMEDOUT;
}

/* A caller leaves (b->lock held). */
static void bridge_leave(struct kip_bridge *b)
{
	if (--b->callers == 0)
		pthread_cond_broadcast(&b->idle);
}

/* ---------------------------------------------------------------- slots */

/* Back to the pool (b->lock held). */
static void slot_free(struct bridge_slot *s)
{
	s->state = SLOT_FREE;
	s->rep = NULL;
	s->out = NULL;
	s->out_cap = 0;
	/* All of them: a waiter that times out as it is woken must not
	 * swallow the wakeup another needed. */
	pthread_cond_broadcast(&s->b->slot_freed);
}

/* A free slot, or NULL on close or at the deadline (b->lock held). */
static struct bridge_slot *slot_take(struct kip_bridge *b, const struct timespec *deadline)
{
	for (;;) {
		if (b->closed)
			return NULL;
		for (unsigned i = 0; i < BRIDGE_SLOTS; i++)
			if (b->slots[i].state == SLOT_FREE)
				return &b->slots[i];
		if (!bridge_wait(b, &b->slot_freed, deadline))
			return NULL;
	}
}

/* The kick, on the CPU thread (posted by bridge_call): the request is in
 * place; set its PENDING bit and interrupt - or, if its caller has already
 * given up, free the slot without fused ever seeing it.  (Closed, with the
 * caller not yet gone: it will abandon the slot, which no call takes
 * again.) */
static void slot_kick(void *arg)
{
	struct bridge_slot *s = arg;
	struct kip_bridge *b = s->b;
	bool raise = false;
	pthread_mutex_lock(&b->lock);
	if (s->state == SLOT_ABANDONED) {
		slot_free(s);
	} else if (s->state == SLOT_POSTED && !b->closed) {
		b->pending |= 1u << s->index;
		raise = true;
	}
	pthread_mutex_unlock(&b->lock);
	if (raise)
		dev_raise_irq(&b->dev);
}

/* DONE, on the CPU thread: fused's reply to slot i is in the buffer. */
static void slot_done(struct kip_bridge *b, unsigned i)
{
	struct bridge_slot *s = &b->slots[i];
	b->pending &= ~(1u << i);
	pthread_mutex_lock(&b->lock);
	if (s->state == SLOT_POSTED) {
		memcpy(s->rep, b->buf + BRIDGE_REP_OFF(i), sizeof(*s->rep));
		size_t n = s->rep->data_len;
		if (n > s->out_cap)
			n = s->out_cap;
		if (n)
			memcpy(s->out, b->buf + BRIDGE_REP_OFF(i) + BRIDGE_REP_DATA_OFF, n);
		s->rep->data_len = (uint32_t)n;
		s->state = SLOT_ANSWERED;
		pthread_cond_signal(&s->answered);
	} else if (s->state == SLOT_ABANDONED) {
		slot_free(s);
	}
	pthread_mutex_unlock(&b->lock);
}

/* The bytes of data req names: a WRITE's count, else its name(s). */
static uint64_t req_data_len(const struct bridge_slot_req *req)
{
	if (req->op == BRIDGE_WRITE)
		return req->count;
	return (uint64_t)req->len + req->len2;
}

int bridge_call(struct kip_bridge *b, const struct bridge_slot_req *req, const void *in,
		size_t in_len, void *out, size_t out_cap, struct bridge_slot_rep *rep,
		int timeout_ms)
{
	if (in_len > BRIDGE_DATA_MAX || out_cap > BRIDGE_DATA_MAX || in_len < req_data_len(req))
		return -EINVAL;
	struct timespec when, *deadline = NULL;
	if (timeout_ms >= 0) {
		when = deadline_after(timeout_ms);
		deadline = &when;
	}
	int status = -EIO;
	pthread_mutex_lock(&b->lock);
	b->callers++;
	struct bridge_slot *s = slot_take(b, deadline);
	if (!s)
		goto out;
	uint64_t off = BRIDGE_SLOT_OFF(s->index);
	memcpy(b->buf + off, req, sizeof(*req));
	if (in_len)
		memcpy(b->buf + off + BRIDGE_REQ_DATA_OFF, in, in_len);
	memset(rep, 0, sizeof(*rep));
	s->rep = rep;
	s->out = out;
	s->out_cap = out ? out_cap : 0;
	s->state = SLOT_POSTED; /* the kick takes the lock: it runs once we wait */
	if (hostq_post(b->hostq, slot_kick, s) < 0) {
		slot_free(s);
		goto out;
	}
	while (s->state == SLOT_POSTED && !b->closed)
		if (!bridge_wait(b, &s->answered, deadline))
			break;
	if (s->state == SLOT_ANSWERED) {
		status = rep->status;
		slot_free(s);
	} else {
		s->state = SLOT_ABANDONED; /* its kick or its DONE frees it */
		s->rep = NULL;
		s->out = NULL;
	}
out:
	bridge_leave(b);
	pthread_mutex_unlock(&b->lock);
	return status;
}

unsigned bridge_free_slots(struct kip_bridge *b)
{
	unsigned n = 0;
	pthread_mutex_lock(&b->lock);
	for (unsigned i = 0; i < BRIDGE_SLOTS; i++)
		n += b->slots[i].state == SLOT_FREE;
	pthread_mutex_unlock(&b->lock);
	return n;
}

/* ---------------------------------------------------------------- READY */

int bridge_wait_ready(struct kip_bridge *b, int timeout_ms)
{
	struct timespec when, *deadline = NULL;
	if (timeout_ms >= 0) {
		when = deadline_after(timeout_ms);
		deadline = &when;
	}
	pthread_mutex_lock(&b->lock);
	b->callers++;
	int r = -ETIMEDOUT;
	for (;;) {
		if (b->closed) {
			r = -EIO;
			break;
		}
		if (b->ready) {
			r = b->ready_status;
			break;
		}
		if (!bridge_wait(b, &b->ready_cv, deadline))
			break;
	}
	bridge_leave(b);
	pthread_mutex_unlock(&b->lock);
	return r;
}

/* READY, on the CPU thread: 0 or a negative errno (anything else is
 * taken as -EIO). */
static void bridge_set_ready(struct kip_bridge *b, uint64_t value)
{
	int64_t v = (int64_t)value;
	pthread_mutex_lock(&b->lock);
	b->ready = true;
	b->ready_status = v <= 0 && v >= -4095 ? (int)v : -EIO;
	pthread_cond_broadcast(&b->ready_cv);
	pthread_mutex_unlock(&b->lock);
}

/* --------------------------------------------------------------- events */

/* Free a list of batches. */
static void batches_free(struct bridge_batch *bt)
{
	while (bt) {
		struct bridge_batch *next = bt->next;
		free(bt);
		bt = next;
	}
}

static void *bridge_event_thread(void *arg)
{
	struct kip_bridge *b = arg;
	pthread_mutex_lock(&b->ev_lock);
	for (;;) {
		while (!b->ev_head && !b->ev_stop)
			pthread_cond_wait(&b->ev_cv, &b->ev_lock);
		if (b->ev_stop)
			break;
		struct bridge_batch *bt = b->ev_head;
		b->ev_head = bt->next;
		if (!b->ev_head)
			b->ev_tail = NULL;
		b->ev_queued -= bt->n;
		bridge_event_fn fn = b->ev_fn;
		void *ctx = b->ev_ctx;
		pthread_mutex_unlock(&b->ev_lock);
		if (fn)
			fn(ctx, bt->ev, bt->n);
		free(bt);
		pthread_mutex_lock(&b->ev_lock);
	}
	pthread_mutex_unlock(&b->ev_lock);
	return NULL;
}

/* Queue bt for the event thread (ev_lock held); past the queue's limit,
 * everything queued becomes one "everything changed" record. */
static void events_queue(struct kip_bridge *b, struct bridge_batch *bt)
{
	if (b->ev_queued + bt->n > BRIDGE_EVENT_QUEUE_MAX) {
		batches_free(b->ev_head);
		b->ev_head = b->ev_tail = NULL;
		b->ev_queued = 0;
		memset(&bt->ev[0], 0, sizeof(bt->ev[0]));
		bt->ev[0].kind = KIP_VFS_EV_INODE;
		bt->n = 1;
	}
	bt->next = NULL;
	if (b->ev_tail)
		b->ev_tail->next = bt;
	else
		b->ev_head = bt;
	b->ev_tail = bt;
	b->ev_queued += bt->n;
	pthread_cond_signal(&b->ev_cv);
}

/* EVENTS, on the CPU thread: n records at BRIDGE_EVENT_OFF.  Dropped when
 * nobody listens, the bridge is closed, n is out of range, or there is no
 * host memory (the host then misses invalidations: its caches may be
 * stale until they expire). */
static void bridge_post_events(struct kip_bridge *b, uint64_t n)
{
	if (n == 0 || n > BRIDGE_EVENTS_MAX)
		return;
	pthread_mutex_lock(&b->ev_lock);
	bool wanted = b->ev_fn && b->ev_started && !b->ev_closed;
	pthread_mutex_unlock(&b->ev_lock);
	if (!wanted)
		return;
	struct bridge_batch *bt = malloc(sizeof(*bt) + n * sizeof(struct vfs_event));
	if (!bt)
		return;
	bt->n = (unsigned)n;
	pthread_mutex_lock(&b->lock);
	memcpy(bt->ev, b->buf + BRIDGE_EVENT_OFF, n * sizeof(struct vfs_event));
	pthread_mutex_unlock(&b->lock);
	for (unsigned i = 0; i < bt->n; i++) { /* names end inside the record */
		struct vfs_event *e = &bt->ev[i];
		e->name[sizeof(e->name) - 1] = '\0';
		if (e->name_len >= sizeof(e->name))
			e->name_len = (uint32_t)strlen(e->name);
	}
	pthread_mutex_lock(&b->ev_lock);
	if (b->ev_closed)
		free(bt);
	else
		events_queue(b, bt);
	pthread_mutex_unlock(&b->ev_lock);
}

/* Start the event thread with every signal blocked (signals are the CPU
 * thread's business).  0 or a negative errno; ev_lock held. */
static int events_start(struct kip_bridge *b)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&b->ev_thread, NULL, bridge_event_thread, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return -r;
	b->ev_started = true;
	return 0;
}

void bridge_on_events(struct kip_bridge *b, bridge_event_fn fn, void *ctx)
{
	pthread_mutex_lock(&b->ev_lock);
	int r = fn && !b->ev_started && !b->ev_closed ? events_start(b) : 0;
	if (r < 0) {
		fprintf(stderr, "kip: bridge: cannot start the event thread: %s\n", strerror(-r));
		fn = NULL;
	}
	b->ev_fn = fn;
	b->ev_ctx = ctx;
	pthread_mutex_unlock(&b->ev_lock);
}

/* ---------------------------------------------------------------- close */

void bridge_close(struct kip_bridge *b)
{
	pthread_mutex_lock(&b->lock);
	b->closed = true;
	for (unsigned i = 0; i < BRIDGE_SLOTS; i++)
		pthread_cond_broadcast(&b->slots[i].answered);
	pthread_cond_broadcast(&b->slot_freed);
	pthread_cond_broadcast(&b->ready_cv);
	pthread_mutex_unlock(&b->lock);

	pthread_mutex_lock(&b->ev_lock);
	b->ev_closed = true;
	batches_free(b->ev_head);
	b->ev_head = b->ev_tail = NULL;
	b->ev_queued = 0;
	pthread_mutex_unlock(&b->ev_lock);
}

/* ------------------------------------------------------- the device ops */

static uint64_t bridge_read_reg(struct sim_device *d, unsigned reg)
{
	struct kip_bridge *b = d->priv;
	return reg == BRIDGE_REG_PENDING ? b->pending : 0;
}

static void bridge_write_reg(struct sim_device *d, unsigned reg, uint64_t value)
{
	struct kip_bridge *b = d->priv;
	switch (reg) {
	case BRIDGE_REG_DONE:
		if (value < BRIDGE_SLOTS && ((b->pending >> value) & 1u))
			slot_done(b, (unsigned)value);
		break;
	case BRIDGE_REG_READY:
		bridge_set_ready(b, value);
		break;
	case BRIDGE_REG_EVENTS:
		bridge_post_events(b, value);
		break;
	default:
		break;
	}
}

static int bridge_dma(struct sim_device *d, uint64_t off, void *buf, size_t len, int to_device)
{
	struct kip_bridge *b = d->priv;
	if (off > BRIDGE_BUF_SIZE || len > BRIDGE_BUF_SIZE - off)
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	if (to_device)
		memcpy(b->buf + off, buf, len);
	else
		memcpy(buf, b->buf + off, len);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

/* The machine is switched off: close, let every host thread inside a call
 * leave, stop the event thread, free. */
static void bridge_destroy(struct sim_device *d)
{
	struct kip_bridge *b = d->priv;
	bridge_close(b);
	pthread_mutex_lock(&b->lock);
	while (b->callers)
		pthread_cond_wait(&b->idle, &b->lock);
	pthread_mutex_unlock(&b->lock);

	pthread_mutex_lock(&b->ev_lock);
	b->ev_stop = true;
	pthread_cond_signal(&b->ev_cv);
	bool started = b->ev_started;
	pthread_mutex_unlock(&b->ev_lock);
	if (started)
		pthread_join(b->ev_thread, NULL);
	batches_free(b->ev_head);

	for (unsigned i = 0; i < BRIDGE_SLOTS; i++)
		pthread_cond_destroy(&b->slots[i].answered);
	pthread_cond_destroy(&b->slot_freed);
	pthread_cond_destroy(&b->ready_cv);
	pthread_cond_destroy(&b->idle);
	pthread_cond_destroy(&b->ev_cv);
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->ev_lock);
	free(b->buf);
	free(b);
}

static const struct sim_device_ops bridge_ops = {
	.read_reg = bridge_read_reg,
	.write_reg = bridge_write_reg,
	.dma = bridge_dma,
	.destroy = bridge_destroy,
};

/* ------------------------------------------------------------- creation */

/* Condition variables that time out on CLOCK_MONOTONIC. */
static void cond_init_monotonic(pthread_cond_t *cv)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
}

struct sim_device *bridge_create(int irq, struct hostq *q)
{
	struct kip_bridge *b = calloc(1, sizeof(*b));
	uint8_t *buf = calloc(1, BRIDGE_BUF_SIZE);
	if (!b || !buf) {
		free(b);
		free(buf);
		return NULL;
	}
	b->buf = buf;
	b->hostq = q;
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->ev_lock, NULL);
	cond_init_monotonic(&b->slot_freed);
	cond_init_monotonic(&b->ready_cv);
	pthread_cond_init(&b->idle, NULL);
	pthread_cond_init(&b->ev_cv, NULL);
	for (unsigned i = 0; i < BRIDGE_SLOTS; i++) {
		b->slots[i].b = b;
		b->slots[i].index = i;
		b->slots[i].state = SLOT_FREE;
		cond_init_monotonic(&b->slots[i].answered);
	}
	b->dev.name = BRIDGE_DEVICE_NAME;
	b->dev.irq = irq;
	b->dev.ops = &bridge_ops;
	b->dev.priv = b;
	return &b->dev;
}
