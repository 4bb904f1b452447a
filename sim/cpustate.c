/*
 * sim/cpustate.c - the trap hardware: fault and watchdog signals captured
 * as a struct cpustate, and resumption of a captured state (see
 * sim/cpustate.h).
 *
 * Entry points: cpustate_install, cpustate_uninstall, cpustate_unblock,
 * cpustate_resume, cpustate_xsave_size, cpustate_xsave_mask.
 *
 * Capture.  Every handled signal enters at cpustate_sig_entry
 * (sim/cpustate_x86_64.S), which under Valgrind first XSAVEs the live
 * extended state - Valgrind does not fill in the signal frame's FP area -
 * and then tail-calls cpustate_on_signal here.  Natively the extended state
 * is copied from the frame, which the host kernel filled with XSAVE.  The
 * general registers always come from the frame's gregs.  The hook gets the
 * state and, if it takes it, unblocks the signal and switches to the kernel
 * context without returning: the handler frame on the alternate stack is
 * simply abandoned (returning through sigreturn after switching stacks
 * upsets Valgrind, and so does rewriting the frame).  If the hook returns,
 * the fault is the host's: default action.  Every capture blocks the
 * watchdog signal too, so a tick cannot overwrite a capture in progress;
 * cpustate_unblock lifts both.  A tick that interrupts the trap machinery
 * itself (the alternate stack, the end of a resume) is ignored.
 *
 * Under Valgrind the general registers in the frame are exact at a faulting
 * memory access only with --vex-iropt-register-updates=allregs-at-mem-access
 * (the default keeps only rsp, rbp and rip exact there, and a resumed state
 * would then be wrong); at a faulting non-memory instruction (SIGFPE,
 * SIGILL) only with allregs-at-each-insn.  Watchdog ticks arrive between
 * translated blocks, where the state is always exact.
 *
 * Resumption.  cpustate_resume copies the state into a 64-byte-aligned
 * static buffer, rebuilds the XSAVE header, and cpustate_resume_asm
 * restores the extended state, rflags, every general register (rsp last but
 * one) and jumps to rip through memory, so nothing is written at or below
 * the restored rsp: the interrupted code's 128-byte red zone survives.
 *
 * All state here is per CPU thread, and there is one CPU thread.
 */
#include <assert.h>
#include <cpuid.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "sim/cpustate.h"

#define CPUSTATE_HIDDEN __attribute__((visibility("hidden")))

enum {
	CPUSTATE_ALTSTACK_SIZE = 256 * 1024, /* the hook runs kernel code here */
	CPUSTATE_ALTSTACK_PAD = 4 << 20,     /* PROT_NONE on each side of it */
	CPUSTATE_FXSAVE_SIZE = 512,	     /* legacy region of an XSAVE area */
	CPUSTATE_XHDR_SIZE = 64,	     /* XSAVE header, right after it */
	CPUSTATE_FX_MXCSR = 24,		     /* offsets inside the legacy region */
	CPUSTATE_FX_MXCSR_MASK = 28,
	CPUSTATE_FX_SW_BYTES = 464, /* Linux: struct _fpx_sw_bytes */
	CPUSTATE_XFEATURE_FPSSE = 3,
	CPUSTATE_PF_TRAPNO = 14, /* #PF */
	CPUSTATE_PF_WRITE = 2,	 /* page-fault error code: write access */
};

/* Linux's marker that the signal frame's FP area is a full XSAVE image
 * (FP_XSTATE_MAGIC1 in <asm/sigcontext.h>, which clashes with <signal.h>). */
#define CPUSTATE_FP_XSTATE_MAGIC1 0x46505853u

/* The status flags, DF, AC and ID: what resumed code may get back.  TF is
 * left out so a stale single-step flag cannot trap inside the resume. */
#define CPUSTATE_RFLAGS_USER 0x240cd5u

/* Bytes 464..511 of the frame's FXSAVE area (struct _fpx_sw_bytes). */
struct cpustate_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

