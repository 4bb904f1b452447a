/*
 * programs/demo/init.c - the demo's first process.
 *
 * Starts echo, democlient, demohog and democrash; gives the client the
 * right to call echo (its user privileges allow no destination by
 * default); waits for the three programs to end, reporting each from the
 * SYSTEM events the kernel posts to a parent; then stops echo and shuts
 * the machine down with status 0 if everything ended as expected.
 */
#include <signal.h>

#include "kip/format.h"
#include "kip/syslib.h"
#include "kip/program.h"
#include "demo.h"

static uint64_t kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

static int allow_client(endpoint_t client, endpoint_t echo)
{
	struct kcall_privctl pc = {0};
	int slot = kip_ep_slot(echo);
	pc.endpoint = client;
	pc.trap_mask = 1u << IPC_SENDREC;
	pc.send_mask[slot / 64] = 1ull << (slot % 64);
	pc.kcall_mask = kbit(SYS_EXIT) | kbit(SYS_PRINT) | kbit(SYS_TIMES) | kbit(SYS_PAGE_ALLOC) |
			kbit(SYS_PAGE_FREE) | kbit(SYS_SETGRANT);
	return kip_privctl(&pc);
}

static int report(const struct kcall_event *ev)
{
	switch (ev->kind) {
	case KIP_EV_EXIT:
		kip_printf("init: %s exited with status %d\n", ev->name, ev->status);
		return ev->status == 0;
	case KIP_EV_KILLED:
		kip_printf("init: %s was killed (status %d%s)\n", ev->name, ev->status,
			   ev->signo == SIGSEGV ? ", segmentation fault" : "");
		return ev->signo == SIGSEGV;
	default:
		kip_printf("init: %s: event %d\n", ev->name, ev->kind);
		return 0;
	}
}

static int init_main(uint64_t small)
{
	kip_printf("init: booting the demo\n");
	endpoint_t echo = kip_create("echo", NULL, -1, 0);
	endpoint_t client = kip_create("democlient", NULL, -1, (uint64_t)echo);
	endpoint_t hog = kip_create("demohog", NULL, -1, small);
	endpoint_t crash = kip_create("democrash", NULL, -1, 0);
	if (echo < 0 || client < 0 || hog < 0 || crash < 0 || allow_client(client, echo) < 0) {
		kip_printf("init: could not start the demo\n");
		return 1;
	}
	int expected = 0, ended = 0;
	while (ended < 3) {
		message m;
		if (kip_receive(KIP_SYSTEM, &m) < 0)
			return 1;
		struct kcall_event ev;
		while (kip_get_event(&ev) == 0) {
			expected += report(&ev);
			ended++;
		}
	}
	kip_kill(echo);
	kip_printf("init: %d of 3 programs ended as expected; shutting down\n", expected);
	return expected == 3 ? 0 : 1;
}

KIP_PROGRAM(init, init_main, 1, KIP_PROG_SYSTEM);
