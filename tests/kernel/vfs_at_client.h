/*
 * tests/kernel/vfs_at_client.h - a caller of VFS's privileged interface
 * (VFS_AT_*, servers/vfs/at*.c) for the tests, as the FUSE bridge's fused
 * uses it, and the runs of the vfs_at suites (test_vfs_at*.c).
 *
 * vat_run boots the disk driver, MFS and VFS on a fresh image and runs a
 * body in `vat_main`, a system process acting as root with umask 022:
 *
 *     static void body(struct vat_ctx *c)
 *     {
 *             FT_EQ(vat_create(c, VAT_ROOT, "a", 0666, KIP_O_RDWR), 0);
 *             uint32_t a = c->st.st_ino;            // the reply's attributes
 *             vat_as(c, 1000, 100, 022);            // now as uid 1000
 *             FT_EQ(vat_unlink(c, VAT_ROOT, "a"), -EACCES);
 *     }
 *     vat_run("1024", body, 0);
 *
 * Each request returns VFS's reply status (0, a count, or a negative
 * error) and leaves the reply in c->m and its attributes in c->st.  Names
 * and buffers travel through grants on pages of the caller's.
 */
#ifndef KIP_TESTS_KERNEL_VFS_AT_CLIENT_H
#define KIP_TESTS_KERNEL_VFS_AT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kip/grant.h"
#include "kip/message.h"
#include "kip/minixfs.h"
#include "kip/posix.h"

#define VAT_ROOT MINIXFS_ROOT_INO

/* An AT caller: VFS, its grants, the credentials it sends, and pages that
 * are granted (names, groups, a struct vfs_setattr). */
struct vat_ctx {
	endpoint_t vfs, mfs; /* mfs: vat_main's only (vat_mfs_ino) */
	struct kip_grants *grants;
	uint32_t uid, gid, umask, ngroups;
	uint32_t *groups; /* the supplementary groups sent when ngroups > 0 */
	char *names;
	struct kip_stat st; /* the last reply's attributes */
	message m;	    /* the last reply */
};

/* ----------------------------------------------- in a system process */

/* A context for VFS at vfs, as root with umask 022; NULL if out of pages. */
struct vat_ctx *vat_ctx_new(endpoint_t vfs);
/* Act as uid/gid with `umask`, no supplementary groups. */
void vat_as(struct vat_ctx *c, uint32_t uid, uint32_t gid, uint32_t umask);
/* Send m with c's credentials (granting c->groups); the reply's status. */
int vat_send(struct vat_ctx *c, message *m);

/* Requests naming an entry of directory `dir`. */
int vat_lookup(struct vat_ctx *c, uint32_t dir, const char *name);
int vat_create(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode, int flags);
int vat_mkdir(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode);
int vat_mknod(struct vat_ctx *c, uint32_t dir, const char *name, uint32_t mode, uint32_t rdev);
int vat_unlink(struct vat_ctx *c, uint32_t dir, const char *name);
int vat_rmdir(struct vat_ctx *c, uint32_t dir, const char *name);
int vat_symlink(struct vat_ctx *c, uint32_t dir, const char *name, const char *target);
int vat_link(struct vat_ctx *c, uint32_t ino, uint32_t dir, const char *name);
int vat_rename(struct vat_ctx *c, uint32_t odir, const char *oname, uint32_t ndir,
	       const char *nname, int flags);

/* A request of `type` about one inode, nothing granted. */
int vat_ino(struct vat_ctx *c, int type, uint32_t ino, int flags, uint64_t offset);
int vat_forget(struct vat_ctx *c, uint32_t ino, uint64_t n);
int vat_getattr(struct vat_ctx *c, uint32_t ino);
int vat_open(struct vat_ctx *c, uint32_t ino, int flags);
int vat_release(struct vat_ctx *c, uint32_t ino);
int vat_access(struct vat_ctx *c, uint32_t ino, int mode);
/* READ, WRITE, GETDENTS, READLINK, EVENTS: len bytes at buf. */
int vat_io(struct vat_ctx *c, int type, uint32_t ino, uint64_t off, void *buf, size_t len,
	   int flags);
int vat_setattr(struct vat_ctx *c, uint32_t ino, const struct vfs_setattr *sa);
/* SETATTR of what `mask` names, each field set to `value`. */
int vat_set1(struct vat_ctx *c, uint32_t ino, uint32_t mask, uint64_t value);

/* Free inodes (AT_STATFS), or the error. */
long vat_free_inodes(struct vat_ctx *c);
/* MFS's own answer: MFS_LOOKUP of name in dir, or MFS_STAT (name NULL);
 * the inode number, or the error.  vat_main's context only. */
long vat_mfs_ino(struct vat_ctx *c, uint32_t dir, const char *name);
/* The type bits of the last reply's mode. */
uint32_t vat_type(const struct vat_ctx *c);

/* Start `program` with argument `arg` - a user program whose only
 * destination is VFS, at `arg`, when `user`; else a system one - and wait
 * for it to end: its exit status (ft_wait). */
int vat_start(const char *program, uint64_t arg, bool user);

/* ------------------------------------------------------- host side */

/* Make a 4 MiB image of `block_size`-byte blocks; boot the disk driver,
 * MFS, VFS (kt flags `flags`) and vat_main running body; assert that it
 * got to its end with at least 5 checks made and none failed, and that
 * `kip fsck` (and, with 1 KiB blocks, `fsck.minix -f`) passes the image;
 * remove it.  The run's trace stays readable (kt_trace). */
void vat_run(const char *block_size, void (*body)(struct vat_ctx *c), unsigned flags);

#endif
