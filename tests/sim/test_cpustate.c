/*
 * tests/sim/test_cpustate.c - fault capture and resumption (sim/cpustate.c):
 * a write to a read-only page is captured with its address and access type
 * and, once the page is made writable, resumed through a fresh "resumer"
 * context exactly as the kernel will do it, with every general register,
 * the flags, the red zone, MXCSR, the x87 stack and the SSE/AVX registers
 * intact; SIGFPE, SIGILL, SIGABRT and SIGBUS are captured with the right
 * signal; the CPU-time watchdog captures (and resumes) a spin, and its
 * ticks inside system calls are clean under memcheck; a fault the hook
 * does not take kills the process with its own signal.
 *
 * Under Valgrind the register checks need
 * --vex-iropt-register-updates=allregs-at-mem-access (see sim/cpustate.c).
 *
 * The hook plays the kernel's part: it copies the state, unblocks the
 * signal and switches to the test's main context, never returning.  Every
 * deliberate fault runs between VALGRIND_DISABLE_ERROR_REPORTING and
 * VALGRIND_ENABLE_ERROR_REPORTING.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "sim/cpustate.h"
#include "sim/ctx.h"
#include "tests/kip_test.h"

/* Until the kernel provides the real one (libposix's block counter): tests
 * are built with -fsanitize-coverage=trace-pc.  Not instrumented itself. */
__attribute__((weak, no_sanitize_coverage)) void __sanitizer_cov_trace_pc(void)
{
}

enum {
	TEST_STACK_SIZE = 64 * 1024,
	TEST_GUARD = 4096,
	TEST_PAGE = 4096
};

/* The general-register values the victim holds across its fault. */
#define VICTIM_REG(i) (0x5a5a5a5a00000000ull + (i))
/* Vector register n, quadword q holds VICTIM_VEC(4 * n + q). */
#define VICTIM_VEC(k) (0x0101010101010101ull * (uint64_t)((k) + 1))
#define VICTIM_MXCSR (CTX_MXCSR_DEFAULT | 0x6000) /* round toward zero */
#define RFLAGS_STATUS 0xcd5u			  /* CF PF AF ZF SF DF OF */
#define VICTIM_RFLAGS 0x495u			  /* cmp of VICTIM_REG(1) with (2), then std */

/* What test_cpustate_victim stores after its faulting write. */
struct victim_out {
	uint64_t gpr[16];    /* in struct cpustate order; [7] (rsp) unused */
	uint64_t rflags;     /* 128 */
	uint64_t redzone[2]; /* 136: -8(%rsp), -128(%rsp) */
	uint32_t mxcsr;	     /* 152 */
	uint32_t pad0;
	double x87; /* 160: st(0), loaded with fldpi */
	uint8_t pad1[24];
	uint64_t vec[16][4]; /* 192: xmm/ymm 0..15 */
};
_Static_assert(offsetof(struct victim_out, vec) == 192, "victim_out layout");

/*
 * test_cpustate_victim(target, out, avx): load known values into every
 * general register but rsp and rdi (= target), into the red zone, the
 * flags, MXCSR, st(0) and xmm0-15 (ymm0-15 if avx), write r11 to *target,
 * which faults, then store all of it in *out.  Runs the same with or
 * without the fault.
 */
