/*
 * sim/hostio.c - whole-buffer host file I/O (see sim/hostio.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sim/hostio.h"

/* The common loop.  at_eof: what to do when pread returns 0 (-EIO, or 1 to
 * zero-fill the rest and succeed). */
static int transfer(int fd, void *buf, size_t len, uint64_t off, int write, int zero_at_eof)
{
	uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = write ? pwrite(fd, p, len, (off_t)off) : pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			if (!write && zero_at_eof) {
				memset(p, 0, len);
				return 0;
			}
			return -EIO;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int hostio_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	return transfer(fd, buf, len, off, 0, 0);
}

int hostio_pread_or_zero(int fd, void *buf, size_t len, uint64_t off)
{
	return transfer(fd, buf, len, off, 0, 1);
}

int hostio_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	return transfer(fd, (void *)(uintptr_t)buf, len, off, 1, 0);
}
