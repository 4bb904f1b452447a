/*
 * tests/kernel/vfs_scale.h - what the vfs_scale suites share
 * (test_vfs_scale_*.c): the file-system stack driven through libposix by
 * one user program at a time, its data patterns, and readers of what a
 * file or a directory holds.
 *
 *     static int my_main(uint64_t vfs)            // a KIP_PROG_USER program
 *     {
 *             uint8_t *io, *back;
 *             struct kip_posix *px = vs_start(vfs, &io, &back);
 *             if (!px)
 *                     return 1;
 *             ...                                 // FT_CHECK, FT_FAILS
 *             return vs_end(px);                  // sync, "done"
 *     }
 *
 *     vs_make_image("8M", NULL);
 *     vs_run("vscale_mine", "what", 1);           // boot, run, report
 *     ft_judge(FT_FSCK_BOTH, "what");
 *     vs_assert_inodes(2);                        // what the image holds
 *     ft_unlink();
 *
 * KIP_TEST_SCALE=small (the memcheck tier) shrinks the workloads.
 */
#ifndef KIP_TESTS_KERNEL_VFS_SCALE_H
#define KIP_TESTS_KERNEL_VFS_SCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kip/posix.h"
#include "tests/kernel/fs_harness.h"

#define VS_IO (64u * 1024)		       /* bytes of a program's I/O buffer */
#define VS_IO_PAGES (VS_IO / 4096)	       /* ... in pages */
#define VS_KIB 1024ull			       /* with 1 KiB blocks: */
#define VS_SINGLE (7 * VS_KIB)		       /* the single indirect range starts here */
#define VS_DOUBLE (VS_SINGLE + 256 * VS_KIB)   /* the double */
#define VS_TRIPLE (VS_DOUBLE + 65536 * VS_KIB) /* the triple */

/* ------------------------------------------------------ data patterns */

/* Byte x of pattern `seed`: built of 64-bit words that differ at every
 * offset, so a misplaced block shows. */
uint8_t vs_byte(uint64_t seed, uint64_t x);
/* Fill buf with bytes off .. off + n - 1 of pattern `seed`. */
void vs_fill(uint64_t seed, uint8_t *buf, uint64_t off, size_t n);
/* Do bytes off .. off + n - 1 of pattern `seed` match buf? */
bool vs_same(uint64_t seed, const uint8_t *buf, uint64_t off, size_t n);
bool vs_zero(const uint8_t *buf, size_t n);
/* splitmix64: the random workloads' generator. */
uint64_t vs_rand(uint64_t *state);

/* ------------------------------------------------ in the user program */

/* The program's libposix context and two VS_IO buffers in its own pages;
 * NULL if any is missing. */
struct kip_posix *vs_start(uint64_t vfs, uint8_t **io, uint8_t **back);
/* Sync, and say that the program got to its end: its exit status. */
int vs_end(struct kip_posix *px);

/* Write n bytes of pattern `seed`, bytes from .. from + n - 1 of it, to fd
 * in VS_IO chunks (checked); stop at a chunk not written whole. */
void vs_write_pattern(struct kip_posix *px, int fd, uint64_t seed, uint64_t from, uint64_t n,
		      uint8_t *io);

/* What a file should hold: `size` bytes, the first `data` of them those of
 * `model` if given, else of pattern `seed`; zeros after them. */
struct vs_content {
	uint64_t size, data, seed;
	const uint8_t *model;
};

/* Read fd from its start to its end in VS_IO chunks: each chunk is whole
 * and holds what `c` says, then the end of the file. */
void vs_read_back(struct kip_posix *px, int fd, const struct vs_content *c, uint8_t *back);

/* readdir of directory `path`: "." and ".." once each, and every other
 * entry one `known` accepts (NULL: any).  Checks that the directory opens,
 * reads without an error and closes.  The other entries' number. */
unsigned vs_list(struct kip_posix *px, const char *path, bool (*known)(const char *name, void *ctx),
		 void *ctx);

/* --------------------------------------------------------- host side */

/* Make the image: `size`, 1 KiB blocks, `inodes` inodes (NULL: mkfs's
 * default). */
void vs_make_image(const char *size, const char *inodes);
/* Boot on the image with the disk driver, MFS, VFS and init starting
 * `user`; assert that the run halted with 0, the program got to its end
 * and exited 0, and at least min_checks of its checks were made and none
 * failed (naming `what` if not).  The checks made. */
int vs_run(const char *user, const char *what, int min_checks);
/* The image holds `want` inodes in use. */
void vs_assert_inodes(uint32_t want);

#endif
