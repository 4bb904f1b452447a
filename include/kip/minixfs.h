/*
 * kip/minixfs.h - the MINIX v3 file system's on-disk format, as kip uses it.
 *
 * One source of truth for the MFS server, `kip mkfs` (cli/mkfs.c) and
 * `kip fsck` (cli/fsck.c).  Checked against util-linux 2.38 (mkfs.minix -3,
 * fsck.minix) and MINIX 3's mkfs.mfs and MFS; docs/minixfs.md says more.
 *
 * An image is s_zones blocks of s_blocksize bytes (1024, 2048 or 4096).  A
 * zone is one block: kip requires s_log_zone_size == 0, as both mkfs tools
 * write.  Block numbers below are in units of the block size:
 *
 *   block 0              boot block; the superblock is at byte 1024 whatever
 *                        the block size (inside block 0 when blocks are 4 KiB)
 *   block 1              the superblock's block with 1 KiB blocks, else unused
 *   block 2 ...          inode bitmap: s_imap_blocks blocks
 *   then                 zone bitmap: s_zmap_blocks blocks
 *   then                 inode table: ceil(s_ninodes / (block size / 64)) blocks
 *   s_firstdatazone ...  data zones, up to s_zones - 1
 *
 * Bitmaps: bit b is bit b % 8 of byte b / 8.  Inode bitmap bit i is inode i;
 * zone bitmap bit i is zone s_firstdatazone - 1 + i.  Bit 0 of each is
 * reserved and always set (0 means "no inode" and "no zone").  util-linux
 * also sets the bits past the last inode or zone; MINIX's mkfs does not.
 *
 * Inodes are numbered from 1 (the root directory).  zone[0..6] are direct,
 * zone[7] single, zone[8] double and zone[9] triple indirect; an indirect
 * block is an array of block size / 4 zone numbers; zone 0 is a hole (reads
 * as zeros).  MINIX 3's own MFS stops at double indirect; Linux, util-linux
 * and kip use the triple indirect zone too.  Device inodes keep the device
 * number in zone[0] instead of a zone.
 *
 * A directory is an array of 64-byte entries; inode 0 marks a free slot;
 * entry 0 is "." and entry 1 is "..".  A name is NUL-padded to 60 bytes, or
 * exactly 60 bytes with no NUL.
 *
 * All numbers are little-endian; kip runs on little-endian hosts only.
 */
#ifndef KIP_MINIXFS_H
#define KIP_MINIXFS_H

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "MINIX v3 images are little-endian");

#define MINIXFS_SUPER_OFFSET 1024 /* byte offset of the superblock */
#define MINIXFS_MAGIC_V3 0x4d5a
#define MINIXFS_MAGIC_V1 0x137f /* v1 and v2 magics: recognised to say so */
#define MINIXFS_MAGIC_V1_30 0x138f
#define MINIXFS_MAGIC_V2 0x2468
#define MINIXFS_MAGIC_V2_30 0x2478

#define MINIXFS_BLOCK_MIN 1024
#define MINIXFS_BLOCK_MAX 4096
#define MINIXFS_START_BLOCK 2 /* first block of the inode bitmap */

#define MINIXFS_ROOT_INO 1
#define MINIXFS_NAME_MAX 60
#define MINIXFS_LINK_MAX 32767	     /* MINIX 3's LINK_MAX (NetBSD sys/syslimits.h) */
#define MINIXFS_MAX_SIZE 0x7fffffffu /* s_max_size both mkfs tools write */
#define MINIXFS_ID_MAX 65535u	     /* uid and gid are 16 bits */

#define MINIXFS_NR_DZONES 7 /* direct zones */
#define MINIXFS_NR_ZONES 10 /* direct + single + double + triple */
#define MINIXFS_IND 7	    /* zone[] index of the single indirect zone */
#define MINIXFS_DIND 8
#define MINIXFS_TIND 9

/* s_flags (MINIX 3; util-linux leaves the field 0). */
#define MINIXFS_FLAG_CLEAN 0x0001      /* unmounted cleanly */
#define MINIXFS_FLAGS_MANDATORY 0xff00 /* unknown ones here: do not touch */

/* File types in i_mode: the POSIX values, which MINIX and Linux both use. */
#define MINIXFS_S_IFMT 0170000
#define MINIXFS_S_IFSOCK 0140000
#define MINIXFS_S_IFLNK 0120000
#define MINIXFS_S_IFREG 0100000
#define MINIXFS_S_IFBLK 0060000
#define MINIXFS_S_IFDIR 0040000
#define MINIXFS_S_IFCHR 0020000
#define MINIXFS_S_IFIFO 0010000
#define MINIXFS_S_ISUID 0004000
#define MINIXFS_S_ISGID 0002000
#define MINIXFS_S_ISVTX 0001000

