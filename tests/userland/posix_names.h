/*
 * tests/userland/posix_names.h - what the programs of posix_names.c report
 * to the CUnit suite that runs them (tests/libposix/test_posix_names.c).
 *
 * The programs live in tests/userland/, inside the partial link with
 * libposix, so their open(), read(), errno... are libposix's; the suite
 * lives outside it and reads this struct (a test's globals are fine: the
 * test binary is not a server).
 */
#ifndef KIP_TESTS_USERLAND_POSIX_NAMES_H
#define KIP_TESTS_USERLAND_POSIX_NAMES_H

#include <stdint.h>

struct pn_report {
	int checks;	/* checks made */
	int fail_line;	/* the first that failed, 0 if none */
	int fail_errno; /* errno then */
	unsigned done;	/* PN_DONE_* of the programs that ran to their end */

	/* The two errno programs' handshake (each step waits for the other
	 * by doing IPC, so the scheduler interleaves them). */
	int a_failed, b_succeeded, a_checked, b_failed, a_rechecked;
	int a_waits, b_waits; /* calls each made while waiting */
	int a_errno, b_errno; /* errno as each saw it at its checks */
	int a_errno_late;

	/* The program denied SYS_SETTLS. */
	int nt_start_null;
	int nt_open;
	int nt_errno;

	/* Addresses the host compares with its own. */
	void *open_fn, *errno_fn;
};

enum {
	PN_DONE_FILES = 1 << 0,
	PN_DONE_ERRNO_A = 1 << 1,
	PN_DONE_ERRNO_B = 1 << 2,
	PN_DONE_NOTLS = 1 << 3,
};

extern struct pn_report pn;

/* Reset pn before a run. */
void pn_reset(void);

#endif
