/*
 * servers/echo/main.c - the echo server: its loop and its handlers.
 *
 * Entry points: echo_main (the registered program "echo"), the handlers
 * named in table.c, echo_on_notify.
 */
#include "kip/grant.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "echo.h"

int echo_do_request(void *state, const message *in, message *out)
{
	struct echo *e = state;
	e->requests++;
	out->m_demo = in->m_demo;
	return 0;
}

/* m_demo.value is a grant for m_demo.len bytes, readable and writable. */
int echo_do_upper(void *state, const message *in, message *out)
{
	struct echo *e = state;
	char text[ECHO_MAX_TEXT];
	uint32_t len = in->m_demo.len;
	kip_grant_id grant = (kip_grant_id)in->m_demo.value;
	(void)out;
	e->requests++;
	if (len > sizeof(text))
		return -E2BIG;
	int r = kip_safecopy_from(in->m_source, grant, 0, text, len);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < len; i++)
		if (text[i] >= 'a' && text[i] <= 'z')
			text[i] = (char)(text[i] - 'a' + 'A');
	r = kip_safecopy_to(in->m_source, grant, 0, text, len);
	return r < 0 ? r : (int)len;
}

/* Reply after m_demo.value ns of virtual time. */
int echo_do_slow(void *state, const message *in, message *out)
{
	struct echo *e = state;
	(void)out;
	e->requests++;
	if (e->slow_pending)
		return -EBUSY;
	e->slow_pending = true;
	e->slow_client = in->m_source;
	e->slow_reply = *in;
	kip_set_alarm((uint64_t)in->m_demo.value);
	return -KIP_EDONTREPLY;
}

void echo_on_notify(void *state, const message *in)
{
	struct echo *e = state;
	if (in->m_source != KIP_CLOCK || !e->slow_pending)
		return;
	e->slow_pending = false;
	server_reply(&e->srv, e->slow_client, &e->slow_reply, 0);
}

static int echo_main(uint64_t arg)
{
	(void)arg;
	struct echo *e = server_state_alloc(sizeof(*e));
	if (!e)
		return 1;
	server_init(&e->srv, "echo", e, &echo_table, echo_on_notify);
	return server_run(&e->srv) < 0 ? 1 : 0;
}

KIP_PROGRAM(echo, echo_main, 2, KIP_PROG_SYSTEM);
