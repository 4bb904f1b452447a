/*
 * kernel/priv.c - privilege records: who may use which IPC primitive, send
 * to whom, make which kernel call, own which IRQs and devices.
 *
 * System processes get a record of their own (all primitives, anyone,
 * every kernel call) that SYS_PRIVCTL can narrow; every user process shares
 * one record: SENDREC only, to the slots the kernel opens for MM and VFS,
 * and the few kernel calls a program needs (print, times, exit, alarms,
 * pages, grants, its own TLS word).
 */
#include <string.h>

#include "kernel/kernel.h"

void priv_init_system(struct priv *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->flags = KIP_PRIV_SYSTEM;
	pr->trap_mask = KIP_TRAP_ALL_IPC;
	pr->send_mask[0] = pr->send_mask[1] = ~0ull;
	pr->kcall_mask = ~0ull;
	pr->irq_mask = 0;
	pr->dev_mask = 0;
}

static uint64_t kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

void priv_init_user(struct priv *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->flags = KIP_PRIV_USER;
	pr->trap_mask = 1u << IPC_SENDREC;
	pr->kcall_mask = kbit(SYS_EXIT) | kbit(SYS_PRINT) | kbit(SYS_TIMES) | kbit(SYS_SETALARM) |
			 kbit(SYS_PAGE_ALLOC) | kbit(SYS_PAGE_FREE) | kbit(SYS_SETGRANT) |
			 kbit(SYS_SETTLS);
}