/* The superblock, at byte 1024.  Only these 31 bytes are on disk. */
struct minixfs_super {
	uint32_t s_ninodes;	  /* inodes, numbered 1..s_ninodes */
	uint16_t s_pad0;	  /* v1's s_nzones; 0 */
	uint16_t s_imap_blocks;	  /* blocks of inode bitmap */
	uint16_t s_zmap_blocks;	  /* blocks of zone bitmap */
	uint16_t s_firstdatazone; /* first data zone; MINIX: 0 = too big, compute */
	uint16_t s_log_zone_size; /* log2(blocks per zone); kip: 0 */
	uint16_t s_flags;	  /* MINIX 3: MINIXFS_FLAG_*; util-linux: 0 */
	uint32_t s_max_size;	  /* largest file size in bytes */
	uint32_t s_zones;	  /* blocks in the file system, all areas */
	uint16_t s_magic;	  /* MINIXFS_MAGIC_V3 */
	uint16_t s_pad1;
	uint16_t s_blocksize;	/* bytes per block */
	uint8_t s_disk_version; /* 0 */
};
#define MINIXFS_SUPER_BYTES 31 /* on-disk part: up to s_disk_version */

_Static_assert(offsetof(struct minixfs_super, s_imap_blocks) == 6, "superblock layout");
_Static_assert(offsetof(struct minixfs_super, s_firstdatazone) == 10, "superblock layout");
_Static_assert(offsetof(struct minixfs_super, s_max_size) == 16, "superblock layout");
_Static_assert(offsetof(struct minixfs_super, s_zones) == 20, "superblock layout");
_Static_assert(offsetof(struct minixfs_super, s_magic) == 24, "superblock layout");
_Static_assert(offsetof(struct minixfs_super, s_blocksize) == 28, "superblock layout");
_Static_assert(offsetof(struct minixfs_super, s_disk_version) == 30, "superblock layout");
_Static_assert(sizeof(struct minixfs_super) == 32, "superblock size");

/* An inode: 64 bytes, 16 to a 1 KiB block. */
struct minixfs_inode {
	uint16_t i_mode;   /* file type and permissions */
	uint16_t i_nlinks; /* directory entries naming it */
	uint16_t i_uid;
	uint16_t i_gid;
	uint32_t i_size;		   /* bytes */
	uint32_t i_atime;		   /* seconds since 1970 */
	uint32_t i_mtime;		   /* seconds since 1970 */
	uint32_t i_ctime;		   /* seconds since 1970 */
	uint32_t i_zone[MINIXFS_NR_ZONES]; /* see the top of this file */
};
#define MINIXFS_INODE_SIZE 64

_Static_assert(offsetof(struct minixfs_inode, i_size) == 8, "inode layout");
_Static_assert(offsetof(struct minixfs_inode, i_mtime) == 16, "inode layout");
_Static_assert(offsetof(struct minixfs_inode, i_zone) == 24, "inode layout");
_Static_assert(sizeof(struct minixfs_inode) == MINIXFS_INODE_SIZE, "inode size");

/* A directory entry: 64 bytes. */
struct minixfs_dirent {
	uint32_t d_ino;		       /* 0: free slot */
	char d_name[MINIXFS_NAME_MAX]; /* NUL-padded; no NUL if 60 bytes long */
};
#define MINIXFS_DIRENT_SIZE 64

_Static_assert(sizeof(struct minixfs_dirent) == MINIXFS_DIRENT_SIZE, "directory entry size");

/* ---- bitmaps ---- */

