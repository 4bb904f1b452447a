/*
 * kernel/kcall.h - kernel-call handlers, one family per file.
 *
 * Every handler validates the whole request first, then acts; it returns 0
 * (or a non-negative result) or a negative error, and writes answers into
 * the caller's message.
 */
#ifndef KIP_KERNEL_KCALL_H
#define KIP_KERNEL_KCALL_H

#include "kernel/kernel.h"

typedef int (*kcall_fn)(struct kernel *k, struct proc *caller, message *m);

struct kcall_entry {
	const char *name;
	kcall_fn fn;
};

const char *kcall_name(int type);

/* Resolve an endpoint argument (KIP_SELF allowed). */
struct proc *kcall_target(struct kernel *k, struct proc *caller, endpoint_t e);

/* kernel/kcall_proc.c */
int do_create(struct kernel *k, struct proc *caller, message *m);
int do_kill(struct kernel *k, struct proc *caller, message *m);
int do_stop(struct kernel *k, struct proc *caller, message *m);
int do_resume(struct kernel *k, struct proc *caller, message *m);
int do_exit(struct kernel *k, struct proc *caller, message *m);
int do_privctl(struct kernel *k, struct proc *caller, message *m);
int do_getinfo(struct kernel *k, struct proc *caller, message *m);
int do_getevent(struct kernel *k, struct proc *caller, message *m);
int do_shutdown(struct kernel *k, struct proc *caller, message *m);
int do_setmanager(struct kernel *k, struct proc *caller, message *m);

/* kernel/kcall_mem.c */
int do_safecopy(struct kernel *k, struct proc *caller, message *m);
int do_setgrant(struct kernel *k, struct proc *caller, message *m);
int do_page_alloc(struct kernel *k, struct proc *caller, message *m);
int do_page_free(struct kernel *k, struct proc *caller, message *m);
int do_page_list(struct kernel *k, struct proc *caller, message *m);
int do_page_protect(struct kernel *k, struct proc *caller, message *m);

/* kernel/kcall_dev.c */
int do_devctl(struct kernel *k, struct proc *caller, message *m);
int do_devio(struct kernel *k, struct proc *caller, message *m);
int do_dma(struct kernel *k, struct proc *caller, message *m);
int do_irqctl(struct kernel *k, struct proc *caller, message *m);
/* The bus's interrupt line (sim/device.h raise_irq). */
void kcall_raise_irq(void *kernel, int irq);

/* kernel/kcall_tls.c */
int do_settls(struct kernel *k, struct proc *caller, message *m);

/* kernel/kcall_time.c */
int do_setalarm(struct kernel *k, struct proc *caller, message *m);
int do_times(struct kernel *k, struct proc *caller, message *m);
int do_print(struct kernel *k, struct proc *caller, message *m);

#endif
