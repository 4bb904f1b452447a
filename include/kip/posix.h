/*
 * kip/posix.h - the POSIX file calls for programs, as messages to VFS.
 *
 * Every process in the kip binary shares the host's globals, so libposix
 * keeps its state per process, not in globals: a program gets a context
 * once,
 *
 *     struct kip_posix *px = kip_posix_init(vfs);
 *     int fd = kip_open(px, "/etc/motd", KIP_O_RDONLY, 0);
 *     if (fd < 0)
 *             ... px->err is the errno ...
 *
 * allocated from the process's own pages, holding VFS's endpoint, the grant
 * table and errno.  Each call is one SENDREC to VFS; a negative error from
 * VFS (or from the IPC itself) becomes px->err in exactly one place, and the
 * call returns -1 as POSIX does.
 *
 * The names carry a kip_ prefix and are ordinary global functions.
 * Programs may also use the plain names (open, read, stat, errno, ...)
 * with glibc's prototypes: libposix defines them hidden, the build makes
 * them local to the partial link of libposix and the programs, so the
 * kip binary's own open() stays glibc's (docs/libposix.md).  The plain
 * names find the process's context through its TLS word (kip/tls.h): a
 * program calls kip_posix_start(vfs) once before using them.
 *
 * Buffers are granted as they are when they lie in memory the process
 * owns - its stack or its pages (kip_page_alloc).  Grants cannot reach the
 * host's globals or literals: read, write, pread and pwrite then move the
 * bytes through a bounce buffer (px->bounce); readlink, getcwd and
 * getdents buffers must be kip memory.
 *
 * Entry points: kip_posix_init, kip_posix_result (libposix/px.c);
 * kip_posix_attach, kip_posix_start, kip_posix_self (libposix/self.c);
 * the calls below (libposix/file.c, attr.c, link.c, fs.c, dir.c).
 */
#ifndef KIP_POSIX_H
#define KIP_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kip/endpoint.h"
#include "kip/grant.h"
#include "kip/message.h"

/* A program's libposix state. */
struct kip_posix {
	endpoint_t vfs;
	int err; /* errno of the last call that failed */
	struct kip_grants *grants;
	char path[KIP_PATH_MAX + 1];  /* paths are copied here, then granted */
	char path2[KIP_PATH_MAX + 1]; /* the second path of link, rename, symlink */
	void *bounce; /* KIP_BOUNCE_SIZE bytes of kip memory for buffers outside it, or NULL */
};
#define KIP_BOUNCE_SIZE (64u * 1024)

/* A context for VFS at `vfs`, in pages the caller owns; NULL if out of
 * memory. */
struct kip_posix *kip_posix_init(endpoint_t vfs);

/* The one place where an error becomes errno: r < 0 sets px->err = -r and
 * gives -1; r >= 0 is returned as it is. */
long kip_posix_result(struct kip_posix *px, long r);

/* Make px the calling process's context for the plain names (its TLS word,
 * SYS_SETTLS).  0, or -1 with px->err (ECALLDENIED: SYS_SETTLS is not in
 * the caller's privileges). */
int kip_posix_attach(struct kip_posix *px);

/* What a program using the plain names calls once, first: the calling
 * process's context, now talking to VFS at `vfs` - made and attached if
 * the process has none (kip_posix_init + kip_posix_attach).  NULL if it
 * could not be made: out of pages, or SYS_SETTLS not allowed.  Until a
 * process has started, its plain calls fail with ENOSYS. */
struct kip_posix *kip_posix_start(endpoint_t vfs);

/* The calling process's attached context, or NULL. */
struct kip_posix *kip_posix_self(void);

