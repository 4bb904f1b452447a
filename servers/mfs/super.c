/*
 * servers/mfs/super.c - MFS_MOUNT: open the device, read and validate the
 * superblock, count the free inodes and zones.
 *
 * Entry point: mfs_do_mount.
 *
 * Nothing in the superblock is trusted until all of it is checked: the
 * magic, the block size (1024..4096, a power of two), the zone size (one
 * block), no unknown mandatory flags, inode and zone counts that are not
 * zero, bitmaps big enough for them, s_firstdatazone where the inode table
 * ends, at least one data zone, and every block inside the device.  Then
 * the root inode must be a directory.  A refused image gets -EINVAL (not a
 * MINIX v3 file system or an impossible layout) or -EIO (the disk failed,
 * a bad root), a line on the console saying why, and MFS stays unmounted.
 */
#include <string.h>

#include "kip/format.h"
#include "mfs.h"

/* Say why the mount is refused; return err. */
static int refuse(int err, const char *why, uint64_t value)
{
	kip_printf("mfs: cannot mount: %s (%llu)\n", why, (unsigned long long)value);
	return err;
}

/* Check the superblock against itself and the device.  0 or -EINVAL. */
static int super_check(const struct minixfs_super *sb, uint64_t dev_size)
{
	uint32_t bs = sb->s_blocksize;
	if (sb->s_magic != MINIXFS_MAGIC_V3)
		return refuse(-EINVAL, "not a MINIX v3 file system: magic", sb->s_magic);
	if (bs < MINIXFS_BLOCK_MIN || bs > MINIXFS_BLOCK_MAX || (bs & (bs - 1)))
		return refuse(-EINVAL, "bad block size", bs);
	if (sb->s_log_zone_size != 0)
		return refuse(-EINVAL, "zones bigger than a block are not supported",
			      sb->s_log_zone_size);
	if (sb->s_flags & MINIXFS_FLAGS_MANDATORY)
		return refuse(-EINVAL, "unknown mandatory flags", sb->s_flags);
	if (sb->s_ninodes == 0 || sb->s_zones == 0)
		return refuse(-EINVAL, "no inodes or no zones", sb->s_ninodes);
	if (minixfs_imap_blocks(sb->s_ninodes, bs) > sb->s_imap_blocks)
		return refuse(-EINVAL, "inode bitmap too small", sb->s_imap_blocks);
	uint64_t itable = minixfs_itable_blocks(sb->s_ninodes, bs);
	uint64_t first = minixfs_first_data_zone(sb->s_imap_blocks, sb->s_zmap_blocks, itable);
	if (sb->s_firstdatazone != first)
		return refuse(-EINVAL, "first data zone is not where the inode table ends",
			      sb->s_firstdatazone);
	if (first >= sb->s_zones)
		return refuse(-EINVAL, "no data zones", sb->s_zones);
	uint64_t data_zones = sb->s_zones - first;
	if ((data_zones + 1 + minixfs_bits_per_block(bs) - 1) / minixfs_bits_per_block(bs) >
	    sb->s_zmap_blocks)
		return refuse(-EINVAL, "zone bitmap too small", sb->s_zmap_blocks);
	if ((uint64_t)sb->s_zones * bs > dev_size)
		return refuse(-EINVAL, "the file system is bigger than the device", sb->s_zones);
	return 0;
}

/* The largest file: s_max_size, and what the zone tree can map. */
static uint64_t super_max_size(const struct minixfs_super *sb)
{
	uint64_t tree = minixfs_max_file_blocks(sb->s_blocksize) * sb->s_blocksize;
	uint64_t max = sb->s_max_size ? sb->s_max_size : MINIXFS_MAX_SIZE;
	if (max > MINIXFS_MAX_SIZE)
		max = MINIXFS_MAX_SIZE;
	return max < tree ? max : tree;
}

/* Open the device and read the superblock into fs->sb.  0 or an error. */
static int super_read(struct mfs *fs)
{
	uint8_t *raw = fs->bufdata[0]; /* the cache is empty: borrow a buffer */
	int r = mfs_bdev_open(fs, &fs->dev_size);
	if (r < 0)
		return refuse(r, "the device does not open", (uint64_t)-r);
	if (fs->dev_size < MINIXFS_SUPER_OFFSET + 1024)
		return refuse(-EINVAL, "the device is too small", fs->dev_size);
	r = mfs_bdev_io(fs, BDEV_READ, MINIXFS_SUPER_OFFSET, raw, 1024);
	if (r < 0)
		return refuse(r, "cannot read the superblock", (uint64_t)-r);
	memset(&fs->sb, 0, sizeof(fs->sb));
	memcpy(&fs->sb, raw, MINIXFS_SUPER_BYTES);
	return super_check(&fs->sb, fs->dev_size);
}

int mfs_do_mount(void *state, const message *in, message *out)
{
	struct mfs *fs = state;
	struct minixfs_inode root;
	if (fs->mounted) {
		int r = mfs_cache_flush(fs);
		if (r < 0)
			return r;
	}
	fs->mounted = false;
	mfs_cache_drop(fs);
	mfs_node_drop_all(fs); /* node.c: a held, unlinked inode becomes an orphan */
	int r = super_read(fs);
	if (r < 0)
		return r;
	fs->block_size = fs->sb.s_blocksize;
	fs->ptrs = minixfs_ptrs_per_block(fs->block_size);
	fs->max_size = super_max_size(&fs->sb);
	fs->zone_hint = 1;
	fs->mounted = true;
	r = mfs_count_free(fs);
	if (r == 0)
		r = mfs_inode_read(fs, MINIXFS_ROOT_INO, &root);
	if (r == -ENOENT) /* its bit is clear in the inode bitmap */
		r = refuse(-EIO, "the root inode is not in use", MINIXFS_ROOT_INO);
	if (r == 0 && minixfs_type(root.i_mode) != MINIXFS_S_IFDIR)
		r = refuse(-EIO, "the root inode is not a directory", root.i_mode);
	if (r < 0) {
		fs->mounted = false;
		mfs_cache_drop(fs);
		return r;
	}
	struct mfs_mount_info *mi = &out->m_mfs_mount;
	mi->root_ino = MINIXFS_ROOT_INO;
	mi->block_size = fs->block_size;
	mi->ninodes = fs->sb.s_ninodes;
	mi->zones = fs->sb.s_zones;
	mi->free_inodes = fs->free_inodes;
	mi->free_zones = fs->free_zones;
	mi->first_data_zone = fs->sb.s_firstdatazone;
	mi->max_size = (uint32_t)fs->max_size;
	mi->dev_size = fs->dev_size;
	/* The mounter (VFS) serves other requests while it waits for us
	 * (server_run_workers): answer it with a blocking send. */
	server_set_blocking_reply(&fs->srv, in->m_source);
	return 0;
}
