/*
 * tests/kernel/test_fault.c - faults, stops and hangs of processes
 * (kernel/fault.c, SYS_STOP / SYS_RESUME in kernel/kcall_proc.c).
 *
 * Pins: a SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT in a process - user
 * or system - kills that process only: a sibling that was mid-run goes on
 * and finishes, and the parent is told KIP_EV_KILLED with the signal (and,
 * for memory faults, the address); with a fault manager the faulting
 * process stops instead and the manager is told KIP_EV_FAULT with the
 * address and access type, may resume it (it re-executes the faulting
 * instruction: again a fault unless the manager fixed the cause, else the
 * write completes and the program goes on with its registers intact) or
 * kill it; SYS_STOP freezes a running program until SYS_RESUME; the
 * watchdog reports a process that spins without trapping - killed, with a
 * "nondeterministic event" trace line, or stopped and handed to the
 * manager as KIP_EV_HANG - and the machine goes on.
 *
 * Deliberate faults run in user programs (the kernel turns Valgrind's
 * error reporting off while they run) or between
 * VALGRIND_DISABLE_ERROR_REPORTING and its ENABLE.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "kip/error.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define FLT_QUANTUM 100000 /* ns */
#define FLT_MS 1000000ull  /* ns */

enum flt_kind {
	FLT_SEGV,
	FLT_BUS,
	FLT_FPE,
	FLT_ILL,
	FLT_ABRT
};

/* What the processes saw.  Counted programs share only volatile state
 * (see test_sched.c) and publish it with kt_barrier before faulting. */
static struct {
	int ok;
	volatile uint64_t sib_work, vic_work, count;
	volatile int sib_done, stage, regs_ok;
	volatile uint64_t sib_at_fault;
	volatile uint64_t *bus_page; /* a page past the end of its file */
	uint64_t *page;		     /* flt_fixme's page */
	endpoint_t victim, sibling;
	struct kcall_event ev[6]; /* every event the main process got, in order */
	int nev;
	int r[8];
	uint64_t v[8];
	int state[4];
} flt;

static int *volatile flt_null;
static volatile int flt_zero, flt_seven = 7, flt_sink;
static volatile uint64_t flt_spins;

static void flt_reset(void)
{
	memset((void *)&flt, 0, sizeof(flt));
}

static uint64_t flt_iterations(void)
{
	return kip_test_small() ? 200000 : 500000;
}

/* Wait for the next event and keep it in flt.ev. */
static struct kcall_event *flt_event(void)
{
	struct kcall_event *ev = &flt.ev[flt.nev < 5 ? flt.nev++ : 5];
	kt_wait_event(ev);
	return ev;
}

/* Wait for events until one about ep; return it. */
static struct kcall_event *flt_event_from(endpoint_t ep)
{
	for (;;) {
		struct kcall_event *ev = flt_event();
		if (ev->endpoint == ep || flt.nev == 6)
			return ev;
	}
}

/* The nth (0, 1, ...) event the main process got about ep, or NULL. */
static const struct kcall_event *flt_event_of(endpoint_t ep, int nth)
{
	for (int i = 0; i < flt.nev; i++)
		if (flt.ev[i].endpoint == ep && nth-- == 0)
			return &flt.ev[i];
	return NULL;
}

/* The state SYS_GETINFO reports for ep. */
static int flt_state(endpoint_t ep)
{
	struct kip_procinfo info;
	if (kip_get_info(kip_ep_slot(ep), &info) < 0 || info.endpoint != ep)
		return -1;
	return info.state;
}

static void flt_sleep(uint64_t ns)
{
	message m;
	kip_set_alarm(ns);
	kip_receive(KIP_CLOCK, &m);
}

static uint64_t flt_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

/* Give user program ep the right to change its own pages' protection. */
static int flt_allow_protect(endpoint_t ep)
{
	struct kcall_privctl pc = {0};
	pc.endpoint = ep;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.kcall_mask = flt_kbit(SYS_EXIT) | flt_kbit(SYS_PAGE_ALLOC) | flt_kbit(SYS_PAGE_PROTECT);
	return kip_privctl(&pc);
}

