/*
 * kernel/boot.h - the kernel as the host program sees it: configure, boot,
 * start processes from a boot table, run until the machine halts, tear down.
 *
 * Used by cli/ (kip run, kip bench) and by the tests.  One kernel at a time
 * per host process; kernel_halt frees everything so another can boot.
 */
#ifndef KIP_KERNEL_BOOT_H
#define KIP_KERNEL_BOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kip/endpoint.h"
#include "sim/ctx.h"

enum {
	KIP_TRACE_IPC = 1 << 0
};

struct kip_config {
	uint64_t seed;
	uint64_t epoch;		/* host ns at boot; recorded in the trace header */
	size_t mem_bytes;	/* physical memory */
	enum ctx_impl impl;	/* context switch */
	unsigned trace;		/* KIP_TRACE_* */
	unsigned watchdog_ms;	/* host CPU ms a process may run without trapping */
	uint64_t quantum_ns;	/* scheduling quantum (virtual) */
	FILE *console;		/* where SYS_PRINT goes */
	FILE *trace_out;	/* where the trace goes */
	const char *disk_image; /* host image file for the disk device; NULL: no disk */
	bool bridge;		/* attach the FUSE bridge device (sim/bridge.h) */
	/* Serving the host (kip mount): whenever the machine waits for host
	 * input, the virtual clock catches up with the host time elapsed since
	 * boot, so file times follow the host's clock.  Host time then reaches
	 * the simulation (logged in the trace): use it only where host
	 * threads already make runs differ. */
	bool host_clock;
};

/* Defaults: seed 1, epoch = host time now, 64 MiB, the build's switch,
 * no trace, watchdog 2000 ms, quantum 10 ms, stdout for both, no disk, no
 * bridge. */
void kernel_default_config(struct kip_config *cfg);

/*
 * The devices on the bus, by number:
 *   0  "scratch"  IRQ 3   the test device (sim/device.h)
 *   1  "disk"     IRQ 14  when cfg->disk_image is set (sim/disk.h)
 *   2  "bridge"   IRQ 11  when cfg->bridge is set (1 without a disk;
 *                         sim/bridge.h)
 * Look them up by name with kernel_device_find rather than by number.
 */
#define KERNEL_SCRATCH_IRQ 3
#define KERNEL_DISK_IRQ 14
#define KERNEL_BRIDGE_IRQ 11

/* Boot a fresh kernel.  Returns 0 or a negative error; a disk image that
 * cannot be attached fails the boot with the reason printed on stderr and
 * the error returned (-ENOENT, -EACCES, -EISDIR, -EINVAL for an empty image
 * or one whose size is not a multiple of 512 bytes, ...). */
int kernel_boot(const struct kip_config *cfg);

/* Flags for kernel_spawn. */
enum {
	SPAWN_INIT = 1 << 0,	/* the machine halts when it exits */
	SPAWN_MANAGER = 1 << 1, /* it is told of deaths and faults */
};

/* Start registered program `program` from the boot table (name NULL = the
 * program's name, priority -1 = its default).  Returns the endpoint or a
 * negative error. */
endpoint_t kernel_spawn(const char *program, const char *name, int priority, uint64_t arg,
			unsigned flags);

/* The number of the device called `name` ("disk", "scratch"), with its IRQ
 * line in *irq if irq is not NULL; -ENODEV if there is none. */
int kernel_device_find(const char *name, int *irq);

/* Before kernel_run, from the host: allow system process `ep` to claim
 * device `dev` and to control IRQ `irq` (-1 for either: none).  The process
 * still claims them itself (SYS_DEVCTL, SYS_IRQCTL).  Returns 0, -EDEADSRCDST
 * (no such process), -EPERM (a user process: it shares the user privileges),
 * -ENODEV (no such device) or -EINVAL (no such IRQ). */
int kernel_grant_device(endpoint_t ep, int dev, int irq);

/* kernel_spawn for a driver: start `program` with the default name and
 * priority, granted the device called `device` and its IRQ, and told them
 * through its main's argument (kip/driver.h).  Returns the endpoint or a
 * negative error (-ENODEV: no such device, -ENOENT: no such program,
 * -EPERM: a user program). */
endpoint_t kernel_spawn_driver(const char *program, const char *device);

/* kernel_spawn_driver for a driver that also needs a server's endpoint
 * (fused: VFS's): the argument carries device, IRQ and `peer`
 * (kip_driver_peer_arg, kip/driver.h).  Same results. */
endpoint_t kernel_spawn_driver_peer(const char *program, const char *device, endpoint_t peer);

/* The FUSE half's one hook (fuse-bridge/bridge.c): the bridge device of
 * the booted machine, or NULL if cfg->bridge was not set.  CPU thread. */
struct kip_bridge;
struct kip_bridge *kernel_bridge_device(void);

/* Run until the machine halts.  Returns the exit status: the init
 * process's, or 0 when every process finished or sits idle in RECEIVE(ANY),
 * or 1 after a deadlock report.  The bridge, if any, is closed then: its
 * calls in flight and later fail with -EIO. */
int kernel_run(void);

/* Host edges (terminal, FUSE).  While one is open, a machine with nothing
 * to run sleeps for host input instead of halting.  CPU thread only. */
void kernel_host_edge_open(void);
void kernel_host_edge_close(void);
/* From any host thread: run fn(arg) on the CPU thread, in the kernel
 * context, between two turns of the kernel loop.  0 or -ENOMEM. */
int kernel_host_post(void (*fn)(void *arg), void *arg);
/* Kernel context only (e.g. from a posted callback): a HARDWARE
 * notification to dst.  0 or -EDEADSRCDST. */
int kernel_notify(endpoint_t dst);

/* Free everything the kernel holds. */
void kernel_halt(void);

/* Statistics of the current (or last) run. */
struct kernel_stats {
	uint64_t now_ns, messages, switches, traps, kcalls;
	unsigned watchdog_fired;
};
void kernel_get_stats(struct kernel_stats *st);

#endif
