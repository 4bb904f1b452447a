/*
 * sim/ctx_ucontext.c - the portable context switch: getcontext(3),
 * makecontext(3), swapcontext(3) (see sim/ctx.h).
 *
 * Entry points: ctx_init_ucontext (called by ctx_init), ctx_switch_ucontext,
 * ctx_switch_ucontext_val.
 *
 * makecontext passes only int arguments, so the struct ctx pointer travels
 * split in two 32-bit halves; the trampoline joins them and reads entry and
 * arg from the struct.  swapcontext also saves and restores the signal mask
 * (a sigprocmask system call per switch), which is most of its cost.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#include "sim/ctx.h"

/* First function of a ucontext context: run entry(arg) of the ctx whose
 * address is hi:lo; abort if it returns. */
static void ctx_ucontext_start(unsigned lo, unsigned hi)
{
	struct ctx *c = (struct ctx *)(((uintptr_t)hi << 32) | lo);

	c->entry(c->arg);
	ctx_entry_returned(c);
}

/* Prepare c->uc to start ctx_ucontext_start(c) on c's stack, with the
 * default floating-point environment.  Aborts if getcontext fails. */
void ctx_init_ucontext(struct ctx *c)
{
	uintptr_t self = (uintptr_t)c;

	if (getcontext(&c->uc) != 0) {
		perror("kip: getcontext");
		abort();
	}
	c->uc.uc_stack.ss_sp = c->stack_lo;
	c->uc.uc_stack.ss_size = c->stack_size;
	c->uc.uc_link = NULL;
	c->uc.uc_mcontext.fpregs->mxcsr = CTX_MXCSR_DEFAULT;
	c->uc.uc_mcontext.fpregs->cwd = CTX_FPCW_DEFAULT;
	makecontext(&c->uc, (void (*)(void))ctx_ucontext_start, 2, (unsigned)self,
		    (unsigned)(self >> 32));
}

/* Save the running state into from->uc and continue to->uc.  Aborts if
 * swapcontext fails (it can only fail on a bad signal mask). */
void ctx_switch_ucontext(struct ctx *from, struct ctx *to)
{
	if (swapcontext(&from->uc, &to->uc) != 0) {
		perror("kip: swapcontext");
		abort();
	}
}

int ctx_switch_ucontext_val(struct ctx *from, struct ctx *to, int value)
{
	to->xfer = value;
	ctx_switch_ucontext(from, to);
	return from->xfer;
}
