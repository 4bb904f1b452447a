/*
 * programs/demo/client.c - a user program that calls the echo server:
 * plain requests, a request whose data moves through a grant, and one that
 * the server answers later.
 */
#include <string.h>

#include "kip/format.h"
#include "kip/grant.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "demo.h"

static int client_main(uint64_t arg)
{
	endpoint_t echo = (endpoint_t)arg;
	message m;
	for (int i = 1; i <= DEMO_ECHO_ROUNDS; i++) {
		kip_msg_init(&m, ECHO_REQUEST);
		m.m_demo.value = i * 111;
		int r = kip_sendrec(echo, &m);
		kip_printf("client: echo %d -> status %d value %ld\n", i * 111, r ? r : m.m_type,
			   (long)m.m_demo.value);
	}

	struct kip_grants *grants = kip_grant_init(8);
	char text[] = "hello from a user program";
	if (!grants)
		return 2;
	kip_grant_id g = kip_grant_direct(grants, echo, text, sizeof(text) - 1,
					  KIP_GRANT_READ | KIP_GRANT_WRITE);
	kip_msg_init(&m, ECHO_UPPER);
	m.m_demo.value = g;
	m.m_demo.len = sizeof(text) - 1;
	int r = kip_sendrec(echo, &m);
	kip_grant_revoke(grants, g);
	kip_printf("client: upper -> status %d \"%s\"\n", r ? r : m.m_type, text);

	uint64_t before = kip_now();
	kip_msg_init(&m, ECHO_SLOW);
	m.m_demo.value = 1000000; /* 1 ms */
	r = kip_sendrec(echo, &m);
	kip_printf("client: slow echo answered after %lu us\n",
		   (unsigned long)((kip_now() - before) / 1000));
	return r == 0 && m.m_type == 0 ? 0 : 3;
}

KIP_PROGRAM(democlient, client_main, 8, KIP_PROG_USER);
