/*
 * servers/echo/echo.h - the echo server: the smallest complete server, used
 * by the demo and the tests.  ECHO_REQUEST returns its payload, ECHO_UPPER
 * upper-cases a caller's buffer through a grant, ECHO_SLOW answers later,
 * when the server's alarm rings.
 */
#ifndef KIP_SERVERS_ECHO_H
#define KIP_SERVERS_ECHO_H

#include "kip/server.h"

#define ECHO_MAX_TEXT 256

struct echo {
	struct server srv;
	uint64_t requests;
	bool slow_pending;
	endpoint_t slow_client;
	message slow_reply;
};

extern const struct server_table echo_table;

int echo_do_request(void *state, const message *in, message *out);
int echo_do_upper(void *state, const message *in, message *out);
int echo_do_slow(void *state, const message *in, message *out);
void echo_on_notify(void *state, const message *in);

#endif
