/*
 * servers/disk/bdev.c - the block protocol's handlers: validate, then queue.
 *
 * Entry points: disk_do_open, disk_do_read, disk_do_write, disk_do_flush
 * (named in table.c).
 *
 * A READ or WRITE is refused before it touches the device when: position or
 * length is not a multiple of BDEV_SECTOR_SIZE, or the length is above
 * BDEV_MAX_IO (EINVAL); it does not lie inside the device (READ: EINVAL,
 * WRITE: ENOSPC); the grant does not let this driver write (READ) or read
 * (WRITE) `len` bytes (the kernel's error: EINVAL, EPERM, EDEADSRCDST...).
 * A zero-length request that passes these checks is done at once (0).
 */
#include "kip/grant.h"
#include "kip/syslib.h"
#include "disk_driver.h"

int disk_do_open(void *state, const message *in, message *out)
{
	struct disk_driver *d = state;
	d->requests++;
	out->m_bdev = in->m_bdev;
	out->m_bdev.dev_size = d->size;
	return 0;
}

/* Can the caller's grant take the transfer?  A copy of 0 bytes at offset
 * len checks the id, the grantee, the access and that the grant covers len
 * bytes, and moves nothing.  0 or the kernel's error. */
static int check_grant(endpoint_t client, int type, const struct bdev_request *r)
{
	uint8_t none = 0;
	if (type == BDEV_READ)
		return kip_safecopy_to(client, r->grant, r->len, &none, 0);
	return kip_safecopy_from(client, r->grant, r->len, &none, 0);
}

/* Validate a READ or WRITE; 0 or the error it is refused with. */
static int check_rw(const struct disk_driver *d, endpoint_t client, int type,
		    const struct bdev_request *r)
{
	if (r->position % BDEV_SECTOR_SIZE || r->len % BDEV_SECTOR_SIZE)
		return -EINVAL;
	if (r->len > BDEV_MAX_IO)
		return -EINVAL;
	if (r->position > d->size || r->len > d->size - r->position)
		return type == BDEV_WRITE ? -ENOSPC : -EINVAL;
	return check_grant(client, type, r);
}

/* READ and WRITE: validate, then queue (the reply comes when it is done). */
static int disk_submit(struct disk_driver *d, const message *in, message *out)
{
	d->requests++;
	out->m_bdev = in->m_bdev;
	int r = check_rw(d, in->m_source, in->m_type, &in->m_bdev);
	if (r == 0 && in->m_bdev.len == 0)
		return 0;
	if (r == 0)
		r = disk_queue_add(d, in->m_source, in->m_type, &in->m_bdev);
	if (r != -KIP_EDONTREPLY)
		d->errors++;
	return r;
}

int disk_do_read(void *state, const message *in, message *out)
{
	return disk_submit(state, in, out);
}

int disk_do_write(void *state, const message *in, message *out)
{
	return disk_submit(state, in, out);
}

/* FLUSH waits its turn behind the writes queued before it. */
int disk_do_flush(void *state, const message *in, message *out)
{
	struct disk_driver *d = state;
	d->requests++;
	out->m_bdev = in->m_bdev;
	int r = disk_queue_add(d, in->m_source, BDEV_FLUSH, &in->m_bdev);
	if (r != -KIP_EDONTREPLY)
		d->errors++;
	return r;
}
