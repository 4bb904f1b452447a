/*
 * kip/message.h - the 64-byte message and its typed payloads.
 *
 * A message is m_source (stamped by the kernel: it cannot be forged),
 * m_type (a request type from kip/msgtypes.h, or a reply's status) and a
 * 56-byte union of typed payloads, one struct per message family, named
 * after who sends it to whom.  Bulk data never rides in messages: grants do
 * (kip/grant.h).  Zero a message before filling it (kip_msg_init).
 */
#ifndef KIP_MESSAGE_H
#define KIP_MESSAGE_H

#include <stdint.h>
#include <string.h>

#include "kip/endpoint.h"
#include "kip/msgtypes.h"

#define KIP_MSG_PAYLOAD 56
#define KIP_PATH_MAX 1023 /* bytes of a path, without the NUL (VFS, libposix) */
#define KIP_NAME_MAX 16	  /* process names, including the NUL */

/* NOTIFY_MESSAGE: built by the kernel; no payload but these. */
struct kip_notify_payload {
	uint64_t timestamp;   /* virtual ns when delivered */
	uint64_t irq_pending; /* HARDWARE: bitmap of pending IRQs */
};

/* SYS_CREATE: caller -> kernel. */
struct kcall_create {
	char program[24];	 /* registered program name (kip/program.h) */
	char name[KIP_NAME_MAX]; /* process name; empty = program name */
	int32_t priority;	 /* 0 (highest) .. 15; -1 = the program's default */
	endpoint_t endpoint;	 /* out: the new process */
	uint64_t arg;		 /* passed to the program's main */
};

/* SYS_KILL, SYS_STOP, SYS_RESUME, SYS_EXIT, SYS_SHUTDOWN, SYS_SETMANAGER. */
struct kcall_proc {
	endpoint_t endpoint; /* target (SELF allowed) */
	int32_t status;	     /* exit status (SYS_EXIT, SYS_SHUTDOWN) */
};

/* SYS_PRIVCTL: caller -> kernel. */
struct kcall_privctl {
	endpoint_t endpoint;
	uint32_t trap_mask;    /* bit (1 << IPC_op) per allowed primitive */
	uint64_t send_mask[2]; /* bit per destination slot */
	uint64_t kcall_mask;   /* bit per kernel call index */
	uint32_t irq_mask;     /* IRQs it may control */
	uint32_t dev_mask;     /* devices it may claim */
	uint32_t flags;	       /* KIP_PRIV_* */
};

/* SYS_SAFECOPYFROM / SYS_SAFECOPYTO: caller -> kernel. */
struct kcall_safecopy {
	endpoint_t granter; /* who issued the grant */
	int32_t grant;	    /* grant id */
	uint64_t offset;    /* into the granted range */
	uint64_t addr;	    /* the caller's buffer */
	uint64_t len;
};

/* SYS_SETGRANT: caller -> kernel. */
struct kcall_setgrant {
	uint64_t table; /* address of the caller's grant table (or 0) */
	uint32_t count; /* entries */
};

/* SYS_SETTLS: caller -> kernel.  The word is the caller's own business: the
 * kernel keeps it and publishes it while the caller runs (kip/tls.h). */
struct kcall_tls {
	uint64_t word;	   /* the caller's new TLS word */
	uint64_t previous; /* out: the old one */
};

/* SYS_PAGE_ALLOC / FREE / LIST / PROTECT: caller -> kernel. */
struct kcall_page {
	endpoint_t endpoint; /* LIST, PROTECT: whose pages (SELF allowed) */
	uint32_t npages;     /* ALLOC, FREE, PROTECT: run length; LIST: buffer size */
	uint64_t addr;	     /* ALLOC: out; FREE, PROTECT: start; LIST: buffer */
	int32_t prot;	     /* PROTECT: KIP_PROT_* */
	uint32_t count;	     /* LIST: out, pages owned */
};

