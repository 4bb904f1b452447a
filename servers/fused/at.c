/*
 * servers/fused/at.c - one VFS_AT_* call, for the user a request names.
 *
 * Entry points: fused_at, fused_root.
 *
 * Every VFS_AT_* request carries the requester's uid, gid and umask, and
 * its supplementary groups through a grant on the request's own array
 * (none when it has none: then VFS makes no kernel call for them).  Names,
 * data and a struct vfs_setattr go through one grant on fused's memory,
 * revoked when the reply is in.
 */
#include "kip/ipc.h"
#include "fused.h"

const struct bridge_slot_req fused_root = {.uid = 0, .gid = 0, .umask = 022};

int fused_at(struct fused *f, const struct bridge_slot_req *who, message *m, const void *buf,
	     size_t len, int access)
{
	kip_grant_id g = KIP_GRANT_INVALID, cg = KIP_GRANT_INVALID;
	m->m_vfs_at.uid = who->uid;
	m->m_vfs_at.gid = who->gid;
	m->m_vfs_at.umask = (uint16_t)(who->umask & 0777);
	m->m_vfs_at.ngroups = (uint16_t)who->ngroups;
	m->m_vfs_at.cred_grant = KIP_GRANT_INVALID;
	if (who->ngroups > 0) {
		cg = kip_grant_direct(f->grants, f->vfs, who->groups,
				      who->ngroups * sizeof(who->groups[0]), KIP_GRANT_READ);
		if (cg < 0)
			return cg;
		m->m_vfs_at.cred_grant = cg;
	}
	if (buf) {
		g = kip_grant_direct(f->grants, f->vfs, buf, len ? len : 1, access);
		if (g < 0) {
			if (cg >= 0)
				kip_grant_revoke(f->grants, cg);
			return g;
		}
		m->m_vfs_at.grant = g;
	}
	int r = kip_sendrec(f->vfs, m);
	if (g >= 0)
		kip_grant_revoke(f->grants, g);
	if (cg >= 0)
		kip_grant_revoke(f->grants, cg);
	return r < 0 ? r : m->m_type;
}
