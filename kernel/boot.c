/*
 * kernel/boot.c - boot, the kernel loop, idling and halting.
 *
 * Entry points: kernel_default_config, kernel_boot, kernel_spawn,
 * kernel_device_find, kernel_grant_device, kernel_spawn_driver,
 * kernel_spawn_driver_peer, kernel_bridge_device, kernel_run, kernel_halt,
 * kernel_get_stats, kernel_host_edge_open/close, kernel_host_post,
 * kernel_notify.
 *
 * The kernel loop runs on the host's own stack (the kernel context): fire
 * the clock events that are due, pick a process, switch to it, and when it
 * traps back, handle the trap and charge the virtual time it used.  When no
 * process can run, virtual time jumps to the next event; with no event but
 * a host edge open (terminal, FUSE), the CPU thread sleeps until a host
 * thread posts work; otherwise the machine halts - cleanly if every process is an idle
 * server waiting in RECEIVE(ANY), else with a report of who waits on whom.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <valgrind/valgrind.h>

#include "kip/driver.h"
#include "kip/error.h"
#include "kip/fault_point.h"
#include "sim/bridge.h"
#include "sim/disk.h"
#include "kernel/cost.h"
#include "kernel/kcall.h"
#include "kernel/kernel.h"

struct kernel *kern;

#define RESUMER_STACK_SIZE (64 * 1024)

unsigned fault_watchdog_period_ms(void);

void kernel_default_config(struct kip_config *cfg)
{
	struct timespec ts;
	memset(cfg, 0, sizeof(*cfg));
	clock_gettime(CLOCK_REALTIME, &ts);
	cfg->seed = 1;
	cfg->epoch = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	cfg->mem_bytes = 64u << 20;
	cfg->impl = CTX_IMPL_DEFAULT;
	cfg->watchdog_ms = 2000;
	cfg->quantum_ns = 10 * 1000 * 1000;
	cfg->console = stdout;
	cfg->trace_out = stdout;
}

/* Attach the bridge when the configuration asks for it (after the host
 * mailbox exists: its host threads post there).  0 or a negative error. */
static int attach_bridge(struct kernel *k, const struct kip_config *cfg)
{
	if (!cfg->bridge)
		return 0;
	struct sim_device *br = bridge_create(KERNEL_BRIDGE_IRQ, &k->hostq);
	if (!br) {
		fprintf(stderr, "kip: cannot attach the bridge: out of memory\n");
		return -ENOMEM;
	}
	int r = bus_attach(&k->bus, br);
	if (r < 0)
		br->ops->destroy(br);
	return r < 0 ? r : 0;
}

/* Attach the devices the configuration asks for.  0 or a negative error,
 * reported on stderr. */
static int attach_devices(struct kernel *k, const struct kip_config *cfg)
{
	bus_attach(&k->bus, scratch_create(KERNEL_SCRATCH_IRQ));
	if (!cfg->disk_image)
		return attach_bridge(k, cfg);
	int err;
	struct sim_device *disk = disk_create(cfg->disk_image, KERNEL_DISK_IRQ, &err);
	if (!disk) {
		fprintf(stderr, "kip: cannot attach disk image '%s': %s%s\n", cfg->disk_image,
			strerror(-err),
			err == -EINVAL ? " (its size must be a non-zero multiple of 512 bytes)"
				       : "");
		return err;
	}
	int r = bus_attach(&k->bus, disk);
	if (r < 0) {
		disk->ops->destroy(disk);
		return r;
	}
	return attach_bridge(k, cfg);
}

static void init_procs(struct kernel *k)
{
	for (int i = 0; i < KIP_NR_PROCS; i++) {
		k->procs[i].p_slot = i;
		k->procs[i].p_gen = 1;
		k->procs[i].p_rts = RTS_SLOT_FREE;
	}
}

static uint64_t host_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* cfg.host_clock: after waiting for the host, virtual time is at least the
 * host time since boot (it never goes back). */
static void catch_up_with_host(struct kernel *k)
{
	uint64_t elapsed = host_monotonic_ns() - k->host_boot_ns;
	if (elapsed > k->clock.now)
		k->clock.now = elapsed;
}

