/*
 * kip/fault_point.h - fault points with permanent ids (STYLE.md 8).
 *
 * Code that can fail in interesting ways calls fault_point(FP_...) at that
 * spot and treats a nonzero return as "fail here as if the operation had
 * failed".  Points are always compiled in and cost one predictable branch
 * while no injector is armed (the fault injector of a later issue arms
 * them through kip_fault_arm).  Ids are permanent: never renumber, only add.
 */
#ifndef KIP_FAULT_POINT_H
#define KIP_FAULT_POINT_H

/* X(name, id, what) */
#define KIP_FAULT_POINTS(X)                                                                        \
	X(FP_IPC_DELIVER, 1, "a message is about to be delivered")                                 \
	X(FP_KCALL, 2, "a kernel call is about to run")                                            \
	X(FP_PAGE_ALLOC, 3, "a page allocation")                                                   \
	X(FP_PROC_CREATE, 4, "a process creation")                                                 \
	X(FP_GRANT_COPY, 5, "a safecopy through a grant")                                          \
	X(FP_DEV_IO, 6, "a device register access or DMA")                                         \
	X(FP_DISK_READ, 10, "a disk block read")                                                   \
	X(FP_DISK_WRITE, 11, "a disk block write")                                                 \
	X(FP_DISK_FLUSH, 12, "a disk flush")

enum kip_fault_point {
#define KIP_FP_ENUM(name, id, what) name = id,
	KIP_FAULT_POINTS(KIP_FP_ENUM)
#undef KIP_FP_ENUM
	FP_MAX = 64
};

/* Nonzero while some fault point is armed (owned by the kernel). */
extern volatile int kip_fault_armed;

/* Slow path: should the point fire now?  (kernel/fault_point.c) */
int kip_fault_check(int id);

/* Arm point `id` to fire on its `nth` hit from now (1 = the next), `count`
 * times; count 0 disarms it.  Returns 0 or -EINVAL. */
int kip_fault_arm(int id, unsigned nth, unsigned count);
void kip_fault_disarm_all(void);
/* Times point `id` has been reached since boot. */
unsigned long kip_fault_hits(int id);
const char *kip_fault_point_name(int id);

static inline int fault_point(int id)
{
	if (__builtin_expect(kip_fault_armed, 0))
		return kip_fault_check(id);
	return 0;
}

#endif
