/*
 * cli/options.c - options shared by the commands that boot kip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	if (shift && v > (~0ull >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

void cli_boot_options_help(void)
{
	printf("  --seed N          seed for every random choice (default 1)\n"
	       "  --epoch NS        host time of boot in ns since 1970, recorded in the trace\n"
	       "                    (default: now); fix it for byte-identical traces\n"
	       "  --switch IMPL     context switch: asm or ucontext (default: the build's)\n"
	       "  --mem SIZE        physical memory, e.g. 64M (default 64M)\n"
	       "  --trace-ipc       print one line per message (also KIP_TRACE=ipc)\n"
	       "  --watchdog-ms N   host CPU ms a process may run without trapping (0: off)\n"
	       "  --quantum-us N    scheduling quantum in virtual us (default 10000)\n"
	       "  --disk IMG        attach host image file IMG as the disk and start its driver\n"
	       "                    (unflushed writes are lost at exit; docs/disk.md)\n");
}

static int need_value(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "kip: %s needs a value\n", argv[0]);
		return -1;
	}
	return 0;
}

static int bad_value(char **argv)
{
	fprintf(stderr, "kip: bad value '%s' for %s\n", argv[1], argv[0]);
	return -1;
}

int cli_boot_option(struct kip_config *cfg, int argc, char **argv)
{
	const char *o = argv[0];
	uint64_t v;
	if (!strcmp(o, "--trace-ipc")) {
		cfg->trace |= KIP_TRACE_IPC;
		return 1;
	}
	if (strcmp(o, "--seed") && strcmp(o, "--epoch") && strcmp(o, "--switch") &&
	    strcmp(o, "--mem") && strcmp(o, "--watchdog-ms") && strcmp(o, "--quantum-us") &&
	    strcmp(o, "--disk"))
		return 0;
	if (need_value(argc, argv) < 0)
		return -1;
	const char *val = argv[1];
	if (!strcmp(o, "--disk")) {
		if (!val[0])
			return bad_value(argv);
		cfg->disk_image = val;
	} else if (!strcmp(o, "--switch")) {
		if (ctx_impl_parse(val, &cfg->impl) < 0)
			return bad_value(argv);
	} else if (!strcmp(o, "--mem")) {
		if (cli_parse_size(val, &v) < 0 || v < (1u << 20))
			return bad_value(argv);
		cfg->mem_bytes = v;
	} else {
		if (cli_parse_u64(val, &v) < 0)
			return bad_value(argv);
		if (!strcmp(o, "--seed"))
			cfg->seed = v;
		else if (!strcmp(o, "--epoch"))
			cfg->epoch = v;
		else if (!strcmp(o, "--watchdog-ms"))
			cfg->watchdog_ms = (unsigned)v;
		else if (v == 0 || v > 10000000)
			return bad_value(argv);
		else
			cfg->quantum_ns = v * 1000;
	}
	return 2;
}
