/*
 * tests/sim/test_ctx.c - CPU contexts (sim/ctx.c and its two
 * implementations): the order of a ping-pong, what a switch preserves
 * (callee-saved registers, MXCSR, x87 control word), the initial state of
 * a new context (stack alignment, default FP environment), the abort when
 * an entry function returns, and implementation names.
 *
 * Every behaviour is checked with both implementations, in one binary.
 * Assertions are made on the test's main context only: the contexts record
 * what they saw and the main context checks it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xmmintrin.h>

#include "sim/ctx.h"
#include "tests/kip_test.h"

/* Until the kernel provides the real one (libposix's block counter): tests
 * are built with -fsanitize-coverage=trace-pc.  Not instrumented itself. */
__attribute__((weak, no_sanitize_coverage)) void __sanitizer_cov_trace_pc(void)
{
}

enum {
	TEST_STACK_SIZE = 64 * 1024,
	TEST_GUARD = 4096
};

static const enum ctx_impl test_impls[] = {CTX_IMPL_ASM, CTX_IMPL_UCONTEXT};
#define TEST_NIMPL (sizeof(test_impls) / sizeof(test_impls[0]))

/* An mmap'd stack with a PROT_NONE guard page below it; NULL on failure. */
static void *test_stack_alloc(void)
{
	uint8_t *map = mmap(NULL, TEST_GUARD + TEST_STACK_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED)
		return NULL;
	mprotect(map, TEST_GUARD, PROT_NONE);
	return map + TEST_GUARD;
}

static void test_stack_free(void *lo)
{
	if (lo)
		munmap((uint8_t *)lo - TEST_GUARD, TEST_GUARD + TEST_STACK_SIZE);
}

/* Two contexts A and B on fresh stacks, and the main context to return to. */
static struct {
	struct ctx main, a, b;
	void *stack_a, *stack_b;
} tc;

/* Create A and B with the currently selected implementation. */
static int test_pair_init(void (*fa)(void *), void (*fb)(void *))
{
	tc.stack_a = test_stack_alloc();
	tc.stack_b = test_stack_alloc();
	if (!tc.stack_a || !tc.stack_b)
		return -1;
	ctx_init(&tc.a, tc.stack_a, TEST_STACK_SIZE, fa, NULL);
	ctx_init(&tc.b, tc.stack_b, TEST_STACK_SIZE, fb, NULL);
	return 0;
}

static void test_pair_fini(void)
{
	ctx_destroy(&tc.a);
	ctx_destroy(&tc.b);
	test_stack_free(tc.stack_a);
	test_stack_free(tc.stack_b);
	tc.stack_a = tc.stack_b = NULL;
}

/* Park the running context for good: switch to main whenever resumed. */
static void __attribute__((noreturn)) test_park(struct ctx *self)
{
	for (;;)
		ctx_switch(self, &tc.main);
}

/* ------------------------------------------------------------- ping-pong */

enum {
	PP_ROUNDS = 1000
};

static struct {
	int log[2 * PP_ROUNDS + 1];
	int n;
} pp;

static void pp_log(int v)
{
	if (pp.n < (int)(sizeof(pp.log) / sizeof(pp.log[0])))
		pp.log[pp.n] = v;
	pp.n++;
}

/* A logs the even numbers, B the odd ones; A hands back after the last. */
static void pp_a(void *arg)
{
	(void)arg;
	for (int i = 0; i < PP_ROUNDS; i++) {
		pp_log(2 * i);
		ctx_switch(&tc.a, &tc.b);
	}
	test_park(&tc.a);
}

static void pp_b(void *arg)
{
	(void)arg;
	for (int i = 0;; i++) {
		pp_log(2 * i + 1);
		ctx_switch(&tc.b, &tc.a);
	}
}

static void test_pingpong(void)
{
	enum ctx_impl saved = ctx_impl_current();

	for (unsigned k = 0; k < TEST_NIMPL; k++) {
		ctx_impl_select(test_impls[k]);
		memset(&pp, 0, sizeof(pp));
		CU_ASSERT_FATAL(test_pair_init(pp_a, pp_b) == 0);
		ctx_switch(&tc.main, &tc.a);
		CU_ASSERT_EQUAL(pp.n, 2 * PP_ROUNDS);
		int in_order = 1;
		for (int i = 0; i < 2 * PP_ROUNDS; i++)
			in_order &= pp.log[i] == i;
		CU_ASSERT(in_order);
		test_pair_fini();
	}
	ctx_impl_select(saved);
}

/* ------------------------------------------------ callee-saved registers */

/*
 * test_ctx_switch_regs(from, to, base, out): load rbx, rbp, r12..r15 with
 * base+0 .. base+5, call ctx_switch(from, to), and when resumed store the
 * six registers in out[0..5].  In assembly because C cannot hold values in
 * named registers across a call.
 */
