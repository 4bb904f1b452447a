/*
 * kernel/grant.c - safecopy through grants.
 *
 * Entry point: grant_copy (SYS_SAFECOPYFROM / SYS_SAFECOPYTO).
 *
 * The grant table lives in the granter's memory (kip/grant.h); the kernel
 * reads the entry, then checks, in order: the id's slot is in the table and
 * in use, its sequence number matches (a revoked-then-reused slot refuses
 * old ids), the caller is the grantee, the access is allowed, and the range
 * fits.  An indirect grant names a grant the granter itself holds: the
 * check repeats there with the granter as grantee, at most
 * KIP_GRANT_MAX_DEPTH hops (ELOOP beyond).  A direct grant names only
 * memory its granter owns (else EFAULT).  Only then is anything copied.
 */
#include <string.h>

#include "kip/error.h"
#include "kip/fault_point.h"
#include "kip/grant.h"
#include "kernel/cost.h"
#include "kernel/kernel.h"

static int read_grant(struct kernel *k, struct proc *granter, int32_t id, struct kip_grant *g)
{
	if (id < 0)
		return -EINVAL;
	uint32_t index = (uint32_t)id & ((1u << KIP_GRANT_SEQ_SHIFT) - 1);
	uint32_t seq = (uint32_t)id >> KIP_GRANT_SEQ_SHIFT;
	if (!granter->p_grant_table || index >= granter->p_grant_count)
		return -EINVAL;
	uint64_t at = granter->p_grant_table + (uint64_t)index * sizeof(*g);
	if (copy_from_proc(k, g, at, sizeof(*g)) < 0)
		return -EFAULT;
	if (!(g->flags & KIP_GRANT_USED) || g->seq != seq)
		return -EINVAL;
	return 0;
}

/* Does p own every page of [addr, addr + len)? */
static bool owns_range(struct kernel *k, const struct proc *p, uint64_t addr, uint64_t len)
{
	if (len == 0)
		return true;
	if (addr + len < addr)
		return false;
	long first = mem_pfn(&k->mem, (const void *)(uintptr_t)addr);
	long last = mem_pfn(&k->mem, (const void *)(uintptr_t)(addr + len - 1));
	if (first < 0 || last < 0)
		return false;
	for (long pfn = first; pfn <= last; pfn++)
		if (mem_owner(&k->mem, (size_t)pfn) != (unsigned)p->p_slot + 1)
			return false;
	return true;
}

/* Resolve (granter, id) for `grantee` to an address range in some process's
 * memory.  Returns 0 and sets *addr, or an error. */
static int resolve(struct kernel *k, endpoint_t grantee, endpoint_t granter_e, int32_t id,
		   uint64_t offset, uint64_t len, int access, uint64_t *addr)
{
	for (int depth = 0; depth <= KIP_GRANT_MAX_DEPTH; depth++) {
		struct proc *granter = proc_lookup(k, granter_e);
		if (!granter)
			return -EDEADSRCDST;
		struct kip_grant g;
		int r = read_grant(k, granter, id, &g);
		if (r < 0)
			return r;
		if (g.grantee != KIP_ANY && g.grantee != grantee)
			return -EPERM;
		if ((g.flags & access) != (uint32_t)access)
			return -EPERM;
		if (offset > g.len || len > g.len - offset)
			return -EINVAL;
		if (g.flags & KIP_GRANT_DIRECT) {
			if (!owns_range(k, granter, g.addr + offset, len))
				return -EFAULT;
			*addr = g.addr + offset;
			return 0;
		}
		if (!(g.flags & KIP_GRANT_INDIRECT) || offset + g.addr < offset)
			return -EINVAL;
		/* Follow: the granter is now the grantee of the grant it passes on. */
		grantee = granter->p_endpoint;
		granter_e = g.from;
		id = g.ref;
		offset += g.addr;
	}
	return -ELOOP;
}

int grant_copy(struct kernel *k, struct proc *caller, endpoint_t granter, int32_t id,
	       uint64_t offset, uint64_t addr, uint64_t len, bool to_grant)
{
	uint64_t where;
	int access = to_grant ? KIP_GRANT_WRITE : KIP_GRANT_READ;
	int r = resolve(k, caller->p_endpoint, granter, id, offset, len, access, &where);
	if (r < 0)
		return r;
	if (fault_point(FP_GRANT_COPY))
		return -EIO;
	clock_advance(&k->clock, COST_COPY_NS_PER_KB * ((len + 1023) / 1024));
	if (to_grant)
		return copy_from_proc(k, (void *)(uintptr_t)where, addr, len);
	return copy_to_proc(k, addr, (const void *)(uintptr_t)where, len);
}
