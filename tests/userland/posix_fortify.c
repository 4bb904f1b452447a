/*
 * tests/userland/posix_fortify.c - a program built with _FORTIFY_SOURCE=2,
 * as distributions build by default: glibc's headers then turn read(),
 * pread(), readlink(), getcwd() on buffers of known size and open() with
 * flags not known at compile time into __read_chk, __pread_chk,
 * __readlink_chk, __getcwd_chk and __open_2.  libposix defines those too
 * (hidden), so the calls still reach VFS - here the fake VFS of
 * tests/libposix/test_posix_calls.c, which sees each request.
 */
#undef _FORTIFY_SOURCE
#define _FORTIFY_SOURCE 2

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kip/posix.h"
#include "kip/program.h"
#include "tests/userland/posix_fake.h"

#define PF_CHECK(cond)                                                                             \
	do {                                                                                       \
		pf.checks++;                                                                       \
		if (!(cond) && !pf.fail_line) {                                                    \
			pf.fail_line = __LINE__;                                                   \
			pf.fail_errno = errno;                                                     \
		}                                                                                  \
	} while (0)

/* Flags the compiler cannot see: open() goes through __open_2. */
__attribute__((noipa)) static int pf_flags(uint64_t arg)
{
	return (int)(arg >> 32);
}

/* A size the compiler cannot see: read() on buf goes through __read_chk. */
__attribute__((noipa)) static size_t pf_size(size_t n)
{
	return n;
}

static int pff_main(uint64_t arg)
{
	char buf[16];
	PF_CHECK(kip_posix_start((endpoint_t)(uint32_t)arg) != NULL);
	PF_CHECK(open("/fortified", pf_flags(arg)) == 3);
	PF_CHECK(read(3, buf, pf_size(8)) == 8 && memcmp(buf, "pppppppp", 8) == 0);
	PF_CHECK(pread(3, buf, pf_size(4), 9) == 4);
	PF_CHECK(readlink("/ln", buf, pf_size(sizeof(buf))) == 6);
	PF_CHECK(getcwd(buf, pf_size(sizeof(buf))) == buf && strcmp(buf, "/cwd") == 0);
	pf.done = 1;
	return pf.fail_line ? 2 : 0;
}
KIP_PROGRAM(pf_fortify, pff_main, 8, KIP_PROG_USER);
