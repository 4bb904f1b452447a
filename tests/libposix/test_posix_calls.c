/*
 * tests/libposix/test_posix_calls.c - the messages libposix builds for each
 * file call (libposix/file.c, attr.c, link.c, fs.c), and the plain POSIX
 * names over them (libposix/plain_*.c), against a fake VFS (suite
 * `posix_calls`).
 *
 * The fake VFS records every request - its type, its fields, and the paths
 * and data it fetches through the caller's grants with SYS_SAFECOPYFROM -
 * and answers with known values (a stat, a statfs, a link target, a working
 * directory, bytes for PREAD).  Pins, for every call that VFS is getting
 * now: the type, which field holds what (path in grant/len, a second path
 * or READLINK's buffer in grant2/len2, CHMOD/CHOWN/UTIME in m_vfs_attr,
 * MKNOD's rdev in offset, PREAD/PWRITE's offset, lchown's
 * KIP_AT_SYMLINK_NOFOLLOW, chown's -1 as KIP_ID_KEEP, utime(NULL) as
 * KIP_UTIME_NOW, creat as O_CREAT|O_WRONLY|O_TRUNC), that the reply comes
 * back (stat, statfs, bytes, umask's old mask, errors as errno), that
 * arguments refused before sending send nothing, and that every grant is
 * revoked (many failed calls later, grants still work).  Then the same
 * through the plain names (tests/userland/posix_fake.c), and a program
 * built with _FORTIFY_SOURCE=2 (tests/userland/posix_fortify.c) whose
 * __read_chk, __open_2, ... reach the fake too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "kip/error.h"
#include "kip/grant.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/harness.h"
#include "tests/kip_test.h"
#include "tests/userland/posix_fake.h"

#define PC_MAX 96

/* A request as the fake VFS saw it. */
struct pc_req {
	int type;
	struct vfs_request v;	   /* m_vfs */
	struct vfs_attr_request a; /* m_vfs_attr (CHMOD, FCHMOD, CHOWN, FCHOWN, UTIME) */
	int path_len, path2_len;   /* what was fetched, or -1 */
	char path[KIP_PATH_MAX + 1], path2[KIP_PATH_MAX + 1];
	char data[16]; /* PWRITE's first bytes */
};

static struct {
	struct pc_req req[PC_MAX];
	int n;
	const char *program; /* the user program init runs */
	int status;	     /* its exit status */
	/* The kip_ program's own checks. */
	int checks, fail_line, fail_err;
} pc;

/* ------------------------------------------------------ the fake VFS */

/* Fetch len bytes of a name through the caller's grant into out (NUL
 * added): len, or a negative error. */
static int pc_fetch(endpoint_t from, int32_t grant, uint32_t len, char *out)
{
	char buf[KIP_PATH_MAX + 1]; /* on the server's stack: kip memory */
	if (len > KIP_PATH_MAX)
		return -E2BIG;
	int r = kip_safecopy_from(from, grant, 0, buf, len);
	if (r < 0)
		return r;
	buf[len] = '\0';
	memcpy(out, buf, len + 1);
	return (int)len;
}

/* Copy text (n bytes) into the caller's buffer grant of len bytes: the
 * bytes copied, or a negative error. */
static int pc_give(endpoint_t to, int32_t grant, uint32_t len, const char *text, uint32_t n)
{
	char buf[64];
	if (n > len)
		n = len;
	if (n > sizeof(buf))
		n = sizeof(buf);
	memcpy(buf, text, n);
	int r = kip_safecopy_to(to, grant, 0, buf, n);
	return r < 0 ? r : (int)n;
}

static void pc_stat(struct kip_stat *st, uint32_t type)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = 42;
	st->st_mode = type | (type == 0120000 ? 0777 : 0640);
	st->st_nlink = 2;
	st->st_uid = 7;
	st->st_gid = 8;
	st->st_rdev = 0x801; /* makedev(8, 1) */
	st->st_size = 12345;
	st->st_atime_sec = 100;
	st->st_mtime_sec = 200;
	st->st_ctime_sec = 300;
	st->st_blksize = 1024;
	st->st_blocks = 26;
}

static void pc_statfs(struct kip_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_bsize = 1024;
	st->f_namemax = 60;
	st->f_blocks = 2048;
	st->f_bfree = 1000;
	st->f_bavail = 999;
	st->f_files = 512;
	st->f_ffree = 400;
}

