/*
 * servers/disk/queue.c - the request queue and the request on the device.
 *
 * Entry points: disk_queue_add, disk_queue_interrupt.
 *
 * The queue is a ring of validated requests, served in arrival order; its
 * head is on the device while `busy`.  A READ or WRITE moves in chunks of
 * at most DISK_BUF_SIZE bytes, one device command each:
 *
 *   WRITE chunk: safecopy from the grant -> DMA into the device -> command;
 *                on the interrupt, the chunk is done
 *   READ chunk:  command; on the interrupt, DMA out of the device ->
 *                safecopy into the grant
 *
 * The first failure ends the request with that error (a grant that went
 * bad, the device's ERROR register, a refused kernel call); the reply to a
 * whole request is its length, to a FLUSH 0.  Then the next request starts.
 */
#include "kip/grant.h"
#include "kip/syslib.h"
#include "disk_driver.h"

static struct disk_request *queue_head(struct disk_driver *d)
{
	return &d->queue[d->head];
}

/* Reply to the head request with `status` and drop it from the queue. */
static void complete(struct disk_driver *d, int status)
{
	struct disk_request *q = queue_head(d);
	message m;
	kip_msg_init(&m, 0);
	m.m_bdev = q->req;
	if (status < 0)
		d->errors++;
	server_reply(&d->srv, q->client, &m, status); /* a client gone is no matter */
	d->head = (d->head + 1) % DISK_QUEUE_MAX;
	d->count--;
	d->busy = false;
	d->done = 0;
	d->chunk = 0;
}

/* Put the head request's next command on the device.  0 (the device is
 * busy with it) or the error that ends the request. */
static int issue(struct disk_driver *d)
{
	struct disk_request *q = queue_head(d);
	unsigned cmd = DISK_CMD_FLUSH;
	int r = 0;
	if (q->type != BDEV_FLUSH) {
		uint32_t left = q->req.len - d->done;
		d->chunk = left < DISK_BUF_SIZE ? left : DISK_BUF_SIZE;
		cmd = q->type == BDEV_WRITE ? DISK_CMD_WRITE : DISK_CMD_READ;
		if (cmd == DISK_CMD_WRITE) {
			r = kip_safecopy_from(q->client, q->req.grant, d->done, d->buf, d->chunk);
			if (r == 0)
				r = kip_dma(d->dev, KIP_DEV_WRITE, d->buf, d->chunk, 0);
		}
		if (r == 0)
			r = kip_dev_write(d->dev, DISK_REG_SECTOR,
					  (q->req.position + d->done) / DISK_SECTOR_SIZE);
		if (r == 0)
			r = kip_dev_write(d->dev, DISK_REG_COUNT, d->chunk / DISK_SECTOR_SIZE);
	}
	if (r == 0)
		r = kip_dev_write(d->dev, DISK_REG_CMD, cmd);
	if (r == 0)
		d->busy = true;
	return r;
}

/* Keep the device busy while there is work. */
static void run_queue(struct disk_driver *d)
{
	while (!d->busy && d->count > 0) {
		int r = issue(d);
		if (r < 0)
			complete(d, r);
	}
}

int disk_queue_add(struct disk_driver *d, endpoint_t client, int type,
		   const struct bdev_request *req)
{
	if (d->count == DISK_QUEUE_MAX)
		return -EAGAIN;
	struct disk_request *q = &d->queue[(d->head + d->count) % DISK_QUEUE_MAX];
	q->client = client;
	q->type = type;
	q->req = *req;
	d->count++;
	run_queue(d);
	return -KIP_EDONTREPLY;
}

/* The device finished the command in flight with `status`: move a READ
 * chunk's data to the caller.  0 or the request's error. */
static int finish_chunk(struct disk_driver *d, uint64_t status)
{
	struct disk_request *q = queue_head(d);
	uint64_t err = 0;
	int r;
	if (status == DISK_ERROR) {
		r = kip_dev_read(d->dev, DISK_REG_ERROR, &err);
		if (r < 0)
			return r;
		return err > 0 && err < 4096 ? -(int)err : -EIO;
	}
	if (status != DISK_DONE)
		return -EIO;
	if (q->type == BDEV_READ) {
		r = kip_dma(d->dev, KIP_DEV_READ, d->buf, d->chunk, 0);
		if (r == 0)
			r = kip_safecopy_to(q->client, q->req.grant, d->done, d->buf, d->chunk);
		if (r < 0)
			return r;
	}
	d->done += d->chunk;
	return 0;
}

void disk_queue_interrupt(struct disk_driver *d)
{
	uint64_t status;
	d->interrupts++;
	if (!d->busy)
		return; /* nothing asked: spurious */
	int r = kip_dev_read(d->dev, DISK_REG_STATUS, &status);
	if (r == 0 && status == DISK_BUSY)
		return; /* not finished yet */
	d->busy = false;
	struct disk_request *q = queue_head(d);
	if (r == 0)
		r = finish_chunk(d, status);
	if (r < 0)
		complete(d, r);
	else if (q->type == BDEV_FLUSH)
		complete(d, 0);
	else if (d->done == q->req.len)
		complete(d, (int)q->req.len);
	run_queue(d);
}
