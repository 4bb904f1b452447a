/*
 * sim/ctx.c - CPU contexts: choosing the implementation, creating a
 * context, switching (see sim/ctx.h).
 *
 * Entry points: ctx_impl_select, ctx_impl_current, ctx_impl_name,
 * ctx_impl_parse, ctx_init, ctx_destroy, ctx_switch, ctx_stack_register,
 * ctx_stack_deregister; for the implementations: ctx_init_asm,
 * ctx_entry_returned.
 *
 * ctx_switch is one well-predicted branch on the selected implementation:
 * the assembly switch (sim/ctx_asm_x86_64.S) or swapcontext
 * (sim/ctx_ucontext.c).  A context suspended by one implementation can only
 * be resumed by the same one, so select the implementation before the first
 * context is created and keep it while any context is suspended.
 *
 * A new assembly context is a stack whose top holds the frame that
 * ctx_switch_asm pops (struct ctx_asm_frame below, the layout documented in
 * sim/ctx.h): its return address is ctx_asm_start, which calls entry(arg)
 * held in r12/r13.  Every new context, with either implementation, starts
 * with the default floating-point environment (CTX_MXCSR_DEFAULT,
 * CTX_FPCW_DEFAULT), as a freshly exec'ed program does.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/valgrind.h>

#include "sim/ctx.h"

/* The frame ctx_switch_asm saves and restores, lowest address first. */
struct ctx_asm_frame {
	uint32_t mxcsr;
	uint16_t fpcw;
	uint16_t pad;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;
};
_Static_assert(sizeof(struct ctx_asm_frame) == 64, "ctx_asm_frame layout (tools/gdb/kip.py)");
_Static_assert(offsetof(struct ctx, sp) == 0, "ctx_switch_asm uses ctx.sp at offset 0");

/* The trampoline a new assembly context first returns into. */
void ctx_asm_start(void);

enum ctx_impl ctx_selected = CTX_IMPL_DEFAULT;

static const char *const ctx_impl_names[] = {
	[CTX_IMPL_ASM] = "asm",
	[CTX_IMPL_UCONTEXT] = "ucontext",
};

/* Make impl the implementation of every later ctx_init and ctx_switch. */
void ctx_impl_select(enum ctx_impl impl)
{
	assert(impl == CTX_IMPL_ASM || impl == CTX_IMPL_UCONTEXT);
	ctx_selected = impl;
}

/* The implementation in use. */
enum ctx_impl ctx_impl_current(void)
{
	return ctx_selected;
}

/* "asm", "ucontext", or "?" for a value that is neither. */
const char *ctx_impl_name(enum ctx_impl impl)
{
	if ((unsigned)impl >= sizeof(ctx_impl_names) / sizeof(ctx_impl_names[0]))
		return "?";
	return ctx_impl_names[impl];
}

/* Parse an implementation name: 0 and *out, or -1 (and *out untouched). */
int ctx_impl_parse(const char *name, enum ctx_impl *out)
{
	for (unsigned i = 0; i < sizeof(ctx_impl_names) / sizeof(ctx_impl_names[0]); i++) {
		if (strcmp(name, ctx_impl_names[i]) == 0) {
			*out = (enum ctx_impl)i;
			return 0;
		}
	}
	return -1;
}

/* Register [lo, lo + size) as a stack with Valgrind; 0 natively. */
unsigned ctx_stack_register(void *lo, size_t size)
{
	if (!lo || !RUNNING_ON_VALGRIND)
		return 0;
	return VALGRIND_STACK_REGISTER(lo, (char *)lo + size);
}

/* Deregister a stack registered by ctx_stack_register; 0 is a no-op. */
void ctx_stack_deregister(unsigned id)
{
	if (id != 0)
		VALGRIND_STACK_DEREGISTER(id);
}

/* Prepare *c to run entry(arg) on its own stack (see sim/ctx.h). */
void ctx_init(struct ctx *c, void *stack_lo, size_t size, void (*entry)(void *), void *arg)
{
	assert(stack_lo && size >= 4096 && entry);
	memset(c, 0, sizeof(*c));
	c->stack_lo = stack_lo;
	c->stack_size = size;
	c->entry = entry;
	c->arg = arg;
	c->valgrind_id = ctx_stack_register(stack_lo, size);
	if (ctx_selected == CTX_IMPL_ASM)
		ctx_init_asm(c);
	else
		ctx_init_ucontext(c);
}

/* Forget *c: deregister its stack.  The stack memory is the caller's. */
void ctx_destroy(struct ctx *c)
{
	ctx_stack_deregister(c->valgrind_id);
	c->valgrind_id = 0;
	c->sp = NULL;
}

/* Save the running state into *from and continue *to. */
void ctx_switch(struct ctx *from, struct ctx *to)
{
	if (__builtin_expect(ctx_selected == CTX_IMPL_ASM, CTX_IMPL_DEFAULT == CTX_IMPL_ASM))
		ctx_switch_asm(from, to);
	else
		ctx_switch_ucontext(from, to);
}

/*
 * Build the first frame of an assembly context at the 16-byte-aligned top
 * of its stack, so that ctx_switch_asm "returns" into ctx_asm_start with
 * r12 = entry, r13 = arg, r14 = c and rsp 16-byte aligned.
 */
void ctx_init_asm(struct ctx *c)
{
	uintptr_t top = ((uintptr_t)c->stack_lo + c->stack_size) & ~(uintptr_t)15;
	struct ctx_asm_frame *f = (struct ctx_asm_frame *)top - 1;

	memset(f, 0, sizeof(*f));
	f->mxcsr = CTX_MXCSR_DEFAULT;
	f->fpcw = CTX_FPCW_DEFAULT;
	f->r12 = (uintptr_t)c->entry;
	f->r13 = (uintptr_t)c->arg;
	f->r14 = (uintptr_t)c;
	f->ret = (uintptr_t)ctx_asm_start;
	c->sp = f;
}

/* A context's entry function returned, which the contract forbids. */
void ctx_entry_returned(struct ctx *c)
{
	fprintf(stderr, "kip: context %p: entry function %p returned; aborting\n", (void *)c,
		(void *)(uintptr_t)c->entry);
	abort();
}
