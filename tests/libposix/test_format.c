/*
 * tests/libposix/test_format.c - kip_snprintf (libposix/format.c) against
 * the host's snprintf.
 *
 * Every case of a table (a format and its arguments) is formatted by both
 * into a large buffer and then into buffers of size 0, 1, 2, half the
 * output, the output without and with its NUL: the return values and every
 * byte of the buffers (sentinel-filled beforehand, so a write past `size` or
 * a missing NUL shows) must be the same.  A few behaviours the host does not
 * share or C leaves undefined are checked against literal strings.
 * kip_printf is not tested here: it needs a running kernel.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kip/format.h"
#include "tests/kip_test.h"

/* Some formats below are odd on purpose (flags C leaves undefined, a
 * float the library does not support): the host must still accept them. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* How a case passes its arguments (each kind is one argument list). */
enum fa_kind {
	FA_NONE,   /* no argument */
	FA_INT,	   /* int i */
	FA_UINT,   /* unsigned u */
	FA_LONG,   /* long i */
	FA_ULONG,  /* unsigned long u */
	FA_LLONG,  /* long long i */
	FA_ULLONG, /* unsigned long long u */
	FA_SSIZE,  /* ptrdiff_t i (for %zd and %td) */
	FA_SIZE,   /* size_t u */
	FA_IMAX,   /* intmax_t i */
	FA_UMAX,   /* uintmax_t u */
	FA_PTR,	   /* void *p */
	FA_STR,	   /* const char *s */
	FA_W_INT,  /* int w, int i (for '*') */
	FA_P_INT,  /* int p, int i */
	FA_WP_INT, /* int w, int p, int i */
	FA_W_STR,  /* int w, const char *s */
	FA_P_STR,  /* int p, const char *s */
	FA_WP_STR, /* int w, int p, const char *s */
	FA_MIX,	   /* const char *s, int i, unsigned u, int (char) w */
};

struct fmt_case {
	const char *fmt;
	enum fa_kind kind;
	long long i;
	unsigned long long u;
	const char *s;
	void *p;
	int w, prec;
};

#define C_NONE(f)                                                                                  \
	{                                                                                          \
		f, FA_NONE, 0, 0, 0, 0, 0, 0                                                       \
	}
#define C_I(f, k, v)                                                                               \
	{                                                                                          \
		f, k, (long long)(v), 0, 0, 0, 0, 0                                                \
	}
#define C_U(f, k, v)                                                                               \
	{                                                                                          \
		f, k, 0, (unsigned long long)(v), 0, 0, 0, 0                                       \
	}
#define C_S(f, v)                                                                                  \
	{                                                                                          \
		f, FA_STR, 0, 0, v, 0, 0, 0                                                        \
	}
#define C_P(f, v)                                                                                  \
	{                                                                                          \
		f, FA_PTR, 0, 0, 0, (void *)(v), 0, 0                                              \
	}
#define C_STAR(f, k, wv, pv, iv, sv)                                                               \
	{                                                                                          \
		f, k, iv, 0, sv, 0, wv, pv                                                         \
	}

