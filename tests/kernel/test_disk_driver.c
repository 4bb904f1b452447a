/*
 * tests/kernel/test_disk_driver.c - the disk driver (servers/disk/) on the
 * disk device (sim/disk.c), in a booted kernel with a temporary image, and
 * the boot wiring that gives a driver its device (kernel/boot.c).
 *
 * Pins: a client writes through a grant with BDEV_WRITE, reads it back with
 * BDEV_READ, and BDEV_OPEN reports the size; the image file holds the data
 * after BDEV_FLUSH and not before (a run that never flushes leaves the file
 * as it was; a power cut drops the unflushed write only); a request longer
 * than the device's buffer runs in chunks; requests from two clients queue
 * and both complete with their own data, the second served after the
 * first; bad requests (bad, foreign, read-only or short grants, out of
 * range, unaligned, too long, unknown type) get their errors and leave the
 * driver working; injected disk errors (disk_fail_next, FP_DISK_*) reach
 * the client as -EIO; without the device grant the driver cannot start;
 * kernel_grant_device / kernel_spawn_driver / kernel_device_find refuse
 * what they must; an image that cannot be attached fails the boot.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kip/driver.h"
#include "kip/error.h"
#include "kip/fault_point.h"
#include "kip/grant.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "kernel/kernel.h"
#include "sim/disk.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define DD_SIZE (1u << 20) /* the image */
#define DD_PAGE 4096u

static struct {
	char path[64];
	endpoint_t driver;
	int dev, irq;
	int ok, ok_b;
	int r[32];
	int bad[8]; /* mismatching bytes, per check */
	uint64_t size, id;
	uint64_t t_a_sent, t_a_done, t_b_sent, t_b_done;
} dd;

/* The image's original byte at offset i, and the bytes the tests write. */
static uint8_t dd_orig(uint64_t i)
{
	return (uint8_t)(i * 5 + i / 512 * 17 + 3);
}

static uint8_t dd_pat(uint64_t i, uint8_t seed)
{
	return (uint8_t)(i * 11 + seed);
}

/* ---------------------------------------------------------- host side */

static int dd_make_image(void)
{
	strcpy(dd.path, "/tmp/kip-diskdrv-test-XXXXXX");
	int fd = mkstemp(dd.path);
	if (fd < 0)
		return -1;
	uint8_t *buf = malloc(DD_SIZE);
	for (uint64_t i = 0; i < DD_SIZE; i++)
		buf[i] = dd_orig(i);
	ssize_t n = write(fd, buf, DD_SIZE);
	free(buf);
	close(fd);
	return n == (ssize_t)DD_SIZE ? 0 : -1;
}

/* Boot with a fresh image attached and start the driver. */
static void dd_boot(void)
{
	struct kip_config cfg;
	memset(&dd, 0, sizeof(dd));
	CU_ASSERT_FATAL(dd_make_image() == 0);
	kt_default_config(&cfg, 0);
	cfg.disk_image = dd.path;
	kt_boot_config(&cfg);
	dd.dev = kernel_device_find("disk", &dd.irq);
	CU_ASSERT(dd.dev >= 0);
	dd.driver = kernel_spawn_driver("disk", "disk");
	CU_ASSERT_FATAL(dd.driver >= 0);
}

/* Boot, run `client` (told the driver's endpoint) as init; its status. */
static int dd_run(const char *client)
{
	dd_boot();
	kt_spawn(client, (uint64_t)dd.driver, SPAWN_INIT);
	return kt_run();
}

/* Mismatching bytes of the image file over [pos, pos + len): seed 0 = the
 * original content, else dd_pat(., seed); -1 if it cannot be read. */
static int dd_file_mismatches(uint64_t pos, uint32_t len, uint8_t seed)
{
	uint8_t *buf = malloc(len);
	int fd = open(dd.path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, len, (off_t)pos);
	int bad = n == (ssize_t)len ? 0 : -1;
	for (uint32_t i = 0; bad >= 0 && i < len; i++)
		bad += buf[i] != (seed ? dd_pat(pos + i, seed) : dd_orig(pos + i));
	if (fd >= 0)
		close(fd);
	free(buf);
	return bad;
}

