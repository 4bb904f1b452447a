/*
 * sim/hostio.h - whole-buffer reads and writes of host files at an offset.
 *
 * pread/pwrite may transfer less than asked and may be interrupted; these
 * loop until everything moved.  Used by the disk device and by the host
 * tools (kip mkfs, kip fsck) alike.
 *
 * Entry points: hostio_pread_all, hostio_pread_or_zero, hostio_pwrite_all.
 */
#ifndef KIP_SIM_HOSTIO_H
#define KIP_SIM_HOSTIO_H

#include <stddef.h>
#include <stdint.h>

/* Read exactly len bytes at off.  0, or -errno (-EIO if the file ends first). */
int hostio_pread_all(int fd, void *buf, size_t len, uint64_t off);

/* Read len bytes at off; what lies past the end of the file reads as zeros.
 * 0 or -errno. */
int hostio_pread_or_zero(int fd, void *buf, size_t len, uint64_t off);

/* Write all len bytes at off.  0, or -errno (-EIO if nothing could be written). */
int hostio_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

#endif
