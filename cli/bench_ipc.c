/*
 * cli/bench_ipc.c - `kip bench ipc`: what a SENDREC + reply costs.
 *
 * Two system processes inside kip: a client that does SENDREC to a server
 * built on the server library, which replies.  The client times batches of
 * round trips with the host clock (the figure is about the host, so host
 * time is right here; it never reaches scheduling) and the median batch
 * gives ns per round trip - for each context switch, in the same run as a
 * Linux pipe ping-pong between two host processes pinned to one core.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kip/program.h"
#include "kip/server.h"
#include "kip/syslib.h"

#define BENCH_MAX_BATCHES 1000

struct bench_run {
	endpoint_t server;
	unsigned batches, batch;
	uint64_t batch_ns[BENCH_MAX_BATCHES];
};

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int bench_echo(void *state, const message *in, message *out)
{
	(void)state;
	out->m_demo.value = in->m_demo.value;
	return 0;
}

static const struct server_call bench_calls[] = {
	[0] = {"TEST_PING", bench_echo},
};

static const struct server_table bench_table = {TEST_PING, 1, bench_calls};

static int bench_server_main(uint64_t arg)
{
	(void)arg;
	struct server *srv = server_state_alloc(sizeof(*srv));
	if (!srv)
		return 1;
	server_init(srv, "benchsrv", srv, &bench_table, NULL);
	return server_run(srv) < 0;
}

static int bench_client_main(uint64_t arg)
{
	struct bench_run *run = (struct bench_run *)(uintptr_t)arg;
	message m;
	for (unsigned b = 0; b < run->batches; b++) {
		uint64_t t0 = host_ns();
		for (unsigned i = 0; i < run->batch; i++) {
			kip_msg_init(&m, TEST_PING);
			m.m_demo.value = i;
			if (kip_sendrec(run->server, &m) < 0 || m.m_demo.value != i)
				return 1;
		}
		run->batch_ns[b] = host_ns() - t0;
	}
	return 0;
}

KIP_PROGRAM(benchsrv, bench_server_main, 2, KIP_PROG_SYSTEM);
KIP_PROGRAM(benchcli, bench_client_main, 3, KIP_PROG_SYSTEM);

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double median_per_op(uint64_t *batch_ns, unsigned n, unsigned per_batch)
{
	qsort(batch_ns, n, sizeof(*batch_ns), cmp_u64);
	return (double)batch_ns[n / 2] / per_batch;
}

/* Median ns per round trip inside kip with the given switch, or < 0. */
static double kip_round_trip(enum ctx_impl impl, unsigned batches, unsigned batch)
{
	struct kip_config cfg;
	kernel_default_config(&cfg);
	cfg.impl = impl;
	cfg.epoch = 0;
	cfg.watchdog_ms = 0; /* no SIGPROF ticks: also lets callgrind run the bench */
	static struct bench_run run;
	memset(&run, 0, sizeof(run));
	run.batches = batches;
	run.batch = batch;
	if (kernel_boot(&cfg) < 0)
		return -1;
	run.server = kernel_spawn("benchsrv", NULL, -1, 0, 0);
	endpoint_t c = kernel_spawn("benchcli", NULL, -1, (uint64_t)(uintptr_t)&run, SPAWN_INIT);
	int status = (run.server < 0 || c < 0) ? 1 : kernel_run();
	kernel_halt();
	if (status != 0)
		return -1;
	return median_per_op(run.batch_ns, batches, batch);
}

