/*
 * kip/error.h - the error convention.
 *
 * Inside kip every call returns 0 (or a non-negative result) or a NEGATIVE
 * error code.  Standard codes are the host's <errno.h> values (EPERM, ...);
 * the IPC-specific codes below follow MINIX 3.  libposix turns a negative
 * code into errno exactly once, at the program boundary.
 */
#ifndef KIP_ERROR_H
#define KIP_ERROR_H

#include <errno.h>

enum {
	EDEADSRCDST = 200,    /* source or destination is dead or stale */
	ECALLDENIED = 201,    /* destination or kernel call not allowed */
	ETRAPDENIED = 202,    /* IPC primitive not allowed */
	ELOCKED = 203,	      /* blocking would close a cycle of blocked processes */
	ENOTREADY = 204,      /* SENDNB: receiver not waiting */
	EBADREQUEST = 205,    /* malformed message */
	KIP_EDONTREPLY = 206, /* server handler: reply later (never sent) */
};

/* The errors kip names in traces; anything else prints as a number. */
#define KIP_ERRORS(X)                                                                              \
	X(EPERM)                                                                                   \
	X(ENOENT)                                                                                  \
	X(ESRCH)                                                                                   \
	X(EINTR)                                                                                   \
	X(EIO)                                                                                     \
	X(E2BIG)                                                                                   \
	X(EBADF)                                                                                   \
	X(ECHILD)                                                                                  \
	X(EAGAIN)                                                                                  \
	X(ENOMEM)                                                                                  \
	X(EACCES)                                                                                  \
	X(EFAULT)                                                                                  \
	X(EBUSY)                                                                                   \
	X(EEXIST)                                                                                  \
	X(EXDEV)                                                                                   \
	X(ENODEV)                                                                                  \
	X(ENOTDIR)                                                                                 \
	X(EISDIR)                                                                                  \
	X(EINVAL)                                                                                  \
	X(ENFILE)                                                                                  \
	X(EMFILE)                                                                                  \
	X(EFBIG)                                                                                   \
	X(ENOSPC)                                                                                  \
	X(ESPIPE)                                                                                  \
	X(EROFS)                                                                                   \
	X(EMLINK)                                                                                  \
	X(EPIPE)                                                                                   \
	X(ERANGE)                                                                                  \
	X(ENAMETOOLONG)                                                                            \
	X(ENOSYS)                                                                                  \
	X(ENOTEMPTY)                                                                               \
	X(ELOOP)                                                                                   \
	X(EDEADSRCDST)                                                                             \
	X(ECALLDENIED)                                                                             \
	X(ETRAPDENIED)                                                                             \
	X(ELOCKED)                                                                                 \
	X(ENOTREADY)                                                                               \
	X(EBADREQUEST)                                                                             \
	X(KIP_EDONTREPLY)

/* Name of an error code (sign ignored), or NULL if kip does not name it. */
static inline const char *kip_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
#define KIP_ERROR_CASE(e)                                                                          \
	case e:                                                                                    \
		return #e;
		KIP_ERRORS(KIP_ERROR_CASE)
#undef KIP_ERROR_CASE
	default:
		return 0;
	}
}

#endif
