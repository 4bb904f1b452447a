/*
 * programs/demo/hog.c - a CPU-bound user program: it never traps while it
 * counts primes, so only the basic-block counter can preempt it.
 */
#include "kip/format.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "demo.h"

static int is_prime(unsigned n)
{
	if (n < 2)
		return 0;
	for (unsigned d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

static int hog_main(uint64_t small)
{
	unsigned limit = small ? DEMO_HOG_LIMIT_SMALL : DEMO_HOG_LIMIT;
	unsigned count = 0;
	for (unsigned n = 0; n < limit; n++)
		count += (unsigned)is_prime(n);
	message m;
	kip_msg_init(&m, SYS_TIMES);
	kip_kcall(SYS_TIMES, &m);
	kip_printf("hog: %u primes below %u, %lu us of virtual CPU\n", count, limit,
		   (unsigned long)(m.m_time.cpu_ns / 1000));
	return 0;
}

KIP_PROGRAM(demohog, hog_main, 8, KIP_PROG_USER);
