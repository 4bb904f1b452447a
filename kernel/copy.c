/*
 * kernel/copy.c - copies between process memory and the kernel.
 *
 * Processes hand the kernel addresses (a text to print, a buffer to fill).
 * All processes share the host address space, so the kernel can reach any
 * of them; a bad address must still not bring the kernel down.  The copy
 * runs with k->copying set: a fault during it jumps back here (see
 * kernel/fault.c) and the call fails with EFAULT, as copy_from_user does.
 *
 * Entry points: copy_from_proc, copy_to_proc, probe_proc_rw.
 *
 * The jump buffer does not save the signal mask (that would cost a system
 * call per copy); fault_hook unblocks the signal before it jumps.
 */
#include <string.h>

#include "kip/error.h"
#include "kernel/kernel.h"

static int guarded_copy(struct kernel *k, void *dst, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	if (!dst || !src)
		return -EFAULT;
	if (sigsetjmp(k->copy_jmp, 0)) {
		k->copying = false;
		return -EFAULT;
	}
	k->copying = true;
	memcpy(dst, src, len);
	k->copying = false;
	return 0;
}

int copy_from_proc(struct kernel *k, void *dst, uint64_t src, size_t len)
{
	return guarded_copy(k, dst, (const void *)(uintptr_t)src, len);
}

int copy_to_proc(struct kernel *k, uint64_t dst, const void *src, size_t len)
{
	return guarded_copy(k, (void *)(uintptr_t)dst, src, len);
}

int probe_proc_rw(struct kernel *k, uint64_t addr, size_t len)
{
	volatile uint8_t *first = (volatile uint8_t *)(uintptr_t)addr;
	volatile uint8_t *last = first + len - 1;
	if (!addr || len == 0)
		return -EFAULT;
	if (sigsetjmp(k->copy_jmp, 0)) {
		k->copying = false;
		return -EFAULT;
	}
	k->copying = true;
	*first = *first;
	*last = *last;
	k->copying = false;
	return 0;
}
