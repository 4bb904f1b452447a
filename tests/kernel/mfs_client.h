/*
 * tests/kernel/mfs_client.h - MFS's protocol spoken by inode number from a
 * test process (test_mfs*.c), and the runs of the mfs_ops suites.
 *
 * A client is a system program started as init with MFS's endpoint as its
 * argument (ft_run_mfs); it opens a struct mc_client and calls MFS:
 *
 *     struct mc_client c;
 *     if (mc_start(&c, mfs) < 0)               // pages, grants, MOUNT
 *             return 1;
 *     uint32_t f = mc_file(&c, MINIXFS_ROOT_INO, "a", "hello");
 *     FT_TRUE(mc_holds(&c, f, "hello"));
 *     return mc_end(&c);                       // SYNC, mc.done
 *
 * Each call returns MFS's reply status (0, a count, or a negative error).
 * Names and data travel through grants on
 * the client's own pages (grants cover kip memory only).
 *
 * The mfs_ops suites boot twice where times matter: the setup at epoch
 * MC_E1, the calls two days later at MC_E2, so a time a call set is >=
 * MC_E2 (MC_NOW2) and one it left alone is < MC_E2 (MC_OLD).  What one
 * boot hands the next, and the host, is in `mc`.
 */
#ifndef KIP_TESTS_KERNEL_MFS_CLIENT_H
#define KIP_TESTS_KERNEL_MFS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "kip/grant.h"
#include "kip/message.h"
#include "tests/kernel/fs_harness.h"

#define MC_E1 1700000000u	   /* epoch of the first boot, seconds since 1970 */
#define MC_E2 (MC_E1 + 2 * 86400u) /* of the second boot */
#define MC_SLACK 60		   /* seconds a boot may run */

/* A time the second boot set (now), or one it left alone. */
#define MC_NOW2(t) FT_TRUE((t) >= MC_E2 && (t) < MC_E2 + MC_SLACK)
#define MC_OLD(t) FT_TRUE((t) < MC_E2)

#define MC_BIG_SIZE (300u * 1024) /* "big" of the tree image: up to the double indirect */

/* What clients leave for the next boot and for the host. */
struct mc_shared {
	int done;		     /* the client got to its end */
	uint32_t ino[32];	     /* inode numbers handed from one boot to the next */
	struct mfs_mount_info mount; /* the last MFS_MOUNT's reply */
	int r[48];		     /* test_mfs*.c: what each call returned, by number */
	int bad[8];		     /* ... bytes that did not match */
	struct mfs_attr attr[8];     /* ... attributes the calls gave */
};
extern struct mc_shared mc;

/* Byte i of the data pattern `seed` (the tree image's files). */
uint8_t mc_pat(uint64_t i, uint8_t seed);
/* How many of the len bytes at buf differ from pattern `seed` from pos. */
int mc_mismatches(const uint8_t *buf, uint64_t pos, uint32_t len, uint8_t seed);

struct mc_client {
	struct kip_grants *grants;
	endpoint_t mfs;
	char *name;    /* a page for names and targets */
	uint8_t *data; /* 16 pages for data */
	uint64_t pos;  /* READ, WRITE, GETDENTS: the reply's position */
};

/* ------------------------------------------------- in the client process */

/* 0, or -1 if the pages or grants cannot be had. */
int mc_init(struct mc_client *c, uint64_t mfs);
/* mc_init, then MOUNT (a check).  0, or -1 as mc_init. */
int mc_start(struct mc_client *c, uint64_t mfs);
/* SYNC (a check), and say the client got to its end: a client's last
 * words ("return mc_end(&c);"). */
int mc_end(struct mc_client *c);
/* Send m to MFS; the reply's status (m holds the reply). */
int mc_call(struct mc_client *c, message *m);
/* A request of `type` with nothing in it (SYNC, MOUNT...). */
int mc_simple(struct mc_client *c, int type);
/* MOUNT; on success the geometry in mc.mount. */
int mc_mount(struct mc_client *c);

