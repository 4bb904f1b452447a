/*
 * kip/bridge_regs.h - the bridge device's programming interface: how FUSE
 * requests from host threads reach `fused` inside kip (ARCHITECTURE 6).
 *
 * Shared by the device model (sim/bridge.c), its host side
 * (fuse-bridge/bridge.h) and its driver (servers/fused/), which reaches the
 * registers only through SYS_DEVIO and the slots only through SYS_DMA.
 *
 * The device holds BRIDGE_SLOTS request slots.  A host thread fills a free
 * slot (struct bridge_slot_req, then up to BRIDGE_DATA_MAX bytes of data:
 * names, a symlink target, data to write) and the device, on the CPU
 * thread, sets the slot's bit in BRIDGE_REG_PENDING and raises its IRQ.
 * fused reads PENDING, copies the slot in (SYS_DMA from BRIDGE_SLOT_OFF(i)),
 * performs it through VFS's privileged interface (VFS_AT_*) as the user the
 * request names, copies the reply back (struct bridge_slot_rep at
 * BRIDGE_REP_OFF(i), data after it) and writes i to BRIDGE_REG_DONE: the
 * device clears the bit and wakes the host thread waiting on that slot.
 *
 * Change events go the other way: fused writes whole struct vfs_event
 * records into the event area (BRIDGE_EVENT_OFF) and their count to
 * BRIDGE_REG_EVENTS; the device hands them to the host side's callback.
 * docs/fuse.md describes the device and the protocol.
 */
#ifndef KIP_BRIDGE_REGS_H
#define KIP_BRIDGE_REGS_H

#include <stdint.h>

#include "kip/message.h"

#define BRIDGE_DEVICE_NAME "bridge"
#define BRIDGE_SLOTS 16			     /* requests in flight at once */
#define BRIDGE_DATA_MAX (128u * 1024 + 4096) /* bytes of data per slot, each way */
#define BRIDGE_REQ_DATA_OFF 512		     /* a request's data, from the slot's start */
#define BRIDGE_REP_DATA_OFF 256		     /* a reply's data, from the reply's start */
#define BRIDGE_SLOT_SIZE (BRIDGE_REQ_DATA_OFF + BRIDGE_DATA_MAX) /* request header + data */
#define BRIDGE_REP_SIZE (BRIDGE_REP_DATA_OFF + BRIDGE_DATA_MAX)	 /* reply header + data */
#define BRIDGE_EVENTS_MAX 64					 /* records per BRIDGE_REG_EVENTS */

/* Byte offsets in the device's buffer (reached by SYS_DMA). */
#define BRIDGE_SLOT_OFF(i) ((uint64_t)(i) * (BRIDGE_SLOT_SIZE + BRIDGE_REP_SIZE))
#define BRIDGE_REP_OFF(i) (BRIDGE_SLOT_OFF(i) + BRIDGE_SLOT_SIZE)
#define BRIDGE_EVENT_OFF ((uint64_t)BRIDGE_SLOTS * (BRIDGE_SLOT_SIZE + BRIDGE_REP_SIZE))
#define BRIDGE_BUF_SIZE (BRIDGE_EVENT_OFF + BRIDGE_EVENTS_MAX * sizeof(struct vfs_event))

enum bridge_reg {
	BRIDGE_REG_PENDING = 0, /* read: bit i = slot i holds a request fused has not done */
	BRIDGE_REG_DONE = 1,	/* write: slot i's reply is in place */
	BRIDGE_REG_READY = 2,	/* write: fused is up (0) or cannot serve (a -errno) */
	BRIDGE_REG_EVENTS = 3,	/* write: that many struct vfs_event at BRIDGE_EVENT_OFF */
};

