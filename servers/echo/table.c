/*
 * servers/echo/table.c - the echo server's dispatch table.
 */
#include "echo.h"

static const struct server_call echo_calls[] = {
	[ECHO_REQUEST - ECHO_REQUEST] = {"ECHO_REQUEST", echo_do_request},
	[ECHO_UPPER - ECHO_REQUEST] = {"ECHO_UPPER", echo_do_upper},
	[ECHO_SLOW - ECHO_REQUEST] = {"ECHO_SLOW", echo_do_slow},
};

const struct server_table echo_table = {
	.base = ECHO_REQUEST,
	.count = sizeof(echo_calls) / sizeof(echo_calls[0]),
	.calls = echo_calls,
};
