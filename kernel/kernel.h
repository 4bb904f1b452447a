/*
 * kernel/kernel.h - the kernel's own data: process table, privileges, the
 * CPU, and the one struct that holds them all.
 *
 * There is one kernel per host process (`kern`), built by kernel_boot and
 * torn down by kernel_halt, so a test can boot many in turn.  Everything
 * here runs on the kernel context, on the CPU thread; processes reach it
 * only through kip_trap (kernel/trap.c).
 */
#ifndef KIP_KERNEL_KERNEL_H
#define KIP_KERNEL_KERNEL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kip/endpoint.h"
#include "kip/ipc.h"
#include "kip/message.h"
#include "kip/program.h"
#include "sim/clock.h"
#include "sim/cpustate.h"
#include "sim/ctx.h"
#include "sim/device.h"
#include "sim/hostq.h"
#include "sim/mem.h"
#include "kernel/boot.h"
#include "kernel/sched.h"

/* Process state flags: a process is runnable when none is set. */
enum {
	RTS_SLOT_FREE = 1 << 0,
	RTS_SENDING = 1 << 1,	/* blocked sending to p_sendto */
	RTS_RECEIVING = 1 << 2, /* blocked receiving from p_getfrom */
	RTS_STOPPED = 1 << 3,	/* stopped by SYS_STOP */
	RTS_FAULTED = 1 << 4,	/* stopped by a fault or hang, see p_fault */
};

/* Pending kernel notifications (bits of p_kernel_pending). */
enum {
	KNOTIFY_HARDWARE = 1 << 0,
	KNOTIFY_CLOCK = 1 << 1,
	KNOTIFY_SYSTEM = 1 << 2
};

/* Trap operations the kernel adds to enum kip_trap_op for itself. */
enum {
	TRAP_FAULT = IPC_NR_OPS,
	TRAP_NONE
};

struct priv {
	uint32_t flags;	       /* KIP_PRIV_* */
	uint32_t trap_mask;    /* bit per IPC primitive */
	uint64_t send_mask[2]; /* bit per destination slot */
	uint64_t kcall_mask;   /* bit per kernel call index */
	uint32_t irq_mask;
	uint32_t dev_mask;
};

#define PROC_STACK_PAGES 16 /* 64 KiB, plus one guard page below */
#define PROC_MAX_EVENTS 16

struct proc {
	int p_slot;
	endpoint_t p_endpoint;
	int p_gen;
	char p_name[KIP_NAME_MAX];
	unsigned p_rts;	     /* RTS_* */
	int p_priority;	     /* 0 (highest) .. SCHED_NR_QUEUES-1 */
	struct priv *p_priv; /* own record, or the shared user record */
	struct priv p_own_priv;
	bool p_counted; /* a user program: basic blocks cost virtual time */
	const struct kip_program *p_program;
	uint64_t p_arg;

	/* The processor state while not running. */
	struct ctx p_ctx;
	long p_stack_pfn;   /* first page of the stack run (the guard page) */
	bool p_resume_full; /* resume from p_fault state, not p_ctx */
	struct cpustate *p_fault;

	/* IPC. */
	message *p_sendbuf;	      /* SENDING: the message to deliver */
	message *p_recvbuf;	      /* RECEIVING: where to put what arrives */
	endpoint_t p_sendto;	      /* SENDING: to whom */
	endpoint_t p_getfrom;	      /* RECEIVING: from whom (KIP_ANY possible) */
	bool p_reply_wait;	      /* in SENDREC: receive only the reply */
	struct proc *p_callers;	      /* queue of processes blocked sending to us */
	struct proc *p_q_next;	      /* link in someone's p_callers */
	uint64_t p_notify_pending[2]; /* bit per sender slot */
	unsigned p_kernel_pending;    /* KNOTIFY_* */
	uint64_t p_irq_pending;

	/* The current trap. */
	int p_trap_op;
	endpoint_t p_trap_ep;
	message *p_trap_msg;
	int p_trap_result;
	message *p_msg_ok[2]; /* last message buffers found accessible ... */
	uint64_t p_msg_epoch; /* ... while k->mem_epoch had this value */

	/* Grants: the table lives in the process's own memory. */
	uint64_t p_grant_table;
	uint32_t p_grant_count;

	/* Its TLS word (SYS_SETTLS), published while it runs (kip/tls.h). */
	void *p_tls;

	/* Scheduling and accounting. */
	struct proc *p_run_next, *p_run_prev;
	bool p_queued;
	uint64_t p_quantum_used; /* virtual ns since it last got a quantum */
	uint64_t p_cpu_ns;

	/* Family and events. */
	endpoint_t p_parent;
	uint64_t p_alarm_id; /* clock event id, 0 if none */
	uint64_t p_alarm_at;
	struct kcall_event p_events[PROC_MAX_EVENTS];
	unsigned p_ev_head, p_ev_count;
	bool p_init; /* its exit shuts the machine down */
};

