/*
 * kip/grant.h - memory grants: how bulk data crosses process boundaries.
 *
 * A process keeps a grant table in its own memory and registers it with the
 * kernel (SYS_SETGRANT).  A direct grant lets one named grantee read and/or
 * write a range of the granter's memory; an indirect grant passes on a grant
 * the granter itself received (followed at most KIP_GRANT_MAX_DEPTH deep,
 * else ELOOP).  The grantee copies with SYS_SAFECOPYFROM / SYS_SAFECOPYTO;
 * the kernel checks grantee, access, bounds and the sequence number in the
 * grant id, so a revoked slot that is reused refuses the old id.
 *
 * Entry points (libposix/grant.c): kip_grant_init, kip_grant_direct,
 * kip_grant_indirect, kip_grant_revoke, kip_safecopy_from, kip_safecopy_to.
 */
#ifndef KIP_GRANT_H
#define KIP_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "kip/endpoint.h"

typedef int32_t kip_grant_id;

#define KIP_GRANT_INVALID ((kip_grant_id)-1)
#define KIP_GRANT_MAX_DEPTH 5
#define KIP_GRANT_SEQ_SHIFT 12 /* id = seq << SHIFT | index */

enum {
	KIP_GRANT_READ = 1,	 /* the grantee may copy FROM the range */
	KIP_GRANT_WRITE = 2,	 /* the grantee may copy TO the range */
	KIP_GRANT_USED = 4,	 /* slot in use */
	KIP_GRANT_DIRECT = 8,	 /* addr/len name the granter's memory */
	KIP_GRANT_INDIRECT = 16, /* (from, ref) name a grant the granter holds */
};

/* One entry of a grant table, in the granter's memory; the kernel reads it. */
struct kip_grant {
	uint32_t flags;	    /* KIP_GRANT_* */
	uint32_t seq;	    /* bumped on each reuse of the slot */
	endpoint_t grantee; /* who may use it (KIP_ANY: anyone) */
	endpoint_t from;    /* INDIRECT: who issued the grant passed on */
	kip_grant_id ref;   /* INDIRECT: that grant's id */
	uint32_t pad;
	uint64_t addr; /* DIRECT: start; INDIRECT: offset into ref */
	uint64_t len;  /* bytes */
};

/* A process's grant table: allocated in its own pages by kip_grant_init
 * and kept by the process (a server keeps it in its state struct). */
struct kip_grants {
	uint32_t count;
	uint32_t pad;
	struct kip_grant entries[];
};

/* Give the calling process a table of `count` entries and register it with
 * the kernel.  Returns the table, or NULL (no memory). */
struct kip_grants *kip_grant_init(unsigned count);

/* Return a grant id (>= 0) or a negative error (-ENOSPC: table full,
 * -EINVAL: bad access bits). */
kip_grant_id kip_grant_direct(struct kip_grants *g, endpoint_t grantee, const void *addr,
			      size_t len, int access);
kip_grant_id kip_grant_indirect(struct kip_grants *g, endpoint_t grantee, endpoint_t from,
				kip_grant_id ref, uint64_t offset, size_t len, int access);
/* Revoke a grant; later uses of the id fail.  Returns 0 or -EINVAL. */
int kip_grant_revoke(struct kip_grants *g, kip_grant_id id);

/* Copy through a grant someone gave the caller.  Return 0 or an error. */
int kip_safecopy_from(endpoint_t granter, kip_grant_id id, uint64_t offset, void *dst, size_t len);
int kip_safecopy_to(endpoint_t granter, kip_grant_id id, uint64_t offset, const void *src,
		    size_t len);

#endif
