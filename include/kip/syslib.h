/*
 * kip/syslib.h - one small wrapper per kernel call, for servers, drivers
 * and programs.  Each fills a zeroed message, traps with kip_kcall and
 * returns 0 (or a result) or a negative error.
 */
#ifndef KIP_SYSLIB_H
#define KIP_SYSLIB_H

#include <string.h>

#include "kip/ipc.h"
#include "kip/procinfo.h"

/* Start registered program `program` as process `name` (NULL: same name);
 * priority -1 = the program's default.  Returns its endpoint or an error. */
static inline endpoint_t kip_create(const char *program, const char *name, int priority,
				    uint64_t arg)
{
	message m;
	kip_msg_init(&m, SYS_CREATE);
	strncpy(m.m_create.program, program, sizeof(m.m_create.program) - 1);
	if (name)
		strncpy(m.m_create.name, name, sizeof(m.m_create.name) - 1);
	m.m_create.priority = priority;
	m.m_create.arg = arg;
	int r = kip_kcall(SYS_CREATE, &m);
	return r < 0 ? r : m.m_create.endpoint;
}

static inline int kip_proc_call(int type, endpoint_t ep, int status)
{
	message m;
	kip_msg_init(&m, type);
	m.m_proc.endpoint = ep;
	m.m_proc.status = status;
	return kip_kcall(type, &m);
}

static inline int kip_kill(endpoint_t ep)
{
	return kip_proc_call(SYS_KILL, ep, 0);
}

static inline int kip_stop(endpoint_t ep)
{
	return kip_proc_call(SYS_STOP, ep, 0);
}

static inline int kip_resume(endpoint_t ep)
{
	return kip_proc_call(SYS_RESUME, ep, 0);
}

static inline __attribute__((noreturn)) void kip_exit(int status)
{
	kip_proc_call(SYS_EXIT, KIP_SELF, status);
	__builtin_unreachable();
}

static inline int kip_shutdown(int status)
{
	return kip_proc_call(SYS_SHUTDOWN, KIP_SELF, status);
}

/* Make `ep` the default manager told of deaths and faults (the future RS). */
static inline int kip_set_manager(endpoint_t ep)
{
	return kip_proc_call(SYS_SETMANAGER, ep, 0);
}

/* Set the caller's TLS word (kip/tls.h); 0 or a negative error. */
static inline int kip_settls(void *word)
{
	message m;
	kip_msg_init(&m, SYS_SETTLS);
	m.m_tls.word = (uint64_t)(uintptr_t)word;
	return kip_kcall(SYS_SETTLS, &m);
}

static inline int kip_print(const char *text, size_t len)
{
	message m;
	kip_msg_init(&m, SYS_PRINT);
	m.m_print.addr = (uint64_t)(uintptr_t)text;
	m.m_print.len = len;
	return kip_kcall(SYS_PRINT, &m);
}

/* Allocate `npages` pages owned by the caller; returns the address or NULL. */
static inline void *kip_page_alloc(unsigned npages)
{
	message m;
	kip_msg_init(&m, SYS_PAGE_ALLOC);
	m.m_page.npages = npages;
	if (kip_kcall(SYS_PAGE_ALLOC, &m) < 0)
		return 0;
	return (void *)(uintptr_t)m.m_page.addr;
}

static inline int kip_page_free(void *addr, unsigned npages)
{
	message m;
	kip_msg_init(&m, SYS_PAGE_FREE);
	m.m_page.addr = (uint64_t)(uintptr_t)addr;
	m.m_page.npages = npages;
	return kip_kcall(SYS_PAGE_FREE, &m);
}

static inline int kip_page_protect(endpoint_t ep, void *addr, unsigned npages, int prot)
{
	message m;
	kip_msg_init(&m, SYS_PAGE_PROTECT);
	m.m_page.endpoint = ep;
	m.m_page.addr = (uint64_t)(uintptr_t)addr;
	m.m_page.npages = npages;
	m.m_page.prot = prot;
	return kip_kcall(SYS_PAGE_PROTECT, &m);
}

