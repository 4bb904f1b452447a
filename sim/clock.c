/*
 * sim/clock.c - virtual time and the event queue (see sim/clock.h).
 */
#include <string.h>

#include "sim/clock.h"

void clock_init(struct sim_clock *c, uint64_t epoch)
{
	memset(c, 0, sizeof(*c));
	c->epoch = epoch;
	c->next_id = 1;
}

static bool before(const struct clock_event *a, const struct clock_event *b)
{
	return a->when < b->when || (a->when == b->when && a->id < b->id);
}

static void swap_events(struct clock_event *a, struct clock_event *b)
{
	struct clock_event t = *a;
	*a = *b;
	*b = t;
}

static void sift_up(struct sim_clock *c, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!before(&c->heap[i], &c->heap[parent]))
			break;
		swap_events(&c->heap[i], &c->heap[parent]);
		i = parent;
	}
}

static void sift_down(struct sim_clock *c, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;
		if (l < c->nevents && before(&c->heap[l], &c->heap[min]))
			min = l;
		if (r < c->nevents && before(&c->heap[r], &c->heap[min]))
			min = r;
		if (min == i)
			return;
		swap_events(&c->heap[i], &c->heap[min]);
		i = min;
	}
}

uint64_t clock_schedule(struct sim_clock *c, uint64_t when, clock_event_fn fn, void *arg,
			uint64_t data)
{
	if (c->nevents == CLOCK_MAX_EVENTS)
		return 0;
	struct clock_event *e = &c->heap[c->nevents];
	e->when = when < c->now ? c->now : when;
	e->id = c->next_id++;
	e->fn = fn;
	e->arg = arg;
	e->data = data;
	sift_up(c, c->nevents++);
	return e->id;
}

static void remove_at(struct sim_clock *c, size_t i)
{
	c->nevents--;
	if (i == c->nevents)
		return;
	c->heap[i] = c->heap[c->nevents];
	sift_down(c, i);
	sift_up(c, i);
}

bool clock_cancel(struct sim_clock *c, uint64_t id)
{
	for (size_t i = 0; i < c->nevents; i++) {
		if (c->heap[i].id == id) {
			remove_at(c, i);
			return true;
		}
	}
	return false;
}

bool clock_next(const struct sim_clock *c, uint64_t *when)
{
	if (c->nevents == 0)
		return false;
	*when = c->heap[0].when;
	return true;
}

size_t clock_fire_due(struct sim_clock *c)
{
	size_t fired = 0;
	while (c->nevents > 0 && c->heap[0].when <= c->now) {
		struct clock_event e = c->heap[0];
		remove_at(c, 0);
		e.fn(e.arg, e.data);
		fired++;
	}
	return fired;
}