static int pc_has_path(int type)
{
	switch (type) {
	case VFS_OPEN:
	case VFS_STAT:
	case VFS_LSTAT:
	case VFS_MKDIR:
	case VFS_UNLINK:
	case VFS_RMDIR:
	case VFS_TRUNCATE:
	case VFS_CHDIR:
	case VFS_LINK:
	case VFS_RENAME:
	case VFS_SYMLINK:
	case VFS_READLINK:
	case VFS_STATFS:
	case VFS_MKNOD:
	case VFS_ACCESS:
		return 1;
	default:
		return 0;
	}
}

/* Record `in`, fetching what its grants hold; the reply's status, with
 * out's payload filled. */
static int pc_serve(const message *in, message *out)
{
	endpoint_t from = in->m_source;
	struct pc_req *q = pc.n < PC_MAX ? &pc.req[pc.n++] : &pc.req[PC_MAX - 1];
	memset(q, 0, sizeof(*q));
	q->type = in->m_type;
	q->v = in->m_vfs;
	q->a = in->m_vfs_attr;
	q->path_len = q->path2_len = -1;
	int attr = in->m_type == VFS_CHMOD || in->m_type == VFS_CHOWN || in->m_type == VFS_UTIME;
	if (pc_has_path(in->m_type))
		q->path_len = pc_fetch(from, in->m_vfs.grant, in->m_vfs.len, q->path);
	if (attr)
		q->path_len = pc_fetch(from, in->m_vfs_attr.grant, in->m_vfs_attr.len, q->path);
	if (in->m_type == VFS_LINK || in->m_type == VFS_RENAME || in->m_type == VFS_SYMLINK)
		q->path2_len = pc_fetch(from, in->m_vfs.grant2, in->m_vfs.len2, q->path2);
	if (q->path_len < -1 || q->path2_len < -1)
		return -EFAULT;
	if ((pc_has_path(in->m_type) || attr) && !strcmp(q->path, "/eio"))
		return -EIO;
	static const char pees[] = "pppppppppppppppppppppppppppppppp";
	switch (in->m_type) {
	case VFS_OPEN:
		return 3;
	case VFS_STAT:
	case VFS_FSTAT:
		pc_stat(&out->m_vfs_stat, 0100000);
		return 0;
	case VFS_LSTAT:
		pc_stat(&out->m_vfs_stat, 0120000);
		return 0;
	case VFS_STATFS:
	case VFS_FSTATFS:
		pc_statfs(&out->m_vfs_statfs);
		return 0;
	case VFS_READLINK:
		return pc_give(from, in->m_vfs.grant2, in->m_vfs.len2, "target", 6);
	case VFS_GETCWD:
		if (in->m_vfs.len < 5)
			return -ERANGE;
		return pc_give(from, in->m_vfs.grant, in->m_vfs.len, "/cwd", 5);
	case VFS_READ:
	case VFS_PREAD:
		return pc_give(from, in->m_vfs.grant, in->m_vfs.len, pees, in->m_vfs.len);
	case VFS_PWRITE: {
		uint32_t n = in->m_vfs.len < sizeof(q->data) ? in->m_vfs.len : sizeof(q->data) - 1;
		char buf[sizeof(q->data)];
		int r = kip_safecopy_from(from, in->m_vfs.grant, 0, buf, n);
		if (r < 0)
			return r;
		memcpy(q->data, buf, n);
		return (int)in->m_vfs.len;
	}
	case VFS_LSEEK:
		out->m_vfs.offset = in->m_vfs.offset;
		return 0;
	case VFS_UMASK:
		return 022;
	default:
		return 0;
	}
}

static int pc_vfs_main(uint64_t arg)
{
	(void)arg;
	for (;;) {
		message in, out;
		if (kip_receive(KIP_ANY, &in) < 0)
			continue;
		kip_msg_init(&out, 0);
		out.m_type = pc_serve(&in, &out);
		kip_sendnb(in.m_source, &out);
	}
	return 0;
}
KIP_PROGRAM(pc_vfs, pc_vfs_main, 3, KIP_PROG_SYSTEM);

/* ---------------------------------------- the kip_ calls, one by one */

#define PC_CHECK(px, cond)                                                                         \
	do {                                                                                       \
		pc.checks++;                                                                       \
		if (!(cond) && !pc.fail_line) {                                                    \
			pc.fail_line = __LINE__;                                                   \
			pc.fail_err = (px)->err;                                                   \
		}                                                                                  \
	} while (0)

