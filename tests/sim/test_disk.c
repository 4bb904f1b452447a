/*
 * tests/sim/test_disk.c - the disk device alone (sim/disk.c), driven by
 * calling its ops directly on a clock and bus built here, as the kernel's
 * SYS_DEVIO / SYS_DMA would.
 *
 * Pins: attach reports the image size and refuses what is not an image
 * (missing, empty, not a multiple of 512, a directory) with its error;
 * bus_find names devices; a READ returns the image after exactly
 * disk_latency_ns and then raises the IRQ once; a WRITE stays in the
 * overlay (reads see it, the file does not) until a FLUSH writes it and
 * takes disk_flush_latency_ns; a power cut drops exactly the unflushed
 * sectors and fails a request in flight; disk_fail_next(n) fails the next
 * n well-formed requests with EIO and nothing else; the FP_DISK_* fault
 * points fail their command; requests outside the image are refused
 * (READ: EINVAL, WRITE: ENOSPC) and never grow the file; a command while
 * busy is ignored; DMA is refused while busy or outside the buffer;
 * destroying the disk loses its unflushed writes.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kip/error.h"
#include "kip/fault_point.h"
#include "sim/disk.h"
#include "tests/kip_test.h"

#define TD_IRQ 14
#define TD_SECTORS 1024 /* the image: 512 KiB */
#define TD_SIZE (TD_SECTORS * DISK_SECTOR_SIZE)

static struct {
	struct sim_clock clock;
	struct sim_bus bus;
	struct sim_device *d;
	char path[64];
	int irqs, last_irq;
	uint64_t irq_at;
} td;

static void td_raise_irq(void *ctx, int irq)
{
	(void)ctx;
	td.irqs++;
	td.last_irq = irq;
	td.irq_at = td.clock.now;
}

/* The image's original byte at offset i: differs from sector to sector. */
static uint8_t td_orig(uint64_t i)
{
	return (uint8_t)(i * 7 + i / DISK_SECTOR_SIZE * 31 + 1);
}

static uint8_t td_new(uint64_t i, uint8_t seed)
{
	return (uint8_t)(i * 13 + seed);
}

/* Create a temporary image of `size` bytes holding td_orig; 0 or -1. */
static int td_make_image(size_t size)
{
	strcpy(td.path, "/tmp/kip-disk-test-XXXXXX");
	int fd = mkstemp(td.path);
	if (fd < 0)
		return -1;
	uint8_t *buf = malloc(size ? size : 1);
	for (size_t i = 0; i < size; i++)
		buf[i] = td_orig(i);
	ssize_t n = write(fd, buf, size);
	free(buf);
	close(fd);
	return n == (ssize_t)size ? 0 : -1;
}

/* A clock, a bus with the scratch device (0) and a disk (1) on a fresh
 * TD_SIZE image. */
static void td_open(void)
{
	memset(&td, 0, sizeof(td));
	td.last_irq = -1;
	CU_ASSERT_FATAL(td_make_image(TD_SIZE) == 0);
	clock_init(&td.clock, 0);
	bus_init(&td.bus, &td.clock, td_raise_irq, NULL);
	bus_attach(&td.bus, scratch_create(3));
	int err = 1;
	td.d = disk_create(td.path, TD_IRQ, &err);
	CU_ASSERT_FATAL(td.d != NULL);
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL_FATAL(bus_attach(&td.bus, td.d), 1);
}

static void td_close(void)
{
	bus_fini(&td.bus);
	unlink(td.path);
}

static uint64_t td_reg(unsigned reg)
{
	return td.d->ops->read_reg(td.d, reg);
}

/* Start a command. */
static void td_cmd(unsigned cmd, uint64_t sector, uint64_t count)
{
	td.d->ops->write_reg(td.d, DISK_REG_SECTOR, sector);
	td.d->ops->write_reg(td.d, DISK_REG_COUNT, count);
	td.d->ops->write_reg(td.d, DISK_REG_CMD, cmd);
}

/* Let virtual time run to the request's completion; returns how long it
 * took, or 0 if nothing was pending. */
static uint64_t td_wait(void)
{
	uint64_t start = td.clock.now, when;
	if (!clock_next(&td.clock, &when))
		return 0;
	td.clock.now = when;
	clock_fire_due(&td.clock);
	return when - start;
}

