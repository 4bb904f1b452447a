/*
 * tests/kernel/test_mem.c - pages: allocation, ownership, protection
 * (kernel/kcall_mem.c, the page allocator of sim/mem.c, and the freeing of
 * a dead process's pages in kernel/proc.c).
 *
 * Pins: SYS_PAGE_LIST shows a process's stack and every page it allocates,
 * and no longer the ones it frees; when a process exits or is killed all
 * its pages go back to the allocator (its successor in the same slot starts
 * clean, the pages are handed out again, zeroed, and nothing is left when
 * the machine halts); SYS_PAGE_FREE refuses pages the caller does not own
 * (EPERM: someone else's, its stack, an already freed page) and bad
 * arguments (EINVAL); SYS_PAGE_PROTECT makes a page read-only (a write
 * faults, with the page's address) or inaccessible, only system processes
 * may change another process's pages.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "kip/error.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "kernel/kernel.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"

#define MEM_PAGE 4096u
#define MEM_PROC_PAGES (PROC_STACK_PAGES + 1) /* a new process: its stack and guard */
#define MEM_LIST_MAX 64
#define MEM_HOG_EXIT (1u << 16) /* mem_hog: exit after allocating */

static struct {
	endpoint_t main_ep;
	int ok;
	int n[8]; /* page counts */
	int r[12];
	int flag[8];
	uint8_t *hog_pages; /* the last mem_hog's allocation */
	uint8_t *page;	    /* mem_writer's page */
	int stage;	    /* how far mem_writer got */
	struct kcall_event ev;
} mem;

static uint8_t mem_host_byte; /* host memory: no process's page */

static uint64_t mem_page_of(const void *addr)
{
	return (uint64_t)(uintptr_t)addr & ~(uint64_t)(MEM_PAGE - 1);
}

/* Nonzero if addr's page is among the first n of list. */
static int mem_listed(const uint64_t *list, int n, const void *addr)
{
	for (int i = 0; i < n && i < MEM_LIST_MAX; i++)
		if (list[i] == mem_page_of(addr))
			return 1;
	return 0;
}

static int mem_run(const char *program, unsigned flags)
{
	memset(&mem, 0, sizeof(mem));
	kt_boot(0);
	mem.main_ep = kt_spawn(program, 0, SPAWN_INIT | flags);
	return kt_run();
}

/* Allocate (arg & 0xffff) pages, fill them with 0xaa, publish where, then
 * wait for ever - or exit, with MEM_HOG_EXIT. */
static int mem_hog_main(uint64_t arg)
{
	unsigned n = (unsigned)(arg & 0xffff);
	if (n) {
		uint8_t *p = kip_page_alloc(n);
		if (!p)
			return 1;
		memset(p, 0xaa, (size_t)n * MEM_PAGE);
		mem.hog_pages = p;
	}
	if (arg & MEM_HOG_EXIT)
		return 0;
	message m;
	while (kip_receive(KIP_ANY, &m) == 0)
		;
	return 2;
}
KIP_PROGRAM(mem_hog, mem_hog_main, 2, KIP_PROG_SYSTEM);

/* Start a mem_hog that runs before the caller continues (priority 1). */
static endpoint_t mem_start_hog(uint64_t arg)
{
	return kip_create("mem_hog", NULL, 1, arg);
}

/* ---------------------------------------------------------- listing */

static int mem_list_main(uint64_t arg)
{
	(void)arg;
	uint64_t list[MEM_LIST_MAX];
	int on_stack = 0;
	mem.n[0] = kip_page_list(KIP_SELF, list, MEM_LIST_MAX);
	mem.flag[0] = mem_listed(list, mem.n[0], &on_stack);

	uint8_t *p = kip_page_alloc(3);
	if (!p)
		return 1;
	mem.n[1] = kip_page_list(KIP_SELF, list, MEM_LIST_MAX);
	mem.flag[1] = mem_listed(list, mem.n[1], p) && mem_listed(list, mem.n[1], p + MEM_PAGE) &&
		      mem_listed(list, mem.n[1], p + 2 * MEM_PAGE);
	mem.n[2] = kip_page_list(mem.main_ep, list, MEM_LIST_MAX); /* by endpoint */
	struct kip_procinfo info;
	mem.r[0] = kip_get_info(kip_ep_slot(mem.main_ep), &info);
	mem.n[3] = (int)info.pages;

	/* A short buffer: the whole count, but only max addresses stored. */
	uint64_t few[3] = {0, 0, 0x5eed};
	mem.n[4] = kip_page_list(KIP_SELF, few, 2);
	mem.flag[2] = few[0] != 0 && few[1] != 0 && few[2] == 0x5eed;

	mem.r[1] = kip_page_free(p + MEM_PAGE, 2);
	mem.n[5] = kip_page_list(KIP_SELF, list, MEM_LIST_MAX);
	mem.flag[3] = mem_listed(list, mem.n[5], p) && !mem_listed(list, mem.n[5], p + MEM_PAGE) &&
		      !mem_listed(list, mem.n[5], p + 2 * MEM_PAGE);
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_list, mem_list_main, 2, KIP_PROG_SYSTEM);