void test_cpustate_victim(volatile uint64_t *target, struct victim_out *out, int avx);
__asm__(".section .rodata\n"
	".p2align 5\n"
	"test_cpustate_vec:\n"
	"	.set k, 0\n"
	"	.rept 64\n"
	"	.quad 0x0101010101010101 * (k + 1)\n"
	"	.set k, k + 1\n"
	"	.endr\n"
	"test_cpustate_mxcsr:\n"
	"	.long 0x7f80, 0x1f80\n"
	".text\n"
	".p2align 4\n"
	".type test_cpustate_victim, @function\n"
	"test_cpustate_victim:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	pushq %rdx\n"
	"	pushq %rsi\n"
	"	testl %edx, %edx\n"
	"	jz 1f\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	vmovdqu test_cpustate_vec+\\n*32(%rip), %ymm\\n\n"
	"	.endr\n"
	"	jmp 2f\n"
	"1:\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	movdqu test_cpustate_vec+\\n*32(%rip), %xmm\\n\n"
	"	.endr\n"
	"2:	ldmxcsr test_cpustate_mxcsr(%rip)\n"
	"	fldpi\n"
	"	movabsq $0x5a5a5a5a00000000, %rax\n"
	"	leaq 1(%rax), %rbx\n"
	"	leaq 2(%rax), %rcx\n"
	"	leaq 3(%rax), %rdx\n"
	"	leaq 4(%rax), %rsi\n"
	"	leaq 6(%rax), %rbp\n"
	"	leaq 8(%rax), %r8\n"
	"	leaq 9(%rax), %r9\n"
	"	leaq 10(%rax), %r10\n"
	"	leaq 11(%rax), %r11\n"
	"	leaq 12(%rax), %r12\n"
	"	leaq 13(%rax), %r13\n"
	"	leaq 14(%rax), %r14\n"
	"	leaq 15(%rax), %r15\n"
	"	movq %r12, -8(%rsp)\n"
	"	movq %r13, -128(%rsp)\n"
	"	cmpq %rcx, %rbx\n"
	"	std\n"
	"	movq %r11, (%rdi)\n" /* the fault */
	"	movq %rax, -16(%rsp)\n"
	"	movq (%rsp), %rax\n" /* out */
	"	movq %rbx, 8(%rax)\n"
	"	movq %rcx, 16(%rax)\n"
	"	movq %rdx, 24(%rax)\n"
	"	movq %rsi, 32(%rax)\n"
	"	movq %rdi, 40(%rax)\n"
	"	movq %rbp, 48(%rax)\n"
	"	movq %r8, 64(%rax)\n"
	"	movq %r9, 72(%rax)\n"
	"	movq %r10, 80(%rax)\n"
	"	movq %r11, 88(%rax)\n"
	"	movq %r12, 96(%rax)\n"
	"	movq %r13, 104(%rax)\n"
	"	movq %r14, 112(%rax)\n"
	"	movq %r15, 120(%rax)\n"
	"	movq -8(%rsp), %rbx\n"
	"	movq %rbx, 136(%rax)\n"
	"	movq -128(%rsp), %rbx\n"
	"	movq %rbx, 144(%rax)\n"
	"	pushfq\n"
	"	popq %rbx\n"
	"	movq %rbx, 128(%rax)\n"
	"	cld\n"
	"	movq -16(%rsp), %rbx\n"
	"	movq %rbx, 0(%rax)\n"
	"	popq %rbx\n"
	"	stmxcsr 152(%rax)\n"
	"	ldmxcsr test_cpustate_mxcsr+4(%rip)\n"
	"	fstpl 160(%rax)\n"
	"	popq %rdx\n"
	"	testl %edx, %edx\n"
	"	jz 3f\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	vmovdqu %ymm\\n, 192+\\n*32(%rax)\n"
	"	.endr\n"
	"	vzeroupper\n"
	"	jmp 4f\n"
	"3:\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	movdqu %xmm\\n, 192+\\n*32(%rax)\n"
	"	.endr\n"
	"4:	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size test_cpustate_victim, . - test_cpustate_victim\n");

/* Count the ways *o differs from what test_cpustate_victim must produce
 * for the given target and vector width. */
static int victim_out_mismatches(const struct victim_out *o, volatile uint64_t *target, int avx)
{
	int bad = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 7)
			continue;
		uint64_t want = i == 5 ? (uint64_t)(uintptr_t)target : VICTIM_REG(i);
		bad += o->gpr[i] != want;
	}
	bad += (o->rflags & RFLAGS_STATUS) != VICTIM_RFLAGS;
	bad += o->redzone[0] != VICTIM_REG(12) || o->redzone[1] != VICTIM_REG(13);
	bad += o->mxcsr != VICTIM_MXCSR;
	bad += o->x87 != M_PI;
	for (int n = 0; n < 16; n++)
		for (int q = 0; q < (avx ? 4 : 2); q++)
			bad += o->vec[n][q] != VICTIM_VEC(4 * n + q);
	return bad;
}