/* A whole command: start, wait; returns STATUS (the ERROR register in *err). */
static uint64_t td_run(unsigned cmd, uint64_t sector, uint64_t count, uint64_t *err)
{
	td_cmd(cmd, sector, count);
	td_wait();
	if (err)
		*err = td_reg(DISK_REG_ERROR);
	return td_reg(DISK_REG_STATUS);
}

static int td_dma(void *buf, size_t len, int to_device)
{
	return td.d->ops->dma(td.d, 0, buf, len, to_device);
}

/* Fill the transfer buffer with td_new(sector * 512 + i, seed). */
static void td_fill(uint64_t sector, uint64_t count, uint8_t seed)
{
	static uint8_t buf[DISK_BUF_SIZE];
	for (uint64_t i = 0; i < count * DISK_SECTOR_SIZE; i++)
		buf[i] = td_new(sector * DISK_SECTOR_SIZE + i, seed);
	CU_ASSERT_EQUAL(td_dma(buf, count * DISK_SECTOR_SIZE, 1), 0);
}

/* Bytes of [sector, sector + count) in `buf` that differ from what is
 * expected: seed 0 = the original image, else td_new(., seed). */
static int td_mismatches(const uint8_t *buf, uint64_t sector, uint64_t count, uint8_t seed)
{
	int bad = 0;
	for (uint64_t i = 0; i < count * DISK_SECTOR_SIZE; i++) {
		uint64_t at = sector * DISK_SECTOR_SIZE + i;
		bad += buf[i] != (seed ? td_new(at, seed) : td_orig(at));
	}
	return bad;
}

/* Mismatches of the device's view (a READ, then DMA out). */
static int td_device_mismatches(uint64_t sector, uint64_t count, uint8_t seed)
{
	static uint8_t buf[DISK_BUF_SIZE];
	if (td_run(DISK_CMD_READ, sector, count, NULL) != DISK_DONE)
		return -1;
	if (td_dma(buf, count * DISK_SECTOR_SIZE, 0) != 0)
		return -1;
	return td_mismatches(buf, sector, count, seed);
}

/* Mismatches of the image file itself. */
static int td_file_mismatches(uint64_t sector, uint64_t count, uint8_t seed)
{
	static uint8_t buf[DISK_BUF_SIZE];
	int fd = open(td.path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = count * DISK_SECTOR_SIZE;
	ssize_t n = pread(fd, buf, len, (off_t)(sector * DISK_SECTOR_SIZE));
	close(fd);
	return n == (ssize_t)len ? td_mismatches(buf, sector, count, seed) : -1;
}

static off_t td_file_size(void)
{
	struct stat st;
	return stat(td.path, &st) == 0 ? st.st_size : -1;
}

/* ------------------------------------------------------------ attaching */

static int td_create_err(const char *path)
{
	int err = 0;
	struct sim_device *d = disk_create(path, TD_IRQ, &err);
	if (d)
		d->ops->destroy(d);
	return err;
}

static int td_sized_image_err(size_t size)
{
	CU_ASSERT_FATAL(td_make_image(size) == 0);
	int err = td_create_err(td.path);
	unlink(td.path);
	return err;
}

static void test_attach_and_bad_images(void)
{
	td_open();
	CU_ASSERT_EQUAL(td_reg(DISK_REG_SIZE), TD_SIZE);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_IDLE);
	CU_ASSERT_EQUAL(td.d->irq, TD_IRQ);
	CU_ASSERT_STRING_EQUAL(td.d->name, "disk");
	CU_ASSERT_EQUAL(bus_find(&td.bus, "scratch"), 0);
	CU_ASSERT_EQUAL(bus_find(&td.bus, "disk"), 1);
	CU_ASSERT_EQUAL(bus_find(&td.bus, "tape"), -ENODEV);
	td_close();

	CU_ASSERT_EQUAL(td_create_err("/tmp/kip-disk-test-no-such-image"), -ENOENT);
	CU_ASSERT_EQUAL(td_create_err("/tmp"), -EISDIR);
	CU_ASSERT_EQUAL(td_sized_image_err(0), -EINVAL);
	CU_ASSERT_EQUAL(td_sized_image_err(1000), -EINVAL);
	CU_ASSERT_EQUAL(td_sized_image_err(1024), 0);
}

/* ------------------------------------------------------- reads, latency */

