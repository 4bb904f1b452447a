/*
 * tests/kernel/harness.c - booting a kernel inside a CUnit test (harness.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kip/syslib.h"
#include "kernel/kernel.h"
#include "tests/kernel/harness.h"

static char *trace_buf, *console_buf;
static size_t trace_len, console_len;
static FILE *trace_file, *console_file;
static struct kt_end last_run;

static void close_captures(void)
{
	if (trace_file)
		fclose(trace_file);
	if (console_file)
		fclose(console_file);
	trace_file = console_file = NULL;
}

void kt_default_config(struct kip_config *cfg, unsigned flags)
{
	close_captures();
	free(trace_buf);
	free(console_buf);
	trace_buf = console_buf = NULL;
	trace_file = open_memstream(&trace_buf, &trace_len);
	console_file = open_memstream(&console_buf, &console_len);
	kernel_default_config(cfg);
	cfg->epoch = 0;
	cfg->seed = 1;
	cfg->mem_bytes = 16u << 20;
	cfg->watchdog_ms = 0;
	cfg->trace = (flags & KT_TRACE) ? KIP_TRACE_IPC : 0;
	cfg->trace_out = trace_file;
	cfg->console = console_file;
}

int kt_boot_config(struct kip_config *cfg)
{
	int r = kernel_boot(cfg);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	return r;
}

int kt_boot(unsigned flags)
{
	struct kip_config cfg;
	kt_default_config(&cfg, flags);
	return kt_boot_config(&cfg);
}

endpoint_t kt_spawn(const char *program, uint64_t arg, unsigned flags)
{
	endpoint_t ep = kernel_spawn(program, NULL, -1, arg, flags);
	CU_ASSERT_FATAL(ep >= 0);
	return ep;
}

static void record_end(void)
{
	memset(&last_run, 0, sizeof(last_run));
	if (!kern)
		return;
	kernel_get_stats(&last_run.stats);
	last_run.free_pages = mem_free_count(&kern->mem);
	last_run.total_pages = kern->mem.npages;
	for (int i = 0; i < KIP_NR_PROCS; i++)
		if (!(kern->procs[i].p_rts & RTS_SLOT_FREE))
			last_run.live_procs++;
}

int kt_run(void)
{
	int status = kernel_run();
	record_end();
	kernel_halt();
	fflush(trace_file);
	fflush(console_file);
	return status;
}

const struct kt_end *kt_last_run(void)
{
	return &last_run;
}

const char *kt_trace(void)
{
	if (trace_file)
		fflush(trace_file);
	return trace_buf ? trace_buf : "";
}

const char *kt_console(void)
{
	if (console_file)
		fflush(console_file);
	return console_buf ? console_buf : "";
}

int kt_trace_count(const char *needle)
{
	int n = 0;
	for (const char *p = kt_trace(); (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

int kt_wait_event(struct kcall_event *ev)
{
	while (kip_get_event(ev) != 0) {
		message m;
		int r = kip_receive(KIP_SYSTEM, &m);
		if (r < 0)
			return r;
	}
	return 0;
}

int kt_quiet(int (*fn)(int, char **), char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	int r = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return r;
}
