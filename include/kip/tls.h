/*
 * kip/tls.h - a process's TLS word: one pointer the kernel keeps for it.
 *
 * Every kip process runs on the one host thread and shares the host's
 * globals, so the host's thread-local storage cannot tell two processes
 * apart.  Instead each process has one word in its process-table slot,
 * NULL when it starts, which it sets itself with SYS_SETTLS (kip_settls,
 * kip/syslib.h).  Each time the kernel switches to a process it publishes
 * that process's word where kip_tls() reads it: a plain load, no trap.  The
 * kernel never looks at the word; libposix keeps the process's context
 * there (docs/libposix.md).
 */
#ifndef KIP_TLS_H
#define KIP_TLS_H

/* The running process's word, NULL outside any process.  A read-only view:
 * only the kernel writes the word behind it, at every switch to a
 * process (kernel/kcall_tls.c). */
extern void *const *const kip_tls_view;

/* The calling process's TLS word. */
static inline void *kip_tls(void)
{
	return *kip_tls_view;
}

#endif
