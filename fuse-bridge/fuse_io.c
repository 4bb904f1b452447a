/*
 * fuse-bridge/fuse_io.c - the FUSE low-level operations on open files and
 * directories (docs/fuse.md, "kip mount").
 *
 * kip keeps no open-file entry for the bridge: OPEN checks the access and
 * takes a reference to the inode, READ and WRITE come by inode number and
 * offset, RELEASE drops the reference.  So a file handle carries nothing
 * for a file (fi->fh = 0).  A directory handle keeps the listing being read
 * (struct kfuse_dir): FUSE resumes a listing at an offset it was given for
 * one entry, while fused hands out a directory position only at the end of
 * each batch.  The handle therefore numbers the entries it has received
 * (the offset of entry i is i + 1) and asks fused for more, from the
 * position of its last batch, when the host reads past them; offset 0
 * (opendir, rewinddir) starts afresh.  A listing is the directory as it was
 * when each batch was read, which POSIX allows.
 *
 * Data moves in pieces of at most KFUSE_IO_MAX (128 KiB, the mount's
 * max_read and max_write): one bridge call each.
 *
 * Entry points (through kfuse_ops): kfuse_open, kfuse_create, kfuse_read,
 * kfuse_write, kfuse_flush, kfuse_release, kfuse_fsync, kfuse_opendir,
 * kfuse_readdir, kfuse_releasedir.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuse-bridge/fuse_ops.h"

/* Directory records per READDIR call. */
#define DIR_BATCH 128

/* An open directory: the entries read so far. */
struct kfuse_dir {
	pthread_mutex_t lock; /* the kernel serialises readdir per handle; be sure */
	struct mfs_dent *ents;
	size_t n, cap;
	uint64_t next_pos; /* fused's position after the last batch */
	bool eof;
};

/* Host open flags as kip's (kip's values are x86-64 Linux's; other hosts
 * number some differently).  Flags kip has no use for are dropped:
 * O_LARGEFILE, O_NONBLOCK, O_NOATIME, O_SYNC, O_DSYNC... */
static int32_t kip_open_flags(int host)
{
	int32_t k = 0;
	switch (host & O_ACCMODE) {
	case O_WRONLY:
		k = KIP_O_WRONLY;
		break;
	case O_RDWR:
		k = KIP_O_RDWR;
		break;
	default:
		k = KIP_O_RDONLY;
		break;
	}
	if (host & O_CREAT)
		k |= KIP_O_CREAT;
	if (host & O_EXCL)
		k |= KIP_O_EXCL;
	if (host & O_TRUNC)
		k |= KIP_O_TRUNC;
	if (host & O_APPEND)
		k |= KIP_O_APPEND;
	if (host & O_DIRECTORY)
		k |= KIP_O_DIRECTORY;
	if (host & O_NOFOLLOW)
		k |= KIP_O_NOFOLLOW;
	return k;
}

/* ---- files ------------------------------------------------------------ */

/* Give back one open reference to ino (RELEASE). */
static void release_node(struct kfuse *f, fuse_req_t req, fuse_ino_t ino)
{
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_RELEASE, ino, false);
	kfuse_call(f, &c); /* nothing to tell anyone if it fails */
}

void kfuse_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct kfuse *f = kfuse_of(req);
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_OPEN, ino, true);
	c.req.flags = kip_open_flags(fi->flags);
	int r = kfuse_call(f, &c);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	fi->fh = 0;
	fi->keep_cache = 0; /* data may have changed inside kip: reread */
	if (fuse_reply_open(req, fi) != 0)
		release_node(f, req, ino); /* interrupted: nobody will release it */
}

void kfuse_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		  struct fuse_file_info *fi)
{
	struct kfuse *f = kfuse_of(req);
	struct bridge_call c;
	size_t len = strlen(name);
	kfuse_call_init(&c, req, BRIDGE_CREATE, parent, true);
	c.req.mode = S_IFREG | (mode & 07777);
	c.req.flags = kip_open_flags(fi->flags) | KIP_O_CREAT;
	c.req.len = (uint32_t)len;
	c.in = name;
	c.in_len = len;
	int r = kfuse_call(f, &c);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	struct fuse_entry_param e;
	memset(&e, 0, sizeof(e));
	e.ino = c.rep.st.st_ino;
	kfuse_stat(&c.rep.st, &e.attr);
	e.attr_timeout = KFUSE_ATTR_TIMEOUT;
	e.entry_timeout = KFUSE_ENTRY_TIMEOUT;
	fi->fh = 0;
	fi->keep_cache = 0;
	uint32_t ino = c.rep.st.st_ino;
	kfuse_node_add(f, ino, 1);
	if (fuse_reply_create(req, &e, fi) != 0) {
		/* Interrupted: neither the lookup nor the open was counted. */
		release_node(f, req, ino);
		kfuse_node_add(f, ino, -1);
		kfuse_forget(f, ino, 1);
	}
}

void kfuse_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	struct kfuse *f = kfuse_of(req);
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		kfuse_reply_err(req, -ENOMEM);
		return;
	}
	size_t done = 0;
	int r = 0;
	while (done < size) {
		struct bridge_call c;
		size_t want = size - done < KFUSE_IO_MAX ? size - done : KFUSE_IO_MAX;
		kfuse_call_init(&c, req, BRIDGE_READ, ino, false);
		c.req.offset = (uint64_t)off + done;
		c.req.count = (uint32_t)want;
		c.out = buf + done;
		c.out_cap = want;
		r = kfuse_call(f, &c);
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < want)
			break; /* the end of the file */
	}
	if (r < 0 && done == 0)
		kfuse_reply_err(req, r);
	else
		fuse_reply_buf(req, buf, done);
	free(buf);
}

