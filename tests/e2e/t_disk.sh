#!/usr/bin/env bash
# tests/e2e/t_disk.sh - `kip run --disk IMG`: the option, clear errors for
# images that cannot be attached, and the demo running with a disk and its
# driver attached, leaving the image as it was.
. tests/e2e/lib.sh
tmpdir

"$KIP" run --help >"$TMP/runhelp" || fail "kip run --help exited non-zero"
assert_contains "$TMP/runhelp" "--disk IMG"

rc=0
"$KIP" run --disk >"$TMP/out" 2>"$TMP/err" || rc=$?
assert_eq "$rc" 2 "kip run --disk (no value) exit status"

# expect_attach_error IMG TEXT: boot fails with status 1 and says why.
expect_attach_error()
{
	local rc=0
	"$KIP" run --epoch 0 --disk "$1" >"$TMP/out" 2>"$TMP/err" || rc=$?
	assert_eq "$rc" 1 "kip run --disk $1 exit status"
	assert_contains "$TMP/err" "cannot attach disk image '$1'"
	assert_contains "$TMP/err" "$2"
}
expect_attach_error "$TMP/no-such.img" "No such file or directory"
head -c 1000 /dev/zero >"$TMP/odd.img"
expect_attach_error "$TMP/odd.img" "multiple of 512 bytes"
: >"$TMP/empty.img"
expect_attach_error "$TMP/empty.img" "multiple of 512 bytes"
expect_attach_error "$TMP" "Is a directory"

# The demo with a disk attached (and its driver idle) runs as without.
head -c 1048576 /dev/urandom >"$TMP/disk.img"
cp "$TMP/disk.img" "$TMP/disk.orig"
"$KIP" run --epoch 0 --disk "$TMP/disk.img" </dev/null >"$TMP/demo" 2>&1 ||
	fail "the demo with --disk exited non-zero"
assert_contains "$TMP/demo" "init: 3 of 3 programs ended as expected"
cmp -s "$TMP/disk.img" "$TMP/disk.orig" || fail "the image changed though nothing wrote to it"