/* What a slot asks (FUSE low-level operations, ARCHITECTURE 6). */
enum bridge_op {
	BRIDGE_LOOKUP = 1, /* ino = dir, name -> entry (+1 reference) */
	BRIDGE_FORGET,	   /* ino, count = references to drop */
	BRIDGE_GETATTR,	   /* ino -> attr */
	BRIDGE_SETATTR,	   /* ino, setattr -> attr */
	BRIDGE_READLINK,   /* ino -> data = the target */
	BRIDGE_MKNOD,	   /* ino = dir, name, mode, rdev -> entry */
	BRIDGE_MKDIR,	   /* ino = dir, name, mode -> entry */
	BRIDGE_UNLINK,	   /* ino = dir, name */
	BRIDGE_RMDIR,	   /* ino = dir, name */
	BRIDGE_SYMLINK,	   /* ino = dir, name (len), target (len2) -> entry */
	BRIDGE_RENAME,	   /* ino = dir, name (len); ino2 = new dir, name (len2); flags */
	BRIDGE_LINK,	   /* ino2 = the inode; ino = new dir, name -> entry */
	BRIDGE_OPEN,	   /* ino, flags -> attr (+1 open reference) */
	BRIDGE_CREATE,	   /* ino = dir, name, mode, flags -> entry (+1, +1 open) */
	BRIDGE_READ,	   /* ino, offset, count -> data */
	BRIDGE_WRITE,	   /* ino, offset, data (count), flags (KIP_O_APPEND) -> bytes */
	BRIDGE_RELEASE,	   /* ino: drop the open reference */
	BRIDGE_FSYNC,	   /* ino */
	BRIDGE_READDIR,	   /* ino = dir, offset, count -> data = struct mfs_dent records,
			      the next offset in the reply */
	BRIDGE_STATFS,	   /* -> statfs */
	BRIDGE_ACCESS,	   /* ino, mask = KIP_R_OK... */
	BRIDGE_SHUTDOWN,   /* sync, then power off the machine (the unmount) */
	BRIDGE_NR_OPS
};

/* A request, at BRIDGE_SLOT_OFF(i); len + len2 (or count, for WRITE)
 * bytes of data follow at BRIDGE_SLOT_OFF(i) + BRIDGE_REQ_DATA_OFF. */
struct bridge_slot_req {
	uint32_t op; /* enum bridge_op */
	uint32_t ino, ino2;
	uint32_t mode;	    /* MKNOD, MKDIR, CREATE: type and bits */
	int32_t flags;	    /* OPEN, CREATE, WRITE: KIP_O_*; RENAME: KIP_RENAME_*;
				     ACCESS: the mask */
	uint32_t len, len2; /* bytes of the name(s) / target in the data */
	uint32_t count;	    /* READ, READDIR: bytes wanted; WRITE: bytes given; FORGET */
	uint64_t offset;    /* READ, WRITE, READDIR */
	uint32_t rdev;	    /* MKNOD */
	uint32_t uid, gid;  /* the requesting user */
	uint32_t umask;	    /* the requester's umask */
	uint32_t ngroups;   /* supplementary groups, <= KIP_AT_NGROUPS_MAX */
	uint32_t groups[KIP_AT_NGROUPS_MAX];
	struct vfs_setattr attr; /* SETATTR */
};
_Static_assert(sizeof(struct bridge_slot_req) <= BRIDGE_REQ_DATA_OFF, "bridge request header");

/* A reply, at BRIDGE_REP_OFF(i); `data_len` bytes of data follow at
 * BRIDGE_REP_OFF(i) + BRIDGE_REP_DATA_OFF. */
struct bridge_slot_rep {
	int32_t status;	       /* 0, a count, or a negative kip errno (= Linux's values) */
	uint32_t data_len;     /* READ, READLINK, READDIR */
	uint64_t offset;       /* READDIR: where to go on from */
	struct kip_stat st;    /* entry and attr replies */
	struct kip_statfs sfs; /* STATFS */
};
_Static_assert(sizeof(struct bridge_slot_rep) <= BRIDGE_REP_DATA_OFF, "bridge reply header");

#endif