/* How extended state is saved and restored on this CPU. */
enum cpustate_xmode {
	CPUSTATE_XMODE_NONE,  /* nothing (only for the prologue: natively) */
	CPUSTATE_XMODE_FX,    /* FXSAVE / FXRSTOR: x87 and SSE only */
	CPUSTATE_XMODE_XSAVE, /* XSAVE / XRSTOR with cpustate_xsave_mask() */
};

/* Shared with sim/cpustate_x86_64.S. */
void cpustate_sig_entry(int signo, siginfo_t *info, void *uc);
void cpustate_on_signal(int signo, siginfo_t *info, void *uc) CPUSTATE_HIDDEN;
void cpustate_resume_asm(int xmode, uint64_t rfbm) CPUSTATE_HIDDEN __attribute__((noreturn));
extern const char cpustate_resume_asm_end[] CPUSTATE_HIDDEN;
struct cpustate cpustate_resume_buf CPUSTATE_HIDDEN;
uint8_t cpustate_live_xsave[CPUSTATE_XSAVE_MAX] CPUSTATE_HIDDEN __attribute__((aligned(64)));
uint64_t cpustate_live_rfbm CPUSTATE_HIDDEN;
uint8_t cpustate_live_xmode CPUSTATE_HIDDEN; /* enum cpustate_xmode */

/* The asm knows the layout by these offsets. */
_Static_assert(offsetof(struct cpustate, rax) == 0, "cpustate layout");
_Static_assert(offsetof(struct cpustate, r15) == 120, "cpustate layout");
_Static_assert(offsetof(struct cpustate, rip) == 128, "cpustate layout");
_Static_assert(offsetof(struct cpustate, rflags) == 136, "cpustate layout");
_Static_assert(offsetof(struct cpustate, xsave) == 192, "cpustate layout");

static const int cpustate_fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define CPUSTATE_NFAULT (int)(sizeof(cpustate_fault_signals) / sizeof(cpustate_fault_signals[0]))
#define CPUSTATE_WATCHDOG_SIGNAL SIGPROF

/* The extended-state features of this CPU, probed once. */
static struct {
	int probed;
	enum cpustate_xmode xmode;
	uint64_t mask; /* XCR0 restricted to what fits CPUSTATE_XSAVE_MAX */
	size_t size;   /* bytes of an XSAVE image with that mask */
} cpustate_cpu;

/* The installed trap hardware of the CPU thread. */
static struct {
	int installed;
	cpustate_hook_fn hook;
	int (*watchdog_tick)(void);
	uint8_t *altstack_map; /* pad, the alternate stack, pad */
	uintptr_t altstack_lo, altstack_hi;
	stack_t old_altstack;
	struct sigaction old_fault[CPUSTATE_NFAULT];
	int nfault; /* how many of cpustate_fault_signals are ours */
	struct sigaction old_watchdog;
	int timer_armed;
	timer_t timer;
} cpustate_hw;

/* The state handed to the hook (the kernel copies it out at once). */
static struct cpustate cpustate_captured;

static uint64_t cpustate_xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* Fill cpustate_cpu: XSAVE if the OS enabled it, with the user components
 * of XCR0 whose area ends within CPUSTATE_XSAVE_MAX; else FXSAVE. */
static void cpustate_probe(void)
{
	unsigned a, b, c, d;

	cpustate_cpu.probed = 1;
	cpustate_cpu.xmode = CPUSTATE_XMODE_FX;
	cpustate_cpu.mask = 0;
	cpustate_cpu.size = CPUSTATE_FXSAVE_SIZE;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || __get_cpuid_max(0, 0) < 0xd)
		return;
	uint64_t xcr0 = cpustate_xgetbv0();
	cpustate_cpu.xmode = CPUSTATE_XMODE_XSAVE;
	cpustate_cpu.mask = xcr0 & CPUSTATE_XFEATURE_FPSSE;
	cpustate_cpu.size = CPUSTATE_FXSAVE_SIZE + CPUSTATE_XHDR_SIZE;
	for (unsigned i = 2; i < 63; i++) {
		if (!(xcr0 >> i & 1))
			continue;
		__cpuid_count(0xd, i, a, b, c, d);
		size_t end = (size_t)b + a; /* offset + size */
		if (b == 0 || end > CPUSTATE_XSAVE_MAX)
			continue;
		cpustate_cpu.mask |= 1ull << i;
		if (end > cpustate_cpu.size)
			cpustate_cpu.size = end;
	}
}