static void dd_cleanup(void)
{
	kip_fault_disarm_all();
	unlink(dd.path);
}

/* ------------------------------------------------------- client side */

/* A client's tools: its grant table and the driver. */
struct dd_client {
	struct kip_grants *grants;
	endpoint_t driver;
	uint64_t next_id;
};

static int dd_client_init(struct dd_client *c, uint64_t driver)
{
	c->grants = kip_grant_init(8);
	c->driver = (endpoint_t)driver;
	c->next_id = 1;
	return c->grants ? 0 : -1;
}

/* Send one BDEV request with the given grant; the reply's status. */
static int dd_request(struct dd_client *c, int type, uint64_t pos, uint32_t len, kip_grant_id grant)
{
	message m;
	kip_msg_init(&m, type);
	m.m_bdev.position = pos;
	m.m_bdev.len = len;
	m.m_bdev.grant = grant;
	m.m_bdev.id = c->next_id++;
	int r = kip_sendrec(c->driver, &m);
	if (r < 0)
		return r;
	if (m.m_type != -ENOSYS && m.m_bdev.id != c->next_id - 1)
		return -EBADREQUEST; /* the driver must return the tag */
	if (type == BDEV_OPEN)
		dd.size = m.m_bdev.dev_size;
	return m.m_type;
}

/* READ or WRITE through a grant made (and revoked) for this request. */
static int dd_io(struct dd_client *c, int type, uint64_t pos, void *buf, uint32_t len)
{
	int access = type == BDEV_READ ? KIP_GRANT_WRITE : KIP_GRANT_READ;
	kip_grant_id g = kip_grant_direct(c->grants, c->driver, buf, len, access);
	if (g < 0)
		return g;
	int r = dd_request(c, type, pos, len, g);
	kip_grant_revoke(c->grants, g);
	return r;
}

static void dd_fill(uint8_t *buf, uint64_t pos, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = dd_pat(pos + i, seed);
}

static int dd_mismatches(const uint8_t *buf, uint64_t pos, uint32_t len, uint8_t seed)
{
	int bad = 0;
	for (uint32_t i = 0; i < len; i++)
		bad += buf[i] != (seed ? dd_pat(pos + i, seed) : dd_orig(pos + i));
	return bad;
}

/* The disk device, for the fault hooks a test calls from inside kip. */
static struct sim_device *dd_device(void)
{
	return bus_device(&kern->bus, dd.dev);
}

/* ------------------------------------------- write, read, flush, files */

#define DD_RW_POS 4096u
#define DD_RW_LEN 8192u

static int dd_rw_main(uint64_t driver)
{
	struct dd_client c;
	uint8_t *out = kip_page_alloc(2), *in = kip_page_alloc(2);
	if (!out || !in || dd_client_init(&c, driver) < 0)
		return 1;
	dd.r[0] = dd_request(&c, BDEV_OPEN, 0, 0, KIP_GRANT_INVALID);
	dd_fill(out, DD_RW_POS, DD_RW_LEN, 0x10);
	dd.r[1] = dd_io(&c, BDEV_WRITE, DD_RW_POS, out, DD_RW_LEN);
	dd.r[2] = dd_io(&c, BDEV_READ, DD_RW_POS, in, DD_RW_LEN);
	dd.bad[0] = dd_mismatches(in, DD_RW_POS, DD_RW_LEN, 0x10);
	dd.r[3] = dd_io(&c, BDEV_READ, 0, in, DD_RW_POS); /* untouched */
	dd.bad[1] = dd_mismatches(in, 0, DD_RW_POS, 0);
	dd.r[4] = dd_request(&c, BDEV_FLUSH, 0, 0, KIP_GRANT_INVALID);
	dd.ok = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_rw, dd_rw_main, 2, KIP_PROG_SYSTEM);

