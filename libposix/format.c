/*
 * libposix/format.c - printf-style formatting that takes no lock (kip/format.h).
 *
 * Entry points: kip_vsnprintf, kip_snprintf, kip_printf.
 *
 * Nothing here calls host stdio, malloc or locale code: a process killed
 * while holding a host lock would deadlock its CPU thread.  The output is
 * produced one character at a time into the caller's buffer; characters
 * past its end are only counted, as vsnprintf(3) does.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%.  Length modifiers: hh h l ll
 * z j t.  Flags: '-' '0' ' ' '+' '#' (x, X, o).  Field width and precision
 * as numbers or '*'.  Where C leaves a case undefined the host C library's
 * (glibc's) choice is followed: '0' pads %c and %s with spaces, a NULL %p
 * prints "(nil)" and flags apply to %p as to %#lx.  A NULL %s prints
 * "(null)", cut by the precision like any other string.  Floating point
 * conversions (%f %e %g %a and upper case) consume their argument and are
 * printed as written; %n and unknown conversions are printed as written
 * and consume nothing.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kip/error.h"
#include "kip/format.h"
#include "kip/syslib.h"

/* Where the characters go: buf[0 .. size-1) gets them, len counts them all. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct fmt_out *o, char c, size_t n)
{
	/* Only what fits is written; the rest (a huge width) is counted. */
	while (n && o->len + 1 < o->size) {
		o->buf[o->len++] = c;
		n--;
	}
	o->len += n;
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* A conversion specification, as parsed. */
struct fmt_spec {
	unsigned minus : 1; /* '-': left-justify */
	unsigned zero : 1;  /* '0': pad numbers with zeros */
	unsigned space : 1; /* ' ': a space where a '+' would be */
	unsigned plus : 1;  /* '+': always a sign */
	unsigned alt : 1;   /* '#': 0x prefix, leading octal 0 */
	size_t width;
	ptrdiff_t prec; /* -1: none given */
};

/* Pad a field of `n` characters to the width, around out_mem(s, n). */
static void out_field(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!sp->minus)
		out_repeat(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->minus)
		out_repeat(o, ' ', pad);
}

static size_t bounded_strlen(const char *s, ptrdiff_t prec)
{
	size_t n = 0;

	while ((prec < 0 || n < (size_t)prec) && s[n])
		n++;
	return n;
}

/*
 * An integer: `v` is the magnitude, `neg` its sign (signed conversions
 * only), `base` 8, 10 or 16, `upper` for %X.  `prefix_hex` asks for the
 * 0x/0X of '#' (or %p) when v is not zero.
 */
static void out_integer(struct fmt_out *o, const struct fmt_spec *sp, uintmax_t v, int neg,
			int is_signed, unsigned base, int upper, int prefix_hex)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[sizeof(uintmax_t) * CHAR_BIT / 3 + 2];
	char prefix[2];
	size_t ndig = 0, npre = 0, nzero = 0, total, pad = 0;
	int nonzero = v != 0;

	while (v) {
		tmp[sizeof(tmp) - 1 - ndig++] = digits[v % base];
		v /= base;
	}
	/* Zero with no precision prints one digit; with precision 0, none. */
	if (ndig == 0 && sp->prec != 0)
		tmp[sizeof(tmp) - 1 - ndig++] = '0';

	if (is_signed) {
		if (neg)
			prefix[npre++] = '-';
		else if (sp->plus)
			prefix[npre++] = '+';
		else if (sp->space)
			prefix[npre++] = ' ';
	}
	if (prefix_hex && nonzero) {
		prefix[npre++] = '0';
		prefix[npre++] = upper ? 'X' : 'x';
	}

	if (sp->prec >= 0 && (size_t)sp->prec > ndig)
		nzero = (size_t)sp->prec - ndig;
	/* '#' with o: the first digit printed is a zero. */
	if (base == 8 && sp->alt && nzero == 0 && (ndig == 0 || nonzero))
		nzero = 1;

	total = npre + nzero + ndig;
	if (sp->width > total)
		pad = sp->width - total;
	/* '0' pads after the sign and prefix, unless '-' or a precision. */
	if (sp->zero && !sp->minus && sp->prec < 0) {
		nzero += pad;
		pad = 0;
	}

	if (!sp->minus)
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, npre);
	out_repeat(o, '0', nzero);
	out_mem(o, tmp + sizeof(tmp) - ndig, ndig);
	if (sp->minus)
		out_repeat(o, ' ', pad);
}

/* A decimal number in the format at *pp, capped at INT_MAX + 1: any larger
 * width or precision makes an output no int can count. */
static size_t parse_num(const char **pp)
{
	const size_t cap = (size_t)INT_MAX + 1;
	const char *p = *pp;
	size_t n = 0;

	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (size_t)(*p++ - '0');
		if (n > cap)
			n = cap;
	}
	*pp = p;
	return n;
}

enum fmt_len {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L,
	LEN_LL,
	LEN_Z,
	LEN_J,
	LEN_T,
	LEN_BIG_L
};