/* Under Valgrind, registers at a faulting memory access are exact only
 * with --vex-iropt-register-updates=allregs-at-mem-access (the default
 * keeps only rsp/rbp/rip exact); say so when the register checks fail. */
static void hint_if_imprecise(int mismatches)
{
	if (mismatches && RUNNING_ON_VALGRIND)
		fprintf(stderr, "\n  hint: run valgrind with "
				"--vex-iropt-register-updates=allregs-at-mem-access\n");
}

/* ------------------------------------------------------------ harness */

/* The "kernel": the test's main context, and what the hook captured. */
static struct {
	struct ctx main;
	struct ctx abandoned; /* where the hook's handler frame is left */
	struct cpustate captured;
	int ncaptured;
} tk;

/* The kernel's hook: take the state, unblock, switch away for good. */
static void test_hook(struct cpustate *st)
{
	tk.captured = *st;
	tk.ncaptured++;
	cpustate_unblock(st->signo);
	ctx_switch(&tk.abandoned, &tk.main);
	abort(); /* never resumed */
}

/* A context running fn(arg) on its own mmap'd stack. */
struct victim {
	struct ctx ctx;
	void *map;
	void (*fn)(struct victim *v);
	volatile uint64_t *target;
	int avx;
	volatile int finished;
	struct victim_out out;
};

/* Entry of every victim: run its function, then report to main. */
static void victim_entry(void *arg)
{
	struct victim *v = arg;

	v->fn(v);
	v->finished = 1;
	for (;;)
		ctx_switch(&v->ctx, &tk.main);
}

static void *test_stack_map(void)
{
	void *map = mmap(NULL, TEST_GUARD + TEST_STACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED)
		return NULL;
	mprotect(map, TEST_GUARD, PROT_NONE);
	return map;
}

/* Prepare *v to run fn on a fresh stack.  0 or -1. */
static int victim_init(struct victim *v, void (*fn)(struct victim *), void *arg_target)
{
	memset(v, 0, sizeof(*v));
	v->map = test_stack_map();
	if (!v->map)
		return -1;
	v->fn = fn;
	v->target = arg_target;
	ctx_init(&v->ctx, (uint8_t *)v->map + TEST_GUARD, TEST_STACK_SIZE, victim_entry, v);
	return 0;
}

static void victim_fini(struct victim *v)
{
	ctx_destroy(&v->ctx);
	munmap(v->map, TEST_GUARD + TEST_STACK_SIZE);
}

/* Run the victim until it finishes or is captured, with Valgrind's error
 * reporting off (its faults are deliberate).  Returns the captures made. */
static int victim_run(struct victim *v)
{
	int before = tk.ncaptured;

	VALGRIND_DISABLE_ERROR_REPORTING;
	ctx_switch(&tk.main, &v->ctx);
	VALGRIND_ENABLE_ERROR_REPORTING;
	return tk.ncaptured - before;
}

/* The resumer: a fresh context whose only job is cpustate_resume. */
static void resumer_entry(void *arg)
{
	cpustate_resume(arg);
}

/* Resume *st through a resumer context, as the kernel does; returns when
 * the resumed code switches to main (finishing or faulting again). */
static void resume_via_context(const struct cpustate *st)
{
	static struct cpustate copy;
	struct ctx resumer;
	void *map = test_stack_map();

	CU_ASSERT_FATAL(map != NULL);
	copy = *st;
	ctx_init(&resumer, (uint8_t *)map + TEST_GUARD, TEST_STACK_SIZE, resumer_entry, &copy);
	VALGRIND_DISABLE_ERROR_REPORTING;
	ctx_switch(&tk.main, &resumer);
	VALGRIND_ENABLE_ERROR_REPORTING;
	ctx_destroy(&resumer);
	munmap(map, TEST_GUARD + TEST_STACK_SIZE);
}

/* --------------------------------------------- SIGSEGV: capture, resume */

static void victim_regs(struct victim *v)
{
	test_cpustate_victim(v->target, &v->out, v->avx);
}

