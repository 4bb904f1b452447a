/*
 * kernel/program.c - the registry of programs that can become processes.
 *
 * KIP_PROGRAM (kip/program.h) places a struct kip_program in the
 * "kip_programs" section; the linker brackets the section with
 * __start_kip_programs and __stop_kip_programs.
 *
 * Entry point: kip_program_find.
 */
#include <string.h>

#include "kip/program.h"

extern const struct kip_program __start_kip_programs[] __attribute__((weak));
extern const struct kip_program __stop_kip_programs[] __attribute__((weak));

const struct kip_program *kip_program_find(const char *name)
{
	for (const struct kip_program *p = __start_kip_programs; p < __stop_kip_programs; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}
