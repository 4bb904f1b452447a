/*
 * sim/cpustate.h - the full interrupted state of a processor, and the
 * signal-based "trap hardware" that captures it.
 *
 * When a simulated process faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT)
 * or the host CPU-time watchdog interrupts it, the signal handler runs on an
 * alternate stack, copies ALL of the interrupted state (general registers,
 * rflags, rsp, rip, and the XSAVE extended state) into a struct cpustate,
 * and hands it to the kernel's hook, which never returns (it switches to the
 * kernel context).  Later cpustate_resume() restores all of it and jumps to
 * the saved rip, writing nothing below the restored stack pointer (the red
 * zone is live).  Natively the extended state is taken from the signal
 * frame; under Valgrind (which does not fill the frame's FP area) an
 * assembly prologue at handler entry saves the live registers instead.
 *
 * Entry points:
 *   cpustate_install   install handlers + alternate stack for the CPU thread
 *   cpustate_uninstall restore default dispositions
 *   cpustate_resume    restore a captured state and jump into it (noreturn)
 *   cpustate_xsave_size / cpustate_xsave_mask   the extended state in use
 */
#ifndef KIP_SIM_CPUSTATE_H
#define KIP_SIM_CPUSTATE_H

#include <stdint.h>
#include <stddef.h>

#define CPUSTATE_XSAVE_MAX 4096 /* bytes reserved for the XSAVE area */

/* Why a state was captured. */
enum cpustate_cause {
	CPUSTATE_FAULT,	   /* a synchronous fault signal */
	CPUSTATE_WATCHDOG, /* the CPU-time watchdog interrupted a spin */
};

struct cpustate {
	/* General registers, in this order (offsets are used by the asm). */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	/* Fault description (valid for CPUSTATE_FAULT). */
	int cause;	     /* enum cpustate_cause */
	int signo;	     /* SIGSEGV, ... (SIGPROF-ish for the watchdog) */
	int si_code;	     /* siginfo si_code */
	int access;	     /* 1 = write, 0 = read/exec/unknown (page faults) */
	uint64_t addr;	     /* si_addr */
	uint64_t xsave_mask; /* components saved in xsave[] (XSTATE_BV) */
	uint8_t xsave[CPUSTATE_XSAVE_MAX] __attribute__((aligned(64)));
};

/*
 * Called on the alternate signal stack with the captured state.
 * It must not return if it took the state (it switches contexts away for
 * good after unblocking the signal with cpustate_unblock); if it returns,
 * the signal is treated as the host's: default action (a panic).
 * For CPUSTATE_WATCHDOG the hook is called from the periodic timer signal
 * and may simply return to let the interrupted code continue.
 */
typedef void (*cpustate_hook_fn)(struct cpustate *st);

/*
 * Install handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT on an
 * alternate stack of the calling thread, and (if watchdog_period_ms > 0) a
 * periodic CPU-time timer (timer_create on CLOCK_THREAD_CPUTIME_ID, signal
 * SIGPROF, SA_RESTART) that calls watchdog_tick() from the signal handler;
 * when watchdog_tick returns nonzero the interrupted state is captured
 * (cause CPUSTATE_WATCHDOG) and given to the hook.
 * Returns 0 or -errno.
 */
int cpustate_install(cpustate_hook_fn hook, int (*watchdog_tick)(void),
		     unsigned watchdog_period_ms);
void cpustate_uninstall(void);

/* Unblock the signal that is being handled (call from the hook before
 * switching away, since the handler never returns).  Also unblocks the
 * watchdog's SIGPROF, which every capture blocks while it runs. */
void cpustate_unblock(int signo);

/* Restore *st completely and continue at st->rip.  Never returns.  *st must
 * stay valid until the jump (it is copied to a private per-thread buffer
 * first, so it may be reused afterwards). */
void cpustate_resume(const struct cpustate *st) __attribute__((noreturn));

size_t cpustate_xsave_size(void);
uint64_t cpustate_xsave_mask(void);

#endif
