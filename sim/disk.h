/*
 * sim/disk.h - the disk: a block device backed by a host image file.
 *
 * Registers and commands are in kip/disk_regs.h (the driver reads them
 * there).  Every request completes after a latency in virtual time, charged
 * by scheduling its completion on the bus clock, and then raises the IRQ.
 *
 * Writes go to an overlay - an in-memory map from sector to data - and reach
 * the image only when a FLUSH writes the overlay out and fdatasync()s the
 * file; reads see the overlay first, then the image.  So a write is durable
 * only after a flush, a power cut (disk_power_cut) loses exactly the
 * unflushed writes, and halting the machine without a flush loses them too.
 *
 * Checks, in this order, when a request completes: a power cut while it was
 * in flight (EIO); a bad request (COUNT 0 or above DISK_MAX_SECTORS,
 * unknown command: EINVAL; a READ not inside the image: EINVAL; a WRITE not
 * inside it: ENOSPC - nothing is ever written past the image); an armed
 * disk_fail_next (EIO); fault_point(FP_DISK_READ / WRITE / FLUSH) (EIO); a
 * host I/O error (its errno); no host memory for the overlay (ENOMEM).  A
 * failed request changes nothing: a failed WRITE writes no sector, a failed
 * FLUSH keeps the overlay (flushing it again is safe).
 *
 * The transfer buffer is the driver's only while the disk is not BUSY: DMA
 * during a request is refused (-EBUSY), as is DMA outside the buffer
 * (-EINVAL).
 *
 * Entry points: disk_create, disk_fail_next, disk_power_cut,
 * disk_dirty_sectors, disk_latency_ns, disk_flush_latency_ns.
 */
#ifndef KIP_SIM_DISK_H
#define KIP_SIM_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "kip/disk_regs.h"
#include "sim/device.h"

/* The cost model of the disk (docs/cost-model.md). */
#define DISK_SEEK_NS 50000   /* every READ or WRITE: command, seek, settle */
#define DISK_NS_PER_KIB 1000 /* per KiB started that a READ, WRITE or FLUSH moves */
#define DISK_FLUSH_NS 200000 /* every FLUSH: the drive's cache to the medium */

/* Virtual ns a READ or WRITE of `bytes` takes (0 for a refused request). */
static inline uint64_t disk_latency_ns(uint64_t bytes)
{
	return DISK_SEEK_NS + DISK_NS_PER_KIB * ((bytes + 1023) / 1024);
}

/* Virtual ns a FLUSH takes when `dirty_bytes` sit in the overlay. */
static inline uint64_t disk_flush_latency_ns(uint64_t dirty_bytes)
{
	return DISK_FLUSH_NS + DISK_NS_PER_KIB * ((dirty_bytes + 1023) / 1024);
}

/*
 * Open the image at `path` (read-write) as a disk raising `irq`.  Returns
 * the device, or NULL with *err set: the open's error (-ENOENT, -EACCES,
 * -EISDIR, ...), -EINVAL when the image is empty or its size is not a
 * multiple of DISK_SECTOR_SIZE, -ENOMEM.
 */
struct sim_device *disk_create(const char *path, int irq, int *err);

/* Fault hooks (the fault injector's; off until called). */

/* The next n requests that are well formed fail with EIO (0 disarms).
 * Returns 0, or -EINVAL if d is not a disk. */
int disk_fail_next(struct sim_device *d, unsigned n);

/* Power cut: drop the overlay, so every unflushed write is lost; a request
 * in flight completes (at its time) with EIO.  Returns the number of
 * sectors lost, or -EINVAL if d is not a disk. */
long disk_power_cut(struct sim_device *d);

/* Sectors written but not yet flushed (0 if d is not a disk). */
size_t disk_dirty_sectors(struct sim_device *d);

#endif