/* Offset of xmm/ymm-high register n in a standard-format XSAVE image. */
static size_t xsave_xmm_off(int n)
{
	return 160 + 16 * (size_t)n;
}

/* Check the capture of test_cpustate_victim's fault on page. */
static void check_segv_capture(const struct cpustate *st, uint64_t *page)
{
	CU_ASSERT_EQUAL(st->cause, CPUSTATE_FAULT);
	CU_ASSERT_EQUAL(st->signo, SIGSEGV);
	CU_ASSERT_EQUAL(st->si_code, SEGV_ACCERR);
	CU_ASSERT_EQUAL(st->addr, (uint64_t)(uintptr_t)page);
	CU_ASSERT_EQUAL(st->access, 1);
	CU_ASSERT(st->rip != 0);
	CU_ASSERT_EQUAL(st->rdi, (uint64_t)(uintptr_t)page);
	CU_ASSERT_EQUAL(st->rbx, VICTIM_REG(1));
	CU_ASSERT_EQUAL(st->r11, VICTIM_REG(11));
	CU_ASSERT_EQUAL(st->r15, VICTIM_REG(15));
	CU_ASSERT_EQUAL(st->rflags & RFLAGS_STATUS, VICTIM_RFLAGS);
	CU_ASSERT_EQUAL(st->xsave_mask & 3, 3);
	uint64_t xmm3;
	memcpy(&xmm3, st->xsave + xsave_xmm_off(3), sizeof(xmm3));
	CU_ASSERT_EQUAL(xmm3, VICTIM_VEC(12));
}

/* The AVX state component (ymm upper halves) of the captured image. */
static void check_avx_capture(const struct cpustate *st)
{
	unsigned a, b, c, d;
	uint64_t hi;

	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(2));
	CU_ASSERT_FATAL(st->xsave_mask & 4);
	memcpy(&hi, st->xsave + b + 16 * 5, sizeof(hi)); /* ymm5 bits 128..191 */
	CU_ASSERT_EQUAL(hi, VICTIM_VEC(4 * 5 + 2));
}

/* Fault on a read-only page, capture, make it writable, resume: the write
 * lands and everything the victim held survives.  avx: use ymm registers. */
static void segv_resume_case(enum ctx_impl impl, int avx)
{
	enum ctx_impl saved = ctx_impl_current();
	struct victim v;
	uint64_t *page =
		mmap(NULL, TEST_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CU_ASSERT_FATAL(page != MAP_FAILED);
	ctx_impl_select(impl);
	CU_ASSERT_FATAL(cpustate_install(test_hook, NULL, 0) == 0);

	/* Control run: no fault, so the victim's own expectations hold. */
	CU_ASSERT_FATAL(victim_init(&v, victim_regs, page) == 0);
	v.avx = avx;
	CU_ASSERT_EQUAL(victim_run(&v), 0);
	CU_ASSERT(v.finished);
	CU_ASSERT_EQUAL(victim_out_mismatches(&v.out, page, avx), 0);
	victim_fini(&v);

	page[0] = 0;
	mprotect(page, TEST_PAGE, PROT_READ);
	CU_ASSERT_FATAL(victim_init(&v, victim_regs, page) == 0);
	v.avx = avx;
	CU_ASSERT_EQUAL(victim_run(&v), 1);
	CU_ASSERT_EQUAL(v.finished, 0);
	check_segv_capture(&tk.captured, page);
	if (avx)
		check_avx_capture(&tk.captured);

	mprotect(page, TEST_PAGE, PROT_READ | PROT_WRITE);
	resume_via_context(&tk.captured);
	CU_ASSERT_EQUAL(tk.ncaptured, 1);
	CU_ASSERT(v.finished);
	CU_ASSERT_EQUAL(page[0], VICTIM_REG(11));
	int mismatches = victim_out_mismatches(&v.out, page, avx);
	CU_ASSERT_EQUAL(mismatches, 0);
	hint_if_imprecise(mismatches);
	victim_fini(&v);

	cpustate_uninstall();
	munmap(page, TEST_PAGE);
	ctx_impl_select(saved);
}

static void test_segv_resume(void)
{
	tk.ncaptured = 0;
	segv_resume_case(CTX_IMPL_ASM, 0);
	tk.ncaptured = 0;
	segv_resume_case(CTX_IMPL_UCONTEXT, 0);
}

static void test_segv_resume_avx(void)
{
	if (!__builtin_cpu_supports("avx"))
		return; /* nothing to lose beyond SSE */
	tk.ncaptured = 0;
	segv_resume_case(CTX_IMPL_ASM, 1);
}

/* ------------------------------------ other faults: captured, abandoned */

static volatile int test_zero, test_seven = 7; /* volatile: a real idiv */
static volatile int test_sink;

static void victim_fpe(struct victim *v)
{
	(void)v;
	test_sink = test_seven / test_zero;
}

static void victim_ill(struct victim *v)
{
	(void)v;
	__builtin_trap();
}

static void victim_abrt(struct victim *v)
{
	(void)v;
	abort();
}

static void victim_bus(struct victim *v)
{
	*v->target = 1;
}

/* Run fn in a victim; it must be captured once with signo, and abandoned. */
static void capture_case(void (*fn)(struct victim *), volatile uint64_t *target, int signo)
{
	struct victim v;

	tk.ncaptured = 0;
	CU_ASSERT_FATAL(cpustate_install(test_hook, NULL, 0) == 0);
	CU_ASSERT_FATAL(victim_init(&v, fn, (void *)target) == 0);
	CU_ASSERT_EQUAL(victim_run(&v), 1);
	CU_ASSERT_EQUAL(v.finished, 0);
	CU_ASSERT_EQUAL(tk.captured.cause, CPUSTATE_FAULT);
	CU_ASSERT_EQUAL(tk.captured.signo, signo);
	CU_ASSERT(tk.captured.rip != 0);
	victim_fini(&v);
	cpustate_uninstall();
}

/* 1 if the calling thread has signo blocked. */
static int test_blocked(int signo)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, signo);
}