static void test_page_list_shows_stack_and_allocations(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_list", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.n[0], MEM_PROC_PAGES);
	CU_ASSERT(mem.flag[0]); /* the page of a local variable */
	CU_ASSERT_EQUAL(mem.n[1], mem.n[0] + 3);
	CU_ASSERT(mem.flag[1]);
	CU_ASSERT_EQUAL(mem.n[2], mem.n[1]);
	CU_ASSERT_EQUAL(mem.r[0], 0);
	CU_ASSERT_EQUAL(mem.n[3], mem.n[1]); /* SYS_GETINFO agrees */
	CU_ASSERT_EQUAL(mem.n[4], mem.n[1]);
	CU_ASSERT(mem.flag[2]);
}

static void test_freed_pages_leave_the_list(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_list", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.r[1], 0);
	CU_ASSERT_EQUAL(mem.n[5], mem.n[0] + 1);
	CU_ASSERT(mem.flag[3]);
}

/* ------------------------------------------------------ death frees */

static int mem_reuse_main(uint64_t arg)
{
	(void)arg;
	uint64_t list[MEM_LIST_MAX];
	struct kcall_event ev;

	endpoint_t a = mem_start_hog(5);
	uint8_t *a_pages = mem.hog_pages;
	mem.n[0] = kip_page_list(a, list, MEM_LIST_MAX);
	mem.r[0] = kip_kill(a);
	kt_wait_event(&ev);
	mem.r[1] = kip_page_list(a, list, MEM_LIST_MAX);

	/* Its successor in the same slot owns only its own stack. */
	endpoint_t b = mem_start_hog(0);
	mem.flag[0] = kip_ep_slot(a) == kip_ep_slot(b);
	mem.n[1] = kip_page_list(b, list, MEM_LIST_MAX);
	mem.flag[1] = mem_listed(list, mem.n[1], a_pages);
	kip_kill(b);
	kt_wait_event(&ev);

	/* The same after an exit. */
	endpoint_t c = mem_start_hog(5 | MEM_HOG_EXIT);
	kt_wait_event(&ev);
	mem.r[2] = ev.kind == KIP_EV_EXIT && ev.endpoint == c;
	endpoint_t d = mem_start_hog(0);
	mem.n[2] = kip_page_list(d, list, MEM_LIST_MAX);
	mem.flag[2] = mem_listed(list, mem.n[2], mem.hog_pages);
	kip_kill(d);
	kt_wait_event(&ev);
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_reuse, mem_reuse_main, 2, KIP_PROG_SYSTEM);

static void test_death_frees_every_page(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_reuse", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.n[0], MEM_PROC_PAGES + 5);
	CU_ASSERT_EQUAL(mem.r[0], 0);
	CU_ASSERT_EQUAL(mem.r[1], -EDEADSRCDST);
	CU_ASSERT(mem.flag[0]);
	CU_ASSERT_EQUAL(mem.n[1], MEM_PROC_PAGES); /* nothing inherited from a */
	CU_ASSERT_FALSE(mem.flag[1]);
	CU_ASSERT(mem.r[2]);
	CU_ASSERT_EQUAL(mem.n[2], MEM_PROC_PAGES);
	CU_ASSERT_FALSE(mem.flag[2]);
	/* Every process ended: every page is free again. */
	CU_ASSERT_EQUAL(kt_last_run()->live_procs, 0);
	CU_ASSERT_EQUAL(kt_last_run()->free_pages, kt_last_run()->total_pages);
}

/*
 * A killed process's dirty pages are handed out again, zeroed: allocate
 * everything there is and look for them.
 */
