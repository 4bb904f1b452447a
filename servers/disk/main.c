/*
 * servers/disk/main.c - the disk driver: start-up, the loop, interrupts.
 *
 * Entry points: disk_main (the registered program "disk"), disk_on_notify.
 *
 * Started by the boot code with kernel_spawn_driver("disk", "disk"), which
 * grants it the disk device and its IRQ and passes both in its argument
 * (kip/driver.h).  It claims the device, enables the IRQ, reads the size,
 * then serves BDEV_* requests (bdev.c, queue.c) until the machine halts.
 * The device's interrupts arrive as HARDWARE notifications.
 */
#include "kip/driver.h"
#include "kip/format.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "disk_driver.h"

void disk_on_notify(void *state, const message *in)
{
	struct disk_driver *d = state;
	if (in->m_source == KIP_HARDWARE && ((in->m_notify.irq_pending >> d->irq) & 1u))
		disk_queue_interrupt(d);
}

/* Take the device and its IRQ and learn its size.  0 or an error. */
static int disk_attach(struct disk_driver *d)
{
	if (d->dev < 0 || d->irq < 0 || d->irq >= 64)
		return -EINVAL;
	int r = kip_dev_ctl(d->dev, KIP_DEV_CLAIM);
	if (r == 0)
		r = kip_irq_ctl(d->irq, KIP_IRQ_ENABLE);
	if (r == 0)
		r = kip_dev_read(d->dev, DISK_REG_SIZE, &d->size);
	if (r == 0 && (d->size == 0 || d->size % DISK_SECTOR_SIZE))
		r = -EIO;
	return r;
}

static int disk_main(uint64_t arg)
{
	struct disk_driver *d = server_state_alloc(sizeof(*d));
	if (!d)
		return 1;
	d->dev = kip_driver_device(arg);
	d->irq = kip_driver_irq(arg);
	int r = disk_attach(d);
	if (r < 0) {
		const char *why = kip_strerror(r);
		kip_printf("disk: cannot use device %d (IRQ %d): %s\n", d->dev, d->irq,
			   why ? why : "error");
		return 1;
	}
	server_init(&d->srv, "disk", d, &disk_table, disk_on_notify);
	return server_run(&d->srv) < 0 ? 1 : 0;
}

KIP_PROGRAM(disk, disk_main, 1, KIP_PROG_SYSTEM);
