/*
 * tests/kernel/test_sched.c - scheduling, virtual time and alarms
 * (kernel/sched_rr.c, the kernel loop's quantum and budget in
 * kernel/boot.c, kernel/kcall_time.c).
 *
 * Pins: a runnable process of higher priority always runs before one of
 * lower priority - even one just created, and even a CPU-bound program,
 * which an alarm preempts at the alarm's time rather than at its quantum's
 * end; equal priorities share the CPU round robin, one quantum of virtual
 * time each, so a program that never traps cannot starve its peers;
 * kip_yield gives up the rest of the quantum; SYS_TIMES's cpu_ns grows with
 * the work done and not with time spent waiting; an alarm arrives as a
 * CLOCK notification stamped exactly when it was due, a cancelled alarm
 * never arrives, a new alarm replaces the old one, and a delay past the end
 * of virtual time does not wrap around into the past.
 */
#include <stdint.h>
#include <string.h>

#include "kip/error.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define SCH_LOG_MAX 256
#define SCH_QUANTUM 100000 /* ns: 100 us, 100000 counted blocks */

/*
 * What the processes saw.  A counted program can be preempted between any
 * two basic blocks, which the compiler does not know (the block counter is
 * added after optimisation): what such programs share is volatile.
 */
static struct {
	int ok;
	volatile int log[SCH_LOG_MAX];
	volatile int n;
	volatile int last; /* who logged last (round robin) */
	volatile uint64_t work[4];
	volatile int done_at[4]; /* log length when each spinner finished */
	volatile int finish[4], nfinish;
	uint64_t v[8];
	endpoint_t src[4];
	int type[4];
	int r[4];
} sch;

static void sch_log(int tag)
{
	if (sch.n < SCH_LOG_MAX)
		sch.log[sch.n++] = tag;
}

static void sch_reset(void)
{
	memset((void *)&sch, 0, sizeof(sch));
	sch.last = -1;
}

/* Arm the caller's alarm; *set_at = the virtual time it counts from,
 * *left = what was left of the alarm it replaced. */
static int sch_alarm(uint64_t ns, uint64_t *set_at, uint64_t *left)
{
	message m;
	kip_msg_init(&m, SYS_SETALARM);
	m.m_time.ns = ns;
	int r = kip_kcall(SYS_SETALARM, &m);
	*set_at = m.m_time.now;
	if (left)
		*left = m.m_time.previous;
	return r;
}

static uint64_t sch_cpu_ns(void)
{
	message m;
	kip_msg_init(&m, SYS_TIMES);
	kip_kcall(SYS_TIMES, &m);
	return m.m_time.cpu_ns;
}

/* Wait for n process events. */
static void sch_wait_events(int n)
{
	struct kcall_event ev;
	while (n-- > 0)
		kt_wait_event(&ev);
}

static int sch_run(const char *program, uint64_t arg, uint64_t quantum)
{
	struct kip_config cfg;
	sch_reset();
	kt_default_config(&cfg, 0);
	if (quantum)
		cfg.quantum_ns = quantum;
	kt_boot_config(&cfg);
	kt_spawn(program, arg, SPAWN_INIT);
	return kt_run();
}

/* ------------------------------------------------------------ priority */

/* Log the tag, yield, log it again. */
static int sch_logger_main(uint64_t tag)
{
	sch_log((int)tag);
	kip_yield();
	sch_log((int)tag);
	return 0;
}
KIP_PROGRAM(sch_logger, sch_logger_main, 8, KIP_PROG_SYSTEM);

static int sch_prio_main(uint64_t arg)
{
	(void)arg;
	static const int prio[] = {6, 4, 5, 3};
	for (int i = 0; i < 4; i++)
		if (kip_create("sch_logger", NULL, prio[i], (uint64_t)prio[i]) < 0)
			return 1;
	sch_wait_events(4);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_prio, sch_prio_main, 1, KIP_PROG_SYSTEM);