/* SYS_DEVCTL / SYS_DEVIO / SYS_DMA: caller -> kernel. */
struct kcall_dev {
	int32_t device; /* device number */
	int32_t op;	/* KIP_DEV_* */
	uint32_t reg;	/* DEVIO: register number */
	uint32_t pad;
	uint64_t value;	 /* DEVIO: value written / read */
	uint64_t addr;	 /* DMA: the caller's buffer */
	uint64_t len;	 /* DMA: bytes */
	uint64_t devoff; /* DMA: offset in the device's buffer */
};

/* SYS_IRQCTL: caller -> kernel. */
struct kcall_irq {
	int32_t irq;
	int32_t op; /* KIP_IRQ_* */
};

/* SYS_SETALARM / SYS_TIMES: caller -> kernel. */
struct kcall_time {
	uint64_t ns;	   /* SETALARM: relative delay (0 cancels) */
	uint64_t now;	   /* out: virtual ns since boot (SETALARM: when it was set) */
	uint64_t epoch;	   /* out: host ns at boot (the recorded epoch) */
	uint64_t cpu_ns;   /* out: the caller's CPU time */
	uint64_t previous; /* out: SETALARM: ns left on the previous alarm */
	uint64_t messages; /* out: TIMES: messages delivered since boot (all processes) */
	uint64_t switches; /* out: TIMES: context switches since boot (for benchmarks) */
};

/* SYS_GETINFO: caller -> kernel.  Fills a struct kip_procinfo. */
struct kcall_getinfo {
	int32_t slot; /* slot to describe */
	int32_t pad;
	uint64_t addr; /* the caller's struct kip_procinfo */
};

/* SYS_GETEVENT: kernel -> caller (out fields), after a SYSTEM notify. */
struct kcall_event {
	endpoint_t endpoint; /* the process concerned */
	int32_t kind;	     /* KIP_EV_* */
	int32_t status;	     /* exit status */
	int32_t signo;	     /* FAULT: host signal number */
	uint64_t addr;	     /* FAULT: faulting address */
	uint64_t rip;	     /* FAULT/HANG: instruction pointer */
	int32_t access;	     /* FAULT: 1 = write */
	int32_t remaining;   /* events still queued after this one */
	char name[KIP_NAME_MAX];
};

/* SYS_PRINT: caller -> kernel. */
struct kcall_print {
	uint64_t addr;
	uint64_t len;
};

/* BDEV_*: caller -> block driver, and back in the reply (m_type: bytes
 * done or a negative error).  Positions and lengths are multiples of
 * BDEV_SECTOR_SIZE; a request moves at most BDEV_MAX_IO bytes. */
struct bdev_request {
	uint64_t position; /* READ, WRITE: byte offset on the device */
	uint32_t len;	   /* READ, WRITE: bytes */
	int32_t grant;	   /* READ, WRITE: the caller's buffer (a kip_grant_id) */
	uint64_t id;	   /* the caller's tag, returned in the reply */
	uint64_t dev_size; /* OPEN reply: the device's size in bytes */
};
#define BDEV_SECTOR_SIZE 512
#define BDEV_MAX_IO (1u << 20)

/* MFS_*: caller -> MFS (docs/mfs.md).  Names (LOOKUP, CREATE, MKDIR,
 * UNLINK, RMDIR, LINK, RENAME, SYMLINK) come through `grant`, name_len
 * bytes, no NUL; RENAME's new name and SYMLINK's target follow the name in
 * the same grant.  Data (READ, WRITE, GETDENTS, READLINK) through `grant`,
 * len bytes.  The reply of READ, WRITE and GETDENTS is the bytes moved, with
 * the request returned and `position` advanced. */
struct mfs_request {
	uint32_t ino;	    /* the inode (named calls: the directory) */
	uint32_t mode;	    /* CREATE, MKDIR, SYMLINK: type and permission bits */
	uint64_t position;  /* READ, WRITE, GETDENTS: byte offset; CREATE: rdev of a device */
	uint32_t len;	    /* READ, WRITE, GETDENTS, READLINK: bytes; SYMLINK: bytes of
			       the target; PUTNODE: references dropped */
	int32_t grant;	    /* the caller's buffer or name (a kip_grant_id) */
	uint32_t name_len;  /* named calls: bytes of the name, 1..60 */
	uint32_t uid, gid;  /* CREATE, MKDIR, SYMLINK: owner (at most 65535) */
	uint32_t ino2;	    /* LINK: the inode to link; RENAME: the new directory */
	uint32_t name_len2; /* RENAME: bytes of the new name, 1..60 */
};

