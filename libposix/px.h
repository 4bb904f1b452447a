/*
 * libposix/px.h - what the files of libposix share (private to libposix).
 *
 * The helpers below fill the grants of a VFS request and trap with SENDREC.
 * Each returns the reply's status (0, a count, an fd) or a negative error
 * and leaves turning it into px->err to kip_posix_result, the one place
 * that does (libposix/px.c).  A path is copied into one of the context's
 * two path buffers, which lie in the process's own pages, and granted to
 * VFS for reading; a data buffer is granted as it is.  Every grant is
 * revoked when the reply comes.
 *
 * Everything declared here is PX_HIDDEN: like the plain POSIX names it is
 * made local to the partial link of libposix and the programs
 * (docs/libposix.md), so nothing outside that object can call it.
 */
#ifndef KIP_LIBPOSIX_PX_H
#define KIP_LIBPOSIX_PX_H

#include <stddef.h>

#include "kip/grant.h"
#include "kip/message.h"
#include "kip/posix.h"

#define PX_HIDDEN __attribute__((visibility("hidden")))
#define PX_PAGE 4096u

/* SENDREC m to VFS; the reply's status (m then holds the reply). */
PX_HIDDEN int px_call(struct kip_posix *px, message *m);

/* m (type and other fields set) with `path` in m_vfs.grant/len. */
PX_HIDDEN int px_path_call(struct kip_posix *px, message *m, const char *path);

/* m with `path` in m_vfs.grant/len and `path2` in m_vfs.grant2/len2. */
PX_HIDDEN int px_paths_call(struct kip_posix *px, message *m, const char *path, const char *path2);

/* m with `path` in m_vfs.grant/len and buf[0..n) in m_vfs.grant2/len2,
 * granted with `access` (KIP_GRANT_*). */
PX_HIDDEN long px_path_buf_call(struct kip_posix *px, message *m, const char *path, void *buf,
				size_t n, int access);

/* m (a VFS_CHMOD, CHOWN, UTIME) with `path` in m_vfs_attr.grant/len. */
PX_HIDDEN int px_attr_path_call(struct kip_posix *px, message *m, const char *path);

/* m (type and fd set) with buf[0..n) in m_vfs.grant/len, granted with
 * `access`. */
PX_HIDDEN long px_buf_call(struct kip_posix *px, message *m, const void *buf, size_t n, int access);

/* A request on fd alone (CLOSE, DUP, FSYNC, FCHDIR): the call's result,
 * with px->err set on failure. */
PX_HIDDEN int px_fd_call(struct kip_posix *px, int type, int fd);

/* A request on a path alone, with a mode (MKDIR, RMDIR, UNLINK, CHDIR,
 * ACCESS): the call's result, with px->err set on failure. */
PX_HIDDEN int px_named(struct kip_posix *px, int type, const char *path, unsigned mode);

/* A directory being read: fd, and a buffer of whole struct mfs_dent
 * records filled by kip_getdents (libposix/dir.c). */
struct px_dir {
	int fd;
	uint32_t pos, len; /* the next record, and the bytes in buf */
	uint32_t cap;	   /* buf's size: at least MFS_DENT_SIZE */
	uint8_t *buf;
};

/* The next record of d, or NULL at the end (px->err unchanged) or on an
 * error (px->err set). */
PX_HIDDEN const struct mfs_dent *px_dir_next(struct kip_posix *px, struct px_dir *d,
					     struct mfs_dent *rec);

/* The calling process's context, made and attached (with no VFS yet) if it
 * has none; NULL only if that failed (libposix/self.c). */
PX_HIDDEN struct kip_posix *px_self(void);

/* The calling process's context if it is attached to a VFS; otherwise NULL
 * with errno ENOSYS (libposix/self.c). */
PX_HIDDEN struct kip_posix *px_attached(void);

#endif
