/*
 * servers/disk/disk_driver.h - the disk driver: the one process that owns
 * the disk device (kip/disk_regs.h) and serves the block protocol (BDEV_*,
 * kip/msgtypes.h) to file systems.
 *
 * Files: main.c (start-up, the loop, interrupts), table.c (dispatch),
 * bdev.c (the BDEV_* handlers: validate, then queue), queue.c (the request
 * queue and the request in flight: program the device, move the data
 * between the device and the caller's grant, reply).
 *
 * One request is on the device at a time; others wait in the queue and are
 * answered later (-KIP_EDONTREPLY, then server_reply).  A READ or WRITE
 * longer than the device's transfer buffer runs as several device commands
 * ("chunks") of at most DISK_BUF_SIZE bytes.  Data moves only by DMA
 * between the device and this driver's buffer, and by safecopy between
 * that buffer and the caller's grant - never in messages.
 */
#ifndef KIP_SERVERS_DISK_DRIVER_H
#define KIP_SERVERS_DISK_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "kip/disk_regs.h"
#include "kip/server.h"

#define DISK_QUEUE_MAX 64 /* requests waiting or in flight; more: EAGAIN */

/* A request as it waits in the queue. */
struct disk_request {
	endpoint_t client;
	int type; /* BDEV_READ, BDEV_WRITE, BDEV_FLUSH */
	struct bdev_request req;
};

/* The driver's whole state (one struct, from server_state_alloc). */
struct disk_driver {
	struct server srv;
	int dev, irq;
	uint64_t size; /* device bytes (DISK_REG_SIZE) */

	/* The queue: a ring; while `busy`, its head is on the device. */
	struct disk_request queue[DISK_QUEUE_MAX];
	unsigned head, count;
	bool busy;
	uint32_t done;	/* bytes of the head request already moved */
	uint32_t chunk; /* bytes of the device command in flight */

	uint64_t requests, errors, interrupts; /* statistics (gdb: kip msg) */

	uint8_t buf[DISK_BUF_SIZE] __attribute__((aligned(4096))); /* the DMA buffer */
};

extern const struct server_table disk_table;

/* bdev.c: the handlers of table.c. */
int disk_do_open(void *state, const message *in, message *out);
int disk_do_read(void *state, const message *in, message *out);
int disk_do_write(void *state, const message *in, message *out);
int disk_do_flush(void *state, const message *in, message *out);

/* queue.c */
/* Queue a validated request and start the device if it is idle.  Returns
 * -KIP_EDONTREPLY (the reply comes later), or -EAGAIN when the queue is full. */
int disk_queue_add(struct disk_driver *d, endpoint_t client, int type,
		   const struct bdev_request *req);
/* The device interrupted: finish the command in flight, then go on with
 * the request it belongs to or the next one. */
void disk_queue_interrupt(struct disk_driver *d);

/* main.c */
void disk_on_notify(void *state, const message *in);

#endif