/* MFS_SETATTR: caller -> MFS.  Changes what `mask` names; ctime is set to
 * now whenever anything changes.  A uid or gid over 65535 is -EINVAL. */
struct mfs_setattr {
	uint32_t ino;
	uint32_t mask;	       /* MFS_SET_* */
	uint32_t mode;	       /* MODE: the permission bits (07777); the type is kept */
	uint32_t uid, gid;     /* UID, GID */
	uint32_t atime, mtime; /* ATIME, MTIME: seconds since 1970 */
};
enum {
	MFS_SET_MODE = 1 << 0,
	MFS_SET_UID = 1 << 1,
	MFS_SET_GID = 1 << 2,
	MFS_SET_ATIME = 1 << 3,
	MFS_SET_MTIME = 1 << 4,
	MFS_SET_ATIME_NOW = 1 << 5, /* atime = MFS's clock (the value is ignored) */
	MFS_SET_MTIME_NOW = 1 << 6,
};

/* Reply of MFS_STATFS. */
struct mfs_statfs {
	uint32_t block_size;
	uint32_t zones, free_zones;
	uint32_t inodes, free_inodes;
	uint32_t name_max; /* MINIXFS_NAME_MAX */
	uint32_t max_size; /* the largest file, in bytes (capped at 4 GiB - 1) */
};

/* Reply of MFS_LOOKUP, STAT, CREATE, MKDIR: an inode's attributes. */
struct mfs_attr {
	uint32_t ino;
	uint16_t mode, nlinks;
	uint16_t uid, gid;
	uint32_t size;
	uint32_t atime, mtime, ctime; /* seconds since 1970 */
	uint32_t rdev;		      /* a device node's device number (zone[0]), else 0 */
};

/* Reply of MFS_MOUNT: what was mounted. */
struct mfs_mount_info {
	uint32_t root_ino;
	uint32_t block_size;
	uint32_t ninodes, zones; /* from the superblock */
	uint32_t free_inodes, free_zones;
	uint32_t first_data_zone;
	uint32_t max_size; /* the largest file, in bytes */
	uint64_t dev_size; /* the device, in bytes */
};

/* MFS_GETDENTS writes whole records of this form into the grant. */
struct mfs_dent {
	uint32_t ino;
	uint32_t name_len;
	char name[64]; /* NUL-terminated */
};
#define MFS_DENT_SIZE 72

/* VFS_*: a program (libposix) or MM -> VFS (docs/vfs.md).  Paths come
 * through `grant`, len bytes, no NUL needed; data (READ, WRITE, GETDENTS)
 * through `grant`, len bytes, which VFS passes on to MFS as an indirect
 * grant.  The reply's status is 0, a count or an fd, or a negative error;
 * LSEEK's new offset comes back in `offset`. */
struct vfs_request {
	int32_t fd;	  /* the file descriptor; DUP2: the old one */
	int32_t fd2;	  /* DUP2: the new one */
	int32_t flags;	  /* OPEN: KIP_O_* */
	uint32_t mode;	  /* OPEN with KIP_O_CREAT, MKDIR: permission bits */
	int32_t grant;	  /* the path, or the buffer (a kip_grant_id) */
	uint32_t len;	  /* bytes of the path or of the buffer */
	int64_t offset;	  /* LSEEK: offset, reply: the new one; (F)TRUNCATE: the size */
	int32_t whence;	  /* LSEEK: KIP_SEEK_* */
	endpoint_t proc;  /* VFS_PM_*: the process concerned (FORK: the parent) */
	endpoint_t proc2; /* VFS_PM_FORK: the child */
	int32_t grant2;	  /* LINK, RENAME, SYMLINK: the second path; READLINK: the buffer */
	uint32_t len2;	  /* its bytes */
};

