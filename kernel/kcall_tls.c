/*
 * kernel/kcall_tls.c - the per-process TLS word (kip/tls.h).
 *
 * Entry points: do_settls (SYS_SETTLS), kernel_tls_word, kip_tls_view.
 *
 * A process sets its own word with SYS_SETTLS; the kernel only keeps it
 * (p_tls) and never looks at it.  dispatch (kernel/boot.c) copies the word
 * of the process it switches to into kernel_tls_word and clears it when the
 * process traps back, so kip_tls() in a process reads its own word with one
 * load through the read-only view kip_tls_view.  A new process starts with
 * NULL (proc_create zeroes the slot).
 */
#include <stdint.h>

#include "kip/tls.h"
#include "kernel/kcall.h"

void *kernel_tls_word;
void *const *const kip_tls_view = &kernel_tls_word;

int do_settls(struct kernel *k, struct proc *caller, message *m)
{
	(void)k;
	m->m_tls.previous = (uint64_t)(uintptr_t)caller->p_tls;
	caller->p_tls = (void *)(uintptr_t)m->m_tls.word;
	return 0;
}
