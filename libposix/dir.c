/*
 * libposix/dir.c - opendir, readdir, closedir over VFS_GETDENTS.
 *
 * Entry points: kip_opendir, kip_readdir, kip_closedir.
 *
 * A KIP_DIR is one page of the caller's: the directory's fd, a buffer of
 * whole struct mfs_dent records filled by kip_getdents (VFS passes the
 * buffer's grant on to MFS), and the entry kip_readdir returns.  Errors
 * reach px->err through the calls in file.c.
 */
#include <string.h>

#include "kip/error.h"
#include "kip/posix.h"
#include "kip/syslib.h"

#define KIP_DIR_BUF (4096 - 128)

struct kip_dir {
	int fd;
	uint32_t pos, len; /* the next record, and the bytes in buf */
	struct kip_dirent ent;
	uint8_t buf[KIP_DIR_BUF];
};
_Static_assert(sizeof(struct kip_dir) <= 4096, "a KIP_DIR is one page");
_Static_assert(KIP_DIR_BUF >= MFS_DENT_SIZE, "room for one record");

KIP_DIR *kip_opendir(struct kip_posix *px, const char *path)
{
	int fd = kip_open(px, path, KIP_O_RDONLY | KIP_O_DIRECTORY, 0);
	if (fd < 0)
		return NULL;
	struct kip_dir *d = kip_page_alloc(1);
	if (!d) {
		kip_close(px, fd);
		kip_posix_result(px, -ENOMEM);
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	return d;
}

struct kip_dirent *kip_readdir(struct kip_posix *px, KIP_DIR *d)
{
	if (d->pos + MFS_DENT_SIZE > d->len) {
		ssize_t n = kip_getdents(px, d->fd, d->buf, sizeof(d->buf));
		if (n <= 0)
			return NULL;
		d->len = (uint32_t)n;
		d->pos = 0;
	}
	struct mfs_dent rec;
	memcpy(&rec, d->buf + d->pos, sizeof(rec));
	d->pos += MFS_DENT_SIZE;
	d->ent.d_ino = rec.ino;
	memcpy(d->ent.d_name, rec.name, sizeof(d->ent.d_name));
	d->ent.d_name[sizeof(d->ent.d_name) - 1] = '\0';
	return &d->ent;
}

int kip_closedir(struct kip_posix *px, KIP_DIR *d)
{
	int r = kip_close(px, d->fd);
	kip_page_free(d, 1);
	return r;
}
