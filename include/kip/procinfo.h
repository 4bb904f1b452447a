/*
 * kip/procinfo.h - what SYS_GETINFO tells about a process (for ps).
 */
#ifndef KIP_PROCINFO_H
#define KIP_PROCINFO_H

#include <stdint.h>

#include "kip/endpoint.h"
#include "kip/message.h"

enum kip_proc_state {
	KIP_PS_FREE = 0,
	KIP_PS_RUNNABLE,
	KIP_PS_SENDING,	  /* blocked in SEND (or the send half of SENDREC) */
	KIP_PS_RECEIVING, /* blocked in RECEIVE (or waiting for a reply) */
	KIP_PS_STOPPED,	  /* stopped by SYS_STOP */
	KIP_PS_FAULTED,	  /* stopped by a fault, waiting for its manager */
};

struct kip_procinfo {
	int32_t slot;
	endpoint_t endpoint;
	char name[KIP_NAME_MAX];
	int32_t state;	       /* enum kip_proc_state */
	endpoint_t blocked_on; /* SENDING/RECEIVING: whom (KIP_ANY possible) */
	int32_t priority;
	uint32_t pages;	 /* pages owned */
	uint64_t cpu_ns; /* virtual CPU time used */
	uint32_t flags;	 /* KIP_PRIV_* */
	uint32_t pad;
};

#endif
