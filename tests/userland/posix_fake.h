/*
 * tests/userland/posix_fake.h - what the programs of posix_fake.c and
 * posix_fortify.c report to the suite that runs them against a fake VFS
 * (tests/libposix/test_posix_calls.c).
 */
#ifndef KIP_TESTS_USERLAND_POSIX_FAKE_H
#define KIP_TESTS_USERLAND_POSIX_FAKE_H

struct pf_report {
	int checks;	/* checks made */
	int fail_line;	/* the first that failed, 0 if none */
	int fail_errno; /* errno then */
	int done;	/* the program ran to its end */
};

extern struct pf_report pf;

#endif