static const struct fmt_case format_cases[] = {
	/* Plain text and %%. */
	C_NONE(""),
	C_NONE("plain text"),
	C_NONE("100%%"),
	C_NONE("a%%b%%c"),
	C_NONE("[%5%]"),
	/* %d and %i. */
	C_I("%d", FA_INT, 0),
	C_I("%d", FA_INT, 42),
	C_I("%d", FA_INT, -42),
	C_I("%d", FA_INT, INT_MIN),
	C_I("%d", FA_INT, INT_MAX),
	C_I("%i", FA_INT, -7),
	C_I("[%5d]", FA_INT, 42),
	C_I("[%-5d]", FA_INT, 42),
	C_I("[%05d]", FA_INT, -42),
	C_I("[%05d]", FA_INT, 42),
	C_I("[%+d]", FA_INT, 42),
	C_I("[%+d]", FA_INT, 0),
	C_I("[% d]", FA_INT, 42),
	C_I("[% d]", FA_INT, -42),
	C_I("[%+ d]", FA_INT, 42),
	C_I("[% 05d]", FA_INT, 42),
	C_I("[%+05d]", FA_INT, -3),
	C_I("[%.3d]", FA_INT, 7),
	C_I("[%.3d]", FA_INT, -7),
	C_I("[%.0d]", FA_INT, 0),
	C_I("[%5.0d]", FA_INT, 0),
	C_I("[%+.0d]", FA_INT, 0),
	C_I("[%08.3d]", FA_INT, -5),
	C_I("[%-08d]", FA_INT, 5),
	C_I("[%-+8.4d]", FA_INT, 12),
	C_I("[%012d]", FA_INT, INT_MIN),
	C_I("[%300d]", FA_INT, 1),
	C_I("[%.40d]", FA_INT, -1),
	/* %u, %x, %X, %o. */
	C_U("%u", FA_UINT, 0),
	C_U("%u", FA_UINT, UINT_MAX),
	C_U("[%+u]", FA_UINT, 5),
	C_U("[% u]", FA_UINT, 5),
	C_U("%x", FA_UINT, 255),
	C_U("%X", FA_UINT, 0xabcdef),
	C_U("%x", FA_UINT, 0),
	C_U("%#x", FA_UINT, 255),
	C_U("%#X", FA_UINT, 255),
	C_U("%#x", FA_UINT, 0),
	C_U("[%#.0x]", FA_UINT, 0),
	C_U("[%#08x]", FA_UINT, 255),
	C_U("[%#-8x]", FA_UINT, 255),
	C_U("[%#.4x]", FA_UINT, 1),
	C_U("[%#8.4X]", FA_UINT, 0xbeef),
	C_U("%o", FA_UINT, 8),
	C_U("%o", FA_UINT, 0),
	C_U("%#o", FA_UINT, 8),
	C_U("%#o", FA_UINT, 0),
	C_U("[%#.0o]", FA_UINT, 0),
	C_U("[%.0o]", FA_UINT, 0),
	C_U("[%#.5o]", FA_UINT, 8),
	C_U("[%#3o]", FA_UINT, 0777),
	C_U("[%06o]", FA_UINT, 0755),
	/* Length modifiers. */
	C_I("%hhd", FA_INT, 200),
	C_I("%hhd", FA_INT, -128),
	C_U("%hhu", FA_UINT, 300),
	C_U("%hhx", FA_UINT, 0x1ff),
	C_I("%hd", FA_INT, 70000),
	C_I("%hd", FA_INT, SHRT_MIN),
	C_U("%hu", FA_UINT, 70000),
	C_U("%hx", FA_UINT, UINT_MAX),
	C_I("%ld", FA_LONG, LONG_MIN),
	C_I("%li", FA_LONG, LONG_MAX),
	C_U("%lu", FA_ULONG, ULONG_MAX),
	C_U("%lx", FA_ULONG, 0xdeadbeefcafeUL),
	C_I("%lld", FA_LLONG, LLONG_MIN),
	C_I("%lld", FA_LLONG, LLONG_MAX),
	C_I("[%+025lld]", FA_LLONG, LLONG_MIN),
	C_U("%llu", FA_ULLONG, ULLONG_MAX),
	C_U("%llx", FA_ULLONG, ULLONG_MAX),
	C_U("%#llX", FA_ULLONG, ULLONG_MAX),
	C_U("%llo", FA_ULLONG, ULLONG_MAX),
	C_U("%#llo", FA_ULLONG, ULLONG_MAX),
	C_U("%zu", FA_SIZE, SIZE_MAX),
	C_U("%zx", FA_SIZE, 4096),
	C_I("%zd", FA_SSIZE, -3),
	C_I("%td", FA_SSIZE, PTRDIFF_MIN),
	C_I("%jd", FA_IMAX, INTMAX_MIN),
	C_U("%ju", FA_UMAX, UINTMAX_MAX),
	C_U("%jx", FA_UMAX, 0x123456789abcdefULL),
	/* %c. */
	C_I("%c", FA_INT, 'A'),
	C_I("[%3c]", FA_INT, 'x'),
	C_I("[%-3c]", FA_INT, 'x'),
	C_I("[%03c]", FA_INT, 'x'),
	C_I("%c", FA_INT, 0x141), /* converted to unsigned char */
	/* %s. */
	C_S("%s", "hello"),
	C_S("%s", ""),
	C_S("%s", (const char *)0),
	C_S("[%10s]", "hello"),
	C_S("[%-10s]", "hello"),
	C_S("[%010s]", "hello"),
	C_S("[%.3s]", "hello"),
	C_S("[%.0s]", "hello"),
	C_S("[%.10s]", "hello"),
	C_S("[%10.2s]", "hello"),
	C_S("[%-10.2s]", "hello"),
	C_S("[%2s]", "hello"),
	C_S("[%10s]", (const char *)0),
	C_S("<%s>", "a string that is quite a bit longer than the small buffers"),
	/* %p. */
	C_P("%p", 0x1234abcdUL),
	C_P("%p", 0),
	C_P("[%20p]", 0x1234abcdUL),
	C_P("[%-20p]", 0x1234abcdUL),
	C_P("[%020p]", 0x1234abcdUL),
	C_P("[%10p]", 0),
	C_P("[%-10p]", 0),
	C_P("%p", UINTPTR_MAX),
	/* '*' width and precision. */
	C_STAR("[%*d]", FA_W_INT, 8, 0, 42, 0),
	C_STAR("[%*d]", FA_W_INT, -8, 0, 42, 0),
	C_STAR("[%-*d]", FA_W_INT, 8, 0, 42, 0),
	C_STAR("[%0*d]", FA_W_INT, 8, 0, -42, 0),
	C_STAR("[%*d]", FA_W_INT, 0, 0, 42, 0),
	C_STAR("[%.*d]", FA_P_INT, 0, 5, 42, 0),
	C_STAR("[%.*d]", FA_P_INT, 0, -1, 42, 0),
	C_STAR("[%.*d]", FA_P_INT, 0, 0, 0, 0),
	C_STAR("[%*.*d]", FA_WP_INT, 10, 5, -42, 0),
	C_STAR("[%0*.*d]", FA_WP_INT, 10, -1, -42, 0),
	C_STAR("[%*s]", FA_W_STR, 8, 0, 0, "abc"),
	C_STAR("[%*s]", FA_W_STR, -8, 0, 0, "abc"),
	C_STAR("[%.*s]", FA_P_STR, 0, 2, 0, "abc"),
	C_STAR("[%.*s]", FA_P_STR, 0, -1, 0, "abc"),
	C_STAR("[%*.*s]", FA_WP_STR, 10, 3, 0, "abcdef"),
	C_STAR("[%-*.*s]", FA_WP_STR, 10, 3, 0, "abcdef"),
	/* Several conversions in one format. */
	{"%s=%d (%#x) %c!", FA_MIX, -17, 0xff, "key", 0, 'z', 0},
	{"%-6s|%+5d|%08X|%3c|", FA_MIX, 99, 0xc0ffee, "ab", 0, 'q', 0},
	{"%s%s", FA_MIX, 0, 0, "", 0, 0, 0}, /* extra arguments ignored */
};