static int mem_recycle_main(uint64_t arg)
{
	(void)arg;
	struct kcall_event ev;
	endpoint_t a = mem_start_hog(5);
	uint8_t *dirty = mem.hog_pages;
	kip_kill(a);
	kt_wait_event(&ev);

	int found = 0, clean = 1;
	for (unsigned n = 64; n; n /= 2) {
		uint8_t *p;
		while ((p = kip_page_alloc(n))) {
			for (unsigned i = 0; i < 5; i++) {
				const uint8_t *d = dirty + (size_t)i * MEM_PAGE;
				if (d < p || d >= p + (size_t)n * MEM_PAGE)
					continue;
				found++;
				for (unsigned b = 0; b < MEM_PAGE; b++)
					clean &= d[b] == 0;
			}
		}
	}
	mem.n[0] = found;
	mem.flag[0] = clean;
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_recycle, mem_recycle_main, 2, KIP_PROG_SYSTEM);

static void test_dead_pages_are_reused_zeroed(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_recycle", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.n[0], 5);
	CU_ASSERT(mem.flag[0]);
}

/* ------------------------------------------------------ freeing */

static int mem_free_main(uint64_t arg)
{
	(void)arg;
	uint64_t list[MEM_LIST_MAX];
	int on_stack = 0;
	uint8_t *p = kip_page_alloc(1);
	uint8_t *q = kip_page_alloc(2);
	endpoint_t other = mem_start_hog(1);
	uint8_t *theirs = mem.hog_pages;
	if (!p || !q || other < 0)
		return 1;
	mem.n[0] = kip_page_list(KIP_SELF, list, MEM_LIST_MAX);
	mem.r[0] = kip_page_free(theirs, 1);
	mem.n[1] = kip_page_list(other, list, MEM_LIST_MAX);
	mem.r[1] = kip_page_free(p + 8, 1);
	mem.r[2] = kip_page_free(&mem_host_byte, 1);
	mem.r[3] = kip_page_free(p, 0);
	mem.r[4] = kip_page_free((void *)(uintptr_t)mem_page_of(&on_stack), 1);
	mem.r[5] = kip_page_free(q + MEM_PAGE, 1);
	mem.r[6] = kip_page_free(q, 2); /* its second page is no longer ours */
	mem.r[7] = kip_page_free(p, 1);
	mem.r[8] = kip_page_free(p, 1); /* twice */
	mem.n[2] = kip_page_list(KIP_SELF, list, MEM_LIST_MAX);
	mem.flag[0] = mem_listed(list, mem.n[2], q) && !mem_listed(list, mem.n[2], p);
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_free, mem_free_main, 2, KIP_PROG_SYSTEM);

static void test_free_of_a_page_not_owned_is_eperm(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_free", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.n[0], MEM_PROC_PAGES + 3);
	CU_ASSERT_EQUAL(mem.r[0], -EPERM);
	CU_ASSERT_EQUAL(mem.n[1], MEM_PROC_PAGES + 1); /* still the other's */
	CU_ASSERT_EQUAL(mem.r[4], -EPERM);	       /* the caller's own stack */
	CU_ASSERT_EQUAL(mem.r[5], 0);
	CU_ASSERT_EQUAL(mem.r[6], -EPERM);
	CU_ASSERT_EQUAL(mem.r[7], 0);
	CU_ASSERT_EQUAL(mem.r[8], -EPERM);
	CU_ASSERT_EQUAL(mem.n[2], MEM_PROC_PAGES + 1);
	CU_ASSERT(mem.flag[0]);
}

static void test_free_with_bad_arguments_is_einval(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_free", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.r[1], -EINVAL); /* not page-aligned */
	CU_ASSERT_EQUAL(mem.r[2], -EINVAL); /* not physical memory */
	CU_ASSERT_EQUAL(mem.r[3], -EINVAL); /* zero pages */
}

static int mem_limits_main(uint64_t arg)
{
	(void)arg;
	mem.flag[0] = kip_page_alloc(0) == NULL;
	mem.flag[1] = kip_page_alloc(1u << 30) == NULL;
	mem.flag[2] = kip_page_alloc((16u << 20) / MEM_PAGE) == NULL; /* all of memory */
	uint8_t *p = kip_page_alloc(2);
	mem.flag[3] = p != NULL;
	if (p)
		for (unsigned i = 0; i < 2 * MEM_PAGE; i++)
			mem.flag[4] |= p[i];
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_limits, mem_limits_main, 2, KIP_PROG_SYSTEM);