/* The XSAVE components that captures save and resumes restore (0 if the
 * CPU has only FXSAVE). */
uint64_t cpustate_xsave_mask(void)
{
	if (!cpustate_cpu.probed)
		cpustate_probe();
	return cpustate_cpu.mask;
}

/* Bytes of struct cpustate.xsave that those components occupy. */
size_t cpustate_xsave_size(void)
{
	if (!cpustate_cpu.probed)
		cpustate_probe();
	return cpustate_cpu.size;
}

/* ---------------------------------------------------------------- capture */

/* Copy the general registers and rflags out of the signal frame. */
static void cpustate_capture_gregs(struct cpustate *st, const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	st->rax = g[REG_RAX];
	st->rbx = g[REG_RBX];
	st->rcx = g[REG_RCX];
	st->rdx = g[REG_RDX];
	st->rsi = g[REG_RSI];
	st->rdi = g[REG_RDI];
	st->rbp = g[REG_RBP];
	st->rsp = g[REG_RSP];
	st->r8 = g[REG_R8];
	st->r9 = g[REG_R9];
	st->r10 = g[REG_R10];
	st->r11 = g[REG_R11];
	st->r12 = g[REG_R12];
	st->r13 = g[REG_R13];
	st->r14 = g[REG_R14];
	st->r15 = g[REG_R15];
	st->rip = g[REG_RIP];
	st->rflags = g[REG_EFL];
}

/* Take an extended-state image: an XSAVE image (its XSTATE_BV, within our
 * mask, says what it holds) or, when is_xsave is 0, a bare FXSAVE image. */
static void cpustate_take_xstate(struct cpustate *st, const uint8_t *img, size_t len, int is_xsave)
{
	uint64_t bv;

	if (len > CPUSTATE_XSAVE_MAX)
		len = CPUSTATE_XSAVE_MAX;
	memcpy(st->xsave, img, len);
	if (!is_xsave) {
		st->xsave_mask = CPUSTATE_XFEATURE_FPSSE;
		return;
	}
	memcpy(&bv, img + CPUSTATE_FXSAVE_SIZE, sizeof(bv));
	st->xsave_mask = bv & cpustate_xsave_mask();
}

/* Natively: the extended state is in the signal frame, as the host kernel
 * saved it (a full XSAVE image when the software bytes say so). */
static void cpustate_xstate_from_frame(struct cpustate *st, const ucontext_t *uc)
{
	const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
	struct cpustate_sw_bytes sw;

	if (!fp) {
		st->xsave_mask = 0;
		return;
	}
	memcpy(&sw, fp + CPUSTATE_FX_SW_BYTES, sizeof(sw));
	if (sw.magic1 == CPUSTATE_FP_XSTATE_MAGIC1 &&
	    sw.xstate_size >= CPUSTATE_FXSAVE_SIZE + CPUSTATE_XHDR_SIZE &&
	    cpustate_cpu.xmode == CPUSTATE_XMODE_XSAVE)
		cpustate_take_xstate(st, fp, sw.xstate_size, 1);
	else
		cpustate_take_xstate(st, fp, CPUSTATE_FXSAVE_SIZE, 0);
}

/* Under Valgrind: the prologue saved the live registers at handler entry. */
static void cpustate_xstate_from_prologue(struct cpustate *st)
{
	int is_xsave = cpustate_live_xmode == CPUSTATE_XMODE_XSAVE;

	cpustate_take_xstate(st, cpustate_live_xsave, cpustate_xsave_size(), is_xsave);
}

/* 1 if the fault was a page fault on a write, from the #PF error code. */
static int cpustate_fault_is_write(int signo, const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	if (signo != SIGSEGV && signo != SIGBUS)
		return 0;
	return g[REG_TRAPNO] == CPUSTATE_PF_TRAPNO && (g[REG_ERR] & CPUSTATE_PF_WRITE) != 0;
}

