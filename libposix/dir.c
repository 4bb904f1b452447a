/*
 * libposix/dir.c - opendir, readdir, closedir over VFS_GETDENTS.
 *
 * Entry points: kip_opendir, kip_readdir, kip_closedir; px_dir_next
 * (private: the plain readdir of libposix/plain_dir.c steps through the
 * records with it too).
 *
 * A KIP_DIR is one page of the caller's: the entry kip_readdir returns and
 * a struct px_dir, the directory's fd with a buffer of whole struct
 * mfs_dent records filled by kip_getdents (VFS passes the buffer's grant on
 * to MFS).  Errors reach px->err through the calls in file.c.
 */
#include <string.h>

#include "kip/error.h"
#include "kip/syslib.h"
#include "px.h"

struct kip_dir {
	struct kip_dirent ent;
	struct px_dir d;
	uint8_t buf[PX_PAGE - 128];
};
_Static_assert(sizeof(struct kip_dir) <= PX_PAGE, "a KIP_DIR is one page");
_Static_assert(PX_PAGE - 128 >= MFS_DENT_SIZE, "room for one record");

const struct mfs_dent *px_dir_next(struct kip_posix *px, struct px_dir *d, struct mfs_dent *rec)
{
	if (d->pos + MFS_DENT_SIZE > d->len) {
		ssize_t n = kip_getdents(px, d->fd, d->buf, d->cap);
		if (n <= 0)
			return NULL;
		d->len = (uint32_t)n;
		d->pos = 0;
	}
	memcpy(rec, d->buf + d->pos, sizeof(*rec));
	rec->name[sizeof(rec->name) - 1] = '\0';
	d->pos += MFS_DENT_SIZE;
	return rec;
}

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
	d->d.fd = fd;
	d->d.cap = sizeof(d->buf);
	d->d.buf = d->buf;
	return d;
}

struct kip_dirent *kip_readdir(struct kip_posix *px, KIP_DIR *d)
{
	struct mfs_dent rec;
	if (!px_dir_next(px, &d->d, &rec))
		return NULL;
	d->ent.d_ino = rec.ino;
	memcpy(d->ent.d_name, rec.name, sizeof(d->ent.d_name));
	return &d->ent;
}

int kip_closedir(struct kip_posix *px, KIP_DIR *d)
{
	int r = kip_close(px, d->d.fd);
	kip_page_free(d, 1);
	return r;
}