static void test_read_after_exact_latency(void)
{
	td_open();
	td_cmd(DISK_CMD_READ, 3, 4);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_BUSY);
	CU_ASSERT_EQUAL(clock_pending(&td.clock), 1);
	CU_ASSERT_EQUAL(td_wait(), DISK_SEEK_NS + 2 * DISK_NS_PER_KIB);
	CU_ASSERT_EQUAL(disk_latency_ns(4 * DISK_SECTOR_SIZE), DISK_SEEK_NS + 2 * DISK_NS_PER_KIB);
	CU_ASSERT_EQUAL(td.irqs, 1);
	CU_ASSERT_EQUAL(td.last_irq, TD_IRQ);
	CU_ASSERT_EQUAL(td.irq_at, DISK_SEEK_NS + 2 * DISK_NS_PER_KIB);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_DONE);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_ERROR), 0);
	uint8_t buf[4 * DISK_SECTOR_SIZE];
	CU_ASSERT_EQUAL(td_dma(buf, sizeof(buf), 0), 0);
	CU_ASSERT_EQUAL(td_mismatches(buf, 3, 4, 0), 0);

	/* One sector is half a KiB: a KiB started is a KiB charged. */
	td_cmd(DISK_CMD_READ, 0, 1);
	CU_ASSERT_EQUAL(td_wait(), DISK_SEEK_NS + DISK_NS_PER_KIB);
	td_close();
}

static void test_whole_buffer_round_trip(void)
{
	td_open();
	td_fill(1, DISK_MAX_SECTORS, 0x41);
	td_cmd(DISK_CMD_WRITE, 1, DISK_MAX_SECTORS);
	CU_ASSERT_EQUAL(td_wait(), DISK_SEEK_NS + DISK_BUF_SIZE / 1024 * DISK_NS_PER_KIB);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_DONE);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), DISK_MAX_SECTORS);
	CU_ASSERT_EQUAL(td_device_mismatches(1, DISK_MAX_SECTORS, 0x41), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(0, 1, 0), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(DISK_MAX_SECTORS + 1, 1, 0), 0);

	/* Enough sectors to grow the overlay's table several times, all
	 * found again, all flushed. */
	for (uint64_t s = DISK_MAX_SECTORS + 1; s < TD_SECTORS; s += DISK_MAX_SECTORS) {
		uint64_t n = TD_SECTORS - s < DISK_MAX_SECTORS ? TD_SECTORS - s : DISK_MAX_SECTORS;
		td_fill(s, n, 0x42);
		CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, s, n, NULL), DISK_DONE);
	}
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), TD_SECTORS - 1);
	CU_ASSERT_EQUAL(td_device_mismatches(1, DISK_MAX_SECTORS, 0x41), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(TD_SECTORS - DISK_MAX_SECTORS, DISK_MAX_SECTORS, 0x42),
			0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(0, 1, 0), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(1, DISK_MAX_SECTORS, 0x41), 0);
	for (uint64_t s = DISK_MAX_SECTORS + 1; s + DISK_MAX_SECTORS <= TD_SECTORS;
	     s += DISK_MAX_SECTORS)
		CU_ASSERT_EQUAL(td_file_mismatches(s, DISK_MAX_SECTORS, 0x42), 0);
	td_close();
}

/* ------------------------------------------------- overlay and flushing */

static void test_write_stays_in_overlay_until_flush(void)
{
	td_open();
	td_fill(10, 2, 0x55);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 10, 2, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(td.irqs, 1);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 2);
	CU_ASSERT_EQUAL(td_file_mismatches(10, 2, 0), 0); /* not in the file yet */
	/* Reads see the overlay where it has the sector, the image elsewhere. */
	CU_ASSERT_EQUAL(td_device_mismatches(9, 1, 0), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(10, 2, 0x55), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(12, 1, 0), 0);

	/* Rewriting a sector replaces it in the overlay. */
	td_fill(11, 1, 0x66);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 11, 1, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 2);

	td_cmd(DISK_CMD_FLUSH, 0, 0);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_BUSY);
	CU_ASSERT_EQUAL(td_wait(), disk_flush_latency_ns(2 * DISK_SECTOR_SIZE));
	CU_ASSERT_EQUAL(disk_flush_latency_ns(1024), DISK_FLUSH_NS + DISK_NS_PER_KIB);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_DONE);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(10, 1, 0x55), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(11, 1, 0x66), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(9, 1, 0), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(12, 1, 0), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(11, 1, 0x66), 0);

	/* An empty flush costs only the fixed part. */
	td_cmd(DISK_CMD_FLUSH, 0, 0);
	CU_ASSERT_EQUAL(td_wait(), DISK_FLUSH_NS);
	td_close();
}

