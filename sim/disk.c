/*
 * sim/disk.c - the disk device (see sim/disk.h and kip/disk_regs.h).
 *
 * Entry points: disk_create, disk_fail_next, disk_power_cut,
 * disk_dirty_sectors; the device ops (registers, DMA, destroy) reached
 * through struct sim_device_ops.
 *
 * Two parts: the overlay (a hash map from sector number to the 512 bytes
 * last written there, not yet flushed) and the request engine (a command
 * latches SECTOR, COUNT and the command, and schedules its completion on
 * the bus clock; the completion does the work, sets STATUS and raises the
 * IRQ).  Doing the work at completion time means a request's effects appear
 * exactly when the driver is told it is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kip/fault_point.h"
#include "sim/disk.h"
#include "sim/hostio.h"

#define OV_MIN_BUCKETS 256

/* One unflushed sector. */
struct ov_sector {
	uint64_t sector;
	struct ov_sector *next; /* bucket chain, or the list of a pending insert */
	uint8_t data[DISK_SECTOR_SIZE];
};

struct disk {
	struct sim_device dev;
	int fd;
	uint64_t size;	   /* image bytes, fixed at attach */
	uint64_t nsectors; /* size / DISK_SECTOR_SIZE */

	/* Registers. */
	uint64_t status, error, sector, count;

	/* The request in flight (status BUSY). */
	unsigned r_cmd;
	uint64_t r_sector, r_count;
	uint64_t r_event;  /* clock event id */
	bool r_power_lost; /* a power cut hit it */

	/* Fault hooks. */
	unsigned fail_next;

	/* The overlay. */
	struct ov_sector **buckets;
	size_t nbuckets; /* a power of two */
	size_t ndirty;

	uint8_t buf[DISK_BUF_SIZE]; /* the transfer buffer */
};

static const struct sim_device_ops disk_ops;

static struct disk *to_disk(struct sim_device *d)
{
	return d && d->ops == &disk_ops ? d->priv : NULL;
}

/* ---------------------------------------------------------- the overlay */

static size_t ov_bucket(const struct disk *k, uint64_t sector)
{
	return (size_t)((sector * 0x9e3779b97f4a7c15ull) >> 32) & (k->nbuckets - 1);
}

/* The unflushed copy of `sector`, or NULL. */
static struct ov_sector *ov_find(const struct disk *k, uint64_t sector)
{
	for (struct ov_sector *e = k->buckets[ov_bucket(k, sector)]; e; e = e->next)
		if (e->sector == sector)
			return e;
	return NULL;
}

static void ov_link(struct disk *k, struct ov_sector *e)
{
	size_t b = ov_bucket(k, e->sector);
	e->next = k->buckets[b];
	k->buckets[b] = e;
}

/* Double the table when it is full; on no memory keep the old one (chains
 * only get longer). */
static void ov_grow(struct disk *k)
{
	if (k->ndirty < k->nbuckets)
		return;
	struct ov_sector **old = k->buckets;
	size_t nold = k->nbuckets;
	struct ov_sector **nb = calloc(nold * 2, sizeof(*nb));
	if (!nb)
		return;
	k->buckets = nb;
	k->nbuckets = nold * 2;
	for (size_t i = 0; i < nold; i++) {
		for (struct ov_sector *e = old[i], *next; e; e = next) {
			next = e->next;
			ov_link(k, e);
		}
	}
	free(old);
}

/* Free every entry: what a flush does once the image has them, and what a
 * power cut does to them. */
static void ov_drop(struct disk *k)
{
	for (size_t i = 0; i < k->nbuckets; i++) {
		for (struct ov_sector *e = k->buckets[i], *next; e; e = next) {
			next = e->next;
			free(e);
		}
		k->buckets[i] = NULL;
	}
	k->ndirty = 0;
}

/* ------------------------------------------------------ host file I/O */

/* ---------------------------------------------------------- the commands */

/* Image (through the overlay) -> buffer.  0 or a negative errno. */
static int disk_do_read(struct disk *k)
{
	uint64_t bytes = k->r_count * DISK_SECTOR_SIZE;
	int r = hostio_pread_all(k->fd, k->buf, bytes, k->r_sector * DISK_SECTOR_SIZE);
	if (r < 0)
		return r;
	for (uint64_t i = 0; i < k->r_count && k->ndirty; i++) {
		const struct ov_sector *e = ov_find(k, k->r_sector + i);
		if (e)
			memcpy(k->buf + i * DISK_SECTOR_SIZE, e->data, DISK_SECTOR_SIZE);
	}
	return 0;
}