static void test_write_read_flush(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_rw"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT_EQUAL(dd.r[0], 0);
	CU_ASSERT_EQUAL(dd.size, DD_SIZE);
	CU_ASSERT_EQUAL(dd.r[1], DD_RW_LEN);
	CU_ASSERT_EQUAL(dd.r[2], DD_RW_LEN);
	CU_ASSERT_EQUAL(dd.bad[0], 0);
	CU_ASSERT_EQUAL(dd.r[3], DD_RW_POS);
	CU_ASSERT_EQUAL(dd.bad[1], 0);
	CU_ASSERT_EQUAL(dd.r[4], 0);
	/* Flushed: the image file has it. */
	CU_ASSERT_EQUAL(dd_file_mismatches(DD_RW_POS, DD_RW_LEN, 0x10), 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(0, DD_RW_POS, 0), 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(DD_RW_POS + DD_RW_LEN, 4096, 0), 0);
	dd_cleanup();
}

static int dd_noflush_main(uint64_t driver)
{
	struct dd_client c;
	uint8_t *out = kip_page_alloc(1), *in = kip_page_alloc(1);
	if (!out || !in || dd_client_init(&c, driver) < 0)
		return 1;
	dd_fill(out, 0, DD_PAGE, 0x20);
	dd.r[0] = dd_io(&c, BDEV_WRITE, 0, out, DD_PAGE);
	dd.r[1] = dd_io(&c, BDEV_READ, 0, in, DD_PAGE);
	dd.bad[0] = dd_mismatches(in, 0, DD_PAGE, 0x20);
	dd.ok = 1;
	return 0; /* no flush: the machine halts with the write unflushed */
}
KIP_PROGRAM(diskdrv_noflush, dd_noflush_main, 2, KIP_PROG_SYSTEM);

static void test_unflushed_write_never_reaches_the_file(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_noflush"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT_EQUAL(dd.r[0], DD_PAGE);
	CU_ASSERT_EQUAL(dd.r[1], DD_PAGE);
	CU_ASSERT_EQUAL(dd.bad[0], 0); /* the driver's reads saw it */
	CU_ASSERT_EQUAL(dd_file_mismatches(0, DD_PAGE, 0), 0);
	dd_cleanup();
}

static int dd_cut_main(uint64_t driver)
{
	struct dd_client c;
	uint8_t *out = kip_page_alloc(1), *in = kip_page_alloc(1);
	if (!out || !in || dd_client_init(&c, driver) < 0)
		return 1;
	dd_fill(out, 8192, 512, 0x30);
	dd.r[0] = dd_io(&c, BDEV_WRITE, 8192, out, 512);
	dd.r[1] = dd_request(&c, BDEV_FLUSH, 0, 0, KIP_GRANT_INVALID);
	dd_fill(out, 8192, 1024, 0x31);
	dd.r[2] = dd_io(&c, BDEV_WRITE, 8192, out, 1024);
	dd.r[3] = (int)disk_power_cut(dd_device()); /* the test's hand on the switch */
	dd.r[4] = dd_io(&c, BDEV_READ, 8192, in, 1024);
	dd.bad[0] = dd_mismatches(in, 8192, 512, 0x30);
	dd.bad[1] = dd_mismatches(in + 512, 8192 + 512, 512, 0);
	dd.ok = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_cut, dd_cut_main, 2, KIP_PROG_SYSTEM);

static void test_power_cut_loses_only_the_unflushed_write(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_cut"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT_EQUAL(dd.r[0], 512);
	CU_ASSERT_EQUAL(dd.r[1], 0);
	CU_ASSERT_EQUAL(dd.r[2], 1024);
	CU_ASSERT_EQUAL(dd.r[3], 2); /* two sectors lost */
	CU_ASSERT_EQUAL(dd.r[4], 1024);
	CU_ASSERT_EQUAL(dd.bad[0], 0);
	CU_ASSERT_EQUAL(dd.bad[1], 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(8192, 512, 0x30), 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(8192 + 512, 512, 0), 0);
	dd_cleanup();
}

/* ------------------------------------------------------- long requests */