int kip_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = {buf, size, 0};
	const char *p = fmt;

	while (*p) {
		struct fmt_spec sp = {0, 0, 0, 0, 0, 0, -1};
		enum fmt_len len = LEN_NONE;
		const char *start = p;
		uintmax_t u;
		intmax_t s;
		unsigned base;
		char c;

		if (*p != '%') {
			out_char(&o, *p++);
			continue;
		}
		p++;

		/* Flags. */
		for (;; p++) {
			if (*p == '-')
				sp.minus = 1;
			else if (*p == '0')
				sp.zero = 1;
			else if (*p == ' ')
				sp.space = 1;
			else if (*p == '+')
				sp.plus = 1;
			else if (*p == '#')
				sp.alt = 1;
			else
				break;
		}

		/* Width: a negative '*' is '-' and its magnitude. */
		if (*p == '*') {
			int w = va_arg(ap, int);

			p++;
			if (w < 0) {
				sp.minus = 1;
				sp.width = w == INT_MIN ? (size_t)INT_MAX + 1 : (size_t)-w;
			} else {
				sp.width = (size_t)w;
			}
		} else {
			sp.width = parse_num(&p);
		}

		/* Precision: a negative '*' is as if none were given. */
		if (*p == '.') {
			p++;
			if (*p == '*') {
				int pr = va_arg(ap, int);

				p++;
				sp.prec = pr < 0 ? -1 : pr;
			} else {
				sp.prec = (ptrdiff_t)parse_num(&p);
			}
		}

		/* Length modifier. */
		switch (*p) {
		case 'h':
			p++;
			len = LEN_H;
			if (*p == 'h') {
				p++;
				len = LEN_HH;
			}
			break;
		case 'l':
			p++;
			len = LEN_L;
			if (*p == 'l') {
				p++;
				len = LEN_LL;
			}
			break;
		case 'z':
			p++;
			len = LEN_Z;
			break;
		case 'j':
			p++;
			len = LEN_J;
			break;
		case 't':
			p++;
			len = LEN_T;
			break;
		case 'L':
			p++;
			len = LEN_BIG_L;
			break;
		default:
			break;
		}

		c = *p;
		if (c)
			p++;
		switch (c) {
		case 'd':
		case 'i':
			switch (len) {
			case LEN_HH:
				s = (signed char)va_arg(ap, int);
				break;
			case LEN_H:
				s = (short)va_arg(ap, int);
				break;
			case LEN_L:
				s = va_arg(ap, long);
				break;
			case LEN_LL:
				s = va_arg(ap, long long);
				break;
			case LEN_Z:
			case LEN_T:
				s = va_arg(ap, ptrdiff_t);
				break;
			case LEN_J:
				s = va_arg(ap, intmax_t);
				break;
			default:
				s = va_arg(ap, int);
				break;
			}
			/* Negate in unsigned arithmetic: INTMAX_MIN has no positive. */
			u = s < 0 ? -(uintmax_t)s : (uintmax_t)s;
			out_integer(&o, &sp, u, s < 0, 1, 10, 0, 0);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			switch (len) {
			case LEN_HH:
				u = (unsigned char)va_arg(ap, unsigned);
				break;
			case LEN_H:
				u = (unsigned short)va_arg(ap, unsigned);
				break;
			case LEN_L:
				u = va_arg(ap, unsigned long);
				break;
			case LEN_LL:
				u = va_arg(ap, unsigned long long);
				break;
			case LEN_Z:
			case LEN_T:
				u = va_arg(ap, size_t);
				break;
			case LEN_J:
				u = va_arg(ap, uintmax_t);
				break;
			default:
				u = va_arg(ap, unsigned);
				break;
			}
			base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			out_integer(&o, &sp, u, 0, 0, base, c == 'X', base == 16 && sp.alt);
			break;
		case 'p': {
			void *ptr = va_arg(ap, void *);

			if (!ptr) {
				out_field(&o, &sp, "(nil)", 5);
				break;
			}
			out_integer(&o, &sp, (uintptr_t)ptr, 0, 1, 16, 0, 1);
			break;
		}
		case 'c': {
			char ch = (char)va_arg(ap, int);

			out_field(&o, &sp, &ch, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			out_field(&o, &sp, str, bounded_strlen(str, sp.prec));
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			/* Not supported: keep the arguments that follow in step. */
			if (len == LEN_BIG_L)
				(void)va_arg(ap, long double);
			else
				(void)va_arg(ap, double);
			out_mem(&o, start, (size_t)(p - start));
			break;
		default:
			/* %n, an unknown conversion or a '%' ending the format. */
			out_mem(&o, start, (size_t)(p - start));
			break;
		}
	}

	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? -1 : (int)o.len;
}

int kip_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kip_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

enum {
	KIP_PRINTF_MAX = 512
};

int kip_printf(const char *fmt, ...)
{
	char buf[KIP_PRINTF_MAX];
	va_list ap;
	size_t len;
	int n, r;

	va_start(ap, fmt);
	n = kip_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EOVERFLOW;
	len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	r = kip_print(buf, len);
	return r < 0 ? r : (int)len;
}
