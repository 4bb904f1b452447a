/*
 * sim/mem.h - physical memory: a memfd of N pages, a page allocator that
 * records each page's owner, and a direct map of the whole memfd (the
 * kernel reaches any page through it, as Linux does).
 *
 * Entry points: mem_init, mem_fini, mem_alloc, mem_free, mem_free_owner,
 * mem_addr, mem_pfn, mem_owner, mem_list, mem_protect, mem_free_count.
 */
#ifndef KIP_SIM_MEM_H
#define KIP_SIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#define SIM_PAGE_SIZE 4096u
#define SIM_OWNER_NONE 0 /* owner ids are process slot + 1 */

struct sim_mem {
	int fd;	       /* the memfd: physical memory */
	uint8_t *base; /* direct map of all of it */
	size_t npages;
	uint16_t *owner; /* per page: SIM_OWNER_NONE or owner id */
	uint8_t *prot;	 /* per page: current protection (PROT_*) */
	size_t nfree;
	size_t hint; /* where the next first-fit search starts */
};

/* Create `bytes` of physical memory (rounded up to pages).  0 or -errno. */
int mem_init(struct sim_mem *m, size_t bytes);
void mem_fini(struct sim_mem *m);

/* Allocate n contiguous pages for `owner` (> 0), zeroed and read-write.
 * Returns the first page frame number, or -ENOMEM. */
long mem_alloc(struct sim_mem *m, size_t n, unsigned owner);

/* Free n pages starting at pfn (they must belong to one owner). */
void mem_free(struct sim_mem *m, size_t pfn, size_t n);

/* Free every page `owner` has; returns how many. */
size_t mem_free_owner(struct sim_mem *m, unsigned owner);

/* Direct-map address of a page, and the page of an address (-1 if the
 * address is not physical memory). */
void *mem_addr(const struct sim_mem *m, size_t pfn);
long mem_pfn(const struct sim_mem *m, const void *addr);

unsigned mem_owner(const struct sim_mem *m, size_t pfn);

/* Store up to max page addresses of `owner` in out; return how many it has. */
size_t mem_list(const struct sim_mem *m, unsigned owner, uint64_t *out, size_t max);

/* Change protection (PROT_* bits) of n pages.  0 or -errno. */
int mem_protect(struct sim_mem *m, size_t pfn, size_t n, int prot);

static inline size_t mem_free_count(const struct sim_mem *m)
{
	return m->nfree;
}

#endif