#define NCASES (sizeof(format_cases) / sizeof(format_cases[0]))

typedef int (*fmt_fn)(char *buf, size_t size, const char *fmt, ...);

/* Format case `c` with `f` (kip_snprintf or the host's snprintf). */
static int run_case(fmt_fn f, char *buf, size_t size, const struct fmt_case *c)
{
	switch (c->kind) {
	case FA_NONE:
		return f(buf, size, c->fmt);
	case FA_INT:
		return f(buf, size, c->fmt, (int)c->i);
	case FA_UINT:
		return f(buf, size, c->fmt, (unsigned)c->u);
	case FA_LONG:
		return f(buf, size, c->fmt, (long)c->i);
	case FA_ULONG:
		return f(buf, size, c->fmt, (unsigned long)c->u);
	case FA_LLONG:
		return f(buf, size, c->fmt, (long long)c->i);
	case FA_ULLONG:
		return f(buf, size, c->fmt, (unsigned long long)c->u);
	case FA_SSIZE:
		return f(buf, size, c->fmt, (ptrdiff_t)c->i);
	case FA_SIZE:
		return f(buf, size, c->fmt, (size_t)c->u);
	case FA_IMAX:
		return f(buf, size, c->fmt, (intmax_t)c->i);
	case FA_UMAX:
		return f(buf, size, c->fmt, (uintmax_t)c->u);
	case FA_PTR:
		return f(buf, size, c->fmt, c->p);
	case FA_STR:
		return f(buf, size, c->fmt, c->s);
	case FA_W_INT:
		return f(buf, size, c->fmt, c->w, (int)c->i);
	case FA_P_INT:
		return f(buf, size, c->fmt, c->prec, (int)c->i);
	case FA_WP_INT:
		return f(buf, size, c->fmt, c->w, c->prec, (int)c->i);
	case FA_W_STR:
		return f(buf, size, c->fmt, c->w, c->s);
	case FA_P_STR:
		return f(buf, size, c->fmt, c->prec, c->s);
	case FA_WP_STR:
		return f(buf, size, c->fmt, c->w, c->prec, c->s);
	case FA_MIX:
		return f(buf, size, c->fmt, c->s, (int)c->i, (unsigned)c->u, c->w);
	}
	return -1000;
}