static void test_destroy_loses_unflushed_writes(void)
{
	td_open();
	td_fill(4, 1, 0x77);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 4, 1, NULL), DISK_DONE);
	bus_fini(&td.bus);
	CU_ASSERT_EQUAL(td_file_mismatches(4, 1, 0), 0);
	unlink(td.path);
}

/* ------------------------------------------------------------ power cut */

static void test_power_cut_drops_only_unflushed_writes(void)
{
	uint64_t err;
	td_open();
	td_fill(0, 1, 0x11);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 0, 1, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, NULL), DISK_DONE);
	td_fill(0, 3, 0x22); /* over the flushed sector and two more */
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 0, 3, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(td_device_mismatches(0, 3, 0x22), 0);

	CU_ASSERT_EQUAL(disk_power_cut(td.d), 3);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(0, 1, 0x11), 0); /* the flushed one */
	CU_ASSERT_EQUAL(td_device_mismatches(1, 2, 0), 0);    /* the image's */
	CU_ASSERT_EQUAL(td_file_mismatches(0, 1, 0x11), 0);
	CU_ASSERT_EQUAL(td_file_mismatches(1, 2, 0), 0);

	/* A write in flight when the power goes never lands. */
	td_fill(5, 1, 0x33);
	td_cmd(DISK_CMD_WRITE, 5, 1);
	CU_ASSERT_EQUAL(disk_power_cut(td.d), 0);
	td_wait();
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_ERROR);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_ERROR), EIO);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	CU_ASSERT_EQUAL(td_device_mismatches(5, 1, 0), 0);

	/* And the disk works on afterwards. */
	td_fill(5, 1, 0x34);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 5, 1, &err), DISK_DONE);
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(td_device_mismatches(5, 1, 0x34), 0);
	CU_ASSERT_EQUAL(disk_power_cut(&(struct sim_device){0}), -EINVAL);
	td_close();
}

/* ---------------------------------------------------------- fail_next */

static void test_fail_next_fails_n_requests_with_eio(void)
{
	uint64_t err;
	td_open();
	CU_ASSERT_EQUAL(disk_fail_next(td.d, 2), 0);
	td_fill(2, 1, 0x99);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 2, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EIO);
	CU_ASSERT_EQUAL(td.irqs, 1); /* a failure interrupts too */
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	/* A malformed request is refused for what it is, and uses no failure. */
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, 2, 0, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EINVAL);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, 2, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EIO);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, 2, 1, &err), DISK_DONE);
	CU_ASSERT_EQUAL(err, 0);

	/* 0 disarms. */
	disk_fail_next(td.d, 5);
	disk_fail_next(td.d, 0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, NULL), DISK_DONE);
	/* A failed flush keeps the overlay. */
	td_fill(2, 1, 0x98);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 2, 1, NULL), DISK_DONE);
	disk_fail_next(td.d, 1);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EIO);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 1);
	CU_ASSERT_EQUAL(td_file_mismatches(2, 1, 0), 0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(td_file_mismatches(2, 1, 0x98), 0);
	CU_ASSERT_EQUAL(disk_fail_next(&(struct sim_device){0}, 1), -EINVAL);
	td_close();
}

/* --------------------------------------------------------- fault points */

static void test_fault_points_fail_their_command(void)
{
	uint64_t err;
	td_open();
	kip_fault_disarm_all();
	CU_ASSERT_EQUAL(kip_fault_arm(FP_DISK_WRITE, 1, 1), 0);
	td_fill(7, 1, 0x21);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, 7, 1, NULL), DISK_DONE); /* not a write */
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 7, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EIO);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	td_fill(7, 1, 0x21);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 7, 1, NULL), DISK_DONE);

	CU_ASSERT_EQUAL(kip_fault_arm(FP_DISK_READ, 1, 1), 0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, 7, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EIO);
	CU_ASSERT_EQUAL(td_device_mismatches(7, 1, 0x21), 0);

	CU_ASSERT_EQUAL(kip_fault_arm(FP_DISK_FLUSH, 1, 1), 0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EIO);
	CU_ASSERT_EQUAL(td_file_mismatches(7, 1, 0), 0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(td_file_mismatches(7, 1, 0x21), 0);

	CU_ASSERT_EQUAL(kip_fault_hits(FP_DISK_WRITE), 2);
	CU_ASSERT_EQUAL(kip_fault_hits(FP_DISK_FLUSH), 2);
	kip_fault_disarm_all();
	td_close();
}

