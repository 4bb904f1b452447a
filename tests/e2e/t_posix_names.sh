#!/usr/bin/env bash
# tests/e2e/t_posix_names.sh - the kip binary keeps libposix's plain POSIX
# names (open, read, stat, errno...) to itself (docs/libposix.md): nm shows
# libposix's definitions local and glibc's undefined, none global or
# exported; and the binary's own host file I/O - kip mkfs, kip fsck, a
# boot on that image - still reaches the host.
. tests/e2e/lib.sh
need_cmd nm
tmpdir

nm "$KIP" >"$TMP/nm"
nm -D --defined-only "$KIP" >"$TMP/dyn"
for name in open creat read write pread lseek close stat fstat lstat mkdir rename unlink \
	getcwd opendir readdir closedir statfs umask access __errno_location; do
	grep -Eq "^[0-9a-f]+ t $name\$" "$TMP/nm" || fail "no local (libposix) '$name' in $KIP"
	if grep -Eq "^[0-9a-f]+ [TWDBRVi] $name(@.*)?\$" "$TMP/nm"; then
		fail "$KIP defines '$name' globally: it would interpose glibc's"
	fi
	if grep -Eq " $name(@.*)?\$" "$TMP/dyn"; then
		fail "$KIP exports '$name' dynamically"
	fi
done
grep -Eq "^ +U open@GLIBC" "$TMP/nm" || fail "$KIP does not call glibc's open"

"$KIP" mkfs "$TMP/disk.img" --size 1M >/dev/null || fail "kip mkfs failed"
assert_eq "$(stat -c %s "$TMP/disk.img")" 1048576 "image size"
"$KIP" fsck "$TMP/disk.img" >"$TMP/fsck" 2>&1 || fail "kip fsck failed on a fresh image"
if command -v fsck.minix >/dev/null; then
	fsck.minix -f "$TMP/disk.img" >/dev/null 2>&1 || fail "fsck.minix failed on kip's image"
fi
"$KIP" run --disk "$TMP/disk.img" --epoch 0 --seed 1 >"$TMP/run" 2>&1 ||
	fail "kip run --disk on kip's own image failed"
assert_contains "$TMP/run" "shutting down"