struct cpu {
	int id;
	struct proc *current; /* running process, NULL while in the kernel */
	struct proc *last;    /* last process that ran (switch accounting) */
	struct sched_queues rq;
	const struct sched_policy *policy;
};

/* The message-delivery interposition point (trace now, faults later).
 * Called for every message the kernel delivers or refuses; `outcome` is 0
 * or the error the sender gets. */
typedef void (*deliver_hook_fn)(void *arg, endpoint_t from, endpoint_t to, const message *m,
				int outcome, bool reply);

#define TRACE_TAIL_MSGS 32  /* last messages kept for a panic (raw) */
#define TRACE_TAIL_EVENTS 8 /* last event lines kept for a panic */
#define TRACE_LINE_MAX 160

/* A message as the panic report remembers it (recorded on every delivery,
 * traced or not, so it must be cheap: no formatting). */
struct trace_rec {
	uint64_t seq, when;
	endpoint_t from, to;
	int32_t type, outcome;
	bool reply;
};

struct kernel {
	struct proc procs[KIP_NR_PROCS];
	struct cpustate *fault_states; /* one per slot */
	struct cpu cpu;
	struct kip_config cfg;
	uint64_t host_boot_ns; /* CLOCK_MONOTONIC at boot (cfg.host_clock) */

	struct ctx kctx;    /* the kernel's own context (the host main stack) */
	struct ctx resumer; /* runs cpustate_resume for a faulted process */
	void *resumer_stack;

	struct sim_clock clock;
	struct sim_mem mem;
	struct sim_bus bus;
	struct hostq hostq;		/* work posted by host threads at the edges */
	int dev_owner[SIM_MAX_DEVICES]; /* slot + 1, or 0 */
	int irq_owner[SIM_MAX_IRQS];	/* slot + 1, or 0 */
	uint32_t irq_enabled;
	uint32_t irq_pending_lines; /* fired while disabled */

	struct priv user_priv;	   /* shared by every user process */
	endpoint_t manager;	   /* told of deaths (the future RS) */
	bool manager_takes_faults; /* faults stop and go to the manager */

	deliver_hook_fn deliver_hook;
	void *deliver_hook_arg;

	bool halted;
	int exit_status;

	/* Bumped whenever page protections change or pages are freed, so
	 * cached "this buffer is accessible" checks are redone. */
	uint64_t mem_epoch;

	/* Fault-tolerant copies from process memory (kernel/copy.c). */
	bool copying;
	sigjmp_buf copy_jmp;

	/* Watchdog bookkeeping, read from the SIGPROF handler. */
	volatile uint64_t dispatches;
	uint64_t watchdog_seen;
	unsigned watchdog_ticks;
	unsigned watchdog_fired;

	/* Statistics. */
	uint64_t n_messages, n_switches, n_traps, n_kcalls;

	/* The last messages and events, for a panic (kernel/trace.c). */
	uint64_t trace_seq;
	struct trace_rec trace_msgs[TRACE_TAIL_MSGS];
	char trace_events[TRACE_TAIL_EVENTS][TRACE_LINE_MAX];
	uint64_t trace_event_seq[TRACE_TAIL_EVENTS];
};

extern struct kernel *kern;

/* ---- kernel/proc.c ---- */
/* The live process named by endpoint e, or NULL (dead, stale, special). */
static inline struct proc *proc_lookup(struct kernel *k, endpoint_t e)
{
	if (e < 0)
		return NULL;
	int slot = kip_ep_slot(e);
	if (slot >= KIP_NR_PROCS)
		return NULL;
	struct proc *p = &k->procs[slot];
	if ((p->p_rts & RTS_SLOT_FREE) || p->p_endpoint != e)
		return NULL;
	return p;
}
struct proc *proc_create(struct kernel *k, const struct kip_program *prog, const char *name,
			 int priority, uint64_t arg, endpoint_t parent, int *err);
/* Kill p: wake whoever waits on it with EDEADSRCDST, free all it owns,
 * bump the generation, post `kind` to its parent and the manager. */
void proc_kill(struct kernel *k, struct proc *p, int kind, int status, const struct cpustate *why);
void proc_post_event(struct kernel *k, struct proc *to, const struct kcall_event *ev);
const char *proc_name(struct kernel *k, endpoint_t e); /* for traces */
static inline bool proc_runnable(const struct proc *p)
{
	return p->p_rts == 0;
}
/* Make p runnable again if nothing else holds it (after clearing a flag). */
static inline void proc_ready(struct kernel *k, struct proc *p)
{
	if (proc_runnable(p) && !p->p_queued)
		k->cpu.policy->enqueue(&k->cpu, p);
}

static inline void proc_unready(struct kernel *k, struct proc *p)
{
	if (p->p_queued)
		k->cpu.policy->dequeue(&k->cpu, p);
}

/* Block or unblock and set the result the blocked trap will return. */
static inline void proc_wake(struct kernel *k, struct proc *p, unsigned flag, int result)
{
	p->p_rts &= ~flag;
	p->p_trap_result = result;
	proc_ready(k, p);
}