static void test_fpe_ill_abrt(void)
{
	capture_case(victim_fpe, NULL, SIGFPE);
	CU_ASSERT_EQUAL(tk.captured.si_code, FPE_INTDIV);
	capture_case(victim_ill, NULL, SIGILL);
	capture_case(victim_abrt, NULL, SIGABRT);
	CU_ASSERT_FALSE(test_blocked(SIGABRT));
	CU_ASSERT_FALSE(test_blocked(SIGPROF));
}

/* A write to a shared file page past the end of a 0-length file. */
static void test_bus(void)
{
	int fd = memfd_create("kip-test-bus", MFD_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	volatile uint64_t *page = mmap(NULL, TEST_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CU_ASSERT_FATAL(page != MAP_FAILED);
	capture_case(victim_bus, page, SIGBUS);
	CU_ASSERT_EQUAL(tk.captured.si_code, BUS_ADRERR);
	CU_ASSERT_EQUAL(tk.captured.addr, (uint64_t)(uintptr_t)page);
	munmap((void *)page, TEST_PAGE);
	close(fd);
}

/* ------------------------------------------------------------ watchdog */

static struct {
	volatile int spinning, release;
	int ticks;
} wd;

/* Hung once the victim has spun through five ticks. */
static int wd_tick(void)
{
	if (!wd.spinning)
		return 0;
	return ++wd.ticks >= 5;
}

/* A spin without calls (not even the coverage callback). */
static __attribute__((noinline, no_sanitize_coverage)) void wd_spin(volatile int *release)
{
	while (!*release)
		;
}

static void victim_spin(struct victim *v)
{
	(void)v;
	wd.spinning = 1;
	wd_spin(&wd.release);
	wd.spinning = 0;
}

static void test_watchdog(void)
{
	struct victim v;

	memset(&wd, 0, sizeof(wd));
	tk.ncaptured = 0;
	CU_ASSERT_FATAL(cpustate_install(test_hook, wd_tick, 10) == 0);
	CU_ASSERT_FATAL(victim_init(&v, victim_spin, NULL) == 0);
	CU_ASSERT_EQUAL(victim_run(&v), 1);
	CU_ASSERT_EQUAL(v.finished, 0);
	CU_ASSERT_EQUAL(tk.captured.cause, CPUSTATE_WATCHDOG);
	CU_ASSERT_EQUAL(tk.captured.signo, SIGPROF);
	CU_ASSERT(wd.ticks >= 5);
	CU_ASSERT_FALSE(test_blocked(SIGPROF));

	/* Resumed where it spun, it sees the release and finishes. */
	wd.spinning = 0;
	wd.release = 1;
	resume_via_context(&tk.captured);
	CU_ASSERT(v.finished);
	CU_ASSERT_EQUAL(tk.ncaptured, 1);
	victim_fini(&v);
	cpustate_uninstall();
}

/* Ticks that land in system calls of the main context are handled on the
 * alternate stack without a memcheck error (Valgrind 3.19 got this wrong
 * when the alternate stack was registered as a stack). */
static int counting_tick(void)
{
	wd.ticks++;
	return 0;
}

static void test_watchdog_ticks_in_syscalls(void)
{
	static char buf[4096];
	struct timespec t0, t;

	memset(&wd, 0, sizeof(wd));
	CU_ASSERT_FATAL(cpustate_install(test_hook, counting_tick, 1) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		getrandom(buf, sizeof(buf), 0);
		void *m = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (m != MAP_FAILED)
			munmap(m, 1 << 16);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (wd.ticks < 50 && t.tv_sec - t0.tv_sec < 5);
	cpustate_uninstall();
	CU_ASSERT(wd.ticks > 0);
}

/* ------------------------------------------- a fault nobody takes: fatal */

static void returning_hook(struct cpustate *st)
{
	(void)st;
}

/* In a child: install a hook that returns, then fault; the child must die
 * of that very signal. */
static int child_dies_of(void (*fault)(uint64_t *page))
{
	pid_t pid = fork();

	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		uint64_t *page =
			mmap(NULL, TEST_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED || cpustate_install(returning_hook, NULL, 0) != 0)
			_exit(2);
		/* No VALGRIND_DISABLE_ERROR_REPORTING: nothing could re-enable
		 * it in a dying child, and neither fault is a memcheck error. */
		fault(page);
		_exit(0);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
		return -1;
	return WTERMSIG(status);
}

static void fault_write(uint64_t *page)
{
	*(volatile uint64_t *)page = 1;
}

static void fault_abort(uint64_t *page)
{
	(void)page;
	abort();
}

static void test_untaken_fault_is_fatal(void)
{
	CU_ASSERT_EQUAL(child_dies_of(fault_write), SIGSEGV);
	CU_ASSERT_EQUAL(child_dies_of(fault_abort), SIGABRT);
}

/* ----------------------------------------------------- xsave properties */

static void test_xsave_mask(void)
{
	uint64_t mask = cpustate_xsave_mask();

	CU_ASSERT_EQUAL(mask & 3, 3); /* x87 and SSE on any x86-64 with XSAVE */
	CU_ASSERT(cpustate_xsave_size() >= 576);
	CU_ASSERT(cpustate_xsave_size() <= CPUSTATE_XSAVE_MAX);
	if (__builtin_cpu_supports("avx"))
		CU_ASSERT(mask & 4);
	CU_ASSERT_EQUAL(cpustate_install(test_hook, NULL, 0), 0);
	CU_ASSERT_EQUAL(cpustate_install(test_hook, NULL, 0), -EBUSY);
	cpustate_uninstall();
}

static const struct kip_test cpustate_tests[] = {
	{"xsave mask and size", test_xsave_mask},
	{"SIGSEGV captured, resumed with full state (both impls)", test_segv_resume},
	{"SIGSEGV resume keeps AVX (ymm) state", test_segv_resume_avx},
	{"SIGFPE, SIGILL, SIGABRT captured", test_fpe_ill_abrt},
	{"SIGBUS captured", test_bus},
	{"watchdog captures and resumes a spin", test_watchdog},
	{"watchdog ticks in system calls", test_watchdog_ticks_in_syscalls},
	{"a fault the hook does not take is fatal", test_untaken_fault_is_fatal},
	{NULL, NULL},
};
KIP_TEST_SUITE(cpustate, cpustate_tests);
