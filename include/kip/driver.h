/*
 * kip/driver.h - how a driver learns its hardware.
 *
 * Until a data store names devices, the boot code that starts a driver
 * (kernel_spawn_driver in kernel/boot.c) passes the device number and the
 * IRQ line it granted the driver as the argument of its main:
 *
 *     static int disk_main(uint64_t arg)
 *     {
 *             int dev = kip_driver_device(arg), irq = kip_driver_irq(arg);
 *             ...
 *     }
 *
 * The driver still has to claim the device (SYS_DEVCTL) and enable the IRQ
 * (SYS_IRQCTL); the grant only makes that allowed.
 */
#ifndef KIP_DRIVER_H
#define KIP_DRIVER_H

#include <stdint.h>

#include "kip/endpoint.h"

/* The argument for a driver of device `dev` on line `irq` (-1: none). */
static inline uint64_t kip_driver_arg(int dev, int irq)
{
	return (uint64_t)(uint32_t)dev | (uint64_t)(uint32_t)irq << 32;
}

static inline int kip_driver_device(uint64_t arg)
{
	return (int32_t)(uint32_t)arg;
}

static inline int kip_driver_irq(uint64_t arg)
{
	return (int32_t)(uint32_t)(arg >> 32);
}

/*
 * A driver that also needs a server's endpoint (fused needs VFS's) is
 * started with kernel_spawn_driver_peer, whose argument packs the device
 * and the IRQ in 16 bits each and the endpoint in the high 32 bits:
 *
 *     int dev = kip_driver_peer_device(arg), irq = kip_driver_peer_irq(arg);
 *     endpoint_t vfs = kip_driver_peer(arg);
 */
static inline uint64_t kip_driver_peer_arg(int dev, int irq, endpoint_t peer)
{
	return (uint64_t)(uint16_t)dev | (uint64_t)(uint16_t)irq << 16 |
	       (uint64_t)(uint32_t)peer << 32;
}

static inline int kip_driver_peer_device(uint64_t arg)
{
	return (int16_t)(uint16_t)arg;
}

static inline int kip_driver_peer_irq(uint64_t arg)
{
	return (int16_t)(uint16_t)(arg >> 16);
}

static inline endpoint_t kip_driver_peer(uint64_t arg)
{
	return (endpoint_t)(uint32_t)(arg >> 32);
}

#endif