/* Capture everything the frame and the prologue hold into *st. */
static void cpustate_capture(struct cpustate *st, int cause, int signo, const siginfo_t *info,
			     const ucontext_t *uc)
{
	cpustate_capture_gregs(st, uc);
	if (cpustate_live_xmode != CPUSTATE_XMODE_NONE)
		cpustate_xstate_from_prologue(st);
	else
		cpustate_xstate_from_frame(st, uc);
	st->cause = cause;
	st->signo = signo;
	st->si_code = info->si_code;
	st->access = cause == CPUSTATE_FAULT ? cpustate_fault_is_write(signo, uc) : 0;
	st->addr = cause == CPUSTATE_FAULT ? (uint64_t)(uintptr_t)info->si_addr : 0;
}

/* The hook did not take a fault: let the host have it.  With the default
 * action restored, returning re-executes the faulting instruction, which
 * kills the process with the right signal; a sent signal (abort(), kill)
 * does not recur by itself and is raised again, to arrive on return. */
static void cpustate_fatal(int signo, const siginfo_t *info)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(signo, &dfl, NULL);
	if (signo == SIGABRT || info->si_code <= 0)
		raise(signo);
}

/* 1 if the interrupted code is the trap machinery itself: a capture's
 * handler or hook (on the alternate stack; e.g. a tick let in by
 * cpustate_unblock before the hook switched away) or the tail of a resume
 * (registers already loaded).  Such a state must never be captured. */
static int cpustate_interrupted_self(const ucontext_t *uc)
{
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (sp >= cpustate_hw.altstack_lo && sp < cpustate_hw.altstack_hi)
		return 1;
	return ip >= (uintptr_t)cpustate_resume_asm && ip < (uintptr_t)cpustate_resume_asm_end;
}

/* A watchdog tick: capture only if watchdog_tick says the CPU is hung;
 * otherwise (or if the hook returns) the interrupted code goes on.  Ticks
 * that interrupt the trap machinery itself are not even counted. */
static void cpustate_on_watchdog(int signo, siginfo_t *info, ucontext_t *uc)
{
	if (!cpustate_hw.watchdog_tick || cpustate_interrupted_self(uc))
		return;
	if (cpustate_hw.watchdog_tick() == 0 || !cpustate_hw.hook)
		return;
	cpustate_capture(&cpustate_captured, CPUSTATE_WATCHDOG, signo, info, uc);
	cpustate_hw.hook(&cpustate_captured);
}

/* The C half of every handler, entered from cpustate_sig_entry. */
void cpustate_on_signal(int signo, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	int saved_errno = errno;

	if (signo == CPUSTATE_WATCHDOG_SIGNAL) {
		cpustate_on_watchdog(signo, info, uc);
		errno = saved_errno;
		return;
	}
	if (cpustate_hw.hook) {
		cpustate_capture(&cpustate_captured, CPUSTATE_FAULT, signo, info, uc);
		cpustate_hw.hook(&cpustate_captured);
	}
	cpustate_fatal(signo, info);
	errno = saved_errno;
}

/* ---------------------------------------------------------------- install */

/*
 * Map the alternate stack and make it this thread's.  0 or -errno.
 *
 * It is NOT registered with VALGRIND_STACK_REGISTER: Valgrind knows it from
 * sigaltstack, and with 3.19 a registered alternate stack makes memcheck
 * report the handler's own pushes as invalid writes when a signal lands in
 * a system call.  Instead it sits between two PROT_NONE reservations larger
 * than memcheck's --max-stackframe (2 MB), so that when the hook switches
 * off it, memcheck always sees a stack switch, never a stack pointer move
 * whose in-between memory it would repaint.  The lower one is also the
 * guard against an overflow of the alternate stack itself.
 */