static void pin_to_cpu0(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Median ns per round trip of a 1-byte pipe ping-pong, or < 0. */
static double pipe_round_trip(unsigned batches, unsigned batch)
{
	int ab[2], ba[2];
	if (pipe(ab) < 0 || pipe(ba) < 0)
		return -1;
	pin_to_cpu0();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	char c = 0;
	if (pid == 0) {
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1 && write(ba[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	uint64_t *ns = calloc(batches, sizeof(*ns));
	int ok = ns != NULL;
	for (unsigned b = 0; ok && b < batches; b++) {
		uint64_t t0 = host_ns();
		for (unsigned i = 0; ok && i < batch; i++)
			ok = write(ab[1], &c, 1) == 1 && read(ba[0], &c, 1) == 1;
		if (ok)
			ns[b] = host_ns() - t0;
	}
	close(ab[1]);
	close(ba[0]);
	waitpid(pid, NULL, 0);
	double r = ok ? median_per_op(ns, batches, batch) : -1;
	free(ns);
	return r;
}

static void bench_help(void)
{
	printf("usage: kip bench ipc [--json] [--round-trips N] [--switch asm|ucontext]\n\n"
	       "Median ns per SENDREC + reply between two kip processes (batches of 10000),\n"
	       "for the asm and the ucontext switch, and a Linux pipe ping-pong between two\n"
	       "host processes pinned to one core, with ratios.  --json prints one JSON\n"
	       "object with the same figures.  --switch measures that switch alone.\n");
}

int cli_bench(int argc, char **argv)
{
	bool json = false, only = false;
	enum ctx_impl only_impl = CTX_IMPL_ASM;
	uint64_t total = 1000000;
	if (argc >= 2 && !strcmp(argv[1], "fs"))
		return cli_bench_fs(argc, argv);
	if (argc < 2 || strcmp(argv[1], "ipc")) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			bench_help();
			return 0;
		}
		fprintf(stderr, "kip bench: which benchmark? (kip bench ipc, kip bench fs)\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--round-trips") && i + 1 < argc) {
			if (cli_parse_u64(argv[++i], &total) < 0 || total < 10000) {
				fprintf(stderr,
					"kip bench: --round-trips needs a number >= 10000\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--switch") && i + 1 < argc) {
			if (ctx_impl_parse(argv[++i], &only_impl) < 0) {
				fprintf(stderr, "kip bench: --switch asm|ucontext\n");
				return 2;
			}
			only = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			bench_help();
			return 0;
		} else {
			fprintf(stderr, "kip bench ipc: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	unsigned batch = 10000;
	unsigned batches = (unsigned)((total + batch - 1) / batch);
	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	uint64_t trips = (uint64_t)batches * batch;
	if (only) {
		double ns = kip_round_trip(only_impl, batches, batch);
		if (ns <= 0)
			return 1;
		if (json)
			printf("{\"bench\":\"ipc\",\"switch\":\"%s\",\"round_trips\":%llu,"
			       "\"ns\":%.1f}\n",
			       ctx_impl_name(only_impl), (unsigned long long)trips, ns);
		else
			printf("kip bench ipc: %s switch: %.1f ns per SENDREC + reply round trip "
			       "(median of %u batches of %u)\n",
			       ctx_impl_name(only_impl), ns, batches, batch);
		return 0;
	}
	double asm_ns = kip_round_trip(CTX_IMPL_ASM, batches, batch);
	double uc_ns = kip_round_trip(CTX_IMPL_UCONTEXT, batches, batch);
	unsigned pipe_batches = batches < 20 ? batches : 20;
	double pipe_ns = pipe_round_trip(pipe_batches, batch);
	if (asm_ns <= 0 || uc_ns <= 0 || pipe_ns <= 0) {
		fprintf(stderr, "kip bench ipc: a measurement failed\n");
		return 1;
	}
	if (json) {
		printf("{\"bench\":\"ipc\",\"round_trips_per_switch\":%llu,\"batch\":%u,"
		       "\"asm_ns\":%.1f,\"ucontext_ns\":%.1f,\"pipe_ns\":%.1f,"
		       "\"pipe_round_trips\":%u,\"pipe_over_asm\":%.2f,\"pipe_over_ucontext\":%.2f,"
		       "\"ucontext_over_asm\":%.2f,\"protection_boundary_crossed\":false}\n",
		       (unsigned long long)trips, batch, asm_ns, uc_ns, pipe_ns,
		       pipe_batches * batch, pipe_ns / asm_ns, pipe_ns / uc_ns, uc_ns / asm_ns);
		return 0;
	}
	printf("kip bench ipc: SENDREC + reply round trips between two kip processes\n"
	       "  %llu round trips per switch; median of %u batches of %u\n",
	       (unsigned long long)trips, batches, batch);
	printf("  asm switch:       %10.1f ns per round trip\n", asm_ns);
	printf("  ucontext switch:  %10.1f ns per round trip\n", uc_ns);
	printf("  Linux pipe ping-pong, 2 host processes on 1 core (%u round trips):\n"
	       "                    %10.1f ns per round trip\n",
	       pipe_batches * batch, pipe_ns);
	printf("  ratios: pipe/asm %.1fx, pipe/ucontext %.1fx, ucontext/asm %.1fx\n",
	       pipe_ns / asm_ns, pipe_ns / uc_ns, uc_ns / asm_ns);
	printf("  note: kip's processes share one host address space and one host thread, so\n"
	       "  a kip round trip crosses no hardware protection boundary (no mode switch, no\n"
	       "  page-table switch), unlike IPC in a hardware microkernel or a pipe.\n");
	return 0;
}