int kernel_boot(const struct kip_config *cfg)
{
	if (kern)
		return -EBUSY;
	struct kernel *k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->cfg = *cfg;
	kip_fault_disarm_all(); /* each boot starts with no point armed, no hits */
	k->fault_states = calloc(KIP_NR_PROCS, sizeof(struct cpustate));
	k->resumer_stack = mmap(NULL, RESUMER_STACK_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r = mem_init(&k->mem, cfg->mem_bytes);
	int rq = hostq_init(&k->hostq);
	if (!k->fault_states || k->resumer_stack == MAP_FAILED || r < 0 || rq < 0) {
		if (k->resumer_stack == MAP_FAILED)
			k->resumer_stack = NULL;
		kern = k;
		kernel_halt();
		return r < 0 ? r : rq < 0 ? rq : -ENOMEM;
	}
	ctx_impl_select(cfg->impl);
	clock_init(&k->clock, cfg->epoch);
	k->host_boot_ns = host_monotonic_ns();
	bus_init(&k->bus, &k->clock, kcall_raise_irq, k);
	r = attach_devices(k, cfg);
	if (r < 0) {
		kern = k;
		kernel_halt();
		return r;
	}
	init_procs(k);
	k->cpu.policy = &sched_rr_policy;
	k->cpu.policy->init(&k->cpu);
	priv_init_user(&k->user_priv);
	k->manager = KIP_NONE;
	kern = k;
	trace_init(k);
	r = cpustate_install(fault_hook, fault_watchdog_tick,
			     cfg->watchdog_ms ? fault_watchdog_period_ms() : 0);
	if (r < 0) {
		kernel_halt();
		return r;
	}
	return 0;
}

endpoint_t kernel_spawn(const char *program, const char *name, int priority, uint64_t arg,
			unsigned flags)
{
	struct kernel *k = kern;
	const struct kip_program *prog = kip_program_find(program);
	if (!k || !prog)
		return -ENOENT;
	int err;
	struct proc *p = proc_create(k, prog, name, priority, arg, KIP_NONE, &err);
	if (!p)
		return err;
	p->p_init = (flags & SPAWN_INIT) != 0;
	if (flags & SPAWN_MANAGER) {
		k->manager = p->p_endpoint;
		k->manager_takes_faults = true;
	}
	return p->p_endpoint;
}

int kernel_device_find(const char *name, int *irq)
{
	if (!kern)
		return -ENODEV;
	int dev = bus_find(&kern->bus, name);
	if (dev >= 0 && irq)
		*irq = bus_device(&kern->bus, dev)->irq;
	return dev;
}

int kernel_grant_device(endpoint_t ep, int dev, int irq)
{
	struct proc *p = kern ? proc_lookup(kern, ep) : NULL;
	if (!p)
		return -EDEADSRCDST;
	if (p->p_priv != &p->p_own_priv)
		return -EPERM;
	if (dev != -1 && !bus_device(&kern->bus, dev))
		return -ENODEV;
	if (irq != -1 && (irq < 0 || irq >= SIM_MAX_IRQS))
		return -EINVAL;
	if (dev != -1)
		p->p_own_priv.dev_mask |= 1u << dev;
	if (irq != -1)
		p->p_own_priv.irq_mask |= 1u << irq;
	return 0;
}

/* kernel_spawn_driver with the argument built by make_arg(dev, irq, peer). */
static endpoint_t spawn_driver(const char *program, const char *device, endpoint_t peer,
			       uint64_t (*make_arg)(int dev, int irq, endpoint_t peer))
{
	const struct kip_program *prog = kip_program_find(program);
	int irq = -1;
	int dev = kernel_device_find(device, &irq);
	if (dev < 0)
		return dev;
	if (!prog)
		return -ENOENT;
	if (prog->flags & KIP_PROG_USER)
		return -EPERM; /* checked now: kernel_grant_device would refuse it */
	endpoint_t ep = kernel_spawn(program, NULL, -1, make_arg(dev, irq, peer), 0);
	if (ep < 0)
		return ep;
	int r = kernel_grant_device(ep, dev, irq);
	assert(r == 0); /* a system process, a device that exists, its own line */
	(void)r;
	return ep;
}

static uint64_t driver_arg(int dev, int irq, endpoint_t peer)
{
	(void)peer;
	return kip_driver_arg(dev, irq);
}

endpoint_t kernel_spawn_driver(const char *program, const char *device)
{
	return spawn_driver(program, device, KIP_NONE, driver_arg);
}

endpoint_t kernel_spawn_driver_peer(const char *program, const char *device, endpoint_t peer)
{
	return spawn_driver(program, device, peer, kip_driver_peer_arg);
}

struct kip_bridge *kernel_bridge_device(void)
{
	int dev = kernel_device_find(BRIDGE_DEVICE_NAME, NULL);
	return dev < 0 ? NULL : bridge_of(bus_device(&kern->bus, dev));
}

static void resumer_entry(void *arg)
{
	struct proc *p = arg;
	cpustate_resume(p->p_fault);
}

/* Basic blocks a counted process may run before it must trap: the rest of
 * its quantum, and no further than the next clock event. */
static int64_t block_budget(struct kernel *k, struct proc *p)
{
	uint64_t left =
		k->cfg.quantum_ns > p->p_quantum_used ? k->cfg.quantum_ns - p->p_quantum_used : 1;
	uint64_t next;
	if (clock_next(&k->clock, &next) && next > k->clock.now && next - k->clock.now < left)
		left = next - k->clock.now;
	int64_t blocks = (int64_t)(left / COST_BLOCK_NS);
	return blocks > 0 ? blocks : 1;
}

/* Switch to p until it traps; charge what it used. */
static void dispatch(struct kernel *k, struct proc *p)
{
	struct cpu *cpu = &k->cpu;
	uint64_t cost = COST_TRAP_NS;
	if (cpu->last != p) {
		cost += COST_SWITCH_NS;
		k->n_switches++;
	}
	cpu->last = p;
	int64_t budget = p->p_counted ? block_budget(k, p) : INT64_MAX;
	kip_cpu_budget = budget;
	k->dispatches++;
	cpu->current = p;
	kernel_tls_word = p->p_tls;
	if (p->p_counted)
		VALGRIND_DISABLE_ERROR_REPORTING;
	if (p->p_resume_full) {
		p->p_resume_full = false;
		ctx_init(&k->resumer, k->resumer_stack, RESUMER_STACK_SIZE, resumer_entry, p);
		ctx_switch(&k->kctx, &k->resumer);
		ctx_destroy(&k->resumer);
	} else {
		ctx_switch_val(&k->kctx, &p->p_ctx, p->p_trap_result);
	}
	if (p->p_counted) {
		VALGRIND_ENABLE_ERROR_REPORTING;
		cost += (uint64_t)(budget - kip_cpu_budget) * COST_BLOCK_NS;
	}
	cpu->current = NULL;
	kernel_tls_word = NULL;
	kip_cpu_budget = INT64_MAX;
	kernel_charge(k, p, cost);
}

static bool all_idle(struct kernel *k)
{
	for (int i = 0; i < KIP_NR_PROCS; i++) {
		const struct proc *p = &k->procs[i];
		if (p->p_rts & RTS_SLOT_FREE)
			continue;
		if (p->p_rts != RTS_RECEIVING || p->p_getfrom != KIP_ANY)
			return false;
	}
	return true;
}

/* Nothing is runnable.  Returns true to go on (time moved to the next
 * event), false when the machine must halt. */
static bool idle(struct kernel *k)
{
	uint64_t next;
	if (clock_next(&k->clock, &next)) {
		if (next > k->clock.now)
			k->clock.now = next;
		return true;
	}
	if (k->hostq.edges > 0 || hostq_pending(&k->hostq)) {
		fflush(k->cfg.console);
		fflush(k->cfg.trace_out);
		hostq_wait(&k->hostq);
		if (k->cfg.host_clock)
			catch_up_with_host(k);
		hostq_drain(&k->hostq);
		return true;
	}
	if (all_idle(k)) {
		trace_event(k, "all processes idle; halting");
		k->exit_status = 0;
	} else {
		fflush(k->cfg.console);
		deadlock_report(k, stderr);
		k->exit_status = 1;
	}
	return false;
}

int kernel_run(void)
{
	struct kernel *k = kern;
	if (!k)
		return -EINVAL;
	while (!k->halted) {
		if (clock_due(&k->clock))
			clock_fire_due(&k->clock);
		if (hostq_pending(&k->hostq))
			hostq_drain(&k->hostq);
		struct proc *p = k->cpu.policy->pick(&k->cpu);
		if (!p) {
			if (!idle(k))
				break;
			continue;
		}
		dispatch(k, p);
		trap_handle(k, p);
		if (proc_runnable(p) && p->p_quantum_used >= k->cfg.quantum_ns)
			k->cpu.policy->quantum_expired(&k->cpu, p);
	}
	struct kip_bridge *br = kernel_bridge_device();
	if (br)
		bridge_close(br); /* nothing will serve its calls any more */
	fflush(k->cfg.console);
	fflush(k->cfg.trace_out);
	return k->exit_status;
}

void kernel_host_edge_open(void)
{
	if (kern)
		kern->hostq.edges++;
}

void kernel_host_edge_close(void)
{
	if (kern && kern->hostq.edges > 0)
		kern->hostq.edges--;
}

int kernel_host_post(void (*fn)(void *arg), void *arg)
{
	return kern ? hostq_post(&kern->hostq, fn, arg) : -EINVAL;
}

int kernel_notify(endpoint_t dst)
{
	struct proc *p = kern ? proc_lookup(kern, dst) : NULL;
	if (!p)
		return -EDEADSRCDST;
	ipc_kernel_notify(kern, p, KIP_HARDWARE);
	return 0;
}

void kernel_get_stats(struct kernel_stats *st)
{
	struct kernel *k = kern;
	memset(st, 0, sizeof(*st));
	if (!k)
		return;
	st->now_ns = k->clock.now;
	st->messages = k->n_messages;
	st->switches = k->n_switches;
	st->traps = k->n_traps;
	st->kcalls = k->n_kcalls;
	st->watchdog_fired = k->watchdog_fired;
}

void kernel_halt(void)
{
	struct kernel *k = kern;
	if (!k)
		return;
	cpustate_uninstall();
	for (int i = 0; i < KIP_NR_PROCS; i++)
		if (!(k->procs[i].p_rts & RTS_SLOT_FREE))
			ctx_destroy(&k->procs[i].p_ctx);
	bus_fini(&k->bus);
	hostq_fini(&k->hostq);
	mem_fini(&k->mem);
	if (k->resumer_stack)
		munmap(k->resumer_stack, RESUMER_STACK_SIZE);
	free(k->fault_states);
	free(k);
	kern = NULL;
}