static void flt_boot(unsigned trace, unsigned watchdog_ms)
{
	struct kip_config cfg;
	flt_reset();
	kt_default_config(&cfg, trace);
	cfg.quantum_ns = FLT_QUANTUM;
	cfg.watchdog_ms = watchdog_ms;
	kt_boot_config(&cfg);
}

/* ------------------------------------------- faults kill one process */

/* A user program that works through several quanta. */
static int flt_sibling_main(uint64_t iterations)
{
	for (uint64_t i = 0; i < iterations; i++)
		flt.sib_work++;
	flt.sib_done = 1;
	return 0;
}
KIP_PROGRAM(flt_sibling, flt_sibling_main, 8, KIP_PROG_USER);

static void flt_do_fault(int kind)
{
	switch (kind) {
	case FLT_SEGV:
		*flt_null = 1;
		break;
	case FLT_BUS:
		*flt.bus_page = 1;
		break;
	case FLT_FPE:
		flt_sink = flt_seven / flt_zero;
		break;
	case FLT_ILL:
		__builtin_trap();
	case FLT_ABRT:
		abort();
	}
}

/* A user program that works a little, then faults. */
static int flt_victim_main(uint64_t kind)
{
	for (uint64_t i = 0; i < flt_iterations() / 20; i++)
		flt.vic_work++;
	flt.sib_at_fault = flt.sib_work;
	flt.stage = 1;
	kt_barrier();
	flt_do_fault((int)kind);
	flt.stage = 2;
	return 0;
}
KIP_PROGRAM(flt_victim, flt_victim_main, 8, KIP_PROG_USER);

static int flt_parent_main(uint64_t kind)
{
	flt.sibling = kip_create("flt_sibling", NULL, -1, flt_iterations());
	flt.victim = kip_create("flt_victim", NULL, -1, kind);
	if (flt.sibling < 0 || flt.victim < 0)
		return 1;
	flt_event();
	flt_event();
	flt.ok = 1;
	return 0;
}
KIP_PROGRAM(flt_parent, flt_parent_main, 2, KIP_PROG_SYSTEM);

/*
 * Run a victim faulting with `kind` (at bus_page for FLT_BUS) beside a
 * sibling; check that only it died, of signo.  Returns its event.
 */
