/*
 * sim/mem.c - physical memory and the page allocator (see sim/mem.h).
 *
 * The allocator is a first-fit search over the per-page owner array,
 * starting where the last search ended.  It is deterministic: the same
 * sequence of requests gets the same page numbers on every run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/mem.h"

int mem_init(struct sim_mem *m, size_t bytes)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->npages = (bytes + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE;
	if (m->npages == 0)
		return -EINVAL;
	size_t len = m->npages * SIM_PAGE_SIZE;
	m->fd = memfd_create("kip-physmem", MFD_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	if (ftruncate(m->fd, (off_t)len) < 0)
		goto fail;
	m->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		goto fail;
	}
	m->owner = calloc(m->npages, sizeof(*m->owner));
	m->prot = malloc(m->npages);
	if (!m->owner || !m->prot) {
		errno = ENOMEM;
		goto fail;
	}
	memset(m->prot, PROT_READ | PROT_WRITE, m->npages);
	m->nfree = m->npages;
	return 0;
fail:;
	int err = errno;
	mem_fini(m);
	return -err;
}

void mem_fini(struct sim_mem *m)
{
	if (m->base)
		munmap(m->base, m->npages * SIM_PAGE_SIZE);
	if (m->fd >= 0)
		close(m->fd);
	free(m->owner);
	free(m->prot);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* Length of the free run starting at pfn, up to `want`. */
static size_t free_run(const struct sim_mem *m, size_t pfn, size_t want)
{
	size_t n = 0;
	while (n < want && pfn + n < m->npages && m->owner[pfn + n] == SIM_OWNER_NONE)
		n++;
	return n;
}

static long find_run(const struct sim_mem *m, size_t n)
{
	for (size_t pass = 0; pass < 2; pass++) {
		size_t start = pass == 0 ? m->hint : 0;
		size_t end = pass == 0 ? m->npages : m->hint + n;
		for (size_t pfn = start; pfn + n <= m->npages && pfn < end;) {
			size_t run = free_run(m, pfn, n);
			if (run == n)
				return (long)pfn;
			pfn += run + 1;
		}
	}
	return -ENOMEM;
}

long mem_alloc(struct sim_mem *m, size_t n, unsigned owner)
{
	if (n == 0 || owner == SIM_OWNER_NONE || n > m->nfree)
		return -ENOMEM;
	long pfn = find_run(m, n);
	if (pfn < 0)
		return pfn;
	for (size_t i = 0; i < n; i++)
		m->owner[pfn + i] = (uint16_t)owner;
	m->nfree -= n;
	m->hint = (size_t)pfn + n;
	if (m->hint >= m->npages)
		m->hint = 0;
	memset(mem_addr(m, (size_t)pfn), 0, n * SIM_PAGE_SIZE);
	return pfn;
}

void mem_free(struct sim_mem *m, size_t pfn, size_t n)
{
	mem_protect(m, pfn, n, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < n; i++) {
		if (m->owner[pfn + i] != SIM_OWNER_NONE) {
			m->owner[pfn + i] = SIM_OWNER_NONE;
			m->nfree++;
		}
	}
}

size_t mem_free_owner(struct sim_mem *m, unsigned owner)
{
	size_t freed = 0;
	for (size_t pfn = 0; pfn < m->npages; pfn++) {
		if (m->owner[pfn] == owner) {
			mem_free(m, pfn, 1);
			freed++;
		}
	}
	return freed;
}

void *mem_addr(const struct sim_mem *m, size_t pfn)
{
	return m->base + pfn * SIM_PAGE_SIZE;
}

long mem_pfn(const struct sim_mem *m, const void *addr)
{
	const uint8_t *p = addr;
	if (!m->base || p < m->base || p >= m->base + m->npages * SIM_PAGE_SIZE)
		return -1;
	return (long)((size_t)(p - m->base) / SIM_PAGE_SIZE);
}

unsigned mem_owner(const struct sim_mem *m, size_t pfn)
{
	return pfn < m->npages ? m->owner[pfn] : SIM_OWNER_NONE;
}

size_t mem_list(const struct sim_mem *m, unsigned owner, uint64_t *out, size_t max)
{
	size_t count = 0;
	for (size_t pfn = 0; pfn < m->npages; pfn++) {
		if (m->owner[pfn] != owner)
			continue;
		if (count < max)
			out[count] = (uint64_t)(uintptr_t)mem_addr(m, pfn);
		count++;
	}
	return count;
}

int mem_protect(struct sim_mem *m, size_t pfn, size_t n, int prot)
{
	if (pfn + n > m->npages)
		return -EINVAL;
	size_t i = 0;
	while (i < n) {
		/* Skip pages already right; mprotect runs of pages that change. */
		if (m->prot[pfn + i] == prot) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && m->prot[pfn + j] != prot)
			j++;
		if (mprotect(mem_addr(m, pfn + i), (j - i) * SIM_PAGE_SIZE, prot) < 0)
			return -errno;
		memset(m->prot + pfn + i, prot, j - i);
		i = j;
	}
	return 0;
}