/* ---- kernel/ipc.c ---- */
/* Each returns 0 or an error; a blocked caller has been unreadied and its
 * trap completes later (p_trap_result is set by whoever wakes it). */
int ipc_send(struct kernel *k, struct proc *caller, endpoint_t dst, message *m, int op);
int ipc_receive(struct kernel *k, struct proc *caller, endpoint_t src, message *m);
int ipc_notify(struct kernel *k, struct proc *caller, endpoint_t dst);
/* A notification from a kernel source (KIP_CLOCK, KIP_HARDWARE, KIP_SYSTEM). */
void ipc_kernel_notify(struct kernel *k, struct proc *dst, endpoint_t source);
/* Unlink p from the caller queue of whoever it is sending to. */
void ipc_unlink_sender(struct kernel *k, struct proc *p);
#define IPC_BLOCKED 1 /* positive: the caller blocked */

/* ---- kernel/deadlock.c ---- */
/* Size of the cycle that blocking caller on `target` would close, or 0. */
int deadlock_cycle(struct kernel *k, struct proc *caller, endpoint_t target, bool sending);
/* Print who is blocked on whom. */
void deadlock_report(struct kernel *k, FILE *out);

/* ---- kernel/priv.c ---- */
void priv_init_system(struct priv *pr);
void priv_init_user(struct priv *pr);
static inline bool priv_may_trap(const struct proc *p, int op)
{
	if (op >= IPC_KCALL)
		return true; /* kernel calls are checked one by one */
	return (p->p_priv->trap_mask >> op) & 1u;
}

static inline bool priv_may_send(const struct proc *p, const struct proc *dst)
{
	return (p->p_priv->send_mask[dst->p_slot / 64] >> (dst->p_slot % 64)) & 1u;
}

static inline bool priv_may_kcall(const struct proc *p, int kcall_index)
{
	return kcall_index >= 0 && ((p->p_priv->kcall_mask >> kcall_index) & 1u);
}

/* ---- kernel/kcall.c ---- */
int kcall_dispatch(struct kernel *k, struct proc *caller, message *m);

/* ---- kernel/kcall_tls.c ---- */
/* The running process's p_tls (NULL in the kernel): what kip_tls() reads. */
extern void *kernel_tls_word;

/* ---- kernel/grant.c ---- */
int grant_copy(struct kernel *k, struct proc *caller, endpoint_t granter, int32_t id,
	       uint64_t offset, uint64_t addr, uint64_t len, bool to_grant);

/* ---- kernel/copy.c ---- */
/* Copy between process memory and the kernel, turning a bad address into
 * -EFAULT instead of a kernel panic. */
int copy_from_proc(struct kernel *k, void *dst, uint64_t src, size_t len);
int copy_to_proc(struct kernel *k, uint64_t dst, const void *src, size_t len);
/* Check that [addr, addr + len) can be read and written (its ends). */
int probe_proc_rw(struct kernel *k, uint64_t addr, size_t len);

/* ---- kernel/trap.c ---- */
extern int64_t kip_cpu_budget;
void trap_handle(struct kernel *k, struct proc *p);

/* ---- kernel/fault.c ---- */
void fault_hook(struct cpustate *st);
int fault_watchdog_tick(void);
void fault_handle(struct kernel *k, struct proc *p);

/* ---- kernel/trace.c ---- */
void trace_init(struct kernel *k);
void trace_event(struct kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void trace_message(struct kernel *k, endpoint_t from, endpoint_t to, const message *m, int outcome,
		   bool reply);
/* Print the last messages and events (a panic does). */
void trace_dump_tail(struct kernel *k, FILE *out);
/* Every delivered or refused message passes here: it is remembered for a
 * panic report, then given to the interposition hook if one is set. */
static inline void deliver_observe(struct kernel *k, endpoint_t from, endpoint_t to,
				   const message *m, int outcome, bool reply)
{
	uint64_t seq = k->trace_seq++;
	struct trace_rec *r = &k->trace_msgs[seq % TRACE_TAIL_MSGS];
	r->seq = seq;
	r->when = k->clock.now;
	r->from = from;
	r->to = to;
	r->type = m ? m->m_type : 0;
	r->outcome = outcome;
	r->reply = reply;
	if (__builtin_expect(k->deliver_hook != 0, 0))
		k->deliver_hook(k->deliver_hook_arg, from, to, m, outcome, reply);
}

/* ---- kernel/panic.c ---- */
void kernel_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kernel_dump_procs(struct kernel *k, FILE *out);

/* ---- kernel/cost.h holds the cost model ---- */
/* Charge ns of virtual time to p (and to the clock). */
static inline void kernel_charge(struct kernel *k, struct proc *p, uint64_t ns)
{
	clock_advance(&k->clock, ns);
	p->p_cpu_ns += ns;
	p->p_quantum_used += ns;
}

#endif
