/*
 * sim/cpustate_x86_64.S - the two assembly ends of fault capture (see
 * sim/cpustate.h and sim/cpustate.c).
 *
 * Entry points:
 *   cpustate_sig_entry(signo, info, uc)   the sa_sigaction of every handled
 *       signal: under Valgrind, save the live extended state before any C
 *       code can touch a vector register, then tail-call cpustate_on_signal
 *   cpustate_resume_asm(xmode, rfbm)      restore cpustate_resume_buf in
 *       full and jump to its rip; never returns
 *
 * The resume writes nothing at or below the restored rsp: rflags goes
 * through the caller's stack before rsp is switched, the general registers
 * are loaded with mov (which leaves the flags alone), rsp last but one, and
 * the final jump reads rip from memory.
 */
	/* struct cpustate offsets (checked by _Static_assert in cpustate.c) */
	.set	CS_RAX, 0
	.set	CS_RBX, 8
	.set	CS_RCX, 16
	.set	CS_RDX, 24
	.set	CS_RSI, 32
	.set	CS_RDI, 40
	.set	CS_RBP, 48
	.set	CS_RSP, 56
	.set	CS_R8, 64
	.set	CS_R9, 72
	.set	CS_R10, 80
	.set	CS_R11, 88
	.set	CS_R12, 96
	.set	CS_R13, 104
	.set	CS_R14, 112
	.set	CS_R15, 120
	.set	CS_RIP, 128
	.set	CS_RFLAGS, 136
	.set	CS_XSAVE, 192

	/* enum cpustate_xmode */
	.set	XMODE_NONE, 0
	.set	XMODE_FX, 1
	.set	XMODE_XSAVE, 2

	.text

/*
 * void cpustate_sig_entry(int signo, siginfo_t *info, void *uc)
 * cpustate_live_xmode is XMODE_NONE natively (the frame has the state).
 * The ABI wants DF clear at function entry; Linux clears it for a handler,
 * Valgrind 3.19 does not (the interrupted code's DF is in the frame's
 * rflags either way).
 */
	.globl	cpustate_sig_entry
	.type	cpustate_sig_entry, @function
	.p2align 4
cpustate_sig_entry:
	.cfi_startproc
	cld				/* Valgrind may enter with DF still set */
	movzbl	cpustate_live_xmode(%rip), %eax
	cmpl	$XMODE_NONE, %eax
	je	3f
	movq	%rdx, %r8			/* xsave uses edx:eax */
	cmpl	$XMODE_XSAVE, %eax
	jne	1f
	movl	cpustate_live_rfbm(%rip), %eax
	movl	cpustate_live_rfbm+4(%rip), %edx
	xsave64	cpustate_live_xsave(%rip)
	jmp	2f
1:	fxsave64 cpustate_live_xsave(%rip)
2:	movq	%r8, %rdx
3:	jmp	cpustate_on_signal
	.cfi_endproc
	.size	cpustate_sig_entry, . - cpustate_sig_entry

/*
 * void cpustate_resume_asm(int xmode, uint64_t rfbm)  -- noreturn
 * Restores cpustate_resume_buf, whose XSAVE image cpustate_resume has
 * already made valid (header, MXCSR).  XRSTOR loads the components in
 * rfbm, initialising those absent from the image's XSTATE_BV.
 */
	.globl	cpustate_resume_asm
	.hidden	cpustate_resume_asm
	.type	cpustate_resume_asm, @function
	.p2align 4
cpustate_resume_asm:
	.cfi_startproc
	cmpl	$XMODE_XSAVE, %edi
	je	1f
	cmpl	$XMODE_FX, %edi
	jne	2f
	fxrstor64 cpustate_resume_buf+CS_XSAVE(%rip)
	jmp	2f
1:	movl	%esi, %eax
	shrq	$32, %rsi
	movl	%esi, %edx
	xrstor64 cpustate_resume_buf+CS_XSAVE(%rip)
2:	pushq	cpustate_resume_buf+CS_RFLAGS(%rip)	/* on our own stack */
	popfq
	movq	cpustate_resume_buf+CS_RAX(%rip), %rax
	movq	cpustate_resume_buf+CS_RBX(%rip), %rbx
	movq	cpustate_resume_buf+CS_RCX(%rip), %rcx
	movq	cpustate_resume_buf+CS_RDX(%rip), %rdx
	movq	cpustate_resume_buf+CS_RSI(%rip), %rsi
	movq	cpustate_resume_buf+CS_RDI(%rip), %rdi
	movq	cpustate_resume_buf+CS_RBP(%rip), %rbp
	movq	cpustate_resume_buf+CS_R8(%rip), %r8
	movq	cpustate_resume_buf+CS_R9(%rip), %r9
	movq	cpustate_resume_buf+CS_R10(%rip), %r10
	movq	cpustate_resume_buf+CS_R11(%rip), %r11
	movq	cpustate_resume_buf+CS_R12(%rip), %r12
	movq	cpustate_resume_buf+CS_R13(%rip), %r13
	movq	cpustate_resume_buf+CS_R14(%rip), %r14
	movq	cpustate_resume_buf+CS_R15(%rip), %r15
	movq	cpustate_resume_buf+CS_RSP(%rip), %rsp
	jmp	*cpustate_resume_buf+CS_RIP(%rip)
	.globl	cpustate_resume_asm_end		/* the watchdog never captures */
	.hidden	cpustate_resume_asm_end		/* a state inside this routine */
cpustate_resume_asm_end:
	.cfi_endproc
	.size	cpustate_resume_asm, . - cpustate_resume_asm

	.section .note.GNU-stack, "", @progbits