#define PC_FAILS(px, call, e)                                                                      \
	do {                                                                                       \
		(px)->err = 0;                                                                     \
		PC_CHECK(px, (call) == -1 && (px)->err == (e));                                    \
	} while (0)

static int pc_user_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	if (!px)
		return 1;
	char buf[64], long_path[KIP_PATH_MAX + 2];
	struct kip_stat st;
	struct kip_statfs sf;

	PC_CHECK(px, kip_creat(px, "/c", 0640) == 3); /* 0 */
	memset(buf, 0, sizeof(buf));
	PC_CHECK(px, kip_pread(px, 3, buf, 10, 5000) == 10 && !memcmp(buf, "pppppppppp", 10));
	char hello[] = "hello";				    /* a buffer on the stack: kip memory */
	PC_CHECK(px, kip_pwrite(px, 4, hello, 5, 77) == 5); /* 2 */
	PC_CHECK(px, kip_lstat(px, "/l", &st) == 0 && st.st_mode == 0120777 && st.st_ino == 42);
	PC_CHECK(px, kip_link(px, "/a", "/b") == 0);				      /* 4 */
	PC_CHECK(px, kip_rename(px, "/a", "/dir/c") == 0);			      /* 5 */
	PC_CHECK(px, kip_symlink(px, "target/x", "/ln") == 0);			      /* 6 */
	PC_CHECK(px, kip_readlink(px, "/ln", buf, 3) == 3 && !memcmp(buf, "tar", 3)); /* 7 */
	PC_FAILS(px, kip_readlink(px, "/ln", buf, 0), EINVAL);			      /* (none) */
	PC_CHECK(px, kip_chmod(px, "/c", 04755) == 0);				      /* 8 */
	PC_CHECK(px, kip_fchmod(px, 5, 0600) == 0);				      /* 9 */
	PC_CHECK(px, kip_chown(px, "/c", 10, (uint32_t)-1) == 0);		      /* 10 */
	PC_CHECK(px, kip_lchown(px, "/ln", 11, 12) == 0);			      /* 11 */
	PC_CHECK(px, kip_fchown(px, 6, (uint32_t)-1, 13) == 0);			      /* 12 */
	PC_CHECK(px, kip_utime(px, "/c", NULL) == 0);				      /* 13 */
	struct kip_utimbuf t = {111, 222};
	PC_CHECK(px, kip_utime(px, "/c", &t) == 0);			    /* 14 */
	PC_CHECK(px, kip_statfs(px, "/", &sf) == 0 && sf.f_blocks == 2048); /* 15 */
	PC_CHECK(px, sf.f_bsize == 1024 && sf.f_ffree == 400 && sf.f_bavail == 999);
	PC_CHECK(px, kip_fstatfs(px, 7, &sf) == 0 && sf.f_files == 512); /* 16 */
	PC_CHECK(px, kip_mknod(px, "/dev/x", 020600, 0x801) == 0);	 /* 17 */
	memset(buf, 0, sizeof(buf));
	PC_CHECK(px, kip_getcwd(px, buf, sizeof(buf)) == buf && !strcmp(buf, "/cwd")); /* 18 */
	PC_CHECK(px, kip_getcwd(px, buf, 3) == NULL && px->err == ERANGE);	       /* 19 */
	px->err = 0;
	PC_CHECK(px, kip_getcwd(px, NULL, 10) == NULL && px->err == EINVAL); /* (none) */
	PC_CHECK(px, kip_fchdir(px, 8) == 0);				     /* 20 */
	PC_CHECK(px, kip_umask(px, 0777 | 01000) == 022);		     /* 21 */
	PC_CHECK(px, kip_access(px, "/c", KIP_R_OK | KIP_W_OK) == 0);	     /* 22 */
	PC_FAILS(px, kip_access(px, "/c", 8), EINVAL);			     /* (none) */
	PC_FAILS(px, kip_access(px, "/eio", KIP_F_OK), EIO);		     /* 23 */

	/* Refused before sending: nothing reaches VFS, and the first path's
	 * grant is revoked when the second is refused (the table has 8). */
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '/';
	long_path[KIP_PATH_MAX + 1] = '\0'; /* one byte too long */
	for (int i = 0; i < 20; i++) {
		PC_FAILS(px, kip_link(px, "/a", long_path), ENAMETOOLONG);
		PC_FAILS(px, kip_rename(px, long_path, "/b"), ENAMETOOLONG);
		PC_FAILS(px, kip_symlink(px, "/t", ""), ENOENT);
	}
	long_path[KIP_PATH_MAX] = '\0';			    /* just fits */
	PC_CHECK(px, kip_rename(px, "/a", long_path) == 0); /* 24 */
	return pc.fail_line ? 2 : 0;
}
KIP_PROGRAM(pc_user, pc_user_main, 8, KIP_PROG_USER);