static void test_higher_priority_runs_first(void)
{
	static const int want[] = {3, 3, 4, 4, 5, 5, 6, 6};
	CU_ASSERT_EQUAL(sch_run("sch_prio", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.n, 8);
	/* A yield among lower priorities keeps the CPU. */
	CU_ASSERT_EQUAL(memcmp((const void *)sch.log, want, sizeof(want)), 0);
}

enum {
	SCH_TAG_MAIN = 100,
	SCH_TAG_MAIN_AGAIN = 101
};

static int sch_creator_main(uint64_t arg)
{
	(void)arg;
	if (kip_create("sch_logger", NULL, 2, 2) < 0) /* above the creator */
		return 1;
	sch_log(SCH_TAG_MAIN);
	if (kip_create("sch_logger", NULL, 9, 9) < 0) /* below it */
		return 1;
	sch_log(SCH_TAG_MAIN_AGAIN);
	sch_wait_events(2);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_creator, sch_creator_main, 5, KIP_PROG_SYSTEM);

static void test_new_higher_priority_process_preempts_creator(void)
{
	static const int want[] = {2, 2, SCH_TAG_MAIN, SCH_TAG_MAIN_AGAIN, 9, 9};
	CU_ASSERT_EQUAL(sch_run("sch_creator", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.n, 6);
	CU_ASSERT_EQUAL(memcmp((const void *)sch.log, want, sizeof(want)), 0);
}

/* A CPU-bound user program that never traps: counts until killed. */
static int sch_forever_main(uint64_t id)
{
	for (;;)
		sch.work[id]++;
	return 0;
}
KIP_PROGRAM(sch_forever, sch_forever_main, 8, KIP_PROG_USER);

static int sch_wake_main(uint64_t arg)
{
	(void)arg;
	uint64_t set_at;
	message m;
	endpoint_t hog = kip_create("sch_forever", NULL, -1, 0);
	if (hog < 0 || sch_alarm(1000000, &set_at, NULL) < 0)
		return 1;
	if (kip_receive(KIP_CLOCK, &m) < 0)
		return 2;
	sch.v[0] = m.m_notify.timestamp - (set_at + 1000000);
	sch.v[1] = sch.work[0];
	kip_kill(hog);
	sch_wait_events(1);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_wake, sch_wake_main, 2, KIP_PROG_SYSTEM);

static void test_alarm_preempts_cpu_bound_lower_priority(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_wake", 0, 0), 0); /* a 10 ms quantum */
	CU_ASSERT(sch.ok);
	CU_ASSERT(sch.v[1] > 0); /* the program ran meanwhile */
	/* Woken at the alarm (give or take a trap), not 9 ms later. */
	CU_ASSERT(sch.v[0] < 1000);
}

/* ------------------------------------------------------- round robin */

static uint64_t sch_iterations(void)
{
	return kip_test_small() ? 200000 : 400000;
}

/* A CPU-bound user program: `iterations` of work, logging each time it
 * finds it was not the last to run. */
static int sch_spinner_main(uint64_t arg)
{
	int id = (int)(arg & 0xff);
	uint64_t iterations = arg >> 8;
	for (uint64_t i = 0; i < iterations; i++) {
		if (sch.last != id) {
			sch.last = id;
			sch_log(id);
		}
		sch.work[id]++;
	}
	sch.done_at[id] = sch.n;
	sch.finish[sch.nfinish++] = id;
	return 0;
}
KIP_PROGRAM(sch_spinner, sch_spinner_main, 8, KIP_PROG_USER);

/* Start spinners with the given iteration counts (0 ends the list). */
static int sch_spinners_main(uint64_t arg)
{
	uint64_t iters[3] = {arg & 0xffffffff, arg >> 32, 0};
	int n = 0;
	if (iters[1] == 0) /* three of the same */
		iters[1] = iters[2] = iters[0];
	for (int id = 0; id < 3 && iters[id]; id++, n++)
		if (kip_create("sch_spinner", NULL, -1, iters[id] << 8 | (uint64_t)id) < 0)
			return 1;
	sch_wait_events(n);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_spinners, sch_spinners_main, 2, KIP_PROG_SYSTEM);

/* Turns taken while all three spinners were alive, or -1 if they did not
 * take them in strict rotation 0, 1, 2, 0, 1, 2... */
static int sch_rotation(void)
{
	int alive = sch.done_at[0];
	for (int id = 1; id < 3; id++)
		if (sch.done_at[id] < alive)
			alive = sch.done_at[id];
	for (int i = 0; i < alive; i++)
		if (sch.log[i] != i % 3)
			return -1;
	return alive;
}

static void test_equal_priorities_take_turns(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_spinners", sch_iterations(), SCH_QUANTUM), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT(sch_rotation() >= 6); /* at least two full rounds */
	CU_ASSERT_EQUAL(sch.work[0], sch_iterations());
	CU_ASSERT_EQUAL(sch.work[1], sch_iterations());
	CU_ASSERT_EQUAL(sch.work[2], sch_iterations());
}

static void test_a_turn_lasts_one_quantum(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_spinners", sch_iterations(), SCH_QUANTUM), 0);
	int short_turns = sch.n;
	CU_ASSERT_EQUAL(sch_run("sch_spinners", sch_iterations(), 2 * SCH_QUANTUM), 0);
	int long_turns = sch.n;
	/* Twice the quantum, half the turns (give or take the last round). */
	CU_ASSERT(long_turns >= 6);
	CU_ASSERT(short_turns >= 2 * long_turns - 3);
	CU_ASSERT(short_turns <= 2 * long_turns + 3);
}

static void test_cpu_bound_program_does_not_starve_its_peer(void)
{
	uint64_t long_one = 20 * sch_iterations(), short_one = sch_iterations() / 10;
	CU_ASSERT_EQUAL(sch_run("sch_spinners", short_one << 32 | long_one, SCH_QUANTUM), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.nfinish, 2);
	CU_ASSERT_EQUAL(sch.finish[0], 1); /* started second, done first */
	CU_ASSERT(sch.done_at[1] <= 4);	   /* within its first turns */
}

/* Log the tag three times, yielding after each. */
static int sch_yielder_main(uint64_t tag)
{
	for (int i = 0; i < 3; i++) {
		sch_log((int)tag);
		kip_yield();
	}
	return 0;
}
KIP_PROGRAM(sch_yielder, sch_yielder_main, 4, KIP_PROG_SYSTEM);

static int sch_yield_main(uint64_t arg)
{
	(void)arg;
	if (kip_create("sch_yielder", NULL, -1, 1) < 0 ||
	    kip_create("sch_yielder", NULL, -1, 2) < 0)
		return 1;
	sch_wait_events(2);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_yield, sch_yield_main, 2, KIP_PROG_SYSTEM);

static void test_yield_gives_up_the_cpu(void)
{
	static const int want[] = {1, 2, 1, 2, 1, 2};
	CU_ASSERT_EQUAL(sch_run("sch_yield", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.n, 6);
	CU_ASSERT_EQUAL(memcmp((const void *)sch.log, want, sizeof(want)), 0);
}

/* ---------------------------------------------------------- CPU time */

/* A user program: `iterations` of work between two readings of cpu_ns. */
static int sch_worker_main(uint64_t arg)
{
	int id = (int)(arg & 0xff);
	uint64_t iterations = arg >> 8;
	uint64_t before = sch_cpu_ns();
	for (uint64_t i = 0; i < iterations; i++)
		sch.work[id]++;
	sch.v[id] = sch_cpu_ns() - before;
	return 0;
}
KIP_PROGRAM(sch_worker, sch_worker_main, 8, KIP_PROG_USER);

static int sch_cpu_main(uint64_t arg)
{
	(void)arg;
	uint64_t n = sch_iterations() / 4;
	if (kip_create("sch_worker", NULL, -1, n << 8 | 0) < 0)
		return 1;
	sch_wait_events(1);
	if (kip_create("sch_worker", NULL, -1, (10 * n) << 8 | 1) < 0)
		return 1;
	sch_wait_events(1);

	/* Waiting costs no CPU time. */
	uint64_t set_at, before = sch_cpu_ns();
	message m;
	sch_alarm(1000000, &set_at, NULL);
	kip_receive(KIP_CLOCK, &m);
	sch.v[2] = sch_cpu_ns() - before;
	sch.v[3] = kip_now() - set_at;
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_cpu, sch_cpu_main, 2, KIP_PROG_SYSTEM);

static void test_cpu_time_grows_with_work(void)
{
	uint64_t n = sch_iterations() / 4;
	CU_ASSERT_EQUAL(sch_run("sch_cpu", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT(sch.v[0] >= n); /* at least a block per iteration */
	CU_ASSERT(sch.v[1] >= 10 * n);
	CU_ASSERT(sch.v[1] > 8 * sch.v[0]);
	CU_ASSERT(sch.v[1] < 12 * sch.v[0]);
}

static void test_waiting_costs_no_cpu_time(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_cpu", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT(sch.v[3] >= 1000000);
	CU_ASSERT(sch.v[2] < 10000);
}

/* ------------------------------------------------------------ alarms */

/* Sleep `ns` on an alarm, then exit (its parent sees a SYSTEM notify). */
static int sch_waker_main(uint64_t ns)
{
	uint64_t set_at;
	message m;
	if (sch_alarm(ns, &set_at, NULL) < 0 || kip_receive(KIP_CLOCK, &m) < 0)
		return 1;
	return 0;
}
KIP_PROGRAM(sch_waker, sch_waker_main, 2, KIP_PROG_SYSTEM);

/* Receive anything; record who sent it, its type and its timestamp. */
static void sch_receive_any(int i)
{
	message m;
	sch.r[i] = kip_receive(KIP_ANY, &m);
	sch.src[i] = m.m_source;
	sch.type[i] = m.m_type;
	sch.v[4 + i] = m.m_notify.timestamp;
}

static int sch_alarm_exact_main(uint64_t arg)
{
	(void)arg;
	if (sch_alarm(12345, &sch.v[0], NULL) < 0)
		return 1;
	sch_receive_any(0);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_alarm_exact, sch_alarm_exact_main, 2, KIP_PROG_SYSTEM);

static void test_alarm_arrives_exactly_when_due(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_alarm_exact", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.r[0], 0);
	CU_ASSERT_EQUAL(sch.src[0], KIP_CLOCK);
	CU_ASSERT_EQUAL(sch.type[0], NOTIFY_MESSAGE);
	CU_ASSERT_EQUAL(sch.v[4], sch.v[0] + 12345);
}

static int sch_alarm_cancel_main(uint64_t arg)
{
	(void)arg;
	uint64_t set_at, cancelled_at;
	struct kcall_event ev = {0};
	if (sch_alarm(1000, &set_at, NULL) < 0 || sch_alarm(0, &cancelled_at, &sch.v[1]) < 0)
		return 1;
	sch.v[0] = set_at + 1000 - cancelled_at; /* what was left */
	if (kip_create("sch_waker", NULL, -1, 5000) < 0)
		return 2;
	sch_receive_any(0); /* the waker's exit, not the cancelled alarm */
	kip_get_event(&ev);
	sch.r[2] = ev.kind;
	/* No stale CLOCK notification is left over either. */
	if (sch_alarm(2000, &sch.v[2], NULL) < 0)
		return 3;
	sch_receive_any(1);
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_alarm_cancel, sch_alarm_cancel_main, 2, KIP_PROG_SYSTEM);

static void test_cancelled_alarm_never_arrives(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_alarm_cancel", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.v[1], sch.v[0]); /* the cancel reports what was left */
	CU_ASSERT(sch.v[1] > 0 && sch.v[1] <= 1000);
	CU_ASSERT_EQUAL(sch.src[0], KIP_SYSTEM);
	CU_ASSERT_EQUAL(sch.r[2], KIP_EV_EXIT);
	CU_ASSERT_EQUAL(sch.src[1], KIP_CLOCK);
	CU_ASSERT_EQUAL(sch.v[5], sch.v[2] + 2000);
}

static int sch_alarm_replace_main(uint64_t arg)
{
	(void)arg;
	uint64_t first, second, third, fourth;
	struct kcall_event ev = {0};
	/* A sooner alarm replaces a later one... */
	if (sch_alarm(5000, &first, NULL) < 0 || sch_alarm(2000, &second, &sch.v[1]) < 0)
		return 1;
	sch.v[0] = first + 5000 - second;
	sch_receive_any(0);
	sch.v[2] = second + 2000;
	if (kip_create("sch_waker", NULL, -1, 20000) < 0)
		return 2;
	sch_receive_any(1); /* the waker, not the replaced alarm */
	kip_get_event(&ev);
	/* ...and a later one a sooner one. */
	if (sch_alarm(1000, &third, NULL) < 0 || sch_alarm(3000, &fourth, NULL) < 0)
		return 3;
	sch_receive_any(2);
	sch.v[3] = fourth + 3000;
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_alarm_replace, sch_alarm_replace_main, 2, KIP_PROG_SYSTEM);

static void test_new_alarm_replaces_the_old(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_alarm_replace", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.v[1], sch.v[0]);
	CU_ASSERT_EQUAL(sch.src[0], KIP_CLOCK);
	CU_ASSERT_EQUAL(sch.v[4], sch.v[2]);
	CU_ASSERT_EQUAL(sch.src[1], KIP_SYSTEM);
	CU_ASSERT_EQUAL(sch.src[2], KIP_CLOCK);
	CU_ASSERT_EQUAL(sch.v[6], sch.v[3]);
}

static int sch_alarm_far_main(uint64_t arg)
{
	(void)arg;
	uint64_t set_at, now;
	if (sch_alarm(UINT64_MAX, &set_at, NULL) < 0)
		return 1;
	if (kip_create("sch_waker", NULL, -1, 5000) < 0)
		return 2;
	sch_receive_any(0); /* the waker, not an alarm whose time wrapped around */
	if (sch_alarm(0, &now, &sch.v[1]) < 0)
		return 3;
	sch.v[0] = UINT64_MAX - now; /* at most what can be left */
	sch.ok = 1;
	return 0;
}
KIP_PROGRAM(sch_alarm_far, sch_alarm_far_main, 2, KIP_PROG_SYSTEM);

static void test_alarm_beyond_the_end_of_time_never_arrives(void)
{
	CU_ASSERT_EQUAL(sch_run("sch_alarm_far", 0, 0), 0);
	CU_ASSERT(sch.ok);
	CU_ASSERT_EQUAL(sch.src[0], KIP_SYSTEM);
	CU_ASSERT_EQUAL(sch.v[1], sch.v[0]);
}

static const struct kip_test sched_tests[] = {
	{"a higher priority runs first", test_higher_priority_runs_first},
	{"a new higher-priority process preempts its creator",
	 test_new_higher_priority_process_preempts_creator},
	{"an alarm preempts a CPU-bound lower priority",
	 test_alarm_preempts_cpu_bound_lower_priority},
	{"equal priorities take turns", test_equal_priorities_take_turns},
	{"a turn lasts one quantum", test_a_turn_lasts_one_quantum},
	{"a CPU-bound program does not starve its peer",
	 test_cpu_bound_program_does_not_starve_its_peer},
	{"yield gives up the CPU", test_yield_gives_up_the_cpu},
	{"CPU time grows with work", test_cpu_time_grows_with_work},
	{"waiting costs no CPU time", test_waiting_costs_no_cpu_time},
	{"an alarm arrives exactly when due", test_alarm_arrives_exactly_when_due},
	{"a cancelled alarm never arrives", test_cancelled_alarm_never_arrives},
	{"a new alarm replaces the old", test_new_alarm_replaces_the_old},
	{"an alarm beyond the end of time never arrives",
	 test_alarm_beyond_the_end_of_time_never_arrives},
	{NULL, NULL},
};

KIP_TEST_SUITE(sched, sched_tests);
