/*
 * servers/mfs/bdev.c - MFS as a client of the block driver (BDEV_*).
 *
 * Entry points: mfs_bdev_open, mfs_bdev_io, mfs_bdev_flush.
 *
 * Each request is a SENDREC to the driver, waited for: MFS serves one
 * request at a time.  The data moves through a grant made for the one
 * request and revoked after it.
 */
#include "kip/syslib.h"
#include "mfs.h"

/* Send `m` to the driver and check that the reply is the one asked for.
 * The reply's status or an IPC error. */
static int bdev_call(struct mfs *fs, message *m)
{
	uint64_t id = ++fs->next_id;
	m->m_bdev.id = id;
	int r = fs->srv.ipc->sendrec(fs->driver, m);
	if (r < 0)
		return r;
	if (m->m_type >= 0 && m->m_bdev.id != id)
		return -EIO;
	return m->m_type;
}

/* BDEV_OPEN: the device's size in *size.  0 or an error. */
int mfs_bdev_open(struct mfs *fs, uint64_t *size)
{
	message m;
	kip_msg_init(&m, BDEV_OPEN);
	int r = bdev_call(fs, &m);
	if (r == 0)
		*size = m.m_bdev.dev_size;
	return r < 0 ? r : 0;
}

/* BDEV_READ or BDEV_WRITE of len bytes at position through a grant on buf.
 * 0 when all of it moved, else an error (-EIO for a short transfer). */
int mfs_bdev_io(struct mfs *fs, int type, uint64_t position, void *buf, uint32_t len)
{
	int access = type == BDEV_READ ? KIP_GRANT_WRITE : KIP_GRANT_READ;
	kip_grant_id g = kip_grant_direct(fs->grants, fs->driver, buf, len, access);
	if (g < 0)
		return g;
	message m;
	kip_msg_init(&m, type);
	m.m_bdev.position = position;
	m.m_bdev.len = len;
	m.m_bdev.grant = g;
	int r = bdev_call(fs, &m);
	kip_grant_revoke(fs->grants, g);
	if (r >= 0 && (uint32_t)r != len)
		return -EIO;
	return r < 0 ? r : 0;
}

/* BDEV_FLUSH: every write so far made durable.  0 or an error. */
int mfs_bdev_flush(struct mfs *fs)
{
	message m;
	kip_msg_init(&m, BDEV_FLUSH);
	int r = bdev_call(fs, &m);
	return r < 0 ? r : 0;
}