void kfuse_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct kfuse *f = kfuse_of(req);
	size_t done = 0;
	int r = 0;
	while (done < size) {
		struct bridge_call c;
		size_t n = size - done < KFUSE_IO_MAX ? size - done : KFUSE_IO_MAX;
		kfuse_call_init(&c, req, BRIDGE_WRITE, ino, false);
		c.req.offset = (uint64_t)off + done;
		c.req.count = (uint32_t)n;
		/* O_APPEND: kip writes at the end it knows, which a change made
		 * inside kip may have moved past the size the host has cached. */
		c.req.flags = (fi->flags & O_APPEND) ? KIP_O_APPEND : 0;
		c.in = buf + done;
		c.in_len = n;
		r = kfuse_call(f, &c);
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < n)
			break; /* short: the disk is full or the file at its limit */
	}
	if (r < 0 && done == 0)
		kfuse_reply_err(req, r);
	else
		fuse_reply_write(req, done);
}

void kfuse_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	/* Every write has reached kip already (no writeback cache). */
	kfuse_reply_err(req, 0);
}

void kfuse_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)fi;
	release_node(kfuse_of(req), req, ino);
	kfuse_reply_err(req, 0); /* the kernel ignores a release's error */
}

void kfuse_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	(void)datasync;
	(void)fi;
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_FSYNC, ino, false);
	kfuse_reply_err(req, kfuse_call(kfuse_of(req), &c));
}

/* ---- directories ------------------------------------------------------ */

void kfuse_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct kfuse *f = kfuse_of(req);
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_OPEN, ino, true);
	c.req.flags = KIP_O_RDONLY | KIP_O_DIRECTORY; /* read permission, as opendir(3) */
	int r = kfuse_call(f, &c);
	if (r < 0) {
		kfuse_reply_err(req, r);
		return;
	}
	struct kfuse_dir *d = calloc(1, sizeof(*d));
	if (!d) {
		kfuse_reply_err(req, -ENOMEM);
		release_node(f, req, ino);
		return;
	}
	pthread_mutex_init(&d->lock, NULL);
	fi->fh = (uintptr_t)d;
	if (fuse_reply_open(req, fi) != 0) {
		pthread_mutex_destroy(&d->lock);
		free(d);
		release_node(f, req, ino);
	}
}

/* Read the next batch of d's entries from fused.  0 (d->eof set at the
 * end), or a negative kip errno. */
static int dir_fill(struct kfuse *f, fuse_req_t req, fuse_ino_t ino, struct kfuse_dir *d)
{
	if (d->n + DIR_BATCH > d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 2 * DIR_BATCH;
		struct mfs_dent *e = realloc(d->ents, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		d->ents = e;
		d->cap = cap;
	}
	struct bridge_call c;
	kfuse_call_init(&c, req, BRIDGE_READDIR, ino, false);
	c.req.offset = d->next_pos;
	c.req.count = DIR_BATCH * sizeof(struct mfs_dent);
	c.out = d->ents + d->n;
	c.out_cap = DIR_BATCH * sizeof(struct mfs_dent);
	int r = kfuse_call(f, &c);
	if (r < 0)
		return r;
	size_t got = c.rep.data_len / sizeof(struct mfs_dent);
	if (got == 0) {
		d->eof = true;
		return 0;
	}
	for (size_t i = d->n; i < d->n + got; i++)
		d->ents[i].name[sizeof(d->ents[i].name) - 1] = '\0';
	d->n += got;
	d->next_pos = c.rep.offset;
	return 0;
}

void kfuse_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct kfuse *f = kfuse_of(req);
	struct kfuse_dir *d = (struct kfuse_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		kfuse_reply_err(req, -ENOMEM);
		return;
	}
	pthread_mutex_lock(&d->lock);
	if (off <= 0) {
		d->n = 0;
		d->next_pos = 0;
		d->eof = false;
	}
	size_t used = 0, i = off > 0 ? (size_t)off : 0;
	int r = 0;
	for (;;) {
		while (i >= d->n && !d->eof && r == 0)
			r = dir_fill(f, req, ino, d);
		if (i >= d->n)
			break;
		struct stat st;
		memset(&st, 0, sizeof(st));
		st.st_ino = d->ents[i].ino; /* type unknown (DT_UNKNOWN): MINIX keeps none */
		size_t need = fuse_add_direntry(req, buf + used, size - used, d->ents[i].name, &st,
						i + 1);
		if (need > size - used)
			break;
		used += need;
		i++;
	}
	pthread_mutex_unlock(&d->lock);
	if (r < 0 && used == 0)
		kfuse_reply_err(req, r);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

void kfuse_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct kfuse_dir *d = (struct kfuse_dir *)(uintptr_t)fi->fh;
	release_node(kfuse_of(req), req, ino);
	if (d) {
		pthread_mutex_destroy(&d->lock);
		free(d->ents);
		free(d);
	}
	kfuse_reply_err(req, 0);
}
