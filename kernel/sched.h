/*
 * kernel/sched.h - the scheduling policy interface.
 *
 * The kernel asks a policy four things: enqueue a process that became
 * runnable, dequeue one that blocked, pick the next to run, and what to do
 * when a process has used up its quantum.  The default policy
 * (kernel/sched_rr.c) is MINIX's: 16 priority queues, round robin within a
 * queue.  A lab replaces the policy by providing another struct sched_policy.
 * State is per CPU (struct cpu), so several CPUs can be simulated later.
 */
#ifndef KIP_KERNEL_SCHED_H
#define KIP_KERNEL_SCHED_H

#include <stdint.h>

#define SCHED_NR_QUEUES 16
#define SCHED_SYSTEM_PRIORITY 2 /* default for servers and drivers */
#define SCHED_USER_PRIORITY 8	/* default for user programs */

struct proc;
struct cpu;

struct sched_queues {
	uint32_t nonempty; /* bit q set while queue q has a process */
	struct proc *head[SCHED_NR_QUEUES];
	struct proc *tail[SCHED_NR_QUEUES];
};

struct sched_policy {
	const char *name;
	void (*init)(struct cpu *cpu);
	void (*enqueue)(struct cpu *cpu, struct proc *p);
	void (*dequeue)(struct cpu *cpu, struct proc *p);
	struct proc *(*pick)(struct cpu *cpu);
	/* p used its quantum (still runnable): requeue it, refill. */
	void (*quantum_expired)(struct cpu *cpu, struct proc *p);
};

extern const struct sched_policy sched_rr_policy;

#endif