#define DD_LONG_POS (64u * 1024)
#define DD_LONG_LEN (160u * 1024) /* two and a half device buffers */

static int dd_long_main(uint64_t driver)
{
	struct dd_client c;
	unsigned pages = DD_LONG_LEN / DD_PAGE;
	uint8_t *out = kip_page_alloc(pages), *in = kip_page_alloc(pages);
	if (!out || !in || dd_client_init(&c, driver) < 0)
		return 1;
	dd_fill(out, DD_LONG_POS, DD_LONG_LEN, 0x40);
	dd.r[0] = dd_io(&c, BDEV_WRITE, DD_LONG_POS, out, DD_LONG_LEN);
	dd.r[1] = dd_io(&c, BDEV_READ, DD_LONG_POS, in, DD_LONG_LEN);
	dd.bad[0] = dd_mismatches(in, DD_LONG_POS, DD_LONG_LEN, 0x40);
	dd.r[2] = dd_request(&c, BDEV_FLUSH, 0, 0, KIP_GRANT_INVALID);
	/* A device error in the second chunk fails the whole request. */
	kip_fault_arm(FP_DISK_WRITE, 2, 1);
	dd.r[3] = dd_io(&c, BDEV_WRITE, DD_LONG_POS, out, DD_LONG_LEN);
	dd.ok = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_long, dd_long_main, 2, KIP_PROG_SYSTEM);

static void test_long_requests_run_in_chunks(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_long"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT_EQUAL(dd.r[0], DD_LONG_LEN);
	CU_ASSERT_EQUAL(dd.r[1], DD_LONG_LEN);
	CU_ASSERT_EQUAL(dd.bad[0], 0);
	CU_ASSERT_EQUAL(dd.r[2], 0);
	CU_ASSERT_EQUAL(dd.r[3], -EIO);
	CU_ASSERT_EQUAL(dd_file_mismatches(DD_LONG_POS, DD_LONG_LEN, 0x40), 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(DD_LONG_POS + DD_LONG_LEN, 4096, 0), 0);
	dd_cleanup();
}

/* ------------------------------------------------- two clients, queued */

#define DD_PIECES 4
#define DD_PIECE 2048u

/* Write DD_PIECES pieces of the client's region, then read it back whole.
 * Statuses go to r[base ..], mismatches to bad[which]. */
static void dd_client_work(struct dd_client *c, uint64_t pos, uint8_t seed, int base, int which,
			   uint64_t *sent, uint64_t *done)
{
	uint8_t *buf = kip_page_alloc(2);
	if (!buf)
		return;
	dd_fill(buf, pos, DD_PIECES * DD_PIECE, seed);
	for (int i = 0; i < DD_PIECES; i++) {
		if (i == 0)
			*sent = kip_now();
		dd.r[base + i] = dd_io(c, BDEV_WRITE, pos + (uint64_t)i * DD_PIECE,
				       buf + i * DD_PIECE, DD_PIECE);
		if (i == 0)
			*done = kip_now();
	}
	memset(buf, 0, DD_PIECES * DD_PIECE);
	dd.r[base + DD_PIECES] = dd_io(c, BDEV_READ, pos, buf, DD_PIECES * DD_PIECE);
	dd.bad[which] = dd_mismatches(buf, pos, DD_PIECES * DD_PIECE, seed);
}

static int dd_b_main(uint64_t driver)
{
	struct dd_client c;
	if (dd_client_init(&c, driver) < 0)
		return 1;
	dd_client_work(&c, 65536, 0x60, 10, 1, &dd.t_b_sent, &dd.t_b_done);
	dd.ok_b = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_b, dd_b_main, 2, KIP_PROG_SYSTEM);

static int dd_a_main(uint64_t driver)
{
	struct dd_client c;
	struct kcall_event ev;
	if (dd_client_init(&c, driver) < 0)
		return 1;
	/* B runs as soon as A blocks on the driver, so it asks while A's
	 * first write is on the device. */
	if (kip_create("diskdrv_b", NULL, -1, driver) < 0)
		return 2;
	dd_client_work(&c, 0, 0x50, 0, 0, &dd.t_a_sent, &dd.t_a_done);
	if (kt_wait_event(&ev) < 0 || ev.kind != KIP_EV_EXIT)
		return 3;
	dd.ok = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_a, dd_a_main, 2, KIP_PROG_SYSTEM);