/* Is bit `bit` of `map` set? */
static inline int minixfs_bit_test(const uint8_t *map, uint64_t bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

static inline void minixfs_bit_set(uint8_t *map, uint64_t bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static inline void minixfs_bit_clear(uint8_t *map, uint64_t bit)
{
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

/* The zone bitmap bit that stands for data zone `zone`. */
static inline uint64_t minixfs_zone_bit(uint32_t first_data_zone, uint32_t zone)
{
	return (uint64_t)zone - first_data_zone + 1;
}

/* ---- sizes of things, from the block size ---- */

static inline uint32_t minixfs_bits_per_block(uint32_t block_size)
{
	return block_size * 8;
}

static inline uint32_t minixfs_inodes_per_block(uint32_t block_size)
{
	return block_size / MINIXFS_INODE_SIZE;
}

/* How many zone numbers one indirect block holds. */
static inline uint32_t minixfs_ptrs_per_block(uint32_t block_size)
{
	return block_size / sizeof(uint32_t);
}

static inline uint32_t minixfs_dirents_per_block(uint32_t block_size)
{
	return block_size / MINIXFS_DIRENT_SIZE;
}

/* Blocks per zone: 1 << s_log_zone_size (1 on every image kip makes). */
static inline uint32_t minixfs_blocks_per_zone(const struct minixfs_super *sb)
{
	return sb->s_log_zone_size < 16 ? 1u << sb->s_log_zone_size : 0;
}

/* The most blocks a file can map: direct + single + double + triple. */
static inline uint64_t minixfs_max_file_blocks(uint32_t block_size)
{
	uint64_t p = minixfs_ptrs_per_block(block_size);
	return MINIXFS_NR_DZONES + p + p * p + p * p * p;
}

/* ---- the layout ---- */

/* Blocks of inode table for `ninodes` inodes. */
static inline uint64_t minixfs_itable_blocks(uint64_t ninodes, uint32_t block_size)
{
	uint32_t ipb = minixfs_inodes_per_block(block_size);
	return (ninodes + ipb - 1) / ipb;
}

/* Blocks of inode bitmap for `ninodes` inodes (plus the reserved bit 0). */
static inline uint64_t minixfs_imap_blocks(uint64_t ninodes, uint32_t block_size)
{
	uint32_t bits = minixfs_bits_per_block(block_size);
	return (ninodes + 1 + bits - 1) / bits;
}

/*
 * Blocks of zone bitmap util-linux gives `zones` blocks when the inode bitmap
 * and table take `imap` and `itable` blocks: just enough bits for every data
 * zone plus bit 0 (each zone bitmap block also takes a block from the data).
 * 0 if the other areas leave no room.
 */
static inline uint64_t minixfs_zmap_blocks(uint64_t zones, uint64_t imap, uint64_t itable,
					   uint32_t block_size)
{
	uint64_t bits = minixfs_bits_per_block(block_size);
	if (zones <= 1 + imap + itable)
		return 0;
	return (zones - 1 - imap - itable + bits) / (bits + 1);
}

/* The first data zone: right after the inode table. */
static inline uint64_t minixfs_first_data_zone(uint64_t imap, uint64_t zmap, uint64_t itable)
{
	return MINIXFS_START_BLOCK + imap + zmap + itable;
}

/* First block of the inode table. */
static inline uint64_t minixfs_itable_start(const struct minixfs_super *sb)
{
	return MINIXFS_START_BLOCK + (uint64_t)sb->s_imap_blocks + sb->s_zmap_blocks;
}

/* Byte offset of inode `ino` (1..s_ninodes) in the image. */
static inline uint64_t minixfs_inode_offset(const struct minixfs_super *sb, uint32_t ino)
{
	return minixfs_itable_start(sb) * sb->s_blocksize +
	       (uint64_t)(ino - 1) * MINIXFS_INODE_SIZE;
}

/* ---- inodes and entries ---- */

static inline uint16_t minixfs_type(uint16_t mode)
{
	return mode & MINIXFS_S_IFMT;
}

/* Is `mode`'s file type one MINIX knows? */
static inline int minixfs_type_valid(uint16_t mode)
{
	switch (minixfs_type(mode)) {
	case MINIXFS_S_IFSOCK:
	case MINIXFS_S_IFLNK:
	case MINIXFS_S_IFREG:
	case MINIXFS_S_IFBLK:
	case MINIXFS_S_IFDIR:
	case MINIXFS_S_IFCHR:
	case MINIXFS_S_IFIFO:
		return 1;
	}
	return 0;
}

/* Does an inode of this mode map data through zone[] (not a device number)? */
static inline int minixfs_has_zones(uint16_t mode)
{
	uint16_t t = minixfs_type(mode);
	return t == MINIXFS_S_IFREG || t == MINIXFS_S_IFDIR || t == MINIXFS_S_IFLNK;
}

/* Length of an entry's name: up to the first NUL, at most 60. */
static inline size_t minixfs_name_len(const char name[MINIXFS_NAME_MAX])
{
	size_t n = 0;
	while (n < MINIXFS_NAME_MAX && name[n])
		n++;
	return n;
}

#endif