/* VFS_CHMOD, FCHMOD, CHOWN, FCHOWN, UTIME: a program -> VFS. */
struct vfs_attr_request {
	int32_t fd;	      /* FCHMOD, FCHOWN */
	int32_t grant;	      /* the path (CHMOD, CHOWN, UTIME) */
	uint32_t len;	      /* its bytes */
	uint32_t mode;	      /* CHMOD: the permission bits */
	uint32_t uid, gid;    /* CHOWN: the new owner; KIP_ID_KEEP leaves one as it is */
	int64_t atime, mtime; /* UTIME: seconds, or KIP_UTIME_NOW / KIP_UTIME_OMIT */
	int32_t flags;	      /* KIP_AT_SYMLINK_NOFOLLOW (lchown) */
};
#define KIP_ID_KEEP 0xffffffffu
#define KIP_UTIME_NOW (-1ll)
#define KIP_UTIME_OMIT (-2ll)
#define KIP_AT_SYMLINK_NOFOLLOW 0x100 /* Linux's value */

/* VFS_PM_SETCRED: MM -> VFS.  The identity VFS checks proc's calls with. */
#define KIP_NGROUPS_MAX 8
struct vfs_pm_cred {
	endpoint_t proc;
	uint32_t uid, gid;
	uint32_t ngroups; /* 0 .. KIP_NGROUPS_MAX */
	uint32_t groups[KIP_NGROUPS_MAX];
};

/* VFS_AT_*: a privileged caller (fused) -> VFS.  Every request carries the
 * credentials of the user it acts for: uid, gid, umask, and ngroups
 * supplementary groups (uint32_t each) through cred_grant.  Names come
 * through `grant` (len bytes), a second name or a symlink's target right
 * after it (len2 bytes); data (READ, WRITE, GETDENTS, READLINK, EVENTS)
 * through `grant`, len bytes. */
#define KIP_AT_NGROUPS_MAX 64
struct vfs_at_request {
	uint32_t ino;	    /* the inode, or the directory of a name */
	uint32_t ino2;	    /* RENAME: the new directory; LINK: the inode to link */
	int32_t grant;	    /* name(s), a struct vfs_setattr, or the data buffer */
	uint32_t len;	    /* bytes of the name or of the buffer */
	uint32_t len2;	    /* bytes of the second name or of the target */
	uint32_t mode;	    /* MKNOD, MKDIR, CREATE, SYMLINK: type and permission bits */
	uint64_t offset;    /* READ, WRITE, GETDENTS: position; MKNOD: rdev; FORGET: count */
	uint32_t uid, gid;  /* the requester */
	uint16_t umask;	    /* the requester's umask */
	uint16_t ngroups;   /* supplementary groups in cred_grant, <= KIP_AT_NGROUPS_MAX */
	int32_t cred_grant; /* the groups (uint32_t each) */
	int32_t flags;	    /* OPEN, CREATE: KIP_O_*; ACCESS: KIP_R_OK..; RENAME: KIP_RENAME_* */
};
#define KIP_RENAME_NOREPLACE 1 /* Linux's values */
#define KIP_RENAME_EXCHANGE 2  /* not supported: EINVAL */

/* VFS_AT_SETATTR's request, through the grant. */
struct vfs_setattr {
	uint32_t mask;	      /* KIP_SETATTR_* */
	uint32_t mode;	      /* the permission bits */
	uint32_t uid, gid;    /* the new owner */
	uint64_t size;	      /* truncate to */
	int64_t atime, mtime; /* seconds, or KIP_UTIME_NOW */
};
enum {
	KIP_SETATTR_MODE = 1 << 0,
	KIP_SETATTR_UID = 1 << 1,
	KIP_SETATTR_GID = 1 << 2,
	KIP_SETATTR_SIZE = 1 << 3,
	KIP_SETATTR_ATIME = 1 << 4,
	KIP_SETATTR_MTIME = 1 << 5,
	/* with SIZE: through a file the requester opened for writing
	 * (ftruncate, open's O_TRUNC), which the open has checked: no write
	 * permission is asked again, and "now" times go with the truncation
	 * (Linux's do_truncate on a file).  Without SIZE: EINVAL. */
	KIP_SETATTR_OPENED = 1 << 6,
};

