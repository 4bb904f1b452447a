/*
 * kernel/kcall_dev.c - kernel calls for drivers: device ownership, register
 * access, DMA and interrupts.
 *
 * A driver claims a device its privileges allow (dev_mask) and then alone
 * may touch its registers and its buffer; it enables the device's IRQ (if
 * irq_mask allows) and is told of interrupts by a HARDWARE notification
 * whose irq_pending bitmap names them.  An interrupt that arrives while its
 * line is disabled stays pending until it is enabled.
 */
#include "kip/error.h"
#include "kip/fault_point.h"
#include "kernel/cost.h"
#include "kernel/kcall.h"

static int owner_id(const struct proc *p)
{
	return p->p_slot + 1;
}

static struct sim_device *owned_device(struct kernel *k, struct proc *caller, int dev)
{
	struct sim_device *d = bus_device(&k->bus, dev);
	if (!d || k->dev_owner[dev] != owner_id(caller))
		return NULL;
	return d;
}

int do_devctl(struct kernel *k, struct proc *caller, message *m)
{
	int dev = m->m_dev.device;
	if (!bus_device(&k->bus, dev))
		return -ENODEV;
	switch (m->m_dev.op) {
	case KIP_DEV_CLAIM:
		if (!((caller->p_priv->dev_mask >> dev) & 1u))
			return -EPERM;
		if (k->dev_owner[dev] && k->dev_owner[dev] != owner_id(caller))
			return -EBUSY;
		k->dev_owner[dev] = owner_id(caller);
		return 0;
	case KIP_DEV_RELEASE:
		if (k->dev_owner[dev] != owner_id(caller))
			return -EPERM;
		k->dev_owner[dev] = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

int do_devio(struct kernel *k, struct proc *caller, message *m)
{
	struct sim_device *d = owned_device(k, caller, m->m_dev.device);
	if (!d)
		return -EPERM;
	if (fault_point(FP_DEV_IO))
		return -EIO;
	switch (m->m_dev.op) {
	case KIP_DEV_READ:
		m->m_dev.value = d->ops->read_reg(d, m->m_dev.reg);
		return 0;
	case KIP_DEV_WRITE:
		d->ops->write_reg(d, m->m_dev.reg, m->m_dev.value);
		return 0;
	default:
		return -EINVAL;
	}
}

int do_dma(struct kernel *k, struct proc *caller, message *m)
{
	struct sim_device *d = owned_device(k, caller, m->m_dev.device);
	if (!d)
		return -EPERM;
	if (m->m_dev.op != KIP_DEV_READ && m->m_dev.op != KIP_DEV_WRITE)
		return -EINVAL;
	if (m->m_dev.len > (1u << 20))
		return -EINVAL;
	if (fault_point(FP_DEV_IO))
		return -EIO;
	/* Bounce through a kernel buffer so a bad address is EFAULT. */
	uint8_t buf[4096];
	for (uint64_t done = 0; done < m->m_dev.len;) {
		size_t n = m->m_dev.len - done < sizeof(buf) ? m->m_dev.len - done : sizeof(buf);
		int r;
		if (m->m_dev.op == KIP_DEV_WRITE) {
			r = copy_from_proc(k, buf, m->m_dev.addr + done, n);
			if (r == 0)
				r = d->ops->dma(d, m->m_dev.devoff + done, buf, n, 1);
		} else {
			r = d->ops->dma(d, m->m_dev.devoff + done, buf, n, 0);
			if (r == 0)
				r = copy_to_proc(k, m->m_dev.addr + done, buf, n);
		}
		if (r < 0)
			return r;
		done += n;
	}
	clock_advance(&k->clock, COST_COPY_NS_PER_KB * ((m->m_dev.len + 1023) / 1024));
	return 0;
}

static void deliver_irq(struct kernel *k, int irq)
{
	struct proc *p = k->irq_owner[irq] ? &k->procs[k->irq_owner[irq] - 1] : NULL;
	if (!p || (p->p_rts & RTS_SLOT_FREE))
		return;
	p->p_irq_pending |= 1ull << irq;
	ipc_kernel_notify(k, p, KIP_HARDWARE);
}

void kcall_raise_irq(void *kernel, int irq)
{
	struct kernel *k = kernel;
	if (irq < 0 || irq >= SIM_MAX_IRQS)
		return;
	if (k->irq_enabled & (1u << irq))
		deliver_irq(k, irq);
	else
		k->irq_pending_lines |= 1u << irq;
}

int do_irqctl(struct kernel *k, struct proc *caller, message *m)
{
	int irq = m->m_irq.irq;
	if (irq < 0 || irq >= SIM_MAX_IRQS)
		return -EINVAL;
	if (!((caller->p_priv->irq_mask >> irq) & 1u))
		return -EPERM;
	if (k->irq_owner[irq] && k->irq_owner[irq] != owner_id(caller))
		return -EBUSY;
	switch (m->m_irq.op) {
	case KIP_IRQ_ENABLE:
		k->irq_owner[irq] = owner_id(caller);
		k->irq_enabled |= 1u << irq;
		if (k->irq_pending_lines & (1u << irq)) {
			k->irq_pending_lines &= ~(1u << irq);
			deliver_irq(k, irq);
		}
		return 0;
	case KIP_IRQ_DISABLE:
		k->irq_enabled &= ~(1u << irq);
		return 0;
	case KIP_IRQ_ACK:
		return 0;
	default:
		return -EINVAL;
	}
}
