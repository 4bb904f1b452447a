/*
 * tests/kernel/test_dev.c - devices for drivers (kernel/kcall_dev.c, on the
 * scratch device of sim/device.h: device 0, IRQ 3).
 *
 * Pins: claiming a device needs its bit in the caller's dev_mask (EPERM,
 * and ENODEV for no such device); the owner alone reaches its registers and
 * its buffer - anyone else gets EPERM, another claim EBUSY - until it
 * releases the device or dies; a full XOR round trip works: DMA in, KEY,
 * CMD, a HARDWARE notification naming IRQ 3 once the device is done,
 * STATUS reads DONE and DMA out gives the XORed bytes; controlling an IRQ
 * needs its bit in irq_mask (EPERM), and an interrupt that fires while its
 * line is disabled is delivered when it is enabled.
 */
#include <stdint.h>
#include <string.h>

#include "kip/error.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "sim/device.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define DEV_SCRATCH 0
#define DEV_IRQ 3
#define DEV_KEY 0x5a

static struct {
	int ok;
	int r[16];
	uint64_t v[8];
	endpoint_t src;
	uint64_t irq_pending;
	int mismatches;
} dev;

/* Give ep the default system privileges plus these devices and IRQs. */
static int dev_grant(endpoint_t ep, uint32_t dev_mask, uint32_t irq_mask)
{
	struct kcall_privctl pc = {0};
	pc.endpoint = ep;
	pc.flags = KIP_PRIV_SYSTEM;
	pc.trap_mask = KIP_TRAP_ALL_IPC;
	pc.send_mask[0] = pc.send_mask[1] = ~0ull;
	pc.kcall_mask = ~0ull;
	pc.dev_mask = dev_mask;
	pc.irq_mask = irq_mask;
	return kip_privctl(&pc);
}

static uint8_t dev_byte(size_t i)
{
	return (uint8_t)(i * 13 + 1);
}

static int dev_run(const char *program)
{
	memset(&dev, 0, sizeof(dev));
	kt_boot(0);
	kt_spawn(program, 0, SPAWN_INIT);
	return kt_run();
}

/* ------------------------------------------------------------ claiming */

static int dev_claim_main(uint64_t arg)
{
	(void)arg;
	dev.r[0] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM); /* default: no devices */
	if (dev_grant(KIP_SELF, 1u << DEV_SCRATCH, 0) < 0)
		return 1;
	dev.r[1] = kip_dev_ctl(5, KIP_DEV_CLAIM);
	dev.r[2] = kip_dev_ctl(-1, KIP_DEV_CLAIM);
	dev.r[3] = kip_dev_read(DEV_SCRATCH, SCRATCH_REG_STATUS, &dev.v[0]); /* not claimed */
	dev.r[4] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM);
	dev.r[5] = kip_dev_read(DEV_SCRATCH, SCRATCH_REG_STATUS, &dev.v[0]);
	dev.r[6] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_RELEASE);
	dev.r[7] = kip_dev_read(DEV_SCRATCH, SCRATCH_REG_STATUS, &dev.v[0]); /* released */
	dev.ok = 1;
	return 0;
}
KIP_PROGRAM(dev_claim, dev_claim_main, 2, KIP_PROG_SYSTEM);

static void test_claim_needs_the_dev_mask(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_claim"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[0], -EPERM);
	CU_ASSERT_EQUAL(dev.r[1], -ENODEV);
	CU_ASSERT_EQUAL(dev.r[2], -ENODEV);
	CU_ASSERT_EQUAL(dev.r[4], 0);
	CU_ASSERT_EQUAL(dev.r[5], 0);
	CU_ASSERT_EQUAL(dev.v[0], SCRATCH_IDLE);
	CU_ASSERT_EQUAL(dev.r[6], 0);
}

static void test_registers_need_a_claim(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_claim"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[3], -EPERM);
	CU_ASSERT_EQUAL(dev.r[7], -EPERM);
}

/* ------------------------------------------------------ the round trip */

