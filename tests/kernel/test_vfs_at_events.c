/*
 * tests/kernel/test_vfs_at_events.c - VFS's change events
 * (servers/vfs/event.c) as a VFS_AT_* subscriber sees them, on MFS and the
 * disk driver in a booted kernel (suite `vfs_at_events`; the rest of the
 * privileged interface is suite `vfs_at`, test_vfs_at.c).
 *
 * The subscriber is vat_main (tests/kernel/vfs_at_client.h).  Pins:
 * AT_EVENTS before AT_SUBSCRIBE is EINVAL; the subscriber is NOTIFYed once
 * per batch and AT_EVENTS names, in order, what another AT caller or a
 * user's POSIX calls changed - an ENTRY event per name made or removed,
 * an INODE event per change of data or attributes - never what it changed
 * itself; a small buffer takes what fits; an overflow of the ring becomes
 * one "everything" record; a second subscriber replaces the first.  Every
 * image passes `kip fsck` and `fsck.minix -f` after sync.
 */
#include <string.h>

#include "kip/minixfs.h"
#include "kip/posix.h"
#include "kip/program.h"
#include "kip/syslib.h"
#include "tests/kernel/fs_harness.h"
#include "tests/kernel/harness.h"
#include "tests/kernel/vfs_at_client.h"
#include "tests/kip_test.h"

enum {
	VAT_OTHER_CHANGES = 1, /* create, write, chmod, unlink "other" */
	VAT_OTHER_FLOOD = 2,   /* more events than the ring holds */
	VAT_OTHER_SUBSCRIBE = 3,
};

/* Another system process using VFS_AT_*: arg = VFS | what << 32. */
static int vat_other_main(uint64_t arg)
{
	struct vat_ctx *c = vat_ctx_new((endpoint_t)(uint32_t)arg);
	if (!c)
		return 1;
	uint8_t *buf = (uint8_t *)c->groups;
	uint32_t ino;
	switch (arg >> 32) {
	case VAT_OTHER_CHANGES:
		FT_EQ(vat_create(c, VAT_ROOT, "other", 0644, KIP_O_RDWR), 0);
		ino = c->st.st_ino;
		FT_EQ(vat_io(c, VFS_AT_WRITE, ino, 0, buf, 10, 0), 10);
		FT_EQ(vat_set1(c, ino, KIP_SETATTR_MODE, 0600), 0);
		FT_EQ(vat_release(c, ino), 0);
		FT_EQ(vat_unlink(c, VAT_ROOT, "other"), 0);
		FT_EQ(vat_forget(c, ino, 1), 0);
		break;
	case VAT_OTHER_FLOOD:
		FT_EQ(vat_lookup(c, VAT_ROOT, "flood"), 0);
		ino = c->st.st_ino;
		for (int i = 0; i < 300; i++)
			FT_EQ(vat_io(c, VFS_AT_WRITE, ino, (uint64_t)i, buf, 1, 0), 1);
		FT_EQ(vat_forget(c, ino, 1), 0);
		break;
	case VAT_OTHER_SUBSCRIBE:
		FT_EQ(vat_io(c, VFS_AT_EVENTS, 0, 0, buf, 4096, 0), -EINVAL); /* not yet */
		FT_EQ(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);
		FT_EQ(vat_io(c, VFS_AT_EVENTS, 0, 0, buf, 4096, 0), 0);
		break;
	}
	return 0;
}
KIP_PROGRAM(vat_other, vat_other_main, 2, KIP_PROG_SYSTEM);

/* Wait for VFS's NOTIFY (a pending one is taken at once). */
static void vat_wait_notify(struct vat_ctx *c)
{
	message m;
	FT_EQ(kip_receive(c->vfs, &m), 0);
	FT_EQ(m.m_type, NOTIFY_MESSAGE);
}

/* Fetch events into ev[]; how many. */
static int vat_events(struct vat_ctx *c, struct vfs_event *ev, size_t cap)
{
	int r = vat_io(c, VFS_AT_EVENTS, 0, 0, ev, cap * sizeof(*ev), 0);
	FT_TRUE(r >= 0 && r % (int)sizeof(*ev) == 0);
	return r < 0 ? r : r / (int)sizeof(*ev);
}

static bool vat_is_entry(const struct vfs_event *e, uint32_t dir, const char *name, uint32_t ino)
{
	return e->kind == KIP_VFS_EV_ENTRY && e->dir == dir && e->ino == ino &&
	       e->name_len == strlen(name) && !strcmp(e->name, name);
}