static void test_concurrent_requests_queue_and_complete(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_a"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT(dd.ok_b);
	for (int i = 0; i < DD_PIECES; i++) {
		CU_ASSERT_EQUAL(dd.r[i], DD_PIECE);
		CU_ASSERT_EQUAL(dd.r[10 + i], DD_PIECE);
	}
	CU_ASSERT_EQUAL(dd.r[DD_PIECES], DD_PIECES * DD_PIECE);
	CU_ASSERT_EQUAL(dd.r[10 + DD_PIECES], DD_PIECES * DD_PIECE);
	CU_ASSERT_EQUAL(dd.bad[0], 0);
	CU_ASSERT_EQUAL(dd.bad[1], 0);
	/* B asked while A's write was on the device, and waited its turn. */
	CU_ASSERT(dd.t_b_sent < dd.t_a_done);
	CU_ASSERT(dd.t_b_done >= dd.t_a_done + disk_latency_ns(DD_PIECE));
	CU_ASSERT(dd.t_a_done >= dd.t_a_sent + disk_latency_ns(DD_PIECE));
	dd_cleanup();
}

/* -------------------------------------------------------- bad requests */

static int dd_bad_main(uint64_t driver)
{
	struct dd_client c;
	uint8_t *buf = kip_page_alloc(1);
	if (!buf || dd_client_init(&c, driver) < 0)
		return 1;
	endpoint_t drv = c.driver;
	kip_grant_id g;
	/* Grants the driver cannot use. */
	dd.r[0] = dd_request(&c, BDEV_READ, 0, 512, 12345);
	g = kip_grant_direct(c.grants, KIP_SELF, buf, 512, KIP_GRANT_WRITE); /* not the driver's */
	dd.r[1] = dd_request(&c, BDEV_READ, 0, 512, g);
	g = kip_grant_direct(c.grants, drv, buf, 512, KIP_GRANT_READ); /* read-only */
	dd.r[2] = dd_request(&c, BDEV_READ, 0, 512, g);
	g = kip_grant_direct(c.grants, drv, buf, 512, KIP_GRANT_WRITE); /* write-only */
	dd.r[3] = dd_request(&c, BDEV_WRITE, 0, 512, g);
	g = kip_grant_direct(c.grants, drv, buf, 512, KIP_GRANT_READ | KIP_GRANT_WRITE);
	dd.r[4] = dd_request(&c, BDEV_READ, 0, 1024, g); /* longer than the grant */
	/* Outside the device, unaligned, too long. */
	dd.r[5] = dd_io(&c, BDEV_READ, DD_SIZE, buf, 512);
	dd.r[6] = dd_io(&c, BDEV_WRITE, DD_SIZE - 512, buf, 1024);
	dd.r[7] = dd_io(&c, BDEV_READ, ~0ull - 511, buf, 512);
	dd.r[8] = dd_io(&c, BDEV_READ, 100, buf, 512);
	dd.r[9] = dd_io(&c, BDEV_READ, 0, buf, 100);
	dd.r[10] = dd_request(&c, BDEV_READ, 0, BDEV_MAX_IO + 512, g);
	dd.r[11] = dd_request(&c, BDEV_OPEN + 10, 0, 512, g);
	dd.r[12] = dd_io(&c, BDEV_READ, 0, buf, 0);
	/* The driver is still fine. */
	dd.r[13] = dd_io(&c, BDEV_READ, DD_SIZE - 512, buf, 512);
	dd.bad[0] = dd_mismatches(buf, DD_SIZE - 512, 512, 0);
	dd.ok = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_bad, dd_bad_main, 2, KIP_PROG_SYSTEM);

