/*
 * kernel/sched_rr.c - the default policy: 16 priority queues, round robin.
 *
 * Queue 0 is the highest priority.  pick returns the head of the highest
 * non-empty queue; a process that used its quantum goes to the tail of its
 * queue.  A process that blocks leaves its queue; when it becomes runnable
 * again it joins the tail.
 */
#include <assert.h>
#include <string.h>

#include "kernel/kernel.h"

static void rr_init(struct cpu *cpu)
{
	memset(&cpu->rq, 0, sizeof(cpu->rq));
}

static void rr_enqueue(struct cpu *cpu, struct proc *p)
{
	assert(!p->p_queued);
	int q = p->p_priority;
	p->p_run_next = NULL;
	p->p_run_prev = cpu->rq.tail[q];
	if (cpu->rq.tail[q])
		cpu->rq.tail[q]->p_run_next = p;
	else
		cpu->rq.head[q] = p;
	cpu->rq.tail[q] = p;
	cpu->rq.nonempty |= 1u << q;
	p->p_queued = true;
}

static void rr_dequeue(struct cpu *cpu, struct proc *p)
{
	int q = p->p_priority;
	assert(p->p_queued);
	if (p->p_run_prev)
		p->p_run_prev->p_run_next = p->p_run_next;
	else
		cpu->rq.head[q] = p->p_run_next;
	if (p->p_run_next)
		p->p_run_next->p_run_prev = p->p_run_prev;
	else
		cpu->rq.tail[q] = p->p_run_prev;
	if (!cpu->rq.head[q])
		cpu->rq.nonempty &= ~(1u << q);
	p->p_run_next = p->p_run_prev = NULL;
	p->p_queued = false;
}

static struct proc *rr_pick(struct cpu *cpu)
{
	if (!cpu->rq.nonempty)
		return NULL;
	return cpu->rq.head[__builtin_ctz(cpu->rq.nonempty)];
}

static void rr_quantum_expired(struct cpu *cpu, struct proc *p)
{
	p->p_quantum_used = 0;
	if (p->p_queued) {
		rr_dequeue(cpu, p);
		rr_enqueue(cpu, p);
	}
}

const struct sched_policy sched_rr_policy = {
	.name = "rr16",
	.init = rr_init,
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick = rr_pick,
	.quantum_expired = rr_quantum_expired,
};
