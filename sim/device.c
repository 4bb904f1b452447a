/*
 * sim/device.c - the bus and the scratch device (see sim/device.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/device.h"

void bus_init(struct sim_bus *bus, struct sim_clock *clock, void (*raise_irq)(void *, int),
	      void *irq_ctx)
{
	memset(bus, 0, sizeof(*bus));
	bus->clock = clock;
	bus->raise_irq = raise_irq;
	bus->irq_ctx = irq_ctx;
}

int bus_attach(struct sim_bus *bus, struct sim_device *dev)
{
	if (!dev || bus->ndevices == SIM_MAX_DEVICES)
		return -ENOSPC;
	dev->bus = bus;
	bus->devices[bus->ndevices] = dev;
	return bus->ndevices++;
}

struct sim_device *bus_device(struct sim_bus *bus, int number)
{
	if (number < 0 || number >= bus->ndevices)
		return NULL;
	return bus->devices[number];
}

int bus_find(const struct sim_bus *bus, const char *name)
{
	for (int i = 0; i < bus->ndevices; i++)
		if (bus->devices[i]->name && strcmp(bus->devices[i]->name, name) == 0)
			return i;
	return -ENODEV;
}

void bus_fini(struct sim_bus *bus)
{
	for (int i = 0; i < bus->ndevices; i++)
		bus->devices[i]->ops->destroy(bus->devices[i]);
	bus->ndevices = 0;
}

void dev_raise_irq(struct sim_device *d)
{
	if (d->bus && d->bus->raise_irq && d->irq >= 0)
		d->bus->raise_irq(d->bus->irq_ctx, d->irq);
}

/* ---- the scratch device ---- */

struct scratch {
	struct sim_device dev;
	uint64_t status;
	uint64_t key;
	uint8_t buf[SCRATCH_SIZE];
};

static void scratch_complete(void *arg, uint64_t data)
{
	struct scratch *s = arg;
	(void)data;
	for (size_t i = 0; i < SCRATCH_SIZE; i++)
		s->buf[i] ^= (uint8_t)s->key;
	s->status = SCRATCH_DONE;
	dev_raise_irq(&s->dev);
}

static uint64_t scratch_read(struct sim_device *d, unsigned reg)
{
	struct scratch *s = d->priv;
	switch (reg) {
	case SCRATCH_REG_STATUS:
		return s->status;
	case SCRATCH_REG_KEY:
		return s->key;
	default:
		return 0;
	}
}

static void scratch_write(struct sim_device *d, unsigned reg, uint64_t value)
{
	struct scratch *s = d->priv;
	if (reg == SCRATCH_REG_KEY) {
		s->key = value;
	} else if (reg == SCRATCH_REG_CMD && value == SCRATCH_CMD_XOR &&
		   s->status != SCRATCH_BUSY) {
		s->status = SCRATCH_BUSY;
		struct sim_clock *c = d->bus->clock;
		clock_schedule(c, c->now + SCRATCH_LATENCY_NS, scratch_complete, s, 0);
	}
}

static int scratch_dma(struct sim_device *d, uint64_t off, void *buf, size_t len, int to_device)
{
	struct scratch *s = d->priv;
	if (off > SCRATCH_SIZE || len > SCRATCH_SIZE - off)
		return -EINVAL;
	if (to_device)
		memcpy(s->buf + off, buf, len);
	else
		memcpy(buf, s->buf + off, len);
	return 0;
}

static void scratch_destroy(struct sim_device *d)
{
	free(d->priv);
}

static const struct sim_device_ops scratch_ops = {
	.read_reg = scratch_read,
	.write_reg = scratch_write,
	.dma = scratch_dma,
	.destroy = scratch_destroy,
};

struct sim_device *scratch_create(int irq)
{
	struct scratch *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->dev.name = "scratch";
	s->dev.irq = irq;
	s->dev.ops = &scratch_ops;
	s->dev.priv = s;
	return &s->dev;
}
