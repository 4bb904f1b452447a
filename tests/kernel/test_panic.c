/*
 * tests/kernel/test_panic.c - a fault in the kernel's own context is a
 * panic: it prints the process table and the last trace lines, then aborts.
 * Run in a child process so the test binary survives.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "kip/ipc.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kip_test.h"
#include "tests/kernel/harness.h"

/* Sends the kernel a few calls so the trace has something to show. */
static int pn_worker_main(uint64_t arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		kip_now();
	message m;
	return kip_receive(KIP_ANY, &m);
}

KIP_PROGRAM(pn_worker, pn_worker_main, 2, KIP_PROG_SYSTEM);

/* Runs on the CPU thread in the kernel context: a NULL write. */
static void pn_kernel_bug(void *arg)
{
	(void)arg;
	VALGRIND_DISABLE_ERROR_REPORTING;
	*(volatile int *)(uintptr_t)arg = 1;
}

/* Posts the bug once the machine has gone idle (a host edge is open). */
static void *pn_host_thread(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
	kernel_host_post(pn_kernel_bug, NULL);
	return NULL;
}

static void test_kernel_fault_panics(void)
{
	int pipefd[2];
	CU_ASSERT_EQUAL_FATAL(pipe(pipefd), 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		kt_boot(0);
		kernel_spawn("pn_worker", NULL, -1, 0, 0);
		kernel_host_edge_open(); /* keep it alive until the bug runs */
		pthread_t t;
		pthread_create(&t, NULL, pn_host_thread, NULL);
		kernel_run();
		_exit(0); /* not reached: the panic aborts */
	}
	close(pipefd[1]);
	char out[8192];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(out) - 1 && (n = read(pipefd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	int status;
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "kernel panic: SIGSEGV in the kernel's own context"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "pn_worker"));     /* the process table */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SYS_TIMES  ok")); /* the trace tail */
}

static const struct kip_test panic_tests[] = {
	{"a fault in the kernel context panics with a report", test_kernel_fault_panics},
	{NULL, NULL},
};

KIP_TEST_SUITE(panic, panic_tests);
