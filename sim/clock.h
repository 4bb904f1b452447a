/*
 * sim/clock.h - virtual time and the event queue.
 *
 * Virtual time is a 64-bit count of nanoseconds since boot; `epoch` is the
 * host time (ns since 1970) that boot corresponds to, recorded so a trace
 * can be replayed.  Nothing reads the host clock after boot: time moves only
 * when the kernel charges costs (docs/cost-model.md) or idles to the next
 * event.  Events fire in (time, scheduling order), so equal times are
 * deterministic too.
 *
 * Entry points: clock_init, clock_schedule, clock_cancel, clock_next,
 * clock_fire_due, clock_advance, clock_pending.
 */
#ifndef KIP_SIM_CLOCK_H
#define KIP_SIM_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLOCK_MAX_EVENTS 1024

typedef void (*clock_event_fn)(void *arg, uint64_t data);

struct clock_event {
	uint64_t when; /* virtual ns */
	uint64_t id;   /* scheduling order; also the handle for cancel */
	clock_event_fn fn;
	void *arg;
	uint64_t data;
};

struct sim_clock {
	uint64_t now;
	uint64_t epoch;
	uint64_t next_id;
	size_t nevents;
	struct clock_event heap[CLOCK_MAX_EVENTS]; /* min-heap on (when, id) */
};

void clock_init(struct sim_clock *c, uint64_t epoch);

/* Run fn(arg, data) at virtual time `when` (clamped to now).  Returns the
 * event id (> 0), or 0 if the queue is full. */
uint64_t clock_schedule(struct sim_clock *c, uint64_t when, clock_event_fn fn, void *arg,
			uint64_t data);

/* Remove a pending event; returns true if it was pending. */
bool clock_cancel(struct sim_clock *c, uint64_t id);

/* Time of the earliest event, if any. */
bool clock_next(const struct sim_clock *c, uint64_t *when);

/* Fire, in order, every event due at or before now (events they schedule
 * for now fire too).  Returns how many fired. */
size_t clock_fire_due(struct sim_clock *c);

static inline void clock_advance(struct sim_clock *c, uint64_t ns)
{
	c->now += ns;
}

/* True when some event is due (cheap enough to test on every kernel loop). */
static inline bool clock_due(const struct sim_clock *c)
{
	return c->nevents > 0 && c->heap[0].when <= c->now;
}

static inline size_t clock_pending(const struct sim_clock *c)
{
	return c->nevents;
}

#endif
