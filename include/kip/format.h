/*
 * kip/format.h - printf-style formatting that takes no lock.
 *
 * Processes must not call host stdio (a process killed while holding a
 * stdio lock would deadlock the CPU thread), so they format with these and
 * print with kip_print (kip/syslib.h).  Supports %d %i %u %x %X %o %c %s %p
 * %%, the l, ll, z and h length modifiers, a field width, '-', '0' and a
 * precision for %s.
 *
 * Entry points (libposix/format.c): kip_vsnprintf, kip_snprintf, kip_printf.
 */
#ifndef KIP_FORMAT_H
#define KIP_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf(3): returns the length the full output would have. */
int kip_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int kip_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Format (up to 512 bytes) and print on the console through SYS_PRINT. */
int kip_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