static const struct kcall_event *flt_kill_case(int kind, int signo, const char *trace_line,
					       volatile uint64_t *bus_page)
{
	flt_boot(KT_TRACE, 0);
	flt.bus_page = bus_page;
	kt_spawn("flt_parent", (uint64_t)kind, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(flt.ok);
	CU_ASSERT_EQUAL(flt.nev, 2);
	const struct kcall_event *vic = flt_event_of(flt.victim, 0);
	const struct kcall_event *sib = flt_event_of(flt.sibling, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vic);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sib);
	CU_ASSERT_EQUAL(vic->kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(vic->signo, signo);
	CU_ASSERT_EQUAL(vic->status, 128 + signo);
	CU_ASSERT_STRING_EQUAL(vic->name, "flt_victim");
	CU_ASSERT(vic->rip != 0);
	CU_ASSERT_EQUAL(flt.stage, 1); /* it never got past the fault */
	/* The sibling was mid-run when the victim faulted, and finished. */
	CU_ASSERT(flt.sib_at_fault > 0);
	CU_ASSERT(flt.sib_at_fault < flt_iterations());
	CU_ASSERT_EQUAL(sib->kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(sib->status, 0);
	CU_ASSERT(flt.sib_done);
	CU_ASSERT_EQUAL(flt.sib_work, flt_iterations());
	CU_ASSERT_EQUAL(kt_trace_count(trace_line), 1);
	return vic;
}

static void test_sigsegv_kills_only_the_faulting_process(void)
{
	const struct kcall_event *ev = flt_kill_case(FLT_SEGV, SIGSEGV, "faults: SIGSEGV", NULL);
	CU_ASSERT_EQUAL(ev->addr, 0);
	CU_ASSERT_EQUAL(ev->access, 1);
}

static void test_sigbus_kills_only_the_faulting_process(void)
{
	/* A shared page of a file of length 0: touching it is SIGBUS. */
	int fd = memfd_create("kip-test-bus", MFD_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CU_ASSERT_FATAL(page != MAP_FAILED);
	const struct kcall_event *ev = flt_kill_case(FLT_BUS, SIGBUS, "faults: SIGBUS", page);
	CU_ASSERT_EQUAL(ev->addr, (uint64_t)(uintptr_t)page);
	munmap(page, 4096);
	close(fd);
}

static void test_sigfpe_kills_only_the_faulting_process(void)
{
	flt_kill_case(FLT_FPE, SIGFPE, "faults: SIGFPE", NULL);
}

static void test_sigill_kills_only_the_faulting_process(void)
{
	flt_kill_case(FLT_ILL, SIGILL, "faults: SIGILL", NULL);
}

static void test_sigabrt_kills_only_the_faulting_process(void)
{
	flt_kill_case(FLT_ABRT, SIGABRT, "faults: SIGABRT", NULL);
}

/* A system process that writes through NULL (its error is deliberate). */
static int flt_sysvictim_main(uint64_t arg)
{
	(void)arg;
	flt.stage = 1;
	VALGRIND_DISABLE_ERROR_REPORTING; /* re-enabled by the parent */
	*flt_null = 1;
	flt.stage = 2;
	return 0;
}
KIP_PROGRAM(flt_sysvictim, flt_sysvictim_main, 3, KIP_PROG_SYSTEM);

static int flt_sysparent_main(uint64_t arg)
{
	(void)arg;
	flt.sibling = kip_create("flt_sibling", NULL, -1, flt_iterations());
	flt.victim = kip_create("flt_sysvictim", NULL, -1, 0);
	if (flt.sibling < 0 || flt.victim < 0)
		return 1;
	flt_event();
	VALGRIND_ENABLE_ERROR_REPORTING;
	flt_event();
	flt.ok = 1;
	return 0;
}
KIP_PROGRAM(flt_sysparent, flt_sysparent_main, 2, KIP_PROG_SYSTEM);

static void test_system_process_fault_kills_only_it(void)
{
	flt_boot(KT_TRACE, 0);
	kt_spawn("flt_sysparent", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(flt.ok);
	CU_ASSERT_EQUAL(flt.ev[0].endpoint, flt.victim); /* it ran first: priority 3 */
	CU_ASSERT_EQUAL(flt.ev[0].kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(flt.ev[0].signo, SIGSEGV);
	CU_ASSERT_EQUAL(flt.ev[0].addr, 0);
	CU_ASSERT_EQUAL(flt.stage, 1);
	CU_ASSERT_EQUAL(flt.ev[1].endpoint, flt.sibling);
	CU_ASSERT_EQUAL(flt.ev[1].kind, KIP_EV_EXIT);
	CU_ASSERT(flt.sib_done);
}

/* ------------------------------------------------- managers and resume */

/* noipa: the compiler must not know the result, so it cannot fold the
 * checks below away or recompute a value instead of keeping it. */
static __attribute__((noipa)) uint64_t flt_mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

/*
 * A user program that writes to a page it made read-only.  Five values
 * computed before the fault live in callee-saved registers (and the stack)
 * across it; after the manager resumes the program they must still match a
 * fresh computation.  They are all set before the last call ahead of the
 * faulting store, so they are exact in the captured state under Valgrind
 * too (whose default keeps only rsp, rbp and rip exact at a memory access).
 */
static int flt_fixme_main(uint64_t arg)
{
	volatile uint64_t *page = kip_page_alloc(1);
	if (!page)
		return 1;
	uint64_t a = flt_mix(arg), b = flt_mix(a), c = flt_mix(b), d = flt_mix(c), e = flt_mix(d);
	flt.page = (uint64_t *)page;
	if (kip_page_protect(KIP_SELF, (void *)page, 1, KIP_PROT_READ) < 0)
		return 2;
	flt.stage = 1;
	kt_barrier();
	page[0] = a; /* faults until the manager makes the page writable */
	flt.stage = 2;
	uint64_t a2 = flt_mix(arg), b2 = flt_mix(a2), c2 = flt_mix(b2), d2 = flt_mix(c2);
	uint64_t e2 = flt_mix(d2);
	flt.regs_ok = page[0] == a2 && a == a2 && b == b2 && c == c2 && d == d2 && e == e2;
	return flt.regs_ok ? 0 : 3;
}
KIP_PROGRAM(flt_fixme, flt_fixme_main, 8, KIP_PROG_USER);

enum {
	FLT_MGR_FIX,  /* resume without fixing, then fix and resume */
	FLT_MGR_KILL, /* kill the faulted process */
};

static int flt_manager_main(uint64_t how)
{
	endpoint_t ep = kip_create("flt_fixme", NULL, -1, 42);
	flt.sibling = kip_create("flt_sibling", NULL, -1, flt_iterations() / 10);
	if (ep < 0 || flt.sibling < 0 || flt_allow_protect(ep) < 0)
		return 1;
	flt.victim = ep;
	struct kcall_event *ev = flt_event_from(ep);
	flt.state[0] = flt_state(ep);
	if (how == FLT_MGR_KILL) {
		flt.r[0] = kip_kill(ep);
	} else {
		flt.r[0] = kip_resume(ep); /* nothing fixed: the write faults again */
		ev = flt_event_from(ep);
		flt.r[1] = kip_page_protect(ep, (void *)(uintptr_t)ev->addr, 1,
					    KIP_PROT_READ | KIP_PROT_WRITE);
		flt.r[2] = kip_resume(ep);
	}
	flt_event_from(ep);
	if (!flt_event_of(flt.sibling, 0))
		flt_event_from(flt.sibling);
	flt.ok = 1;
	return 0;
}
KIP_PROGRAM(flt_manager, flt_manager_main, 2, KIP_PROG_SYSTEM);

static void flt_run_manager(uint64_t how)
{
	flt_boot(0, 0);
	kt_spawn("flt_manager", how, SPAWN_INIT | SPAWN_MANAGER);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(flt.ok);
}

static void test_manager_gets_fault_and_resumes(void)
{
	flt_run_manager(FLT_MGR_FIX);
	const struct kcall_event *first = flt_event_of(flt.victim, 0);
	const struct kcall_event *again = flt_event_of(flt.victim, 1);
	const struct kcall_event *end = flt_event_of(flt.victim, 2);
	const struct kcall_event *sib = flt_event_of(flt.sibling, 0);
	CU_ASSERT_FATAL(first && again && end && sib);
	CU_ASSERT_EQUAL(first->kind, KIP_EV_FAULT);
	CU_ASSERT_EQUAL(first->endpoint, flt.victim);
	CU_ASSERT_EQUAL(first->signo, SIGSEGV);
	CU_ASSERT_EQUAL(first->addr, (uint64_t)(uintptr_t)flt.page);
	CU_ASSERT_EQUAL(first->access, 1);
	CU_ASSERT_EQUAL(flt.state[0], KIP_PS_FAULTED);
	CU_ASSERT_EQUAL(flt.r[0], 0);
	/* Resumed unfixed, it re-executes the same write and faults again. */
	CU_ASSERT_EQUAL(again->kind, KIP_EV_FAULT);
	CU_ASSERT_EQUAL(again->addr, first->addr);
	CU_ASSERT_EQUAL(again->rip, first->rip);
	CU_ASSERT_EQUAL(flt.r[1], 0);
	CU_ASSERT_EQUAL(flt.r[2], 0);
	/* Fixed, the write completes and the program ends normally. */
	CU_ASSERT_EQUAL(end->kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(end->status, 0);
	CU_ASSERT_EQUAL(flt.stage, 2);
	CU_ASSERT(flt.regs_ok);
	CU_ASSERT_EQUAL(sib->kind, KIP_EV_EXIT); /* the sibling was not disturbed */
	CU_ASSERT(flt.sib_done);
}

static void test_manager_may_kill_a_faulted_process(void)
{
	flt_run_manager(FLT_MGR_KILL);
	const struct kcall_event *fault = flt_event_of(flt.victim, 0);
	const struct kcall_event *end = flt_event_of(flt.victim, 1);
	const struct kcall_event *sib = flt_event_of(flt.sibling, 0);
	CU_ASSERT_FATAL(fault && end && sib);
	CU_ASSERT_EQUAL(fault->kind, KIP_EV_FAULT);
	CU_ASSERT_EQUAL(flt.r[0], 0);
	CU_ASSERT_EQUAL(end->kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(flt.stage, 1);
	CU_ASSERT_EQUAL(sib->kind, KIP_EV_EXIT);
	CU_ASSERT(flt.sib_done);
}

/* ---------------------------------------------------- stop and resume */

static int flt_counter_main(uint64_t arg)
{
	(void)arg;
	for (;;)
		flt.count++;
	return 0;
}
KIP_PROGRAM(flt_counter, flt_counter_main, 8, KIP_PROG_USER);

static int flt_stopper_main(uint64_t arg)
{
	(void)arg;
	endpoint_t ep = kip_create("flt_counter", NULL, -1, 0);
	if (ep < 0)
		return 1;
	flt_sleep(FLT_MS);
	flt.v[0] = flt.count;
	flt.r[0] = kip_stop(ep);
	flt.state[0] = flt_state(ep);
	flt_sleep(FLT_MS);
	flt.v[1] = flt.count;
	flt.r[1] = kip_resume(ep);
	flt.state[1] = flt_state(ep);
	flt_sleep(FLT_MS);
	flt.v[2] = flt.count;
	flt.r[2] = kip_resume(ep);     /* not stopped */
	flt.r[3] = kip_stop(KIP_SELF); /* a process cannot stop itself */
	flt.r[4] = kip_kill(ep);
	flt_event();
	flt.r[5] = kip_stop(ep); /* dead */
	flt.ok = 1;
	return 0;
}
KIP_PROGRAM(flt_stopper, flt_stopper_main, 2, KIP_PROG_SYSTEM);

static void test_stop_freezes_a_running_program_until_resume(void)
{
	flt_boot(0, 0);
	kt_spawn("flt_stopper", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(flt.ok);
	CU_ASSERT(flt.v[0] > 0);
	CU_ASSERT_EQUAL(flt.r[0], 0);
	CU_ASSERT_EQUAL(flt.state[0], KIP_PS_STOPPED);
	CU_ASSERT_EQUAL(flt.v[1], flt.v[0]); /* no progress while stopped */
	CU_ASSERT_EQUAL(flt.r[1], 0);
	CU_ASSERT_EQUAL(flt.state[1], KIP_PS_RUNNABLE);
	CU_ASSERT(flt.v[2] > flt.v[1]);
	CU_ASSERT_EQUAL(flt.r[2], -EINVAL);
	CU_ASSERT_EQUAL(flt.r[3], -EINVAL);
	CU_ASSERT_EQUAL(flt.r[4], 0);
	CU_ASSERT_EQUAL(flt.ev[0].kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(flt.r[5], -EDEADSRCDST);
}

/* ------------------------------------------------------------ watchdog */

#define FLT_WATCHDOG_MS 200

/* A system process that spins without ever trapping. */
static int flt_spinner_main(uint64_t arg)
{
	(void)arg;
	for (;;)
		flt_spins++;
	return 0;
}
KIP_PROGRAM(flt_spinner, flt_spinner_main, 3, KIP_PROG_SYSTEM);

static int flt_quick_main(uint64_t arg)
{
	return (int)arg;
}
KIP_PROGRAM(flt_quick, flt_quick_main, 3, KIP_PROG_SYSTEM);

enum {
	FLT_WD_KILL,   /* no manager: the kernel kills the spinner */
	FLT_WD_MANAGE, /* the manager gets the hang, resumes once, then kills */
};

static int flt_watch_main(uint64_t how)
{
	flt.victim = kip_create("flt_spinner", NULL, -1, 0);
	if (flt.victim < 0)
		return 1;
	flt_event();
	if (how == FLT_WD_MANAGE) {
		flt.state[0] = flt_state(flt.victim);
		flt.v[0] = flt_spins;
		flt.r[0] = kip_resume(flt.victim);
		flt_event();
		flt.v[1] = flt_spins;
		flt.r[1] = kip_kill(flt.victim);
		flt_event();
	}
	/* The machine goes on. */
	if (kip_create("flt_quick", NULL, -1, 7) < 0)
		return 2;
	flt_event();
	flt.ok = 1;
	return 0;
}
KIP_PROGRAM(flt_watch, flt_watch_main, 2, KIP_PROG_SYSTEM);

static void test_watchdog_kills_a_spinning_process(void)
{
	flt_boot(KT_TRACE, FLT_WATCHDOG_MS);
	kt_spawn("flt_watch", FLT_WD_KILL, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(flt.ok);
	CU_ASSERT_EQUAL(flt.ev[0].endpoint, flt.victim);
	CU_ASSERT_EQUAL(flt.ev[0].kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(flt.ev[1].kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(flt.ev[1].status, 7);
	CU_ASSERT_EQUAL(kt_trace_count("watchdog:"), 1);
	CU_ASSERT_EQUAL(kt_trace_count("(nondeterministic event)"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_trace(), "watchdog: flt_spinner"));
	CU_ASSERT_EQUAL(kt_last_run()->stats.watchdog_fired, 1);
}

static void test_watchdog_hands_a_hang_to_the_manager(void)
{
	flt_boot(KT_TRACE, FLT_WATCHDOG_MS);
	kt_spawn("flt_watch", FLT_WD_MANAGE, SPAWN_INIT | SPAWN_MANAGER);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(flt.ok);
	CU_ASSERT_EQUAL(flt.ev[0].endpoint, flt.victim);
	CU_ASSERT_EQUAL(flt.ev[0].kind, KIP_EV_HANG);
	CU_ASSERT(flt.ev[0].rip != 0);
	CU_ASSERT_EQUAL(flt.state[0], KIP_PS_FAULTED);
	/* Resumed, it spins on from where it was, until the next report. */
	CU_ASSERT_EQUAL(flt.r[0], 0);
	CU_ASSERT_EQUAL(flt.ev[1].kind, KIP_EV_HANG);
	CU_ASSERT(flt.v[1] > flt.v[0]);
	CU_ASSERT_EQUAL(flt.r[1], 0);
	CU_ASSERT_EQUAL(flt.ev[2].kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(flt.ev[3].kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(kt_trace_count("(nondeterministic event)"), 2);
	CU_ASSERT_EQUAL(kt_last_run()->stats.watchdog_fired, 2);
}

static const struct kip_test fault_tests[] = {
	{"SIGSEGV kills only the faulting process", test_sigsegv_kills_only_the_faulting_process},
	{"SIGBUS kills only the faulting process", test_sigbus_kills_only_the_faulting_process},
	{"SIGFPE kills only the faulting process", test_sigfpe_kills_only_the_faulting_process},
	{"SIGILL kills only the faulting process", test_sigill_kills_only_the_faulting_process},
	{"SIGABRT kills only the faulting process", test_sigabrt_kills_only_the_faulting_process},
	{"a system process's fault kills only it", test_system_process_fault_kills_only_it},
	{"the manager gets the fault and resumes", test_manager_gets_fault_and_resumes},
	{"the manager may kill a faulted process", test_manager_may_kill_a_faulted_process},
	{"stop freezes a running program until resume",
	 test_stop_freezes_a_running_program_until_resume},
	{"the watchdog kills a spinning process", test_watchdog_kills_a_spinning_process},
	{"the watchdog hands a hang to the manager", test_watchdog_hands_a_hang_to_the_manager},
	{NULL, NULL},
};

KIP_TEST_SUITE(fault, fault_tests);
