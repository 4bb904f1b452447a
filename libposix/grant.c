/*
 * libposix/grant.c - the process side of grants (kip/grant.h).
 *
 * Entry points: kip_grant_init, kip_grant_direct, kip_grant_indirect,
 * kip_grant_revoke, kip_safecopy_from, kip_safecopy_to.
 *
 * The table lives in pages the process owns and is registered with the
 * kernel once; creating or revoking a grant is then a plain memory write,
 * no trap.  Only safecopy traps.
 */
#include <stddef.h>
#include <string.h>

#include "kip/error.h"
#include "kip/grant.h"
#include "kip/syslib.h"

#define PAGE 4096u

struct kip_grants *kip_grant_init(unsigned count)
{
	size_t bytes = sizeof(struct kip_grants) + (size_t)count * sizeof(struct kip_grant);
	unsigned pages = (unsigned)((bytes + PAGE - 1) / PAGE);
	if (count == 0 || count > (1u << KIP_GRANT_SEQ_SHIFT))
		return NULL;
	struct kip_grants *g = kip_page_alloc(pages);
	if (!g)
		return NULL;
	g->count = count;
	message m;
	kip_msg_init(&m, SYS_SETGRANT);
	m.m_setgrant.table = (uint64_t)(uintptr_t)g->entries;
	m.m_setgrant.count = count;
	if (kip_kcall(SYS_SETGRANT, &m) < 0) {
		kip_page_free(g, pages);
		return NULL;
	}
	return g;
}

static kip_grant_id grant_alloc(struct kip_grants *g, struct kip_grant **out)
{
	for (uint32_t i = 0; i < g->count; i++) {
		struct kip_grant *e = &g->entries[i];
		if (e->flags & KIP_GRANT_USED)
			continue;
		e->seq = (e->seq + 1) & ((1u << (31 - KIP_GRANT_SEQ_SHIFT)) - 1);
		*out = e;
		return (kip_grant_id)((e->seq << KIP_GRANT_SEQ_SHIFT) | i);
	}
	return -ENOSPC;
}

static int valid_access(int access)
{
	return access && !(access & ~(KIP_GRANT_READ | KIP_GRANT_WRITE));
}

/* Validate access, take a free slot and fill what every grant has.
 * Returns the id (and *out), or a negative error. */
static kip_grant_id grant_new(struct kip_grants *g, endpoint_t grantee, size_t len, int access,
			      uint32_t kind, struct kip_grant **out)
{
	if (!valid_access(access))
		return -EINVAL;
	kip_grant_id id = grant_alloc(g, out);
	if (id < 0)
		return id;
	(*out)->grantee = grantee;
	(*out)->len = len;
	(*out)->flags = KIP_GRANT_USED | kind | (uint32_t)access;
	return id;
}

kip_grant_id kip_grant_direct(struct kip_grants *g, endpoint_t grantee, const void *addr,
			      size_t len, int access)
{
	struct kip_grant *e;
	kip_grant_id id = grant_new(g, grantee, len, access, KIP_GRANT_DIRECT, &e);
	if (id >= 0) {
		e->addr = (uint64_t)(uintptr_t)addr;
		e->from = KIP_NONE;
		e->ref = KIP_GRANT_INVALID;
	}
	return id;
}

kip_grant_id kip_grant_indirect(struct kip_grants *g, endpoint_t grantee, endpoint_t from,
				kip_grant_id ref, uint64_t offset, size_t len, int access)
{
	struct kip_grant *e;
	kip_grant_id id = grant_new(g, grantee, len, access, KIP_GRANT_INDIRECT, &e);
	if (id >= 0) {
		e->addr = offset;
		e->from = from;
		e->ref = ref;
	}
	return id;
}

int kip_grant_revoke(struct kip_grants *g, kip_grant_id id)
{
	uint32_t index = (uint32_t)id & ((1u << KIP_GRANT_SEQ_SHIFT) - 1);
	uint32_t seq = (uint32_t)id >> KIP_GRANT_SEQ_SHIFT;
	if (id < 0 || index >= g->count)
		return -EINVAL;
	struct kip_grant *e = &g->entries[index];
	if (!(e->flags & KIP_GRANT_USED) || e->seq != seq)
		return -EINVAL;
	e->flags = 0;
	return 0;
}

static int safecopy(int type, endpoint_t granter, kip_grant_id id, uint64_t offset, void *buf,
		    size_t len)
{
	message m;
	kip_msg_init(&m, type);
	m.m_safecopy.granter = granter;
	m.m_safecopy.grant = id;
	m.m_safecopy.offset = offset;
	m.m_safecopy.addr = (uint64_t)(uintptr_t)buf;
	m.m_safecopy.len = len;
	return kip_kcall(type, &m);
}

int kip_safecopy_from(endpoint_t granter, kip_grant_id id, uint64_t offset, void *dst, size_t len)
{
	return safecopy(SYS_SAFECOPYFROM, granter, id, offset, dst, len);
}

int kip_safecopy_to(endpoint_t granter, kip_grant_id id, uint64_t offset, const void *src,
		    size_t len)
{
	return safecopy(SYS_SAFECOPYTO, granter, id, offset, (void *)(uintptr_t)src, len);
}
