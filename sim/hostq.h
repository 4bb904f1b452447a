/*
 * sim/hostq.h - the host mailbox: how host threads at the edges (terminal,
 * FUSE) hand work to the CPU thread.
 *
 * Host threads never touch the simulation.  They post a callback; the CPU
 * thread runs it, in the kernel context, between two turns of the kernel
 * loop (where it typically queues a request on a device and raises its
 * interrupt).  While an edge is open and nothing can run, the CPU thread
 * sleeps on an eventfd instead of halting; virtual time does not move while
 * it sleeps.  Callbacks run in the order they were posted.
 *
 * Entry points: hostq_init, hostq_fini, hostq_post (any thread),
 * hostq_pending, hostq_drain, hostq_wait (CPU thread).
 */
#ifndef KIP_SIM_HOSTQ_H
#define KIP_SIM_HOSTQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct hostq_item;

struct hostq {
	pthread_mutex_t lock;
	struct hostq_item *head, *tail;
	int efd;	      /* eventfd the CPU thread sleeps on */
	volatile int pending; /* nonzero while items wait (read without the lock) */
	unsigned edges;	      /* host edges open (CPU thread only) */
};

int hostq_init(struct hostq *q);
/* Drop unrun items and release everything. */
void hostq_fini(struct hostq *q);

/* From any thread: run fn(arg) on the CPU thread soon.  0 or -ENOMEM. */
int hostq_post(struct hostq *q, void (*fn)(void *arg), void *arg);

static inline bool hostq_pending(const struct hostq *q)
{
	return __atomic_load_n(&q->pending, __ATOMIC_ACQUIRE) != 0;
}

/* Run every posted callback; returns how many ran. */
size_t hostq_drain(struct hostq *q);

/* Sleep until something is posted (returns at once if something is). */
void hostq_wait(struct hostq *q);

#endif