enum {
	TBUF = 1024,
	SENTINEL = 0x5a
};

/* Format case `c` into a buffer of `size` bytes with both functions and
 * compare; size 0 passes a NULL buffer as C allows. */
static void compare_at(const struct fmt_case *c, size_t size)
{
	static char mine[TBUF], host[TBUF];
	int rm, rh;

	memset(mine, SENTINEL, sizeof(mine));
	memset(host, SENTINEL, sizeof(host));
	rm = run_case(kip_snprintf, size ? mine : NULL, size, c);
	rh = run_case(snprintf, size ? host : NULL, size, c);
	CU_ASSERT_EQUAL(rm, rh);
	CU_ASSERT_EQUAL(memcmp(mine, host, sizeof(mine)), 0);
	if (rm != rh || memcmp(mine, host, sizeof(mine)) != 0)
		fprintf(stderr, "\n  format \"%s\" size %zu: kip %d \"%.*s\", host %d \"%.*s\"\n",
			c->fmt, size, rm, (int)(size ? size : 1) - 1, mine, rh,
			(int)(size ? size : 1) - 1, host);
}

static void test_against_host(void)
{
	CU_ASSERT(NCASES >= 60);
	for (size_t k = 0; k < NCASES; k++) {
		const struct fmt_case *c = &format_cases[k];
		char mine[TBUF], host[TBUF];
		int rm = run_case(kip_snprintf, mine, sizeof(mine), c);
		int rh = run_case(snprintf, host, sizeof(host), c);

		CU_ASSERT_EQUAL(rm, rh);
		CU_ASSERT_STRING_EQUAL(mine, host);
		if (rm != rh || strcmp(mine, host) != 0)
			fprintf(stderr, "\n  format \"%s\": kip %d \"%s\", host %d \"%s\"\n",
				c->fmt, rm, mine, rh, host);
		if (rh < 0 || rh >= TBUF - 1)
			continue;

		size_t n = (size_t)rh;
		size_t sizes[] = {0, 1, 2, n / 2, n, n + 1};

		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			compare_at(c, sizes[j]);
	}
}