static int dev_xor_main(uint64_t arg)
{
	(void)arg;
	uint8_t *out = kip_page_alloc(1), *in = kip_page_alloc(1);
	if (!out || !in || dev_grant(KIP_SELF, 1u << DEV_SCRATCH, 1u << DEV_IRQ) < 0)
		return 1;
	for (size_t i = 0; i < SCRATCH_SIZE; i++)
		out[i] = dev_byte(i);
	dev.r[0] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM);
	dev.r[1] = kip_dma(DEV_SCRATCH, KIP_DEV_WRITE, out, SCRATCH_SIZE, 0);
	dev.r[2] = kip_dev_write(DEV_SCRATCH, SCRATCH_REG_KEY, DEV_KEY);
	uint64_t started = kip_now();
	dev.r[3] = kip_dev_write(DEV_SCRATCH, SCRATCH_REG_CMD, SCRATCH_CMD_XOR);
	dev.r[4] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE);
	kip_dev_read(DEV_SCRATCH, SCRATCH_REG_STATUS, &dev.v[0]);

	message m;
	dev.r[5] = kip_receive(KIP_HARDWARE, &m);
	dev.src = m.m_source;
	dev.irq_pending = m.m_notify.irq_pending;
	dev.v[1] = m.m_notify.timestamp - started;
	dev.r[6] = kip_dev_read(DEV_SCRATCH, SCRATCH_REG_STATUS, &dev.v[2]);
	dev.r[7] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ACK);
	dev.r[8] = kip_dma(DEV_SCRATCH, KIP_DEV_READ, in, SCRATCH_SIZE, 0);
	for (size_t i = 0; i < SCRATCH_SIZE; i++)
		dev.mismatches += in[i] != (uint8_t)(dev_byte(i) ^ DEV_KEY);
	dev.r[9] = kip_dma(DEV_SCRATCH, KIP_DEV_READ, in, 200, SCRATCH_SIZE - 100);
	dev.ok = 1;
	return 0;
}
KIP_PROGRAM(dev_xor, dev_xor_main, 2, KIP_PROG_SYSTEM);

static void test_xor_round_trip(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_xor"), 0);
	CU_ASSERT(dev.ok);
	for (int i = 0; i <= 8; i++)
		CU_ASSERT_EQUAL(dev.r[i], 0);
	CU_ASSERT_EQUAL(dev.v[0], SCRATCH_BUSY);
	CU_ASSERT_EQUAL(dev.src, KIP_HARDWARE);
	CU_ASSERT(dev.irq_pending & (1u << DEV_IRQ));
	CU_ASSERT(dev.v[1] >= SCRATCH_LATENCY_NS); /* not before the device was done */
	CU_ASSERT_EQUAL(dev.v[2], SCRATCH_DONE);
	CU_ASSERT_EQUAL(dev.mismatches, 0);
	CU_ASSERT_EQUAL(dev.r[9], -EINVAL); /* past the end of the device's buffer */
}

static int dev_late_main(uint64_t arg)
{
	(void)arg;
	message m;
	if (dev_grant(KIP_SELF, 1u << DEV_SCRATCH, 1u << DEV_IRQ) < 0 ||
	    kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM) < 0)
		return 1;
	kip_dev_write(DEV_SCRATCH, SCRATCH_REG_CMD, SCRATCH_CMD_XOR);
	/* The IRQ fires while its line is disabled. */
	kip_set_alarm(10 * SCRATCH_LATENCY_NS);
	dev.r[0] = kip_receive(KIP_ANY, &m);
	dev.src = m.m_source;
	kip_dev_read(DEV_SCRATCH, SCRATCH_REG_STATUS, &dev.v[0]);
	dev.r[1] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE);
	dev.r[2] = kip_receive(KIP_HARDWARE, &m);
	dev.irq_pending = m.m_notify.irq_pending;
	dev.ok = 1;
	return 0;
}
KIP_PROGRAM(dev_late, dev_late_main, 2, KIP_PROG_SYSTEM);

static void test_irq_held_while_disabled_arrives_on_enable(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_late"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[0], 0);
	CU_ASSERT_EQUAL(dev.src, KIP_CLOCK); /* no HARDWARE notify while disabled */
	CU_ASSERT_EQUAL(dev.v[0], SCRATCH_DONE);
	CU_ASSERT_EQUAL(dev.r[1], 0);
	CU_ASSERT_EQUAL(dev.r[2], 0);
	CU_ASSERT(dev.irq_pending & (1u << DEV_IRQ));
}

/* ---------------------------------------------------------- ownership */

/* Another driver, allowed the scratch device and its IRQ, that pokes at
 * it while the main process owns it; arg 1: it only claims and exits. */
static int dev_rival_main(uint64_t arg)
{
	uint8_t buf[16] = {0};
	if (arg == 1) {
		dev.r[10] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM);
		return 0;
	}
	dev.r[0] = kip_dev_read(DEV_SCRATCH, SCRATCH_REG_KEY, &dev.v[0]);
	dev.r[1] = kip_dev_write(DEV_SCRATCH, SCRATCH_REG_KEY, 0xee);
	dev.r[2] = kip_dma(DEV_SCRATCH, KIP_DEV_READ, buf, sizeof(buf), 0);
	dev.r[3] = kip_dma(DEV_SCRATCH, KIP_DEV_WRITE, buf, sizeof(buf), 0);
	dev.r[4] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM);
	dev.r[5] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_RELEASE);
	dev.r[6] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE);
	return 0;
}
KIP_PROGRAM(dev_rival, dev_rival_main, 3, KIP_PROG_SYSTEM);

/* Run a rival with the device rights (it has a lower priority: it starts
 * only once the caller waits for its end). */