/* LOOKUP, CREATE, MKDIR, UNLINK, RMDIR of `name` in dir (owner 1000:100);
 * the reply's attributes in *a on success, if a is given. */
int mc_named(struct mc_client *c, int type, uint32_t dir, const char *name, uint32_t mode,
	     struct mfs_attr *a);
int mc_lookup(struct mc_client *c, uint32_t dir, const char *name, struct mfs_attr *a);
/* The inode `name` names in dir, or 0. */
uint32_t mc_ino(struct mc_client *c, uint32_t dir, const char *name);
/* CREATE with a device number. */
int mc_mknod(struct mc_client *c, uint32_t dir, const char *name, uint32_t mode, uint64_t rdev,
	     struct mfs_attr *a);
int mc_link(struct mc_client *c, uint32_t dir, const char *name, uint32_t ino, struct mfs_attr *a);
int mc_rename(struct mc_client *c, uint32_t odir, const char *oname, uint32_t ndir,
	      const char *nname);
int mc_symlink(struct mc_client *c, uint32_t dir, const char *name, const void *target,
	       uint32_t len, uint32_t mode, uint32_t uid, struct mfs_attr *a);

/* READ, WRITE, GETDENTS, READLINK of len bytes at pos through a grant on
 * buf; the reply's position in c->pos. */
int mc_io(struct mc_client *c, int type, uint32_t ino, uint64_t pos, void *buf, uint32_t len);
int mc_stat(struct mc_client *c, uint32_t ino, struct mfs_attr *a);
/* STAT that must succeed (a check): the attributes, zeros if it failed. */
struct mfs_attr mc_attr(struct mc_client *c, uint32_t ino);
int mc_setattr(struct mc_client *c, uint32_t ino, uint32_t mask, uint32_t mode, uint32_t uid,
	       uint32_t gid, uint32_t atime, uint32_t mtime, struct mfs_attr *a);
/* Set atime and mtime of ino. */
int mc_times(struct mc_client *c, uint32_t ino, uint32_t atime, uint32_t mtime);
int mc_statfs(struct mc_client *c, struct mfs_statfs *st);
/* STATFS that must succeed (a check). */
struct mfs_statfs mc_fs(struct mc_client *c);
/* GETNODE (count ignored) or PUTNODE of `count` references. */
int mc_node(struct mc_client *c, int type, uint32_t ino, uint32_t count);

/* Create dir/name holding `text`; its inode number (0 on failure). */
uint32_t mc_file(struct mc_client *c, uint32_t dir, const char *name, const char *text);
/* Make directory dir/name (0755); its inode number (0 on failure). */
uint32_t mc_dir(struct mc_client *c, uint32_t dir, const char *name);
/* Does inode ino hold exactly `text`?  (Uses the start of c->data.) */
bool mc_holds(struct mc_client *c, uint32_t ino, const char *text);
/* A name of 61 bytes: one too long. */
const char *mc_name61(void);

/* ------------------------------------------------------- host side */

/* Make the image (mkfs `size`, and --inodes `inodes` unless NULL); clear mc. */
void mc_make_image(const char *size, const char *inodes);
/* Make the image of `size` with `kip mkfs --from` a host tree: hello.txt
 * ("hello, kip\n"), big (MC_BIG_SIZE bytes of pattern 1) and sub/inner.txt
 * (100 bytes of pattern 2), in that inode order; clear mc. */
void mc_make_tree_image(const char *size);
/* Remove the image and the tree; clear mc. */
void mc_cleanup(void);
/* Boot at epoch_s, run `client` as init; assert that the run halted with
 * 0, the client got to its end, and its checks passed.  Clears mc.done. */
void mc_run(const char *client, uint32_t epoch_s);
/* Both judges pass the image; remove it and the tree (mc stays). */
void mc_finish(void);
/* All of a one-image test: make it, run `setup` (NULL: none) at MC_E1 and
 * `client` at MC_E2 (MC_E1 without a setup), then mc_finish.  mc keeps
 * what the client left (mc.mount). */
void mc_test(const char *size, const char *inodes, const char *setup, const char *client);

#endif