static int cpustate_altstack_on(void)
{
	size_t len = CPUSTATE_ALTSTACK_PAD + CPUSTATE_ALTSTACK_SIZE + CPUSTATE_ALTSTACK_PAD;
	uint8_t *map =
		mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *lo = map + CPUSTATE_ALTSTACK_PAD;
	stack_t ss;

	if (map == MAP_FAILED)
		return -errno;
	if (mprotect(lo, CPUSTATE_ALTSTACK_SIZE, PROT_READ | PROT_WRITE) != 0)
		goto fail;
	ss.ss_sp = lo;
	ss.ss_size = CPUSTATE_ALTSTACK_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, &cpustate_hw.old_altstack) != 0)
		goto fail;
	cpustate_hw.altstack_map = map;
	cpustate_hw.altstack_lo = (uintptr_t)lo;
	cpustate_hw.altstack_hi = (uintptr_t)lo + CPUSTATE_ALTSTACK_SIZE;
	return 0;
fail:;
	int err = errno;
	munmap(map, len);
	return -err;
}

/* Give the thread back its previous alternate stack and unmap ours. */
static void cpustate_altstack_off(void)
{
	if (!cpustate_hw.altstack_map)
		return;
	sigaltstack(&cpustate_hw.old_altstack, NULL);
	munmap(cpustate_hw.altstack_map,
	       CPUSTATE_ALTSTACK_PAD + CPUSTATE_ALTSTACK_SIZE + CPUSTATE_ALTSTACK_PAD);
	cpustate_hw.altstack_map = NULL;
	cpustate_hw.altstack_lo = cpustate_hw.altstack_hi = 0;
}

/* Route signo to cpustate_sig_entry on the alternate stack, keeping the
 * old action in *old.  The watchdog signal is blocked while any capture
 * runs.  The tick too runs on the alternate stack, never on a process's
 * own (possibly nearly full) stack. */
static int cpustate_handle(int signo, int extra_flags, struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = cpustate_sig_entry;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | extra_flags;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, CPUSTATE_WATCHDOG_SIGNAL);
	return sigaction(signo, &sa, old) == 0 ? 0 : -errno;
}

/* Start the periodic CPU-time timer of the calling thread.  0 or -errno. */
static int cpustate_watchdog_on(unsigned period_ms)
{
	struct sigevent sev;
	struct itimerspec its;
	int err = cpustate_handle(CPUSTATE_WATCHDOG_SIGNAL, SA_RESTART, &cpustate_hw.old_watchdog);

	if (err)
		return err;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = CPUSTATE_WATCHDOG_SIGNAL;
	sev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &cpustate_hw.timer) != 0)
		goto fail;
	its.it_interval.tv_sec = period_ms / 1000;
	its.it_interval.tv_nsec = (long)(period_ms % 1000) * 1000000;
	its.it_value = its.it_interval;
	if (timer_settime(cpustate_hw.timer, 0, &its, NULL) != 0) {
		err = -errno;
		timer_delete(cpustate_hw.timer);
		sigaction(CPUSTATE_WATCHDOG_SIGNAL, &cpustate_hw.old_watchdog, NULL);
		return err;
	}
	cpustate_hw.timer_armed = 1;
	return 0;
fail:
	err = -errno;
	sigaction(CPUSTATE_WATCHDOG_SIGNAL, &cpustate_hw.old_watchdog, NULL);
	return err;
}

/* Stop the timer, drop a tick that may still be pending, restore the old
 * action of the watchdog signal. */
static void cpustate_watchdog_off(void)
{
	struct sigaction ign;

	if (!cpustate_hw.timer_armed)
		return;
	timer_delete(cpustate_hw.timer);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(CPUSTATE_WATCHDOG_SIGNAL, &ign, NULL); /* discards a pending one */
	sigaction(CPUSTATE_WATCHDOG_SIGNAL, &cpustate_hw.old_watchdog, NULL);
	cpustate_hw.timer_armed = 0;
}

/* Install the trap hardware on the calling thread (see sim/cpustate.h).
 * On failure nothing stays installed.  -EBUSY if already installed. */