static void test_bad_requests_get_errors(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_bad"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT_EQUAL(dd.r[0], -EINVAL); /* no such grant */
	CU_ASSERT_EQUAL(dd.r[1], -EPERM);  /* someone else's */
	CU_ASSERT_EQUAL(dd.r[2], -EPERM);  /* READ needs write access */
	CU_ASSERT_EQUAL(dd.r[3], -EPERM);  /* WRITE needs read access */
	CU_ASSERT_EQUAL(dd.r[4], -EINVAL); /* too short */
	CU_ASSERT_EQUAL(dd.r[5], -EINVAL);
	CU_ASSERT_EQUAL(dd.r[6], -ENOSPC);
	CU_ASSERT_EQUAL(dd.r[7], -EINVAL);
	CU_ASSERT_EQUAL(dd.r[8], -EINVAL);
	CU_ASSERT_EQUAL(dd.r[9], -EINVAL);
	CU_ASSERT_EQUAL(dd.r[10], -EINVAL);
	CU_ASSERT_EQUAL(dd.r[11], -ENOSYS);
	CU_ASSERT_EQUAL(dd.r[12], 0);
	CU_ASSERT_EQUAL(dd.r[13], 512);
	CU_ASSERT_EQUAL(dd.bad[0], 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(0, DD_SIZE, 0), 0);
	dd_cleanup();
}

/* --------------------------------------------------------- injected EIO */

static int dd_eio_main(uint64_t driver)
{
	struct dd_client c;
	uint8_t *buf = kip_page_alloc(1);
	if (!buf || dd_client_init(&c, driver) < 0)
		return 1;
	dd_fill(buf, 0, 1024, 0x70);
	disk_fail_next(dd_device(), 1);
	dd.r[0] = dd_io(&c, BDEV_WRITE, 0, buf, 1024);
	dd.r[1] = dd_io(&c, BDEV_WRITE, 0, buf, 1024);
	kip_fault_arm(FP_DISK_READ, 1, 1);
	dd.r[2] = dd_io(&c, BDEV_READ, 0, buf, 1024);
	memset(buf, 0, 1024);
	dd.r[3] = dd_io(&c, BDEV_READ, 0, buf, 1024);
	dd.bad[0] = dd_mismatches(buf, 0, 1024, 0x70);
	kip_fault_arm(FP_DISK_FLUSH, 1, 1);
	dd.r[4] = dd_request(&c, BDEV_FLUSH, 0, 0, KIP_GRANT_INVALID);
	dd.r[5] = dd_request(&c, BDEV_FLUSH, 0, 0, KIP_GRANT_INVALID);
	dd.ok = 1;
	return 0;
}
KIP_PROGRAM(diskdrv_eio, dd_eio_main, 2, KIP_PROG_SYSTEM);

static void test_disk_errors_reach_the_client(void)
{
	CU_ASSERT_EQUAL(dd_run("diskdrv_eio"), 0);
	CU_ASSERT(dd.ok);
	CU_ASSERT_EQUAL(dd.r[0], -EIO);
	CU_ASSERT_EQUAL(dd.r[1], 1024);
	CU_ASSERT_EQUAL(dd.r[2], -EIO);
	CU_ASSERT_EQUAL(dd.r[3], 1024);
	CU_ASSERT_EQUAL(dd.bad[0], 0);
	CU_ASSERT_EQUAL(dd.r[4], -EIO);
	CU_ASSERT_EQUAL(dd.r[5], 0);
	CU_ASSERT_EQUAL(dd_file_mismatches(0, 1024, 0x70), 0);
	dd_cleanup();
}

/* ------------------------------------------------------ the boot wiring */

static int dd_user_main(uint64_t arg)
{
	(void)arg;
	return 0;
}
KIP_PROGRAM(diskdrv_user, dd_user_main, 8, KIP_PROG_USER);

static void test_driver_needs_its_device_grant(void)
{
	dd_boot();
	/* A second driver, started by hand without the grant, gives up. */
	kernel_spawn("disk", "disk2", -1, kip_driver_arg(dd.dev, dd.irq), SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(kt_console(), "disk: cannot use device 1 (IRQ 14): EPERM"));
	dd_cleanup();
}