static void vat_events_body(struct vat_ctx *c)
{
	struct vfs_event *ev = kip_page_alloc(1);
	const size_t cap = 4096 / sizeof(*ev);
	FT_EQ(vat_io(c, VFS_AT_EVENTS, 0, 0, ev, 4096, 0), -EINVAL); /* not subscribed */
	FT_EQ(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);

	/* The subscriber's own changes are not events. */
	FT_EQ(vat_create(c, VAT_ROOT, "own", 0644, KIP_O_RDWR), 0);
	uint32_t own = c->st.st_ino;
	FT_EQ(vat_io(c, VFS_AT_WRITE, own, 0, ev, 10, 0), 10);
	FT_EQ(vat_set1(c, own, KIP_SETATTR_MODE, 0600), 0);
	FT_EQ(vat_release(c, own), 0);
	FT_EQ(vat_unlink(c, VAT_ROOT, "own"), 0);
	FT_EQ(vat_forget(c, own, 1), 0);
	FT_EQ(vat_events(c, ev, cap), 0);

	/* Another AT caller's are, in order. */
	FT_EQ(vat_start("vat_other", (uint32_t)c->vfs | (uint64_t)VAT_OTHER_CHANGES << 32, false),
	      0);
	vat_wait_notify(c);
	FT_EQ(vat_events(c, ev, 1), 1); /* a small buffer takes what fits */
	uint32_t other = ev[0].ino;
	FT_TRUE(other != 0 && vat_is_entry(&ev[0], VAT_ROOT, "other", other));
	FT_EQ(vat_io(c, VFS_AT_EVENTS, 0, 0, ev, sizeof(*ev) - 1, 0), -EINVAL);
	FT_EQ(vat_events(c, ev, cap), 3);
	FT_TRUE(ev[0].kind == KIP_VFS_EV_INODE && ev[0].ino == other); /* write */
	FT_TRUE(ev[1].kind == KIP_VFS_EV_INODE && ev[1].ino == other); /* chmod */
	FT_TRUE(vat_is_entry(&ev[2], VAT_ROOT, "other", other));       /* unlink */
	FT_EQ(vat_events(c, ev, cap), 0);

	/* More than the ring holds: one "everything changed" record. */
	FT_EQ(vat_create(c, VAT_ROOT, "flood", 0644, KIP_O_RDWR), 0);
	uint32_t flood = c->st.st_ino;
	FT_EQ(vat_release(c, flood), 0);
	FT_EQ(vat_start("vat_other", (uint32_t)c->vfs | (uint64_t)VAT_OTHER_FLOOD << 32, false), 0);
	vat_wait_notify(c);
	FT_EQ(vat_events(c, ev, cap), 1);
	FT_TRUE(ev[0].kind == KIP_VFS_EV_INODE && ev[0].ino == 0);
	FT_EQ(vat_events(c, ev, cap), 0);

	/* A second subscriber replaces the first. */
	FT_EQ(vat_start("vat_other", (uint32_t)c->vfs | (uint64_t)VAT_OTHER_SUBSCRIBE << 32, false),
	      0);
	FT_EQ(vat_io(c, VFS_AT_EVENTS, 0, 0, ev, 4096, 0), -EINVAL);
	FT_EQ(vat_unlink(c, VAT_ROOT, "flood"), 0); /* its subscriber is gone: dropped */
	FT_EQ(vat_forget(c, flood, 1), 0);
	FT_EQ(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);
	FT_EQ(vat_events(c, ev, cap), 0);
}

static void test_at_events(void)
{
	vat_run("1024", vat_events_body, KT_TRACE);
	/* One NOTIFY per batch: the other caller's changes, the flood. */
	CU_ASSERT_EQUAL(ft_trace_lines(0, " vfs(", "-> vat_main(", "NOTIFY_MESSAGE", NULL), 2);
}

