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
	X(SYS_SETMANAGER, 0x217)   /* designate the default fault/exit manager */                  \
	X(SYS_SETTLS, 0x218)	   /* set the caller's TLS word (kip/tls.h) */

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
	X(VFS_OPEN, 0x300)	 /* path, flags, mode -> fd */                                     \
	X(VFS_CLOSE, 0x301)	 /* fd */                                                          \
	X(VFS_READ, 0x302)	 /* fd, the caller's buffer (grant) -> bytes */                    \
	X(VFS_WRITE, 0x303)	 /* fd, the caller's buffer (grant) -> bytes */                    \
	X(VFS_LSEEK, 0x304)	 /* fd, offset, whence -> the new offset in the reply */           \
	X(VFS_DUP, 0x305)	 /* fd -> the lowest free fd sharing its open file */              \
	X(VFS_DUP2, 0x306)	 /* fd, fd2 -> fd2 sharing fd's open file */                       \
	X(VFS_STAT, 0x307)	 /* path -> struct kip_stat in the reply */                        \
	X(VFS_FSTAT, 0x308)	 /* fd -> struct kip_stat in the reply */                          \
	X(VFS_MKDIR, 0x309)	 /* path, mode */                                                  \
	X(VFS_UNLINK, 0x30a)	 /* path */                                                        \
	X(VFS_RMDIR, 0x30b)	 /* path */                                                        \
	X(VFS_GETDENTS, 0x30c)	 /* fd (a directory), buffer (grant) -> bytes of records */        \
	X(VFS_TRUNCATE, 0x30d)	 /* path, offset = the new size */                                 \
	X(VFS_FTRUNCATE, 0x30e)	 /* fd, offset = the new size */                                   \
	X(VFS_CHDIR, 0x30f)	 /* path */                                                        \
	X(VFS_SYNC, 0x310)	 /* write everything back */                                       \
	X(VFS_FSYNC, 0x311)	 /* fd: write everything back */                                   \
	X(VFS_LINK, 0x312)	 /* path (existing), path2 (new name) */                           \
	X(VFS_RENAME, 0x313)	 /* path (old), path2 (new) */                                     \
	X(VFS_SYMLINK, 0x314)	 /* path = the target, path2 = the link to make */                 \
	X(VFS_READLINK, 0x315)	 /* path; grant2/len2 = the buffer -> bytes */                     \
	X(VFS_LSTAT, 0x316)	 /* path, not following a last symlink -> struct kip_stat */       \
	X(VFS_CHMOD, 0x317)	 /* m_vfs_attr: path, mode */                                      \
	X(VFS_FCHMOD, 0x318)	 /* m_vfs_attr: fd, mode */                                        \
	X(VFS_CHOWN, 0x319)	 /* m_vfs_attr: path, uid, gid (flags: KIP_AT_SYMLINK_NOFOLLOW) */ \
	X(VFS_FCHOWN, 0x31a)	 /* m_vfs_attr: fd, uid, gid */                                    \
	X(VFS_UTIME, 0x31b)	 /* m_vfs_attr: path, atime, mtime (KIP_UTIME_NOW/OMIT) */         \
	X(VFS_STATFS, 0x31c)	 /* path -> struct kip_statfs in the reply */                      \
	X(VFS_FSTATFS, 0x31d)	 /* fd -> struct kip_statfs in the reply */                        \
	X(VFS_MKNOD, 0x31e)	 /* path, mode (type + bits), offset = rdev */                     \
	X(VFS_GETCWD, 0x31f)	 /* buffer (grant, len) -> bytes written, NUL included */          \
	X(VFS_PM_FORK, 0x320)	 /* MM: copy proc's fd table to proc2 */                           \
	X(VFS_PM_EXIT, 0x321)	 /* MM: close every fd of proc */                                  \
	X(VFS_PM_EXEC, 0x322)	 /* MM: close proc's close-on-exec fds */                          \
	X(VFS_PM_SETCRED, 0x323) /* MM: m_vfs_cred: proc's uid, gid, groups */                     \
	X(VFS_PREAD, 0x330)	 /* fd, buffer, offset: read there, the file offset unchanged */   \
	X(VFS_PWRITE, 0x331)	 /* fd, buffer, offset: write there, the file offset unchanged */  \
	X(VFS_UMASK, 0x332)	 /* mode = the new mask -> the old one */                          \
	X(VFS_ACCESS, 0x333)	 /* path, mode = KIP_R_OK|W_OK|X_OK or KIP_F_OK */                 \
	X(VFS_FCHDIR, 0x334)	 /* fd (a directory) */                                            \
	KIP_VFS_AT_TYPES(X)