static void test_boot_wiring_refusals(void)
{
	int irq = -1;
	dd_boot();
	CU_ASSERT_EQUAL(dd.dev, 1);
	CU_ASSERT_EQUAL(dd.irq, KERNEL_DISK_IRQ);
	CU_ASSERT_EQUAL(kernel_device_find("scratch", &irq), 0);
	CU_ASSERT_EQUAL(irq, KERNEL_SCRATCH_IRQ);
	CU_ASSERT_EQUAL(kernel_device_find("tape", NULL), -ENODEV);
	endpoint_t user = kt_spawn("diskdrv_user", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kernel_grant_device(user, dd.dev, dd.irq), -EPERM);
	CU_ASSERT_EQUAL(kernel_grant_device(dd.driver, 9, -1), -ENODEV);
	CU_ASSERT_EQUAL(kernel_grant_device(dd.driver, -1, 40), -EINVAL);
	CU_ASSERT_EQUAL(kernel_grant_device(dd.driver + KIP_EP_GEN_SIZE, dd.dev, -1), -EDEADSRCDST);
	CU_ASSERT_EQUAL(kernel_grant_device(dd.driver, -1, -1), 0);
	CU_ASSERT_EQUAL(kernel_spawn_driver("disk", "tape"), -ENODEV);
	CU_ASSERT_EQUAL(kernel_spawn_driver("no-such-driver", "disk"), -ENOENT);
	CU_ASSERT_EQUAL(kernel_spawn_driver("diskdrv_user", "disk"), -EPERM);
	/* The driver got exactly its device and IRQ. */
	struct proc *p = proc_lookup(kern, dd.driver);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->p_priv->dev_mask, 1u << dd.dev);
	CU_ASSERT_EQUAL(p->p_priv->irq_mask, 1u << KERNEL_DISK_IRQ);
	CU_ASSERT_EQUAL(kt_run(), 0);
	dd_cleanup();

	/* No image configured: no disk. */
	kt_boot(0);
	CU_ASSERT_EQUAL(kernel_device_find("disk", NULL), -ENODEV);
	kt_spawn("diskdrv_user", 0, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
}

/* Boot with `image`; the error kernel_boot returns (stderr silenced). */
static int dd_boot_err(const char *image)
{
	struct kip_config cfg;
	kt_default_config(&cfg, 0);
	cfg.disk_image = image;
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	int r = kernel_boot(&cfg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	if (r == 0) {
		kernel_halt();
		return 0;
	}
	return r;
}

static void test_boot_fails_on_a_bad_image(void)
{
	CU_ASSERT_EQUAL(dd_boot_err("/tmp/kip-diskdrv-test-no-such-image"), -ENOENT);
	CU_ASSERT_EQUAL(dd_boot_err("/tmp"), -EISDIR);
	/* The failed boots left nothing behind: a good one works. */
	CU_ASSERT_EQUAL(dd_run("diskdrv_noflush"), 0);
	CU_ASSERT(dd.ok);
	dd_cleanup();
}

static const struct kip_test diskdrv_tests[] = {
	{"write, read back, flush: the file has it", test_write_read_flush},
	{"an unflushed write never reaches the file", test_unflushed_write_never_reaches_the_file},
	{"a power cut loses only the unflushed write",
	 test_power_cut_loses_only_the_unflushed_write},
	{"long requests run in chunks", test_long_requests_run_in_chunks},
	{"two clients' requests queue and complete", test_concurrent_requests_queue_and_complete},
	{"bad requests get their errors", test_bad_requests_get_errors},
	{"injected disk errors reach the client as EIO", test_disk_errors_reach_the_client},
	{"the driver needs its device grant", test_driver_needs_its_device_grant},
	{"boot wiring: find, grant, spawn_driver refusals", test_boot_wiring_refusals},
	{"boot fails on a bad image", test_boot_fails_on_a_bad_image},
	{NULL, NULL},
};

KIP_TEST_SUITE(diskdrv, diskdrv_tests);
