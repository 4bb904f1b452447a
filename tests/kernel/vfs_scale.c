/*
 * tests/kernel/vfs_scale.c - what the vfs_scale suites share (vfs_scale.h):
 * data patterns, the user program's start and end, writing and reading
 * back whole files, listing directories, and the runs on the host.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "kip/syslib.h"
#include "tests/kernel/vfs_scale.h"

static int vs_done; /* the program got to its end (vs_end) */
static struct ft_users vs_users;

/* ------------------------------------------------------ data patterns */

/* 64-bit word at file offset x (a multiple of 8) of pattern `seed`. */
static uint64_t vs_word(uint64_t seed, uint64_t x)
{
	uint64_t z = (x / 8 + 1) * 0x9e3779b97f4a7c15ull + seed * 0xbf58476d1ce4e5b9ull;
	return z ^ (z >> 31);
}

uint8_t vs_byte(uint64_t seed, uint64_t x)
{
	return (uint8_t)(vs_word(seed, x & ~7ull) >> (x % 8 * 8));
}

void vs_fill(uint64_t seed, uint8_t *buf, uint64_t off, size_t n)
{
	size_t i = 0;
	for (; i < n && (off + i) % 8; i++)
		buf[i] = vs_byte(seed, off + i);
	for (; i + 8 <= n; i += 8) {
		uint64_t w = vs_word(seed, off + i);
		memcpy(buf + i, &w, 8);
	}
	for (; i < n; i++)
		buf[i] = vs_byte(seed, off + i);
}

bool vs_same(uint64_t seed, const uint8_t *buf, uint64_t off, size_t n)
{
	size_t i = 0;
	for (; i < n && (off + i) % 8; i++)
		if (buf[i] != vs_byte(seed, off + i))
			return false;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, buf + i, 8);
		if (w != vs_word(seed, off + i))
			return false;
	}
	for (; i < n; i++)
		if (buf[i] != vs_byte(seed, off + i))
			return false;
	return true;
}

bool vs_zero(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i])
			return false;
	return true;
}

uint64_t vs_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ------------------------------------------------ in the user program */

struct kip_posix *vs_start(uint64_t vfs, uint8_t **io, uint8_t **back)
{
	struct kip_posix *px = kip_posix_init((endpoint_t)vfs);
	*io = kip_page_alloc(VS_IO_PAGES);
	*back = kip_page_alloc(VS_IO_PAGES);
	return px && *io && *back ? px : NULL;
}

int vs_end(struct kip_posix *px)
{
	FT_CHECK(px, kip_sync(px) == 0);
	vs_done = 1;
	return ft_failures() ? 2 : 0;
}

void vs_write_pattern(struct kip_posix *px, int fd, uint64_t seed, uint64_t from, uint64_t n,
		      uint8_t *io)
{
	for (uint64_t off = 0; off < n; off += VS_IO) {
		size_t len = n - off < VS_IO ? n - off : VS_IO;
		ft_where((int64_t)(from + off));
		vs_fill(seed, io, from + off, len);
		ssize_t r = kip_write(px, fd, io, len);
		FT_CHECK(px, r == (ssize_t)len);
		if (r != (ssize_t)len)
			break;
	}
}

/* Do the len bytes at buf hold bytes off .. off + len - 1 of c? */
static bool vs_holds(const struct vs_content *c, const uint8_t *buf, uint64_t off, size_t len)
{
	size_t data = c->data > off ? c->data - off : 0;
	data = data < len ? data : len;
	bool same = c->model ? memcmp(buf, c->model + off, data) == 0
			     : vs_same(c->seed, buf, off, data);
	return same && vs_zero(buf + data, len - data);
}

void vs_read_back(struct kip_posix *px, int fd, const struct vs_content *c, uint8_t *back)
{
	if (fd < 0)
		return; /* the caller's check of it failed */
	FT_CHECK(px, kip_lseek(px, fd, 0, KIP_SEEK_SET) == 0);
	for (uint64_t off = 0; off < c->size; off += VS_IO) {
		size_t len = c->size - off < VS_IO ? c->size - off : VS_IO;
		ft_where((int64_t)off);
		ssize_t r = kip_read(px, fd, back, VS_IO);
		FT_CHECK(px, r == (ssize_t)len);
		if (r != (ssize_t)len)
			break;
		FT_TRUE(vs_holds(c, back, off, len));
	}
	FT_CHECK(px, kip_read(px, fd, back, VS_IO) == 0);
}

unsigned vs_list(struct kip_posix *px, const char *path, bool (*known)(const char *name, void *ctx),
		 void *ctx)
{
	unsigned dot = 0, dotdot = 0, strangers = 0, others = 0;
	KIP_DIR *d = kip_opendir(px, path);
	FT_CHECK(px, d != NULL);
	px->err = 0;
	for (struct kip_dirent *e; d && (e = kip_readdir(px, d)) != NULL;) {
		if (!strcmp(e->d_name, "."))
			dot++;
		else if (!strcmp(e->d_name, ".."))
			dotdot++;
		else if (known && !known(e->d_name, ctx))
			strangers++;
		else
			others++;
	}
	FT_CHECK(px, px->err == 0);
	FT_CHECK(px, d && kip_closedir(px, d) == 0);
	FT_CHECK(px, dot == 1 && dotdot == 1 && strangers == 0);
	return others;
}

/* --------------------------------------------------------- host side */

void vs_make_image(const char *size, const char *inodes)
{
	if (inodes)
		ft_mkfs("vscale", size, "--inodes", inodes, NULL);
	else
		ft_mkfs("vscale", size, NULL);
}

int vs_run(const char *user, const char *what, int min_checks)
{
	memset(&vs_users, 0, sizeof(vs_users));
	vs_users.program[0] = user;
	vs_done = 0;
	CU_ASSERT_EQUAL(ft_run_users(0, &vs_users), 0);
	CU_ASSERT_EQUAL(vs_done, 1);
	CU_ASSERT_EQUAL(vs_users.status[0], 0);
	if (vs_users.status[0] != 0 || !vs_done || ft_failures())
		fprintf(stderr, "\n  vfs_scale: %s: %s exited %d (done %d), %d checks failed\n",
			what, user, vs_users.status[0], vs_done, ft_failures());
	return ft_report(min_checks);
}

void vs_assert_inodes(uint32_t want)
{
	uint32_t inodes, zones;
	ft_usage(&inodes, &zones);
	CU_ASSERT_EQUAL(inodes, want);
	if (inodes != want)
		fprintf(stderr, "\n  vfs_scale: %u inodes in use on the image, not %u\n", inodes,
			want);
}
