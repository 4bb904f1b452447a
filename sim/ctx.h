/*
 * sim/ctx.h - CPU contexts: the simulated processor's "register file".
 *
 * Every simulated process (and the kernel) runs on a context: a stack plus
 * the callee-saved state needed to resume it.  Two implementations are
 * always built and chosen per run (ctx_impl_select):
 *   CTX_IMPL_ASM       hand-written x86-64 switch (callee-saved registers,
 *                      rsp, MXCSR, x87 control word); ~8 ns one way.
 *   CTX_IMPL_UCONTEXT  portable swapcontext(3); ~170 ns (sigprocmask).
 * The build's default is CTX_IMPL_DEFAULT (make SWITCH=asm|ucontext).
 *
 * Entry points:
 *   ctx_impl_select, ctx_impl_current, ctx_impl_name, ctx_impl_parse
 *   ctx_init        prepare a context to start at entry(arg) on a stack
 *   ctx_switch      save the running state into *from, resume *to
 *   ctx_switch_val  the same, handing a value to the resumed side
 *   ctx_stack_register / ctx_stack_deregister   Valgrind stack bookkeeping
 */
#ifndef KIP_SIM_CTX_H
#define KIP_SIM_CTX_H

#include <stddef.h>
#include <ucontext.h>

enum ctx_impl {
	CTX_IMPL_ASM,
	CTX_IMPL_UCONTEXT
};

/* The floating-point environment every new context starts with (the
 * x86-64 ABI's initial state: round to nearest, all exceptions masked). */
#define CTX_MXCSR_DEFAULT 0x1f80u
#define CTX_FPCW_DEFAULT 0x037fu

#ifndef CTX_IMPL_DEFAULT
#define CTX_IMPL_DEFAULT CTX_IMPL_ASM
#endif

/*
 * A saved context.  For the asm switch only `sp` matters: the frame it
 * points at holds, from low to high addresses, the MXCSR (low 32 bits) and
 * x87 control word (next 16 bits) packed in one 8-byte slot, then r15, r14,
 * r13, r12, rbx, rbp, and the return address (tools/gdb/kip.py reads this).
 */
struct ctx {
	void *sp;	/* asm: saved stack pointer */
	ucontext_t uc;	/* ucontext: saved state */
	void *stack_lo; /* the stack this context runs on (or NULL) */
	size_t stack_size;
	unsigned valgrind_id;  /* VALGRIND_STACK_REGISTER id, 0 if none */
	void (*entry)(void *); /* first function run on the context */
	void *arg;
	int xfer; /* ucontext: the value ctx_switch_val hands over */
};

void ctx_impl_select(enum ctx_impl impl);
enum ctx_impl ctx_impl_current(void);
const char *ctx_impl_name(enum ctx_impl impl);
/* "asm" or "ucontext" -> 0 and *out; anything else -> -1. */
int ctx_impl_parse(const char *name, enum ctx_impl *out);

/*
 * Prepare *c to run entry(arg) on [stack_lo, stack_lo + size) the first
 * time it is switched to, using the currently selected implementation.
 * entry must never return (it switches away for good instead); if it does,
 * the process is aborted with a message.  Registers the stack with Valgrind.
 */
void ctx_init(struct ctx *c, void *stack_lo, size_t size, void (*entry)(void *), void *arg);

/* Forget *c: deregisters its stack with Valgrind.  Does not free memory. */
void ctx_destroy(struct ctx *c);

/* Save the running state into *from and continue *to. Returns when some
 * later ctx_switch(…, from) resumes *from. */
void ctx_switch(struct ctx *from, struct ctx *to);

/*
 * Tell Valgrind that [lo, lo + size) is a stack (so a switch onto it is not
 * mistaken for a huge stack-pointer move).  Returns the id to deregister
 * with, 0 when not running under Valgrind or lo is NULL.
 */
unsigned ctx_stack_register(void *lo, size_t size);
/* Undo ctx_stack_register; id 0 is ignored. */
void ctx_stack_deregister(unsigned id);

/*
 * Like ctx_switch, and hand `value` to *to: the ctx_switch_val call that
 * suspended *to returns it.  This lets a trap be a tail call: the process
 * resumes straight in its caller with the result in rax, and no `ret`
 * whose prediction the switch has spoiled is executed (see kernel/trap.c).
 */
static inline int ctx_switch_val(struct ctx *from, struct ctx *to, int value);

/* The two implementations, callable directly (the bench times each). */
void ctx_switch_asm(struct ctx *from, struct ctx *to);
int ctx_switch_asm_val(struct ctx *from, struct ctx *to, int value);
void ctx_switch_ucontext(struct ctx *from, struct ctx *to);
int ctx_switch_ucontext_val(struct ctx *from, struct ctx *to, int value);

/* The implementation selected for this run; read by inline fast paths. */
extern enum ctx_impl ctx_selected;

static inline int ctx_switch_val(struct ctx *from, struct ctx *to, int value)
{
	if (__builtin_expect(ctx_selected == CTX_IMPL_ASM, CTX_IMPL_DEFAULT == CTX_IMPL_ASM))
		return ctx_switch_asm_val(from, to, value);
	return ctx_switch_ucontext_val(from, to, value);
}

/* Internal to sim/ctx*.c: set-up of one implementation (ctx_init calls it
 * after filling stack_lo, stack_size, entry, arg), and the error exit of a
 * context whose entry returned (prints and aborts). */
void ctx_init_asm(struct ctx *c);
void ctx_init_ucontext(struct ctx *c);
void ctx_entry_returned(struct ctx *c) __attribute__((noreturn));

#endif