/* A user program's POSIX calls, each changing something once. */
static int vat_poser_main(uint64_t vfs)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	char *page = kip_page_alloc(1);
	if (!px || !page)
		return 1;
	memcpy(page, "data", 4);
	int fd = kip_open(px, "/posix", KIP_O_CREAT | KIP_O_WRONLY, 0644);
	if (fd < 0 || kip_write(px, fd, page, 4) != 4 || kip_pwrite(px, fd, page, 2, 10) != 2)
		return 2;
	if (kip_ftruncate(px, fd, 8) != 0 || kip_close(px, fd) != 0)
		return 3;
	if (kip_truncate(px, "/posix", 2) != 0)
		return 4;
	fd = kip_open(px, "/posix", KIP_O_WRONLY | KIP_O_TRUNC, 0);
	if (fd < 0 || kip_close(px, fd) != 0)
		return 5;
	if (kip_chmod(px, "/posix", 0600) != 0 || kip_chown(px, "/posix", 5, 5) != 0 ||
	    kip_utime(px, "/posix", NULL) != 0)
		return 6;
	if (kip_link(px, "/posix", "/plink") != 0 || kip_rename(px, "/plink", "/pren") != 0)
		return 7;
	if (kip_symlink(px, "posix", "/psym") != 0 ||
	    kip_mknod(px, "/pfifo", MINIXFS_S_IFIFO | 0644, 0) != 0)
		return 8;
	if (kip_unlink(px, "/pfifo") != 0 || kip_unlink(px, "/psym") != 0 ||
	    kip_unlink(px, "/pren") != 0 || kip_unlink(px, "/posix") != 0)
		return 9;
	if (kip_mkdir(px, "/pdir", 0755) != 0 || kip_rmdir(px, "/pdir") != 0)
		return 10;
	return 0;
}
KIP_PROGRAM(vat_poser, vat_poser_main, 8, KIP_PROG_USER);

/* What vat_poser's calls must produce, in order: an ENTRY's name, or NULL
 * for an INODE event of /posix. */
static const char *const vat_poser_events[] = {
	"posix",			  /* open O_CREAT */
	NULL,				  /* write */
	NULL,				  /* pwrite */
	NULL,				  /* ftruncate */
	NULL,				  /* truncate */
	NULL,				  /* open O_TRUNC */
	NULL,				  /* chmod */
	NULL,				  /* chown */
	NULL,				  /* utime */
	"plink",			  /* link */
	"plink",			  /* rename: the old name */
	"pren",				  /* ... and the new one */
	"psym",				  /* symlink */
	"pfifo",			  /* mknod */
	"pfifo",			  /* unlink */
	"psym",	 "pren", "posix", "pdir", /* mkdir */
	"pdir",				  /* rmdir */
};
#define VAT_POSER_EVENTS (int)(sizeof(vat_poser_events) / sizeof(vat_poser_events[0]))

static void vat_posix_events_body(struct vat_ctx *c)
{
	struct vfs_event *ev = kip_page_alloc(1);
	const size_t cap = 4096 / sizeof(*ev);
	FT_EQ(vat_ino(c, VFS_AT_SUBSCRIBE, 0, 0, 0), 0);
	FT_EQ(vat_start("vat_poser", (uint32_t)c->vfs, true), 0);
	int n = vat_events(c, ev, cap);
	FT_EQ(n, VAT_POSER_EVENTS); /* 0: the POSIX handlers call no vfs_event_* */
	if (n > 0)
		vat_wait_notify(c); /* sent with the first event, and still pending */
	uint32_t posix = ev[0].ino;
	FT_TRUE(posix != 0);
	for (int i = 0; i < n && i < VAT_POSER_EVENTS; i++) {
		const char *name = vat_poser_events[i];
		if (!name) {
			FT_TRUE(ev[i].kind == KIP_VFS_EV_INODE && ev[i].ino == posix);
			continue;
		}
		FT_TRUE(ev[i].kind == KIP_VFS_EV_ENTRY && ev[i].dir == VAT_ROOT);
		FT_TRUE(ev[i].name_len == strlen(name) && !strcmp(ev[i].name, name));
		bool same = !strcmp(name, "posix") || name[1] == 'l' || name[1] == 'r';
		FT_TRUE(same ? ev[i].ino == posix : ev[i].ino != 0);
	}
	FT_EQ(vat_events(c, ev, cap), 0);
}

static void test_at_posix_events(void)
{
	vat_run("1024", vat_posix_events_body, 0);
}

static const struct kip_test vfs_at_events_tests[] = {
	{"change events: another AT caller's, none of the subscriber's own", test_at_events},
	{"change events: a user's POSIX calls reach the subscriber", test_at_posix_events},
	{NULL, NULL},
};
KIP_TEST_SUITE(vfs_at_events, vfs_at_events_tests);