/* VFS_AT_EVENTS writes whole records of this form: something other than the
 * subscriber changed a directory entry (ENTRY: dir, name) or an inode's
 * attributes or data (INODE: ino). */
struct vfs_event {
	uint32_t kind; /* KIP_VFS_EV_* */
	uint32_t dir;  /* ENTRY: the directory */
	uint32_t ino;  /* INODE: the inode; ENTRY: what the name named, or 0 */
	uint32_t name_len;
	char name[64]; /* ENTRY: NUL-terminated */
};
enum {
	KIP_VFS_EV_ENTRY = 1,
	KIP_VFS_EV_INODE = 2,
};

/* access() modes. */
enum {
	KIP_F_OK = 0,
	KIP_X_OK = 1,
	KIP_W_OK = 2,
	KIP_R_OK = 4
};

/* Open flags (VFS_OPEN); the values are Linux's. */
enum {
	KIP_O_RDONLY = 00,
	KIP_O_WRONLY = 01,
	KIP_O_RDWR = 02,
	KIP_O_ACCMODE = 03,
	KIP_O_CREAT = 0100,
	KIP_O_EXCL = 0200,
	KIP_O_TRUNC = 01000,
	KIP_O_APPEND = 02000,
	KIP_O_DIRECTORY = 0200000,
	KIP_O_NOFOLLOW = 0400000,
	KIP_O_CLOEXEC = 02000000,
};

/* LSEEK whence. */
enum {
	KIP_SEEK_SET = 0,
	KIP_SEEK_CUR = 1,
	KIP_SEEK_END = 2
};

/* Reply of VFS_STAT and VFS_FSTAT: what stat(2) gives.  st_mode has the
 * POSIX type and permission bits (MINIXFS_S_IF* = S_IF*). */
struct kip_stat {
	uint32_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid, st_gid;
	uint32_t st_rdev; /* a device node's device number */
	uint64_t st_size;
	uint32_t st_atime_sec, st_mtime_sec,
		st_ctime_sec; /* since 1970 (st_atime is a host macro) */
	uint32_t st_blksize;  /* the file system's block size */
	uint32_t st_blocks;   /* 512-byte units the data and indirect zones take */
};

/* Reply of VFS_STATFS, FSTATFS, AT_STATFS. */
struct kip_statfs {
	uint32_t f_bsize;   /* block size */
	uint32_t f_namemax; /* the longest name: 60 */
	uint64_t f_blocks, f_bfree, f_bavail;
	uint64_t f_files, f_ffree;
};

/* ECHO_*, TEST_*: a small inline payload. */
struct demo_payload {
	int64_t value;
	uint32_t len;
	char text[44];
};

typedef struct kip_message {
	endpoint_t m_source;
	int32_t m_type;
	union {
		uint8_t m_raw[KIP_MSG_PAYLOAD];
		uint64_t m_u64[KIP_MSG_PAYLOAD / 8];
		struct kip_notify_payload m_notify;
		struct kcall_create m_create;
		struct kcall_proc m_proc;
		struct kcall_privctl m_privctl;
		struct kcall_safecopy m_safecopy;
		struct kcall_setgrant m_setgrant;
		struct kcall_tls m_tls;
		struct kcall_page m_page;
		struct kcall_dev m_dev;
		struct kcall_irq m_irq;
		struct kcall_time m_time;
		struct kcall_getinfo m_getinfo;
		struct kcall_event m_event;
		struct kcall_print m_print;
		struct bdev_request m_bdev;
		struct mfs_request m_mfs;
		struct mfs_attr m_mfs_attr;
		struct mfs_mount_info m_mfs_mount;
		struct mfs_setattr m_mfs_setattr;
		struct mfs_statfs m_mfs_statfs;
		struct vfs_request m_vfs;
		struct vfs_attr_request m_vfs_attr;
		struct vfs_pm_cred m_vfs_cred;
		struct vfs_at_request m_vfs_at;
		struct kip_stat m_vfs_stat;
		struct kip_statfs m_vfs_statfs;
		struct demo_payload m_demo;
	};
} message;