/* ------------------------------------------------------------- init */

static uint64_t pc_kbit(int type)
{
	return 1ull << kip_kcall_index(type);
}

static int pc_init_main(uint64_t vfs)
{
	/* The fortify program finds its open flags (O_RDONLY) in the high
	 * half of its argument. */
	endpoint_t user = kip_create(pc.program, NULL, -1, (uint64_t)(uint32_t)vfs);
	if (user < 0)
		return 1;
	int slot = kip_ep_slot((endpoint_t)vfs);
	struct kcall_privctl p = {0};
	p.endpoint = user;
	p.trap_mask = 1u << IPC_SENDREC;
	p.send_mask[slot / 64] = 1ull << (slot % 64);
	p.kcall_mask = pc_kbit(SYS_EXIT) | pc_kbit(SYS_PAGE_ALLOC) | pc_kbit(SYS_PAGE_FREE) |
		       pc_kbit(SYS_SETGRANT) | pc_kbit(SYS_SETTLS);
	if (kip_privctl(&p) < 0)
		return 1;
	struct kcall_event ev = {0};
	do {
		if (kt_wait_event(&ev) < 0)
			return 1;
	} while (ev.endpoint != user);
	pc.status = ev.kind == KIP_EV_EXIT ? ev.status : 100 + ev.kind;
	return 0;
}
KIP_PROGRAM(pc_init, pc_init_main, 1, KIP_PROG_SYSTEM);

static void pc_run(const char *program)
{
	memset(&pc, 0, sizeof(pc));
	memset(&pf, 0, sizeof(pf));
	pc.program = program;
	pc.status = -1;
	kt_boot(0);
	endpoint_t vfs = kt_spawn("pc_vfs", 0, 0);
	kt_spawn("pc_init", (uint64_t)(uint32_t)vfs, SPAWN_INIT);
	CU_ASSERT_EQUAL(kt_run(), 0);
	CU_ASSERT_EQUAL(pc.status, 0);
}

/* Request i has type `type` and fetched `path` (and `path2`, or NULL). */
static const struct pc_req *pc_at(int i, int type, const char *path, const char *path2)
{
	CU_ASSERT_FATAL(i < pc.n);
	const struct pc_req *q = &pc.req[i];
	CU_ASSERT_EQUAL(q->type, type);
	if (q->type != type)
		fprintf(stderr, "\n  posix_calls: request %d is %s, not %s\n", i,
			kip_msg_name(q->type), kip_msg_name(type));
	if (path)
		CU_ASSERT_STRING_EQUAL(q->path, path);
	if (path2) {
		CU_ASSERT_STRING_EQUAL(q->path2, path2);
		CU_ASSERT_EQUAL(q->path2_len, (int)strlen(path2));
	}
	return q;
}