int kip_open(struct kip_posix *px, const char *path, int flags, unsigned mode);
int kip_close(struct kip_posix *px, int fd);
ssize_t kip_read(struct kip_posix *px, int fd, void *buf, size_t n);
ssize_t kip_write(struct kip_posix *px, int fd, const void *buf, size_t n);
off_t kip_lseek(struct kip_posix *px, int fd, off_t offset, int whence);
int kip_dup(struct kip_posix *px, int fd);
int kip_dup2(struct kip_posix *px, int fd, int fd2);
int kip_stat(struct kip_posix *px, const char *path, struct kip_stat *st);
int kip_fstat(struct kip_posix *px, int fd, struct kip_stat *st);
int kip_mkdir(struct kip_posix *px, const char *path, unsigned mode);
int kip_rmdir(struct kip_posix *px, const char *path);
int kip_unlink(struct kip_posix *px, const char *path);
int kip_truncate(struct kip_posix *px, const char *path, off_t length);
int kip_ftruncate(struct kip_posix *px, int fd, off_t length);
int kip_chdir(struct kip_posix *px, const char *path);
int kip_fsync(struct kip_posix *px, int fd);
int kip_sync(struct kip_posix *px);
int kip_creat(struct kip_posix *px, const char *path, unsigned mode);
ssize_t kip_pread(struct kip_posix *px, int fd, void *buf, size_t n, off_t offset);
ssize_t kip_pwrite(struct kip_posix *px, int fd, const void *buf, size_t n, off_t offset);
int kip_lstat(struct kip_posix *px, const char *path, struct kip_stat *st);
int kip_link(struct kip_posix *px, const char *existing, const char *newpath);
int kip_rename(struct kip_posix *px, const char *oldpath, const char *newpath);
int kip_symlink(struct kip_posix *px, const char *target, const char *linkpath);
/* Up to n bytes of the target, no NUL added (as readlink(2)). */
ssize_t kip_readlink(struct kip_posix *px, const char *path, char *buf, size_t n);
int kip_chmod(struct kip_posix *px, const char *path, unsigned mode);
int kip_fchmod(struct kip_posix *px, int fd, unsigned mode);
/* uid or gid (uint32_t)-1: leave it. */
int kip_chown(struct kip_posix *px, const char *path, uint32_t uid, uint32_t gid);
int kip_lchown(struct kip_posix *px, const char *path, uint32_t uid, uint32_t gid);
int kip_fchown(struct kip_posix *px, int fd, uint32_t uid, uint32_t gid);
struct kip_utimbuf {
	int64_t actime, modtime; /* seconds since 1970 */
};
/* times NULL: both now (as utime(2)). */
int kip_utime(struct kip_posix *px, const char *path, const struct kip_utimbuf *times);
int kip_statfs(struct kip_posix *px, const char *path, struct kip_statfs *st);
int kip_fstatfs(struct kip_posix *px, int fd, struct kip_statfs *st);
int kip_mknod(struct kip_posix *px, const char *path, unsigned mode, uint32_t dev);
/* buf, or NULL with px->err (ERANGE if size is too small). */
char *kip_getcwd(struct kip_posix *px, char *buf, size_t size);
int kip_fchdir(struct kip_posix *px, int fd);
/* The previous mask (umask cannot fail). */
unsigned kip_umask(struct kip_posix *px, unsigned mask);
int kip_access(struct kip_posix *px, const char *path, int mode);

/* The raw VFS_GETDENTS: whole struct mfs_dent records into buf. */
ssize_t kip_getdents(struct kip_posix *px, int fd, void *buf, size_t n);

/* Directories (libposix/dir.c).  A KIP_DIR is one page of the caller's. */
struct kip_dirent {
	uint32_t d_ino;
	char d_name[64];
};

typedef struct kip_dir KIP_DIR;

KIP_DIR *kip_opendir(struct kip_posix *px, const char *path);
/* The next entry, or NULL at the end (px->err unchanged) or on an error
 * (px->err set). */
struct kip_dirent *kip_readdir(struct kip_posix *px, KIP_DIR *d);
int kip_closedir(struct kip_posix *px, KIP_DIR *d);

#endif