/* --------------------------------------------------------- bad requests */

static void test_requests_outside_the_image_are_refused(void)
{
	uint64_t err;
	td_open();
	td_fill(0, 2, 0x5a);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, TD_SECTORS - 1, 2, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EINVAL);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_READ, TD_SECTORS, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EINVAL);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, TD_SECTORS - 1, 2, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, ENOSPC);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, TD_SECTORS, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, ENOSPC);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, UINT64_MAX, 2, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, ENOSPC);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 0, 0, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EINVAL);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, 0, DISK_MAX_SECTORS + 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EINVAL);
	CU_ASSERT_EQUAL(td_run(9, 0, 1, &err), DISK_ERROR);
	CU_ASSERT_EQUAL(err, EINVAL);
	/* A refused request costs the fixed part only. */
	td_cmd(DISK_CMD_READ, TD_SECTORS, 1);
	CU_ASSERT_EQUAL(td_wait(), disk_latency_ns(0));
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	CU_ASSERT_EQUAL(td_run(DISK_CMD_FLUSH, 0, 0, NULL), DISK_DONE);
	CU_ASSERT_EQUAL(td_file_size(), TD_SIZE); /* nothing past the end */

	/* The last sector is inside. */
	CU_ASSERT_EQUAL(td_run(DISK_CMD_WRITE, TD_SECTORS - 1, 1, &err), DISK_DONE);
	CU_ASSERT_EQUAL(err, 0);

	/* DMA outside the buffer, or while the device works, is refused. */
	uint8_t b[16];
	CU_ASSERT_EQUAL(td.d->ops->dma(td.d, DISK_BUF_SIZE - 8, b, 16, 0), -EINVAL);
	CU_ASSERT_EQUAL(td.d->ops->dma(td.d, DISK_BUF_SIZE - 16, b, 16, 0), 0);
	td_cmd(DISK_CMD_READ, 0, 1);
	CU_ASSERT_EQUAL(td_dma(b, sizeof(b), 0), -EBUSY);
	td_wait();
	CU_ASSERT_EQUAL(td_dma(b, sizeof(b), 0), 0);
	td_close();
}

static void test_command_while_busy_is_ignored(void)
{
	td_open();
	td_cmd(DISK_CMD_READ, 0, 1);
	td_cmd(DISK_CMD_WRITE, 0, 1);
	CU_ASSERT_EQUAL(clock_pending(&td.clock), 1);
	td_wait();
	CU_ASSERT_EQUAL(td.irqs, 1);
	CU_ASSERT_EQUAL(td_reg(DISK_REG_STATUS), DISK_DONE);
	CU_ASSERT_EQUAL(disk_dirty_sectors(td.d), 0);
	CU_ASSERT_EQUAL(clock_pending(&td.clock), 0);
	td_close();
}

static const struct kip_test disk_tests[] = {
	{"attach: size, bus_find, bad images refused", test_attach_and_bad_images},
	{"a READ completes after exactly its latency, one IRQ", test_read_after_exact_latency},
	{"a whole-buffer WRITE and READ", test_whole_buffer_round_trip},
	{"writes stay in the overlay until a FLUSH", test_write_stays_in_overlay_until_flush},
	{"destroying the disk loses unflushed writes", test_destroy_loses_unflushed_writes},
	{"a power cut drops only unflushed writes", test_power_cut_drops_only_unflushed_writes},
	{"fail_next(n) fails n requests with EIO", test_fail_next_fails_n_requests_with_eio},
	{"FP_DISK_* fault points fail their command", test_fault_points_fail_their_command},
	{"requests outside the image are refused", test_requests_outside_the_image_are_refused},
	{"a command while busy is ignored", test_command_while_busy_is_ignored},
	{NULL, NULL},
};

KIP_TEST_SUITE(disk, disk_tests);
