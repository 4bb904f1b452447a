/*
 * kip/msgtypes.h - every message type and kernel call number, once.
 *
 * This list is the single source of truth for call numbers: the kernel's
 * call table, the servers' dispatch tables, libposix, the IPC trace and the
 * gdb extension (which reads enum kip_msg_type from the debug info) all use
 * it.  Each family has its own base; numbers are permanent once assigned.
 *
 * A reply's m_type is the call's status (0, a count, or a negative error),
 * as in MINIX; all request types are >= KIP_MSG_BASE so the two never meet.
 */
#ifndef KIP_MSGTYPES_H
#define KIP_MSGTYPES_H

#define KIP_MSG_BASE 0x100

/* X(name, number) */
#define KIP_NOTIFY_TYPES(X) X(NOTIFY_MESSAGE, 0x100)

/* Kernel calls (destination KIP_KERNEL).  X(name, number) */
#define KIP_KCALL_TYPES(X)                                                                         \
	X(SYS_CREATE, 0x200)	   /* start a registered program as a new process */               \
	X(SYS_KILL, 0x201)	   /* kill a process */                                            \
	X(SYS_STOP, 0x202)	   /* stop a process (it keeps its state) */                       \
	X(SYS_RESUME, 0x203)	   /* resume a stopped or faulted process */                       \
	X(SYS_EXIT, 0x204)	   /* the caller exits */                                          \
	X(SYS_PRIVCTL, 0x205)	   /* set a process's privileges */                                \
	X(SYS_SAFECOPYFROM, 0x206) /* copy from a grant into the caller */                         \
	X(SYS_SAFECOPYTO, 0x207)   /* copy from the caller into a grant */                         \
	X(SYS_SETGRANT, 0x208)	   /* register the caller's grant table */                         \
	X(SYS_PAGE_ALLOC, 0x209)   /* allocate pages owned by the caller */                        \
	X(SYS_PAGE_FREE, 0x20a)	   /* free pages the caller owns */                                \
	X(SYS_PAGE_LIST, 0x20b)	   /* list the pages a process owns */                             \
	X(SYS_PAGE_PROTECT, 0x20c) /* change protection of a process's pages */                    \
	X(SYS_DEVCTL, 0x20d)	   /* claim or release a device */                                 \
	X(SYS_DEVIO, 0x20e)	   /* read or write a device register */                           \
	X(SYS_DMA, 0x20f)	   /* copy between the caller and a device buffer */               \
	X(SYS_IRQCTL, 0x210)	   /* enable, disable or acknowledge an IRQ */                     \
	X(SYS_SETALARM, 0x211)	   /* arm the caller's alarm (a CLOCK notify) */                   \
	X(SYS_TIMES, 0x212)	   /* virtual time, CPU time, IPC counts */                        \
	X(SYS_GETINFO, 0x213)	   /* process information for ps */                                \
	X(SYS_GETEVENT, 0x214)	   /* fetch a process event (exit, fault, hang) */                 \
	X(SYS_PRINT, 0x215)	   /* write text on the console */                                 \
	X(SYS_SHUTDOWN, 0x216)	   /* power off the machine with a status */                       \
	X(SYS_SETMANAGER, 0x217)   /* designate the default fault/exit manager */

/* Block devices: a file system (or a test) -> a block driver.  Payload
 * struct bdev_request (kip/message.h); the reply's status is the bytes
 * done or a negative error.  X(name, number) */
#define KIP_BDEV_TYPES(X)                                                                          \
	X(BDEV_OPEN, 0x500)  /* the device's size, in the reply's dev_size */                      \
	X(BDEV_READ, 0x501)  /* device -> the caller's buffer (a grant the driver may write) */    \
	X(BDEV_WRITE, 0x502) /* the caller's buffer (a grant the driver may read) -> device */     \
	X(BDEV_FLUSH, 0x503) /* make every write completed so far durable */

/* The virtual file system: a program (libposix) -> VFS, and MM -> VFS
 * (VFS_PM_*).  Payload struct vfs_request (kip/message.h); paths and data
 * move through the caller's grants.  docs/vfs.md is the protocol.
 * X(name, number) */
