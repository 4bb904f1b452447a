/*
 * kip/program.h - registering code that can be started as a kip process.
 *
 * Until programs are ELF files in the simulated file system, every program,
 * server and test process is a function linked into the kip binary and
 * registered by name:
 *
 *     static int echo_main(uint64_t arg) { ... }
 *     KIP_PROGRAM(echo, echo_main, 2, KIP_PROG_SYSTEM);
 *
 * SYS_CREATE and the boot table start programs by name.  When main returns,
 * the process exits with the returned status.
 */
#ifndef KIP_PROGRAM_H
#define KIP_PROGRAM_H

#include <stdint.h>

enum {
	KIP_PROG_SYSTEM = 1 << 0, /* a server or driver: system privileges */
	KIP_PROG_USER = 1 << 1,	  /* a user program: user privileges, counted blocks */
};

struct kip_program {
	const char *name;
	int (*main)(uint64_t arg);
	int priority;	/* default priority, 0 (highest) .. 15 */
	unsigned flags; /* KIP_PROG_* */
};

#define KIP_PROGRAM(pname, fn, prio, pflags)                                                       \
	__attribute__((used, section("kip_programs"),                                              \
		       aligned(8))) static const struct kip_program kip_program_##pname = {        \
		#pname, fn, prio, pflags}

/* The registered program called `name`, or NULL. */
const struct kip_program *kip_program_find(const char *name);

#endif