static void test_alloc_refuses_what_cannot_be(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_limits", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT(mem.flag[0]);
	CU_ASSERT(mem.flag[1]);
	CU_ASSERT(mem.flag[2]);
	CU_ASSERT(mem.flag[3]);
	CU_ASSERT_EQUAL(mem.flag[4], 0); /* zeroed */
}

/* ------------------------------------------------------ protection */

enum {
	MEM_WRITE_RO,	 /* make the page read-only, then write it */
	MEM_READ_NONE,	 /* make it inaccessible, then read it */
	MEM_WRITE_AGAIN, /* read-only, then read-write again, then write */
	MEM_PROTECT_MAIN /* try to protect the main's page */
};

/* A user program allowed SYS_PAGE_PROTECT. */
static int mem_writer_main(uint64_t how)
{
	volatile uint8_t *p = kip_page_alloc(1);
	if (!p)
		return 1;
	mem.page = (uint8_t *)p;
	p[0] = 1;
	switch (how) {
	case MEM_WRITE_RO:
		mem.r[0] = kip_page_protect(KIP_SELF, (void *)p, 1, KIP_PROT_READ);
		mem.r[1] = p[0]; /* reading is still fine */
		mem.stage = 1;
		kt_barrier();
		p[100] = 2;
		break;
	case MEM_READ_NONE:
		mem.r[0] = kip_page_protect(KIP_SELF, (void *)p, 1, KIP_PROT_NONE);
		mem.stage = 1;
		kt_barrier();
		mem.r[1] = p[100];
		break;
	case MEM_WRITE_AGAIN:
		mem.r[0] = kip_page_protect(KIP_SELF, (void *)p, 1, KIP_PROT_READ);
		mem.r[1] = kip_page_protect(KIP_SELF, (void *)p, 1, KIP_PROT_READ | KIP_PROT_WRITE);
		mem.stage = 1;
		kt_barrier();
		p[100] = 2;
		break;
	case MEM_PROTECT_MAIN:
		mem.r[0] = kip_page_protect(mem.main_ep, mem.hog_pages, 1, KIP_PROT_READ);
		break;
	}
	mem.stage = 2;
	return 0;
}
KIP_PROGRAM(mem_writer, mem_writer_main, 8, KIP_PROG_USER);

static uint64_t mem_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

/* Start mem_writer(how) with a user's rights plus page protection. */
static endpoint_t mem_start_writer(uint64_t how)
{
	endpoint_t ep = kip_create("mem_writer", NULL, -1, how);
	struct kcall_privctl pc = {0};
	pc.endpoint = ep;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.kcall_mask = mem_kbit(SYS_EXIT) | mem_kbit(SYS_PAGE_ALLOC) | mem_kbit(SYS_PAGE_FREE) |
			mem_kbit(SYS_PAGE_PROTECT);
	if (ep < 0 || kip_privctl(&pc) < 0)
		return -1;
	return ep;
}

static int mem_protect_main(uint64_t how)
{
	if (how == MEM_PROTECT_MAIN) {
		mem.hog_pages = kip_page_alloc(1);
		mem.hog_pages[0] = 7;
	}
	if (mem_start_writer(how) < 0)
		return 1;
	kt_wait_event(&mem.ev);
	if (how == MEM_PROTECT_MAIN) {
		mem.hog_pages[0] = 8; /* still writable */
		mem.flag[0] = mem.hog_pages[0] == 8;
	}
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_protect, mem_protect_main, 2, KIP_PROG_SYSTEM);