int cpustate_install(cpustate_hook_fn hook, int (*watchdog_tick)(void), unsigned watchdog_period_ms)
{
	int err;

	if (cpustate_hw.installed)
		return -EBUSY;
	cpustate_probe();
	cpustate_live_rfbm = cpustate_cpu.mask;
	cpustate_live_xmode = RUNNING_ON_VALGRIND ? cpustate_cpu.xmode : CPUSTATE_XMODE_NONE;
	cpustate_hw.hook = hook;
	cpustate_hw.watchdog_tick = watchdog_tick;
	cpustate_hw.installed = 1;
	err = cpustate_altstack_on();
	for (int i = 0; i < CPUSTATE_NFAULT && !err; i++) {
		err = cpustate_handle(cpustate_fault_signals[i], 0, &cpustate_hw.old_fault[i]);
		cpustate_hw.nfault += !err;
	}
	if (!err && watchdog_tick && watchdog_period_ms > 0)
		err = cpustate_watchdog_on(watchdog_period_ms);
	if (err)
		cpustate_uninstall();
	return err;
}

/* Undo cpustate_install: timer, dispositions, alternate stack.  Must not be
 * called on the alternate stack.  A no-op when nothing is installed. */
void cpustate_uninstall(void)
{
	if (!cpustate_hw.installed)
		return;
	cpustate_watchdog_off();
	for (int i = 0; i < cpustate_hw.nfault; i++)
		sigaction(cpustate_fault_signals[i], &cpustate_hw.old_fault[i], NULL);
	cpustate_altstack_off();
	memset(&cpustate_hw, 0, sizeof(cpustate_hw));
}

/* Unblock signo and the watchdog signal, both blocked while a capture's
 * handler runs; the hook calls this before switching away for good. */
void cpustate_unblock(int signo)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, signo);
	sigaddset(&set, CPUSTATE_WATCHDOG_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* ----------------------------------------------------------------- resume */

/* Make the extended-state image in *r safe for XRSTOR / FXRSTOR: an MXCSR
 * without reserved bits and, for XRSTOR, a header built from xsave_mask
 * (XSTATE_BV within the mask, XCOMP_BV and the reserved bytes zero).
 * Returns how to restore it. */
static enum cpustate_xmode cpustate_prepare_xstate(struct cpustate *r)
{
	uint32_t mxcsr, mxcsr_mask;
	uint64_t bv = r->xsave_mask & cpustate_xsave_mask();

	if (r->xsave_mask == 0)
		return CPUSTATE_XMODE_NONE;
	memcpy(&mxcsr, r->xsave + CPUSTATE_FX_MXCSR, sizeof(mxcsr));
	memcpy(&mxcsr_mask, r->xsave + CPUSTATE_FX_MXCSR_MASK, sizeof(mxcsr_mask));
	mxcsr &= mxcsr_mask ? mxcsr_mask : 0xffbfu;
	memcpy(r->xsave + CPUSTATE_FX_MXCSR, &mxcsr, sizeof(mxcsr));
	if (cpustate_cpu.xmode != CPUSTATE_XMODE_XSAVE)
		return CPUSTATE_XMODE_FX;
	memset(r->xsave + CPUSTATE_FXSAVE_SIZE, 0, CPUSTATE_XHDR_SIZE);
	memcpy(r->xsave + CPUSTATE_FXSAVE_SIZE, &bv, sizeof(bv));
	return CPUSTATE_XMODE_XSAVE;
}

/* Restore *st completely and continue at st->rip (see sim/cpustate.h).
 * Components of the mask that *st does not hold are reset to their initial
 * state (XRSTOR with the full mask and XSTATE_BV = st->xsave_mask); a state
 * with xsave_mask 0 keeps the current extended registers. */
void cpustate_resume(const struct cpustate *st)
{
	struct cpustate *r = &cpustate_resume_buf;

	assert(st != r);
	memcpy(r, st, sizeof(*r));
	r->rflags &= CPUSTATE_RFLAGS_USER;
	enum cpustate_xmode mode = cpustate_prepare_xstate(r);
	cpustate_resume_asm(mode, cpustate_xsave_mask());
}
