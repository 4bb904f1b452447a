/*
 * kernel/kcall_mem.c - kernel calls about memory: pages and grants.
 *
 * Every page a process allocates is owned by it and freed when it dies.
 * SYS_PAGE_PROTECT may be used by a process on its own pages, or by a
 * system process (a manager) on anyone's: that is how a manager makes a
 * faulting page writable before it resumes the process.
 */
#include <sys/mman.h>

#include "kip/error.h"
#include "kip/fault_point.h"
#include "kip/grant.h"
#include "kernel/kcall.h"

static unsigned owner_of(const struct proc *p)
{
	return (unsigned)p->p_slot + 1;
}

int do_safecopy(struct kernel *k, struct proc *caller, message *m)
{
	const struct kcall_safecopy *sc = &m->m_safecopy;
	return grant_copy(k, caller, sc->granter, sc->grant, sc->offset, sc->addr, sc->len,
			  m->m_type == SYS_SAFECOPYTO);
}

int do_setgrant(struct kernel *k, struct proc *caller, message *m)
{
	(void)k;
	if (m->m_setgrant.count > (1u << KIP_GRANT_SEQ_SHIFT))
		return -EINVAL;
	caller->p_grant_table = m->m_setgrant.table;
	caller->p_grant_count = m->m_setgrant.table ? m->m_setgrant.count : 0;
	return 0;
}

int do_page_alloc(struct kernel *k, struct proc *caller, message *m)
{
	uint32_t n = m->m_page.npages;
	if (n == 0 || n > k->mem.npages)
		return -EINVAL;
	if (fault_point(FP_PAGE_ALLOC))
		return -ENOMEM;
	long pfn = mem_alloc(&k->mem, n, owner_of(caller));
	if (pfn < 0)
		return -ENOMEM;
	m->m_page.addr = (uint64_t)(uintptr_t)mem_addr(&k->mem, (size_t)pfn);
	return 0;
}

/* The first page of [addr, addr + n pages) if every page is owned by
 * `owner`, else a negative error. */
static long owned_run(struct kernel *k, uint64_t addr, uint32_t n, unsigned owner)
{
	long pfn = mem_pfn(&k->mem, (const void *)(uintptr_t)addr);
	if (pfn < 0 || addr % SIM_PAGE_SIZE || n == 0 || (size_t)pfn + n > k->mem.npages)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (mem_owner(&k->mem, (size_t)pfn + i) != owner)
			return -EPERM;
	return pfn;
}

int do_page_free(struct kernel *k, struct proc *caller, message *m)
{
	long pfn = owned_run(k, m->m_page.addr, m->m_page.npages, owner_of(caller));
	if (pfn < 0)
		return (int)pfn;
	if (pfn <= caller->p_stack_pfn + PROC_STACK_PAGES &&
	    pfn + m->m_page.npages > caller->p_stack_pfn)
		return -EPERM; /* not its own stack */
	mem_free(&k->mem, (size_t)pfn, m->m_page.npages);
	k->mem_epoch++;
	return 0;
}

int do_page_list(struct kernel *k, struct proc *caller, message *m)
{
	struct proc *p = kcall_target(k, caller, m->m_page.endpoint);
	if (!p)
		return -EDEADSRCDST;
	size_t want = m->m_page.npages, count = 0;
	for (size_t pfn = 0; pfn < k->mem.npages; pfn++) {
		if (mem_owner(&k->mem, pfn) != owner_of(p))
			continue;
		if (count < want) {
			uint64_t addr = (uint64_t)(uintptr_t)mem_addr(&k->mem, pfn);
			uint64_t at = m->m_page.addr + count * sizeof(uint64_t);
			int r = copy_to_proc(k, at, &addr, sizeof(addr));
			if (r < 0)
				return r;
		}
		count++;
	}
	m->m_page.count = (uint32_t)count;
	return 0;
}

int do_page_protect(struct kernel *k, struct proc *caller, message *m)
{
	struct proc *p = kcall_target(k, caller, m->m_page.endpoint);
	if (!p)
		return -EDEADSRCDST;
	if (p != caller && !(caller->p_priv->flags & KIP_PRIV_SYSTEM))
		return -EPERM;
	int prot = m->m_page.prot;
	if (prot & ~(KIP_PROT_READ | KIP_PROT_WRITE))
		return -EINVAL;
	long pfn = owned_run(k, m->m_page.addr, m->m_page.npages, owner_of(p));
	if (pfn < 0)
		return (int)pfn;
	int host = (prot & KIP_PROT_READ ? PROT_READ : 0) |
		   (prot & KIP_PROT_WRITE ? PROT_READ | PROT_WRITE : 0);
	k->mem_epoch++;
	return mem_protect(&k->mem, (size_t)pfn, m->m_page.npages, host);
}