_Static_assert(sizeof(message) == 64, "a message is 64 bytes");
_Static_assert(sizeof(struct kcall_create) <= KIP_MSG_PAYLOAD, "create payload");
_Static_assert(sizeof(struct kcall_privctl) <= KIP_MSG_PAYLOAD, "privctl payload");
_Static_assert(sizeof(struct kcall_dev) <= KIP_MSG_PAYLOAD, "dev payload");
_Static_assert(sizeof(struct kcall_event) <= KIP_MSG_PAYLOAD, "event payload");
_Static_assert(sizeof(struct kcall_time) <= KIP_MSG_PAYLOAD, "time payload");
_Static_assert(sizeof(struct bdev_request) <= KIP_MSG_PAYLOAD, "bdev payload");
_Static_assert(sizeof(struct mfs_request) <= KIP_MSG_PAYLOAD, "mfs payload");
_Static_assert(sizeof(struct mfs_attr) <= KIP_MSG_PAYLOAD, "mfs attr payload");
_Static_assert(sizeof(struct mfs_mount_info) <= KIP_MSG_PAYLOAD, "mfs mount payload");
_Static_assert(sizeof(struct mfs_dent) == MFS_DENT_SIZE, "mfs getdents record");
_Static_assert(sizeof(struct vfs_request) <= KIP_MSG_PAYLOAD, "vfs payload");
_Static_assert(sizeof(struct mfs_setattr) <= KIP_MSG_PAYLOAD, "mfs setattr payload");
_Static_assert(sizeof(struct mfs_statfs) <= KIP_MSG_PAYLOAD, "mfs statfs payload");
_Static_assert(sizeof(struct vfs_attr_request) <= KIP_MSG_PAYLOAD, "vfs attr payload");
_Static_assert(sizeof(struct vfs_pm_cred) <= KIP_MSG_PAYLOAD, "vfs cred payload");
_Static_assert(sizeof(struct vfs_at_request) <= KIP_MSG_PAYLOAD, "vfs at payload");
_Static_assert(sizeof(struct kip_statfs) <= KIP_MSG_PAYLOAD, "vfs statfs payload");
_Static_assert(sizeof(struct vfs_event) == 80, "vfs event record");
_Static_assert(sizeof(struct kip_stat) <= KIP_MSG_PAYLOAD, "vfs stat payload");
_Static_assert(sizeof(struct demo_payload) <= KIP_MSG_PAYLOAD, "demo payload");

/* Zero *m and set its type. */
static inline void kip_msg_init(message *m, int type)
{
	memset(m, 0, sizeof(*m));
	m->m_type = type;
}

/* Process events (SYS_GETEVENT kind). */
enum kip_event_kind {
	KIP_EV_EXIT = 1,   /* exited by itself */
	KIP_EV_KILLED = 2, /* killed (SYS_KILL, or by the default fault policy) */
	KIP_EV_FAULT = 3,  /* faulted; stopped, waiting for its manager */
	KIP_EV_HANG = 4,   /* the watchdog found it spinning; stopped */
};

/* Page protections (SYS_PAGE_PROTECT). */
enum {
	KIP_PROT_NONE = 0,
	KIP_PROT_READ = 1,
	KIP_PROT_WRITE = 2
};

/* Device and IRQ operations. */
enum {
	KIP_DEV_CLAIM = 1,
	KIP_DEV_RELEASE = 2,
	KIP_DEV_READ = 3,
	KIP_DEV_WRITE = 4
};
enum {
	KIP_IRQ_ENABLE = 1,
	KIP_IRQ_DISABLE = 2,
	KIP_IRQ_ACK = 3
};

/* Privilege flags. */
enum {
	KIP_PRIV_SYSTEM = 1 << 0, /* a system process (server, driver) */
	KIP_PRIV_USER = 1 << 1,	  /* share the one user privilege record */
};

#endif
