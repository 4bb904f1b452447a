/*
 * servers/fused/main.c - fused: start-up, the loop, notifications.
 *
 * Entry point: fused_main (the registered program "fused").
 *
 * Started after VFS, with the bridge device, its IRQ and VFS's endpoint:
 *     kernel_spawn_driver_peer("fused", "bridge", vfs);
 * It claims the device, enables the IRQ, subscribes to VFS's change
 * events, checks that the root can be reached (VFS_AT_GETATTR of inode 1,
 * as root) and writes the outcome to READY: 0, or the error (a disk that
 * does not hold a file system: VFS's mount error).  Then it serves: a
 * HARDWARE notification means requests are pending (slot.c), a NOTIFY
 * from VFS means change events are (event.c).  After a failed READY it
 * serves on all the same: VFS answers every request with its error, and a
 * SHUTDOWN still switches the machine off.
 */
#include "kip/driver.h"
#include "kip/format.h"
#include "kip/minixfs.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "fused.h"

/* fused takes no requests by message: every type gets ENOSYS. */
static const struct server_table fused_no_calls = {.base = 0, .count = 0, .calls = 0};

static void fused_on_notify(void *state, const message *in)
{
	struct fused *f = state;
	if (in->m_source == KIP_HARDWARE && ((in->m_notify.irq_pending >> f->irq) & 1u))
		fused_serve_pending(f);
	else if (in->m_source == f->vfs)
		fused_forward_events(f);
}

/* Take the device and its IRQ.  0 or an error. */
static int fused_attach(struct fused *f)
{
	if (f->dev < 0 || f->irq < 0 || f->irq >= 64 || f->vfs < 0)
		return -EINVAL;
	int r = kip_dev_ctl(f->dev, KIP_DEV_CLAIM);
	if (r == 0)
		r = kip_irq_ctl(f->irq, KIP_IRQ_ENABLE);
	return r;
}

/* Subscribe and look at the root: 0, or why fused cannot serve. */
static int fused_start(struct fused *f)
{
	int r = fused_subscribe(f);
	if (r < 0)
		return r;
	message m;
	kip_msg_init(&m, VFS_AT_GETATTR);
	m.m_vfs_at.ino = MINIXFS_ROOT_INO;
	return fused_at(f, &fused_root, &m, NULL, 0, 0);
}

static int fused_main(uint64_t arg)
{
	struct fused *f = server_state_alloc(sizeof(*f));
	if (!f)
		return 1;
	f->dev = kip_driver_peer_device(arg);
	f->irq = kip_driver_peer_irq(arg);
	f->vfs = kip_driver_peer(arg);
	f->grants = kip_grant_init(8);
	int r = f->grants ? fused_attach(f) : -ENOMEM;
	if (r < 0) {
		const char *why = kip_strerror(r);
		kip_printf("fused: cannot use device %d (IRQ %d): %s\n", f->dev, f->irq,
			   why ? why : "error");
		return 1;
	}
	f->ready = fused_start(f);
	if (f->ready < 0) {
		const char *why = kip_strerror(f->ready);
		kip_printf("fused: the file system cannot be served: %s\n", why ? why : "error");
	}
	r = kip_dev_write(f->dev, BRIDGE_REG_READY, (uint64_t)(int64_t)f->ready);
	if (r < 0)
		return 1;
	server_init(&f->srv, "fused", f, &fused_no_calls, fused_on_notify);
	return server_run(&f->srv) < 0 ? 1 : 0;
}

KIP_PROGRAM(fused, fused_main, 4, KIP_PROG_SYSTEM);
