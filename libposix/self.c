/*
 * libposix/self.c - each process's own libposix context, for the plain
 * POSIX names: attaching it, finding it, and errno.
 *
 * Entry points: kip_posix_attach, kip_posix_start, kip_posix_self,
 * __errno_location (hidden); px_self, px_attached (private).
 *
 * Every kip process runs on the one host thread and shares the host's
 * globals, so a plain open() cannot keep its context in a global.  It
 * keeps it in the process's TLS word instead (kip/tls.h): kip_posix_attach
 * stores the context there with SYS_SETTLS, and each plain call finds it
 * again with kip_tls(), a load with no trap.  errno is the context's err:
 * glibc's errno macro is (*__errno_location()), and the __errno_location
 * defined here is hidden like the plain names, so a program's errno is its
 * own process's.
 *
 * A process that has no context yet gets one on its first plain call (or
 * errno access), with no VFS: the calls then fail with ENOSYS until
 * kip_posix_start names VFS, and errno keeps one address for the life of
 * the process - which matters because glibc declares __errno_location
 * const, so a compiler may reuse the address it returned.  Only a process
 * that cannot get a context at all (no pages, or no SYS_SETTLS in its
 * privileges) sees its errno in px_errno_fallback, the one mutable global
 * of libposix, shared by all such processes.
 */
#include <errno.h>

#include "kip/syslib.h"
#include "kip/tls.h"
#include "px.h"

static int px_errno_fallback;

int kip_posix_attach(struct kip_posix *px)
{
	return (int)kip_posix_result(px, kip_settls(px));
}

struct kip_posix *kip_posix_self(void)
{
	return kip_tls();
}

/* A new context for VFS `vfs`, attached; NULL if the caller may not set
 * its TLS word (checked before any page is spent: the word is NULL, so
 * setting NULL changes nothing) or is out of pages. */
static struct kip_posix *px_make(endpoint_t vfs)
{
	if (kip_settls(NULL) < 0)
		return NULL;
	struct kip_posix *px = kip_posix_init(vfs);
	if (px && kip_posix_attach(px) < 0)
		return NULL;
	return px;
}

struct kip_posix *kip_posix_start(endpoint_t vfs)
{
	struct kip_posix *px = kip_tls();
	if (!px)
		return px_make(vfs);
	px->vfs = vfs;
	return px;
}

struct kip_posix *px_self(void)
{
	struct kip_posix *px = kip_tls();
	return px ? px : px_make(KIP_NONE);
}

struct kip_posix *px_attached(void)
{
	struct kip_posix *px = px_self();
	if (px && px->vfs != KIP_NONE)
		return px;
	*(px ? &px->err : &px_errno_fallback) = ENOSYS;
	return NULL;
}

PX_HIDDEN int *__errno_location(void)
{
	struct kip_posix *px = px_self();
	return px ? &px->err : &px_errno_fallback;
}