/* Buffer -> overlay.  Allocates every new entry first, so that running out
 * of memory writes nothing.  0 or -ENOMEM. */
static int disk_do_write(struct disk *k)
{
	struct ov_sector *fresh = NULL;
	for (uint64_t i = 0; i < k->r_count; i++) {
		if (ov_find(k, k->r_sector + i))
			continue;
		struct ov_sector *e = malloc(sizeof(*e));
		if (!e) {
			while (fresh) {
				e = fresh->next;
				free(fresh);
				fresh = e;
			}
			return -ENOMEM;
		}
		e->sector = k->r_sector + i;
		e->next = fresh;
		fresh = e;
	}
	while (fresh) {
		struct ov_sector *e = fresh;
		fresh = e->next;
		ov_link(k, e);
		k->ndirty++;
	}
	ov_grow(k);
	for (uint64_t i = 0; i < k->r_count; i++) {
		struct ov_sector *e = ov_find(k, k->r_sector + i);
		memcpy(e->data, k->buf + i * DISK_SECTOR_SIZE, DISK_SECTOR_SIZE);
	}
	return 0;
}

/* Overlay -> image, then fdatasync.  On failure the overlay stays whole, so
 * a later flush writes it again.  0 or a negative errno. */
static int disk_do_flush(struct disk *k)
{
	for (size_t i = 0; i < k->nbuckets; i++) {
		for (struct ov_sector *e = k->buckets[i]; e; e = e->next) {
			int r = hostio_pwrite_all(k->fd, e->data, DISK_SECTOR_SIZE,
						  e->sector * DISK_SECTOR_SIZE);
			if (r < 0)
				return r;
		}
	}
	if (fdatasync(k->fd) < 0)
		return -errno;
	ov_drop(k);
	return 0;
}

/* Is the latched request well formed?  0 or the negative errno it fails with. */
static int disk_check(const struct disk *k)
{
	if (k->r_cmd == DISK_CMD_FLUSH)
		return 0;
	if (k->r_cmd != DISK_CMD_READ && k->r_cmd != DISK_CMD_WRITE)
		return -EINVAL;
	if (k->r_count == 0 || k->r_count > DISK_MAX_SECTORS)
		return -EINVAL;
	if (k->r_sector > k->nsectors || k->r_count > k->nsectors - k->r_sector)
		return k->r_cmd == DISK_CMD_WRITE ? -ENOSPC : -EINVAL;
	return 0;
}

static int disk_fault_id(unsigned cmd)
{
	switch (cmd) {
	case DISK_CMD_READ:
		return FP_DISK_READ;
	case DISK_CMD_WRITE:
		return FP_DISK_WRITE;
	default:
		return FP_DISK_FLUSH;
	}
}

/* Carry out the latched request: 0 or the negative errno it fails with. */
static int disk_perform(struct disk *k)
{
	if (k->r_power_lost)
		return -EIO;
	int r = disk_check(k);
	if (r < 0)
		return r;
	if (k->fail_next > 0) {
		k->fail_next--;
		return -EIO;
	}
	if (fault_point(disk_fault_id(k->r_cmd)))
		return -EIO;
	switch (k->r_cmd) {
	case DISK_CMD_READ:
		return disk_do_read(k);
	case DISK_CMD_WRITE:
		return disk_do_write(k);
	default:
		return disk_do_flush(k);
	}
}

/* The completion event: do the work, report it, interrupt. */
static void disk_complete(void *arg, uint64_t data)
{
	struct disk *k = arg;
	(void)data;
	int r = disk_perform(k);
	k->r_event = 0;
	k->r_power_lost = false;
	k->status = r < 0 ? DISK_ERROR : DISK_DONE;
	k->error = r < 0 ? (uint64_t)-r : 0;
	dev_raise_irq(&k->dev);
}