static void mem_run_protect(uint64_t how)
{
	memset(&mem, 0, sizeof(mem));
	kt_boot(0);
	mem.main_ep = kt_spawn("mem_protect", how, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT(mem.ok);
}

static void test_write_to_a_read_only_page_faults(void)
{
	mem_run_protect(MEM_WRITE_RO);
	CU_ASSERT_EQUAL(mem.r[0], 0);
	CU_ASSERT_EQUAL(mem.r[1], 1);
	CU_ASSERT_EQUAL(mem.stage, 1); /* the write never happened */
	CU_ASSERT_EQUAL(mem.ev.kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(mem.ev.signo, SIGSEGV);
	CU_ASSERT_EQUAL(mem.ev.addr, (uint64_t)(uintptr_t)(mem.page + 100));
	CU_ASSERT_EQUAL(mem.ev.access, 1);
}

static void test_read_of_an_inaccessible_page_faults(void)
{
	mem_run_protect(MEM_READ_NONE);
	CU_ASSERT_EQUAL(mem.r[0], 0);
	CU_ASSERT_EQUAL(mem.stage, 1);
	CU_ASSERT_EQUAL(mem.ev.kind, KIP_EV_KILLED);
	CU_ASSERT_EQUAL(mem.ev.signo, SIGSEGV);
	CU_ASSERT_EQUAL(mem.ev.addr, (uint64_t)(uintptr_t)(mem.page + 100));
	CU_ASSERT_EQUAL(mem.ev.access, 0);
}

static void test_write_after_unprotect_succeeds(void)
{
	mem_run_protect(MEM_WRITE_AGAIN);
	CU_ASSERT_EQUAL(mem.r[0], 0);
	CU_ASSERT_EQUAL(mem.r[1], 0);
	CU_ASSERT_EQUAL(mem.stage, 2);
	CU_ASSERT_EQUAL(mem.ev.kind, KIP_EV_EXIT);
	CU_ASSERT_EQUAL(mem.ev.status, 0);
}

static void test_user_may_not_protect_anothers_page(void)
{
	mem_run_protect(MEM_PROTECT_MAIN);
	CU_ASSERT_EQUAL(mem.r[0], -EPERM);
	CU_ASSERT_EQUAL(mem.ev.kind, KIP_EV_EXIT);
	CU_ASSERT(mem.flag[0]);
}

static int mem_protect_checks_main(uint64_t arg)
{
	(void)arg;
	uint8_t *p = kip_page_alloc(1);
	endpoint_t other = mem_start_hog(1);
	uint8_t *theirs = mem.hog_pages;
	if (!p || other < 0)
		return 1;
	mem.r[0] = kip_page_protect(KIP_SELF, p, 1, 4);
	mem.r[1] = kip_page_protect(KIP_SELF, p + 1, 1, KIP_PROT_READ);
	mem.r[2] = kip_page_protect(KIP_SELF, theirs, 1, KIP_PROT_READ);
	mem.r[3] = kip_page_protect(KIP_SELF, &mem_host_byte, 1, KIP_PROT_READ);
	/* A system process (a manager) may change someone else's pages. */
	mem.r[4] = kip_page_protect(other, theirs, 1, KIP_PROT_READ);
	mem.r[5] = kip_page_protect(other, theirs, 1, KIP_PROT_READ | KIP_PROT_WRITE);
	kip_kill(other);
	mem.r[6] = kip_page_protect(other, theirs, 1, KIP_PROT_READ);
	mem.ok = 1;
	return 0;
}
KIP_PROGRAM(mem_protect_checks, mem_protect_checks_main, 2, KIP_PROG_SYSTEM);

static void test_protect_checks_its_arguments(void)
{
	CU_ASSERT_EQUAL(mem_run("mem_protect_checks", 0), 0);
	CU_ASSERT(mem.ok);
	CU_ASSERT_EQUAL(mem.r[0], -EINVAL); /* unknown protection bits */
	CU_ASSERT_EQUAL(mem.r[1], -EINVAL); /* not page-aligned */
	CU_ASSERT_EQUAL(mem.r[2], -EPERM);  /* not the target's page */
	CU_ASSERT_EQUAL(mem.r[3], -EINVAL); /* not physical memory */
	CU_ASSERT_EQUAL(mem.r[4], 0);
	CU_ASSERT_EQUAL(mem.r[5], 0);
	CU_ASSERT_EQUAL(mem.r[6], -EDEADSRCDST);
}

static const struct kip_test mem_tests[] = {
	{"page list shows the stack and allocations", test_page_list_shows_stack_and_allocations},
	{"freed pages leave the list", test_freed_pages_leave_the_list},
	{"exit and kill free every page", test_death_frees_every_page},
	{"a dead process's pages are reused, zeroed", test_dead_pages_are_reused_zeroed},
	{"freeing a page not owned is EPERM", test_free_of_a_page_not_owned_is_eperm},
	{"freeing with bad arguments is EINVAL", test_free_with_bad_arguments_is_einval},
	{"allocation refuses what cannot be", test_alloc_refuses_what_cannot_be},
	{"a write to a read-only page faults", test_write_to_a_read_only_page_faults},
	{"a read of an inaccessible page faults", test_read_of_an_inaccessible_page_faults},
	{"a page made writable again takes writes", test_write_after_unprotect_succeeds},
	{"a user may not protect another's page", test_user_may_not_protect_anothers_page},
	{"protect checks its arguments", test_protect_checks_its_arguments},
	{NULL, NULL},
};

KIP_TEST_SUITE(mem, mem_tests);