void test_ctx_switch_regs(struct ctx *from, struct ctx *to, uint64_t base, uint64_t *out);
__asm__(".text\n"
	".p2align 4\n"
	".type test_ctx_switch_regs, @function\n"
	"test_ctx_switch_regs:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	pushq %rcx\n" /* out; 7 pushes: rsp is 16-byte aligned */
	"	movq %rdx, %rbx\n"
	"	leaq 1(%rdx), %rbp\n"
	"	leaq 2(%rdx), %r12\n"
	"	leaq 3(%rdx), %r13\n"
	"	leaq 4(%rdx), %r14\n"
	"	leaq 5(%rdx), %r15\n"
	"	call ctx_switch@PLT\n"
	"	popq %rcx\n"
	"	movq %rbx, 0(%rcx)\n"
	"	movq %rbp, 8(%rcx)\n"
	"	movq %r12, 16(%rcx)\n"
	"	movq %r13, 24(%rcx)\n"
	"	movq %r14, 32(%rcx)\n"
	"	movq %r15, 40(%rcx)\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size test_ctx_switch_regs, . - test_ctx_switch_regs\n");

enum {
	REGS_A = 0x1000,
	REGS_B = 0x2000,
	RC_UP = 0x4000,
	RC_ZERO = 0x6000
};

/* What each context saw; the FP values are read back after the switches. */
static struct {
	uint64_t out_a[6], out_b[6];
	unsigned start_mxcsr_a, start_fpcw_a, start_mxcsr_b, start_fpcw_b;
	unsigned mxcsr_a, fpcw_a, mxcsr_b, fpcw_b;
} rs;

static unsigned test_get_fpcw(void)
{
	uint16_t cw;

	__asm__ volatile("fnstcw %0" : "=m"(cw));
	return cw;
}

static void test_set_fpcw(unsigned v)
{
	uint16_t cw = (uint16_t)v;

	__asm__ volatile("fldcw %0" : : "m"(cw));
}

/* A: MXCSR rounds up, x87 rounds toward zero.  B: the opposite choice.
 * Each sets its own environment, lets the other run, and reads its own
 * environment back. */
static void rs_a(void *arg)
{
	(void)arg;
	rs.start_mxcsr_a = _mm_getcsr();
	rs.start_fpcw_a = test_get_fpcw();
	_mm_setcsr(CTX_MXCSR_DEFAULT | RC_UP);
	test_set_fpcw(CTX_FPCW_DEFAULT | (RC_ZERO >> 3));
	test_ctx_switch_regs(&tc.a, &tc.b, REGS_A, rs.out_a);
	rs.mxcsr_a = _mm_getcsr();
	rs.fpcw_a = test_get_fpcw();
	ctx_switch(&tc.a, &tc.b);
	test_park(&tc.a);
}

static void rs_b(void *arg)
{
	(void)arg;
	rs.start_mxcsr_b = _mm_getcsr();
	rs.start_fpcw_b = test_get_fpcw();
	_mm_setcsr(CTX_MXCSR_DEFAULT | RC_ZERO);
	test_set_fpcw(CTX_FPCW_DEFAULT | (RC_UP >> 3));
	test_ctx_switch_regs(&tc.b, &tc.a, REGS_B, rs.out_b);
	rs.mxcsr_b = _mm_getcsr();
	rs.fpcw_b = test_get_fpcw();
	test_park(&tc.b);
}

static void test_preserved_state(void)
{
	enum ctx_impl saved = ctx_impl_current();
	unsigned main_mxcsr = _mm_getcsr(), main_fpcw = test_get_fpcw();

	for (unsigned k = 0; k < TEST_NIMPL; k++) {
		ctx_impl_select(test_impls[k]);
		memset(&rs, 0, sizeof(rs));
		/* The creator's own non-default environment is not inherited. */
		_mm_setcsr(CTX_MXCSR_DEFAULT | RC_ZERO);
		CU_ASSERT_FATAL(test_pair_init(rs_a, rs_b) == 0);
		ctx_switch(&tc.main, &tc.a);
		CU_ASSERT_EQUAL(_mm_getcsr(), CTX_MXCSR_DEFAULT | RC_ZERO);
		_mm_setcsr(main_mxcsr);
		for (int i = 0; i < 6; i++) {
			CU_ASSERT_EQUAL(rs.out_a[i], (uint64_t)REGS_A + i);
			CU_ASSERT_EQUAL(rs.out_b[i], (uint64_t)REGS_B + i);
		}
		CU_ASSERT_EQUAL(rs.start_mxcsr_a, CTX_MXCSR_DEFAULT);
		CU_ASSERT_EQUAL(rs.start_fpcw_a, CTX_FPCW_DEFAULT);
		CU_ASSERT_EQUAL(rs.start_mxcsr_b, CTX_MXCSR_DEFAULT);
		CU_ASSERT_EQUAL(rs.start_fpcw_b, CTX_FPCW_DEFAULT);
		CU_ASSERT_EQUAL(rs.mxcsr_a, CTX_MXCSR_DEFAULT | RC_UP);
		CU_ASSERT_EQUAL(rs.fpcw_a, CTX_FPCW_DEFAULT | (RC_ZERO >> 3));
		CU_ASSERT_EQUAL(rs.mxcsr_b, CTX_MXCSR_DEFAULT | RC_ZERO);
		CU_ASSERT_EQUAL(rs.fpcw_b, CTX_FPCW_DEFAULT | (RC_UP >> 3));
		test_pair_fini();
	}
	CU_ASSERT_EQUAL(_mm_getcsr(), main_mxcsr);
	CU_ASSERT_EQUAL(test_get_fpcw(), main_fpcw);
	ctx_impl_select(saved);
}

