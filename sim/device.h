/*
 * sim/device.h - simulated devices and the bus they sit on.
 *
 * A device is a small struct with registers, an optional buffer reached by
 * DMA, and an IRQ line.  Drivers inside kip reach devices only through
 * kernel calls (SYS_DEVIO, SYS_DMA, SYS_IRQCTL), which check ownership; the
 * kernel calls these operations.  A device that finishes work later
 * schedules an event on the virtual clock and raises its IRQ from it.
 *
 * Entry points: bus_init, bus_attach, bus_device, bus_find, bus_fini,
 * dev_raise_irq; devices: scratch_create (below), disk_create (sim/disk.h).
 */
#ifndef KIP_SIM_DEVICE_H
#define KIP_SIM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/clock.h"

#define SIM_MAX_DEVICES 16
#define SIM_MAX_IRQS 32

struct sim_device;

struct sim_device_ops {
	/* Register access; unknown registers read as 0 and ignore writes. */
	uint64_t (*read_reg)(struct sim_device *d, unsigned reg);
	void (*write_reg)(struct sim_device *d, unsigned reg, uint64_t value);
	/* Copy len bytes between buf and the device buffer at off
	 * (to_device != 0: into the device).  0 or a negative error. */
	int (*dma)(struct sim_device *d, uint64_t off, void *buf, size_t len, int to_device);
	void (*destroy)(struct sim_device *d);
};

struct sim_bus {
	struct sim_device *devices[SIM_MAX_DEVICES];
	int ndevices;
	struct sim_clock *clock;
	void (*raise_irq)(void *ctx, int irq); /* the interrupt controller */
	void *irq_ctx;
};

struct sim_device {
	const char *name;
	int irq;
	const struct sim_device_ops *ops;
	struct sim_bus *bus;
	void *priv;
};

void bus_init(struct sim_bus *bus, struct sim_clock *clock, void (*raise_irq)(void *, int),
	      void *irq_ctx);
/* Attach a device; returns its device number or -ENOSPC. */
int bus_attach(struct sim_bus *bus, struct sim_device *dev);
struct sim_device *bus_device(struct sim_bus *bus, int number);
/* The number of the first device called `name`, or -ENODEV. */
int bus_find(const struct sim_bus *bus, const char *name);
/* Destroy every device. */
void bus_fini(struct sim_bus *bus);

void dev_raise_irq(struct sim_device *d);

/*
 * The scratch device: a 4 KiB buffer and three registers, for tests and as
 * the smallest example of a device.  Writing SCRATCH_CMD_XOR to
 * SCRATCH_REG_CMD sets STATUS busy; SCRATCH_LATENCY_NS later every byte of
 * the buffer is XORed with the KEY register, STATUS becomes done and the IRQ
 * is raised.
 */
enum {
	SCRATCH_REG_CMD = 0,
	SCRATCH_REG_STATUS = 1,
	SCRATCH_REG_KEY = 2
};
enum {
	SCRATCH_CMD_XOR = 1
};
enum {
	SCRATCH_IDLE = 0,
	SCRATCH_BUSY = 1,
	SCRATCH_DONE = 2
};
#define SCRATCH_SIZE 4096
#define SCRATCH_LATENCY_NS 20000

struct sim_device *scratch_create(int irq);

#endif