static void test_kip_calls_messages(void)
{
	pc_run("pc_user");
	CU_ASSERT_EQUAL(pc.fail_line, 0);
	if (pc.fail_line)
		fprintf(stderr, "\n  posix_calls: check at line %d failed (err %d)\n", pc.fail_line,
			pc.fail_err);
	CU_ASSERT(pc.checks > 80);
	CU_ASSERT_EQUAL(pc.n, 25);
	const struct pc_req *q;
	q = pc_at(0, VFS_OPEN, "/c", NULL);
	CU_ASSERT_EQUAL(q->v.flags, KIP_O_CREAT | KIP_O_WRONLY | KIP_O_TRUNC);
	CU_ASSERT_EQUAL(q->v.mode, 0640);
	CU_ASSERT_EQUAL(q->v.len, 2);
	q = pc_at(1, VFS_PREAD, NULL, NULL);
	CU_ASSERT(q->v.fd == 3 && q->v.len == 10 && q->v.offset == 5000);
	q = pc_at(2, VFS_PWRITE, NULL, NULL);
	CU_ASSERT(q->v.fd == 4 && q->v.len == 5 && q->v.offset == 77);
	CU_ASSERT_STRING_EQUAL(q->data, "hello");
	pc_at(3, VFS_LSTAT, "/l", NULL);
	q = pc_at(4, VFS_LINK, "/a", "/b");
	CU_ASSERT(q->v.len == 2 && q->v.len2 == 2);
	pc_at(5, VFS_RENAME, "/a", "/dir/c");
	pc_at(6, VFS_SYMLINK, "target/x", "/ln");
	q = pc_at(7, VFS_READLINK, "/ln", NULL);
	CU_ASSERT_EQUAL(q->v.len2, 3);
	q = pc_at(8, VFS_CHMOD, "/c", NULL);
	CU_ASSERT_EQUAL(q->a.mode, 04755);
	q = pc_at(9, VFS_FCHMOD, NULL, NULL);
	CU_ASSERT(q->a.fd == 5 && q->a.mode == 0600);
	q = pc_at(10, VFS_CHOWN, "/c", NULL);
	CU_ASSERT(q->a.uid == 10 && q->a.gid == KIP_ID_KEEP && q->a.flags == 0);
	q = pc_at(11, VFS_CHOWN, "/ln", NULL);
	CU_ASSERT(q->a.uid == 11 && q->a.gid == 12 && q->a.flags == KIP_AT_SYMLINK_NOFOLLOW);
	q = pc_at(12, VFS_FCHOWN, NULL, NULL);
	CU_ASSERT(q->a.fd == 6 && q->a.uid == KIP_ID_KEEP && q->a.gid == 13);
	q = pc_at(13, VFS_UTIME, "/c", NULL);
	CU_ASSERT(q->a.atime == KIP_UTIME_NOW && q->a.mtime == KIP_UTIME_NOW);
	q = pc_at(14, VFS_UTIME, "/c", NULL);
	CU_ASSERT(q->a.atime == 111 && q->a.mtime == 222);
	pc_at(15, VFS_STATFS, "/", NULL);
	q = pc_at(16, VFS_FSTATFS, NULL, NULL);
	CU_ASSERT_EQUAL(q->v.fd, 7);
	q = pc_at(17, VFS_MKNOD, "/dev/x", NULL);
	CU_ASSERT(q->v.mode == 020600 && q->v.offset == 0x801);
	q = pc_at(18, VFS_GETCWD, NULL, NULL);
	CU_ASSERT_EQUAL(q->v.len, 64);
	q = pc_at(19, VFS_GETCWD, NULL, NULL);
	CU_ASSERT_EQUAL(q->v.len, 3);
	q = pc_at(20, VFS_FCHDIR, NULL, NULL);
	CU_ASSERT_EQUAL(q->v.fd, 8);
	q = pc_at(21, VFS_UMASK, NULL, NULL);
	CU_ASSERT_EQUAL(q->v.mode, 0777);
	q = pc_at(22, VFS_ACCESS, "/c", NULL);
	CU_ASSERT_EQUAL(q->v.mode, KIP_R_OK | KIP_W_OK);
	pc_at(23, VFS_ACCESS, "/eio", NULL);
	q = pc_at(24, VFS_RENAME, "/a", NULL);
	CU_ASSERT(q->path2_len == KIP_PATH_MAX && q->v.len2 == KIP_PATH_MAX);
}

/* Request types in order, from index `from`. */
static void pc_expect_types(int from, const int *types, int n)
{
	for (int i = 0; i < n; i++) {
		CU_ASSERT_FATAL(from + i < pc.n);
		CU_ASSERT_EQUAL(pc.req[from + i].type, types[i]);
		if (pc.req[from + i].type != types[i])
			fprintf(stderr, "\n  posix_calls: request %d is %s, not %s\n", from + i,
				kip_msg_name(pc.req[from + i].type), kip_msg_name(types[i]));
	}
}

static void pc_report_pf(void)
{
	CU_ASSERT_EQUAL(pf.fail_line, 0);
	if (pf.fail_line)
		fprintf(stderr,
			"\n  posix_calls: check at line %d of the program failed (errno %d)\n",
			pf.fail_line, pf.fail_errno);
	CU_ASSERT(pf.done);
}