#define KIP_VFS_TYPES(X)                                                                           \
	X(VFS_OPEN, 0x300)	/* path, flags, mode -> fd */                                      \
	X(VFS_CLOSE, 0x301)	/* fd */                                                           \
	X(VFS_READ, 0x302)	/* fd, the caller's buffer (grant) -> bytes */                     \
	X(VFS_WRITE, 0x303)	/* fd, the caller's buffer (grant) -> bytes */                     \
	X(VFS_LSEEK, 0x304)	/* fd, offset, whence -> the new offset in the reply */            \
	X(VFS_DUP, 0x305)	/* fd -> the lowest free fd sharing its open file */               \
	X(VFS_DUP2, 0x306)	/* fd, fd2 -> fd2 sharing fd's open file */                        \
	X(VFS_STAT, 0x307)	/* path -> struct kip_stat in the reply */                         \
	X(VFS_FSTAT, 0x308)	/* fd -> struct kip_stat in the reply */                           \
	X(VFS_MKDIR, 0x309)	/* path, mode */                                                   \
	X(VFS_UNLINK, 0x30a)	/* path */                                                         \
	X(VFS_RMDIR, 0x30b)	/* path */                                                         \
	X(VFS_GETDENTS, 0x30c)	/* fd (a directory), buffer (grant) -> bytes of records */         \
	X(VFS_TRUNCATE, 0x30d)	/* path, offset = the new size */                                  \
	X(VFS_FTRUNCATE, 0x30e) /* fd, offset = the new size */                                    \
	X(VFS_CHDIR, 0x30f)	/* path */                                                         \
	X(VFS_SYNC, 0x310)	/* write everything back */                                        \
	X(VFS_FSYNC, 0x311)	/* fd: write everything back */                                    \
	X(VFS_PM_FORK, 0x320)	/* MM: copy proc's fd table to proc2 */                            \
	X(VFS_PM_EXIT, 0x321)	/* MM: close every fd of proc */                                   \
	X(VFS_PM_EXEC, 0x322)	/* MM: close proc's close-on-exec fds */

/* The MINIX file server: the VFS (or a test) -> MFS, by inode number.
 * Payload struct mfs_request (kip/message.h); names and data move through
 * the caller's grants.  docs/mfs.md is the protocol.  X(name, number) */
#define KIP_MFS_TYPES(X)                                                                           \
	X(MFS_MOUNT, 0x400)    /* open the device, check the superblock; m_mfs_mount */            \
	X(MFS_LOOKUP, 0x401)   /* dir inode + name -> inode; m_mfs_attr */                         \
	X(MFS_STAT, 0x402)     /* inode -> its attributes; m_mfs_attr */                           \
	X(MFS_READ, 0x403)     /* inode, position, len -> the caller's grant; bytes */             \
	X(MFS_WRITE, 0x404)    /* the caller's grant -> inode at position; bytes */                \
	X(MFS_GETDENTS, 0x405) /* directory entries from position -> grant; bytes */               \
	X(MFS_CREATE, 0x406)   /* dir inode + name + mode, uid, gid -> new file; m_mfs_attr */     \
	X(MFS_MKDIR, 0x407)    /* dir inode + name + mode, uid, gid -> new directory */            \
	X(MFS_SYNC, 0x408)     /* write every dirty block back, then BDEV_FLUSH */                 \
	X(MFS_UNLINK, 0x409)   /* dir inode + name: remove a non-directory's entry */              \
	X(MFS_RMDIR, 0x40a)    /* dir inode + name: remove an empty directory */                   \
	X(MFS_TRUNCATE, 0x40b) /* inode, position = the new size */

/* Demo and test protocol (the echo server).  X(name, number) */
#define KIP_DEMO_TYPES(X)                                                                          \
	X(ECHO_REQUEST, 0x1000) /* reply carries the same payload */                               \
	X(ECHO_UPPER, 0x1001)	/* reply carries the text upper-cased */                           \
	X(ECHO_SLOW, 0x1002)	/* reply later, after the server's alarm */                        \
	X(TEST_PING, 0x7000)                                                                       \
	X(TEST_PONG, 0x7001)                                                                       \
	X(TEST_DATA, 0x7002)

#define KIP_ALL_MSG_TYPES(X)                                                                       \
	KIP_NOTIFY_TYPES(X)                                                                        \
	KIP_KCALL_TYPES(X) KIP_VFS_TYPES(X) KIP_MFS_TYPES(X) KIP_BDEV_TYPES(X) KIP_DEMO_TYPES(X)

enum kip_msg_type {
#define KIP_MSG_ENUM(name, num) name = num,
	KIP_ALL_MSG_TYPES(KIP_MSG_ENUM)
#undef KIP_MSG_ENUM
};

enum {
	SYS_FIRST = SYS_CREATE,
#define KIP_KCALL_COUNT(name, num) +1
	SYS_COUNT = 0 KIP_KCALL_TYPES(KIP_KCALL_COUNT),
#undef KIP_KCALL_COUNT
};

/* Index of a kernel call in tables (0 .. SYS_COUNT-1), or -1. */
static inline int kip_kcall_index(int type)
{
	return (type >= SYS_FIRST && type < SYS_FIRST + SYS_COUNT) ? type - SYS_FIRST : -1;
}

/* Name of a message type, or NULL if it is not a known request type. */
static inline const char *kip_msg_name(int type)
{
	switch (type) {
#define KIP_MSG_CASE(name, num)                                                                    \
	case num:                                                                                  \
		return #name;
		KIP_ALL_MSG_TYPES(KIP_MSG_CASE)
#undef KIP_MSG_CASE
	default:
		return 0;
	}
}

#endif