/* Latch a command and schedule its completion. */
static void disk_start(struct disk *k, unsigned cmd)
{
	k->r_cmd = cmd;
	k->r_sector = k->sector;
	k->r_count = k->count;
	k->r_power_lost = false;
	k->status = DISK_BUSY;
	k->error = 0;

	uint64_t latency;
	if (cmd == DISK_CMD_FLUSH)
		latency = disk_flush_latency_ns(k->ndirty * DISK_SECTOR_SIZE);
	else if (disk_check(k) == 0)
		latency = disk_latency_ns(k->r_count * DISK_SECTOR_SIZE);
	else
		latency = disk_latency_ns(0);
	struct sim_clock *c = k->dev.bus->clock;
	k->r_event = clock_schedule(c, c->now + latency, disk_complete, k, 0);
	if (!k->r_event) { /* the event queue is full: fail at once */
		k->status = DISK_ERROR;
		k->error = EAGAIN;
		dev_raise_irq(&k->dev);
	}
}

/* ------------------------------------------------------- the device ops */

static uint64_t disk_read_reg(struct sim_device *d, unsigned reg)
{
	struct disk *k = d->priv;
	switch (reg) {
	case DISK_REG_STATUS:
		return k->status;
	case DISK_REG_SECTOR:
		return k->sector;
	case DISK_REG_COUNT:
		return k->count;
	case DISK_REG_ERROR:
		return k->error;
	case DISK_REG_SIZE:
		return k->size;
	default:
		return 0;
	}
}

static void disk_write_reg(struct sim_device *d, unsigned reg, uint64_t value)
{
	struct disk *k = d->priv;
	switch (reg) {
	case DISK_REG_SECTOR:
		k->sector = value;
		break;
	case DISK_REG_COUNT:
		k->count = value;
		break;
	case DISK_REG_CMD:
		if (k->status != DISK_BUSY)
			disk_start(k, (unsigned)(value > 0xffff ? 0 : value));
		break;
	default:
		break;
	}
}

static int disk_dma(struct sim_device *d, uint64_t off, void *buf, size_t len, int to_device)
{
	struct disk *k = d->priv;
	if (k->status == DISK_BUSY)
		return -EBUSY;
	if (off > DISK_BUF_SIZE || len > DISK_BUF_SIZE - off)
		return -EINVAL;
	if (to_device)
		memcpy(k->buf + off, buf, len);
	else
		memcpy(buf, k->buf + off, len);
	return 0;
}

/* Unflushed writes are lost, as when a real machine is switched off. */
static void disk_destroy(struct sim_device *d)
{
	struct disk *k = d->priv;
	if (k->r_event && d->bus)
		clock_cancel(d->bus->clock, k->r_event);
	ov_drop(k);
	free(k->buckets);
	close(k->fd);
	free(k);
}

static const struct sim_device_ops disk_ops = {
	.read_reg = disk_read_reg,
	.write_reg = disk_write_reg,
	.dma = disk_dma,
	.destroy = disk_destroy,
};

/* ------------------------------------------------------------- creation */

struct sim_device *disk_create(const char *path, int irq, int *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		*err = -errno;
		close(fd);
		return NULL;
	}
	if (size == 0 || size % DISK_SECTOR_SIZE) {
		*err = -EINVAL;
		close(fd);
		return NULL;
	}
	struct disk *k = calloc(1, sizeof(*k));
	struct ov_sector **buckets = calloc(OV_MIN_BUCKETS, sizeof(*buckets));
	if (!k || !buckets) {
		free(k);
		free(buckets);
		close(fd);
		*err = -ENOMEM;
		return NULL;
	}
	k->fd = fd;
	k->size = (uint64_t)size;
	k->nsectors = k->size / DISK_SECTOR_SIZE;
	k->buckets = buckets;
	k->nbuckets = OV_MIN_BUCKETS;
	k->status = DISK_IDLE;
	k->dev.name = "disk";
	k->dev.irq = irq;
	k->dev.ops = &disk_ops;
	k->dev.priv = k;
	*err = 0;
	return &k->dev;
}

/* ------------------------------------------------------------ fault hooks */

int disk_fail_next(struct sim_device *d, unsigned n)
{
	struct disk *k = to_disk(d);
	if (!k)
		return -EINVAL;
	k->fail_next = n;
	return 0;
}

long disk_power_cut(struct sim_device *d)
{
	struct disk *k = to_disk(d);
	if (!k)
		return -EINVAL;
	long lost = (long)k->ndirty;
	ov_drop(k);
	if (k->status == DISK_BUSY)
		k->r_power_lost = true;
	return lost;
}

size_t disk_dirty_sectors(struct sim_device *d)
{
	struct disk *k = to_disk(d);
	return k ? k->ndirty : 0;
}