/* VFS's interface for privileged callers (fused): by inode number, with the
 * requester's credentials in every request (payload struct vfs_at_request;
 * replies: struct kip_stat, bytes, or a status).  Only system processes may
 * call it.  A LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK or LINK that succeeds
 * holds one reference on the inode it returns until FORGET drops it (the
 * FUSE lookup count); an OPEN or CREATE holds one more until RELEASE.
 * docs/vfs.md is the protocol.  X(name, number) */
#define KIP_VFS_AT_TYPES(X)                                                                        \
	X(VFS_AT_LOOKUP, 0x340)	   /* ino = dir, name -> attributes; +1 reference */               \
	X(VFS_AT_FORGET, 0x341)	   /* ino, offset = references to drop; ino 0: all of them */      \
	X(VFS_AT_GETATTR, 0x342)   /* ino -> attributes */                                         \
	X(VFS_AT_SETATTR, 0x343)   /* ino, grant = struct vfs_setattr -> attributes */             \
	X(VFS_AT_READLINK, 0x344)  /* ino, grant = buffer (len) -> bytes */                        \
	X(VFS_AT_MKNOD, 0x345)	   /* ino = dir, name, mode, offset = rdev -> attributes */        \
	X(VFS_AT_MKDIR, 0x346)	   /* ino = dir, name, mode -> attributes */                       \
	X(VFS_AT_UNLINK, 0x347)	   /* ino = dir, name */                                           \
	X(VFS_AT_RMDIR, 0x348)	   /* ino = dir, name */                                           \
	X(VFS_AT_SYMLINK, 0x349)   /* ino = dir, name, then len2 bytes of target -> attributes */  \
	X(VFS_AT_RENAME, 0x34a)	   /* ino = dir, name; ino2 = new dir, len2 bytes of new name */   \
	X(VFS_AT_LINK, 0x34b)	   /* ino2 = the inode; ino = new dir, name -> attributes */       \
	X(VFS_AT_OPEN, 0x34c)	   /* ino, flags = KIP_O_* -> attributes; +1 open reference */     \
	X(VFS_AT_CREATE, 0x34d)	   /* ino = dir, name, mode, flags -> attributes; +1, +1 open */   \
	X(VFS_AT_READ, 0x34e)	   /* ino, offset, grant = buffer (len) -> bytes */                \
	X(VFS_AT_WRITE, 0x34f)	   /* ino, offset, grant = buffer (len) -> bytes */                \
	X(VFS_AT_RELEASE, 0x350)   /* ino: drop an open reference */                               \
	X(VFS_AT_FSYNC, 0x351)	   /* ino (0: everything) */                                       \
	X(VFS_AT_GETDENTS, 0x352)  /* ino = dir, offset, grant = buffer -> bytes of mfs_dent */    \
	X(VFS_AT_STATFS, 0x353)	   /* -> struct kip_statfs */                                      \
	X(VFS_AT_ACCESS, 0x354)	   /* ino, flags = KIP_R_OK|W_OK|X_OK */                           \
	X(VFS_AT_SUBSCRIBE, 0x355) /* be NOTIFYed of changes made by others (see AT_EVENTS) */     \
	X(VFS_AT_EVENTS, 0x356)	   /* grant = buffer -> bytes of struct vfs_event records */

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
	X(MFS_TRUNCATE, 0x40b) /* inode, position = the new size */                                \
	X(MFS_LINK, 0x40c)     /* dir inode + name -> a new entry for inode ino2; m_mfs_attr */    \
	X(MFS_RENAME, 0x40d)   /* dir + name -> dir ino2 + name2 (after name in the grant) */      \
	X(MFS_SYMLINK, 0x40e)  /* dir + name, then len bytes of target in the grant; uid, gid */   \
	X(MFS_READLINK, 0x40f) /* symlink inode -> its target into the grant (len) ; bytes */      \
	X(MFS_SETATTR, 0x410)  /* m_mfs_setattr: mode, uid, gid, times -> m_mfs_attr */            \
	X(MFS_STATFS, 0x411)   /* -> m_mfs_statfs */                                               \
	X(MFS_GETNODE, 0x412)  /* inode: hold one reference (an open or looked-up file) */         \
	X(MFS_PUTNODE, 0x413)  /* inode, len references dropped; unlinked + unreferenced: freed */

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