static void test_truncation(void)
{
	char buf[8];
	int r;

	memset(buf, 'x', sizeof(buf));
	r = kip_snprintf(buf, sizeof(buf), "%s", "0123456789");
	CU_ASSERT_EQUAL(r, 10);
	CU_ASSERT_STRING_EQUAL(buf, "0123456");

	memset(buf, 'x', sizeof(buf));
	r = kip_snprintf(buf, 1, "%d", 12345);
	CU_ASSERT_EQUAL(r, 5);
	CU_ASSERT_EQUAL(buf[0], '\0');
	CU_ASSERT_EQUAL(buf[1], 'x');

	memset(buf, 'x', sizeof(buf));
	r = kip_snprintf(buf, 0, "%d", 12345);
	CU_ASSERT_EQUAL(r, 5);
	CU_ASSERT_EQUAL(buf[0], 'x');

	CU_ASSERT_EQUAL(kip_snprintf(NULL, 0, "%-100s|", "a"), 101);
	CU_ASSERT_EQUAL(kip_snprintf(NULL, 0, ""), 0);

	memset(buf, 'x', sizeof(buf));
	r = kip_snprintf(buf, sizeof(buf), "");
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
}

/* Behaviours chosen by kip rather than copied from the host. */
static void test_kip_specific(void)
{
	char buf[64];
	int r;

	/* A NULL string is "(null)", cut by the precision like any string. */
	r = kip_snprintf(buf, sizeof(buf), "[%s]", (const char *)0);
	CU_ASSERT_EQUAL(r, 8);
	CU_ASSERT_STRING_EQUAL(buf, "[(null)]");
	r = kip_snprintf(buf, sizeof(buf), "[%.3s]", (const char *)0);
	CU_ASSERT_EQUAL(r, 5);
	CU_ASSERT_STRING_EQUAL(buf, "[(nu]");

	/* Floating point is not supported: printed as written, the argument
	 * consumed so that the next conversions still get theirs. */
	r = kip_snprintf(buf, sizeof(buf), "%f|%d|%.2Lg|%s", 1.5, 7, (long double)2.5, "ok");
	CU_ASSERT_STRING_EQUAL(buf, "%f|7|%.2Lg|ok");
	CU_ASSERT_EQUAL(r, (int)strlen("%f|7|%.2Lg|ok"));

	/* %n writes nothing; unknown conversions and a final '%' print as is. */
	int count = -1;
	r = kip_snprintf(buf, sizeof(buf), "ab%n|%y|%", &count);
	CU_ASSERT_EQUAL(count, -1);
	CU_ASSERT_STRING_EQUAL(buf, "ab%n|%y|%");
	CU_ASSERT_EQUAL(r, 9);

	/* A width far beyond the buffer is counted, not written. */
	r = kip_snprintf(buf, sizeof(buf), "%100000d", 1);
	CU_ASSERT_EQUAL(r, 100000);
	CU_ASSERT_EQUAL(strlen(buf), sizeof(buf) - 1);

	/* A length no int can hold is an error, as vsnprintf's EOVERFLOW. */
	r = kip_snprintf(buf, sizeof(buf), "%2147483647d", 1);
	CU_ASSERT_EQUAL(r, INT_MAX);
	CU_ASSERT(kip_snprintf(buf, sizeof(buf), "%2147483647d%d", 1, 2) < 0);
	CU_ASSERT(kip_snprintf(buf, sizeof(buf), "%99999999999d", 1) < 0);
	CU_ASSERT(kip_snprintf(buf, sizeof(buf), "%.99999999999d", 1) < 0);
	CU_ASSERT(kip_snprintf(buf, sizeof(buf), "%*d", INT_MIN, 1) < 0);
}

static const struct kip_test format_tests[] = {
	{"kip_snprintf matches the host's snprintf", test_against_host},
	{"truncation, size 0 and 1, return values", test_truncation},
	{"NULL %s, floats, %n, huge widths", test_kip_specific},
	{NULL, NULL},
};
KIP_TEST_SUITE(format, format_tests);
