/*
 * libposix/plain_dir.c - the plain POSIX directory stream, for programs
 * (docs/libposix.md).
 *
 * Entry points (all hidden): opendir, readdir, readdir64, closedir.
 *
 * glibc's DIR is an opaque struct __dirstream; here it is one page of the
 * calling process's: the directory's fd and a buffer of records
 * (struct px_dir, stepped through by px_dir_next as kip_readdir does) and
 * the struct dirent readdir returns, valid until the next readdir or the
 * closedir.  MFS records carry no type: d_type is DT_UNKNOWN (call stat).
 */
#undef _FORTIFY_SOURCE /* these are the definitions, not fortified callers */

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "kip/syslib.h"
#include "px.h"

#define PX_DIR_BUF (PX_PAGE - 640)

struct __dirstream {
	struct px_dir d;
	long index;	   /* entries returned so far: the next d_off */
	struct dirent ent; /* readdir64's too */
	uint8_t buf[PX_DIR_BUF];
};
_Static_assert(sizeof(struct __dirstream) <= PX_PAGE, "a DIR is one page");
_Static_assert(PX_DIR_BUF >= MFS_DENT_SIZE, "room for one record");
_Static_assert(sizeof(((struct dirent *)0)->d_name) >= sizeof(((struct mfs_dent *)0)->name),
	       "every MFS name fits a d_name");

PX_HIDDEN DIR *opendir(const char *path)
{
	struct kip_posix *px = px_attached();
	if (!px)
		return NULL;
	int fd = kip_open(px, path, KIP_O_RDONLY | KIP_O_DIRECTORY, 0);
	if (fd < 0)
		return NULL;
	DIR *dir = kip_page_alloc(1);
	if (!dir) {
		kip_close(px, fd);
		kip_posix_result(px, -ENOMEM);
		return NULL;
	}
	memset(dir, 0, sizeof(*dir));
	dir->d.fd = fd;
	dir->d.cap = sizeof(dir->buf);
	dir->d.buf = dir->buf;
	return dir;
}

/* The next record of dir, or NULL at the end (errno unchanged) or on an
 * error (errno set). */
static const struct mfs_dent *px_readdir(DIR *dir, struct mfs_dent *rec)
{
	struct kip_posix *px = px_attached();
	if (!px || !px_dir_next(px, &dir->d, rec))
		return NULL;
	dir->index++;
	return rec;
}

PX_HIDDEN struct dirent *readdir(DIR *dir)
{
	struct mfs_dent rec;
	if (!px_readdir(dir, &rec))
		return NULL;
	struct dirent *e = &dir->ent;
	memset(e, 0, offsetof(struct dirent, d_name));
	e->d_ino = rec.ino;
	e->d_off = dir->index;
	e->d_reclen = sizeof(*e);
	e->d_type = DT_UNKNOWN;
	memcpy(e->d_name, rec.name, sizeof(rec.name));
	return e;
}

/* On x86-64 glibc's struct dirent64 is struct dirent, field for field. */
_Static_assert(sizeof(struct dirent64) == sizeof(struct dirent), "dirent64 is dirent");
_Static_assert(offsetof(struct dirent64, d_name) == offsetof(struct dirent, d_name),
	       "dirent64 is dirent");

PX_HIDDEN struct dirent64 *readdir64(DIR *dir)
{
	return (struct dirent64 *)(void *)readdir(dir);
}

PX_HIDDEN int closedir(DIR *dir)
{
	struct kip_posix *px = px_attached();
	if (!px)
		return -1;
	int r = kip_close(px, dir->d.fd);
	kip_page_free(dir, 1);
	return r;
}