/* ------------------------------------------------------- stack alignment */

static struct {
	uintptr_t entry_frame, callee_frame, aligned_local;
	int ran;
} al;

/* A called function's frame must be 16-byte aligned too (ABI at calls). */
static __attribute__((noinline)) void al_callee(void)
{
	_Alignas(16) volatile char buf[16];

	buf[0] = 1;
	al.callee_frame = (uintptr_t)__builtin_frame_address(0);
	al.aligned_local = (uintptr_t)buf;
}

/* With a frame pointer, rbp = entry rsp - 8, so a correctly aligned entry
 * (rsp + 8 a multiple of 16) has a 16-byte-aligned frame address. */
static void al_entry(void *arg)
{
	(void)arg;
	al.entry_frame = (uintptr_t)__builtin_frame_address(0);
	al_callee();
	al.ran = 1;
	test_park(&tc.a);
}

static void test_new_stack_alignment(void)
{
	enum ctx_impl saved = ctx_impl_current();

	for (unsigned k = 0; k < TEST_NIMPL; k++) {
		ctx_impl_select(test_impls[k]);
		memset(&al, 0, sizeof(al));
		CU_ASSERT_FATAL(test_pair_init(al_entry, al_entry) == 0);
		ctx_switch(&tc.main, &tc.a);
		CU_ASSERT(al.ran);
		CU_ASSERT_EQUAL(al.entry_frame % 16, 0);
		CU_ASSERT_EQUAL(al.callee_frame % 16, 0);
		CU_ASSERT_EQUAL(al.aligned_local % 16, 0);
		/* The context runs on its own stack. */
		CU_ASSERT(al.entry_frame > (uintptr_t)tc.stack_a);
		CU_ASSERT(al.entry_frame <= (uintptr_t)tc.stack_a + TEST_STACK_SIZE);
		test_pair_fini();
	}
	ctx_impl_select(saved);
}

/* ------------------------------------------------- entry must not return */

static void ret_entry(void *arg)
{
	(void)arg;
}

/* In a child: run a context whose entry returns; it must abort. */
static void test_entry_return_aborts(void)
{
	for (unsigned k = 0; k < TEST_NIMPL; k++) {
		pid_t pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0)
				dup2(null, 2);
			signal(SIGABRT, SIG_DFL);
			ctx_impl_select(test_impls[k]);
			if (test_pair_init(ret_entry, ret_entry) == 0)
				ctx_switch(&tc.main, &tc.a);
			_exit(0); /* not reached if the entry's return aborted */
		}
		int status = 0;
		CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
		CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	}
}

/* ------------------------------------------------------------------ names */

static void test_impl_names(void)
{
	enum ctx_impl impl = CTX_IMPL_UCONTEXT;

	CU_ASSERT_STRING_EQUAL(ctx_impl_name(CTX_IMPL_ASM), "asm");
	CU_ASSERT_STRING_EQUAL(ctx_impl_name(CTX_IMPL_UCONTEXT), "ucontext");
	CU_ASSERT_EQUAL(ctx_impl_parse("asm", &impl), 0);
	CU_ASSERT_EQUAL(impl, CTX_IMPL_ASM);
	CU_ASSERT_EQUAL(ctx_impl_parse("ucontext", &impl), 0);
	CU_ASSERT_EQUAL(impl, CTX_IMPL_UCONTEXT);
	CU_ASSERT_EQUAL(ctx_impl_parse("fast", &impl), -1);
	CU_ASSERT_EQUAL(impl, CTX_IMPL_UCONTEXT);
	CU_ASSERT_EQUAL(ctx_impl_current(), CTX_IMPL_DEFAULT);
}

static const struct kip_test ctx_tests[] = {
	{"ping-pong interleaves in order (both impls)", test_pingpong},
	{"switch preserves callee-saved regs, MXCSR, x87 CW", test_preserved_state},
	{"new context's stack is ABI-aligned", test_new_stack_alignment},
	{"a returning entry aborts", test_entry_return_aborts},
	{"implementation names", test_impl_names},
	{NULL, NULL},
};
KIP_TEST_SUITE(ctx, ctx_tests);
