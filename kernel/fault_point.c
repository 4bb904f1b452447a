/*
 * kernel/fault_point.c - the fault-point registry (kip/fault_point.h).
 *
 * Entry points: kip_fault_check, kip_fault_arm, kip_fault_disarm_all,
 * kip_fault_hits, kip_fault_point_name.
 *
 * Hits are counted only while some point is armed (the fast path must stay
 * one branch), so kip_fault_hits counts hits since the first arm.  Every
 * boot clears all points (kernel_boot); the counts stay readable after the
 * machine halts.
 */
#include <errno.h>
#include <string.h>

#include "kip/fault_point.h"

volatile int kip_fault_armed;

struct fault_point_state {
	unsigned long hits;
	unsigned long fire_at; /* hit number that fires first (0: never) */
	unsigned count;	       /* how many times it fires */
};

static struct fault_point_state points[FP_MAX];

int kip_fault_check(int id)
{
	if (id <= 0 || id >= FP_MAX)
		return 0;
	struct fault_point_state *s = &points[id];
	s->hits++;
	if (s->count == 0 || s->hits < s->fire_at)
		return 0;
	s->count--;
	s->fire_at = s->hits + 1;
	return 1;
}

int kip_fault_arm(int id, unsigned nth, unsigned count)
{
	if (id <= 0 || id >= FP_MAX || nth == 0)
		return -EINVAL;
	points[id].fire_at = points[id].hits + nth;
	points[id].count = count;
	kip_fault_armed = 1;
	return 0;
}

void kip_fault_disarm_all(void)
{
	memset(points, 0, sizeof(points));
	kip_fault_armed = 0;
}

unsigned long kip_fault_hits(int id)
{
	return (id > 0 && id < FP_MAX) ? points[id].hits : 0;
}

const char *kip_fault_point_name(int id)
{
	switch (id) {
#define KIP_FP_CASE(name, num, what)                                                               \
	case num:                                                                                  \
		return #name;
		KIP_FAULT_POINTS(KIP_FP_CASE)
#undef KIP_FP_CASE
	default:
		return NULL;
	}
}
