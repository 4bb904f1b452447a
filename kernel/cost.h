/*
 * kernel/cost.h - the cost model: how much virtual time things take.
 *
 * Virtual time moves only by these charges (and by idling to the next
 * event), which is what makes a run deterministic.  The figures are round
 * numbers of the order a real machine of this kind shows (docs/cost-model.md
 * gives the reasoning); they are constants, not measurements.
 */
#ifndef KIP_KERNEL_COST_H
#define KIP_KERNEL_COST_H

enum {
	COST_TRAP_NS = 100,	  /* entering and leaving the kernel */
	COST_MESSAGE_NS = 50,	  /* copying a 64-byte message */
	COST_SWITCH_NS = 200,	  /* switching to a different process */
	COST_KCALL_NS = 100,	  /* a kernel call, on top of the trap */
	COST_COPY_NS_PER_KB = 30, /* safecopy / DMA, per KiB */
	COST_BLOCK_NS = 1,	  /* one basic block of a counted program */
};

#endif
