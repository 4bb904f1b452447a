/*
 * kip/disk_regs.h - the disk device's programming interface: its registers,
 * commands and status values, as the hardware manual would list them.
 *
 * Shared by the device model (sim/disk.c) and its driver (servers/disk/),
 * which reaches the registers only through SYS_DEVIO and the transfer
 * buffer only through SYS_DMA.  docs/disk.md describes the device.
 *
 * A request: write DISK_REG_SECTOR and DISK_REG_COUNT, then a DISK_CMD_* to
 * DISK_REG_CMD.  STATUS reads BUSY until the request completes (in virtual
 * time, sim/disk.h gives the latency), then DONE or ERROR (the errno is in
 * DISK_REG_ERROR), and the device raises its IRQ.  Sector i of a READ or
 * WRITE is at byte i * DISK_SECTOR_SIZE of the transfer buffer.
 */
#ifndef KIP_DISK_REGS_H
#define KIP_DISK_REGS_H

#define DISK_SECTOR_SIZE 512
#define DISK_BUF_SIZE (64 * 1024) /* the transfer buffer, reached by DMA */
#define DISK_MAX_SECTORS (DISK_BUF_SIZE / DISK_SECTOR_SIZE)

enum disk_reg {
	DISK_REG_CMD = 0,    /* write: DISK_CMD_*, starts a request (ignored while BUSY) */
	DISK_REG_STATUS = 1, /* read: DISK_IDLE, DISK_BUSY, DISK_DONE or DISK_ERROR */
	DISK_REG_SECTOR = 2, /* first 512-byte sector of a READ or WRITE */
	DISK_REG_COUNT = 3,  /* sectors to move, 1 .. DISK_MAX_SECTORS */
	DISK_REG_ERROR =
		4, /* read: errno of the last request if it failed; 0 once a new one starts */
	DISK_REG_SIZE = 5, /* read: the image's size in bytes */
};

enum disk_cmd {
	DISK_CMD_READ = 1,  /* image (overlay first) -> transfer buffer */
	DISK_CMD_WRITE = 2, /* transfer buffer -> the overlay (volatile until a FLUSH) */
	DISK_CMD_FLUSH = 3, /* the overlay -> the image file, then fdatasync */
};

enum disk_status {
	DISK_IDLE = 0,
	DISK_BUSY = 1,
	DISK_DONE = 2,
	DISK_ERROR = 3,
};

#endif