/* Number of pages `ep` owns; their addresses go to buf (up to max). */
static inline int kip_page_list(endpoint_t ep, uint64_t *buf, unsigned max)
{
	message m;
	kip_msg_init(&m, SYS_PAGE_LIST);
	m.m_page.endpoint = ep;
	m.m_page.addr = (uint64_t)(uintptr_t)buf;
	m.m_page.npages = max;
	int r = kip_kcall(SYS_PAGE_LIST, &m);
	return r < 0 ? r : (int)m.m_page.count;
}

/* Arm the caller's alarm `ns` from now (0 cancels): a CLOCK notify. */
static inline int kip_set_alarm(uint64_t ns)
{
	message m;
	kip_msg_init(&m, SYS_SETALARM);
	m.m_time.ns = ns;
	return kip_kcall(SYS_SETALARM, &m);
}

static inline uint64_t kip_now(void)
{
	message m;
	kip_msg_init(&m, SYS_TIMES);
	kip_kcall(SYS_TIMES, &m);
	return m.m_time.now;
}

static inline int kip_get_event(struct kcall_event *ev)
{
	message m;
	kip_msg_init(&m, SYS_GETEVENT);
	int r = kip_kcall(SYS_GETEVENT, &m);
	if (r == 0)
		*ev = m.m_event;
	return r;
}

static inline int kip_get_info(int slot, struct kip_procinfo *info)
{
	message m;
	kip_msg_init(&m, SYS_GETINFO);
	m.m_getinfo.slot = slot;
	m.m_getinfo.addr = (uint64_t)(uintptr_t)info;
	return kip_kcall(SYS_GETINFO, &m);
}

static inline int kip_privctl(const struct kcall_privctl *p)
{
	message m;
	kip_msg_init(&m, SYS_PRIVCTL);
	m.m_privctl = *p;
	return kip_kcall(SYS_PRIVCTL, &m);
}

/* Claim (KIP_DEV_CLAIM) or release (KIP_DEV_RELEASE) device `dev`. */
static inline int kip_dev_ctl(int dev, int op)
{
	message m;
	kip_msg_init(&m, SYS_DEVCTL);
	m.m_dev.device = dev;
	m.m_dev.op = op;
	return kip_kcall(SYS_DEVCTL, &m);
}

/* Read register `reg` of a device the caller owns into *value. */
static inline int kip_dev_read(int dev, unsigned reg, uint64_t *value)
{
	message m;
	kip_msg_init(&m, SYS_DEVIO);
	m.m_dev.device = dev;
	m.m_dev.op = KIP_DEV_READ;
	m.m_dev.reg = reg;
	int r = kip_kcall(SYS_DEVIO, &m);
	if (r == 0)
		*value = m.m_dev.value;
	return r;
}

static inline int kip_dev_write(int dev, unsigned reg, uint64_t value)
{
	message m;
	kip_msg_init(&m, SYS_DEVIO);
	m.m_dev.device = dev;
	m.m_dev.op = KIP_DEV_WRITE;
	m.m_dev.reg = reg;
	m.m_dev.value = value;
	return kip_kcall(SYS_DEVIO, &m);
}

/* Copy len bytes between buf and the buffer of a device the caller owns, at
 * devoff: KIP_DEV_WRITE into the device, KIP_DEV_READ out of it. */
static inline int kip_dma(int dev, int op, void *buf, size_t len, uint64_t devoff)
{
	message m;
	kip_msg_init(&m, SYS_DMA);
	m.m_dev.device = dev;
	m.m_dev.op = op;
	m.m_dev.addr = (uint64_t)(uintptr_t)buf;
	m.m_dev.len = len;
	m.m_dev.devoff = devoff;
	return kip_kcall(SYS_DMA, &m);
}

/* Enable, disable or acknowledge IRQ `irq` (KIP_IRQ_*). */
static inline int kip_irq_ctl(int irq, int op)
{
	message m;
	kip_msg_init(&m, SYS_IRQCTL);
	m.m_irq.irq = irq;
	m.m_irq.op = op;
	return kip_kcall(SYS_IRQCTL, &m);
}

#endif