static void test_plain_names_messages(void)
{
	pc_run("pf_plain");
	pc_report_pf();
	CU_ASSERT(pf.checks >= 47);
	static const int types[] = {
		VFS_STAT,   VFS_LSTAT,	 VFS_FSTAT,    VFS_STAT,      VFS_LSTAT,   VFS_FSTAT,
		VFS_STAT,   VFS_STATFS,	 VFS_FSTATFS,  VFS_STATFS,    VFS_FSTATFS, VFS_LINK,
		VFS_RENAME, VFS_SYMLINK, VFS_READLINK, VFS_READLINK,  VFS_MKNOD,   VFS_MKDIR,
		VFS_RMDIR,  VFS_UNLINK,	 VFS_CHMOD,    VFS_FCHMOD,    VFS_CHOWN,   VFS_CHOWN,
		VFS_FCHOWN, VFS_UTIME,	 VFS_UTIME,    VFS_ACCESS,    VFS_ACCESS,  VFS_UMASK,
		VFS_OPEN,   VFS_OPEN,	 VFS_OPEN,     VFS_PREAD,     VFS_PREAD,   VFS_PWRITE,
		VFS_PWRITE, VFS_LSEEK,	 VFS_TRUNCATE, VFS_FTRUNCATE, VFS_FCHDIR,  VFS_CHDIR,
		VFS_GETCWD, VFS_GETCWD,
	};
	int n = (int)(sizeof(types) / sizeof(types[0]));
	CU_ASSERT_EQUAL(pc.n, n);
	pc_expect_types(0, types, n);
	if (pc.n != n)
		return;
	/* Conversions on the way in. */
	CU_ASSERT_EQUAL(pc.req[16].v.offset, 0x801);		      /* makedev(8, 1) */
	CU_ASSERT_EQUAL(pc.req[16].v.mode, 020600);		      /* S_IFCHR | 0600 */
	CU_ASSERT_EQUAL(pc.req[22].a.gid, KIP_ID_KEEP);		      /* chown(, 10, -1) */
	CU_ASSERT_EQUAL(pc.req[23].a.flags, KIP_AT_SYMLINK_NOFOLLOW); /* lchown */
	CU_ASSERT_EQUAL(pc.req[25].a.atime, KIP_UTIME_NOW);	      /* utime(NULL) */
	CU_ASSERT_EQUAL(pc.req[26].a.mtime, 222);
	CU_ASSERT_EQUAL(pc.req[30].v.flags, O_CREAT | O_WRONLY | O_TRUNC); /* creat */
	CU_ASSERT_EQUAL(pc.req[30].v.mode, 0640);
	CU_ASSERT_EQUAL(pc.req[34].v.offset, 6000); /* pread64 */
	CU_ASSERT_EQUAL(pc.req[36].v.offset, 1ll << 33);
	CU_ASSERT_STRING_EQUAL(pc.req[36].data, "bye");
	CU_ASSERT_EQUAL(pc.req[37].v.offset, 1ll << 33); /* lseek64 */
	CU_ASSERT_EQUAL(pc.req[38].v.offset, 9);	 /* truncate64 */
	CU_ASSERT_STRING_EQUAL(pc.req[41].path, "/d");
}

static void test_fortified_calls_reach_vfs(void)
{
	pc_run("pf_fortify");
	pc_report_pf();
	static const int types[] = {VFS_OPEN, VFS_READ, VFS_PREAD, VFS_READLINK, VFS_GETCWD};
	int n = (int)(sizeof(types) / sizeof(types[0]));
	CU_ASSERT_EQUAL(pc.n, n);
	pc_expect_types(0, types, pc.n < n ? pc.n : n);
	if (pc.n == n) {
		CU_ASSERT_STRING_EQUAL(pc.req[0].path, "/fortified");
		CU_ASSERT_EQUAL(pc.req[1].v.len, 8);
		CU_ASSERT_EQUAL(pc.req[2].v.offset, 9);
		CU_ASSERT_EQUAL(pc.req[3].v.len2, 16);
	}
}

static const struct kip_test posix_calls_tests[] = {
	{"kip_ calls build the messages VFS expects", test_kip_calls_messages},
	{"plain names build the same, converting glibc's types", test_plain_names_messages},
	{"_FORTIFY_SOURCE's __read_chk, __open_2... reach VFS", test_fortified_calls_reach_vfs},
	{NULL, NULL},
};
KIP_TEST_SUITE(posix_calls, posix_calls_tests);