static int dev_start_rival(uint64_t arg)
{
	struct kcall_event ev;
	endpoint_t ep = kip_create("dev_rival", NULL, -1, arg);
	if (ep < 0 || dev_grant(ep, 1u << DEV_SCRATCH, 1u << DEV_IRQ) < 0)
		return -1;
	return kt_wait_event(&ev);
}

static int dev_owner_main(uint64_t arg)
{
	(void)arg;
	if (dev_grant(KIP_SELF, 1u << DEV_SCRATCH, 1u << DEV_IRQ) < 0)
		return 1;
	dev.r[8] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM);
	kip_dev_write(DEV_SCRATCH, SCRATCH_REG_KEY, 0x11);
	kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE);
	if (dev_start_rival(0) < 0)
		return 2;
	kip_dev_read(DEV_SCRATCH, SCRATCH_REG_KEY, &dev.v[1]);

	/* Released, the device is the next claimant's; its death frees it. */
	dev.r[9] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_RELEASE);
	if (dev_start_rival(1) < 0)
		return 3;
	dev.r[11] = kip_dev_ctl(DEV_SCRATCH, KIP_DEV_CLAIM);
	dev.ok = 1;
	return 0;
}
KIP_PROGRAM(dev_owner, dev_owner_main, 2, KIP_PROG_SYSTEM);

static void test_only_the_owner_touches_the_device(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_owner"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[8], 0);
	CU_ASSERT_EQUAL(dev.r[0], -EPERM);
	CU_ASSERT_EQUAL(dev.r[1], -EPERM);
	CU_ASSERT_EQUAL(dev.v[1], 0x11); /* the rival's write did not land */
	CU_ASSERT_EQUAL(dev.r[2], -EPERM);
	CU_ASSERT_EQUAL(dev.r[3], -EPERM);
	CU_ASSERT_EQUAL(dev.r[5], -EPERM);
}

static void test_second_claim_is_ebusy(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_owner"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[4], -EBUSY);
	CU_ASSERT_EQUAL(dev.r[6], -EBUSY); /* the IRQ is the owner's too */
}

static void test_release_and_death_free_the_device(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_owner"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[9], 0);
	CU_ASSERT_EQUAL(dev.r[10], 0);
	CU_ASSERT_EQUAL(dev.r[11], 0);
}

/* ---------------------------------------------------------------- IRQs */

static int dev_irq_main(uint64_t arg)
{
	(void)arg;
	dev.r[0] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE); /* default: no IRQs */
	if (dev_grant(KIP_SELF, 1u << DEV_SCRATCH, 0) < 0)
		return 1;
	dev.r[1] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE); /* the device, not its IRQ */
	if (dev_grant(KIP_SELF, 1u << DEV_SCRATCH, 1u << DEV_IRQ) < 0)
		return 1;
	dev.r[2] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_ENABLE);
	dev.r[3] = kip_irq_ctl(40, KIP_IRQ_ENABLE);
	dev.r[4] = kip_irq_ctl(-1, KIP_IRQ_ENABLE);
	dev.r[5] = kip_irq_ctl(DEV_IRQ, 99);
	dev.r[6] = kip_irq_ctl(DEV_IRQ, KIP_IRQ_DISABLE);
	dev.ok = 1;
	return 0;
}
KIP_PROGRAM(dev_irq, dev_irq_main, 2, KIP_PROG_SYSTEM);

static void test_irq_control_needs_the_irq_mask(void)
{
	CU_ASSERT_EQUAL(dev_run("dev_irq"), 0);
	CU_ASSERT(dev.ok);
	CU_ASSERT_EQUAL(dev.r[0], -EPERM);
	CU_ASSERT_EQUAL(dev.r[1], -EPERM);
	CU_ASSERT_EQUAL(dev.r[2], 0);
	CU_ASSERT_EQUAL(dev.r[3], -EINVAL);
	CU_ASSERT_EQUAL(dev.r[4], -EINVAL);
	CU_ASSERT_EQUAL(dev.r[5], -EINVAL);
	CU_ASSERT_EQUAL(dev.r[6], 0);
}

static const struct kip_test dev_tests[] = {
	{"claiming needs the dev_mask", test_claim_needs_the_dev_mask},
	{"registers need a claim", test_registers_need_a_claim},
	{"an XOR round trip: DMA, command, IRQ, DMA", test_xor_round_trip},
	{"an IRQ held while disabled arrives on enable",
	 test_irq_held_while_disabled_arrives_on_enable},
	{"only the owner touches the device", test_only_the_owner_touches_the_device},
	{"a second claim is EBUSY", test_second_claim_is_ebusy},
	{"release and death free the device", test_release_and_death_free_the_device},
	{"IRQ control needs the irq_mask", test_irq_control_needs_the_irq_mask},
	{NULL, NULL},
};

KIP_TEST_SUITE(dev, dev_tests);
