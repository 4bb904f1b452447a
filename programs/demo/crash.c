/*
 * programs/demo/crash.c - a user program with a bug: it writes through a
 * NULL pointer.  kip catches the fault, pins it on this process, kills it
 * and tells its parent; everything else keeps running.
 */
#include "kip/format.h"
#include "kip/program.h"

static int crash_main(uint64_t arg)
{
	volatile int *volatile nowhere = (volatile int *)(uintptr_t)arg;
	kip_printf("crash: writing through a NULL pointer\n");
	*nowhere = 42;
	kip_printf("crash: still alive?\n");
	return 0;
}

KIP_PROGRAM(democrash, crash_main, 8, KIP_PROG_USER);
