#!/usr/bin/env bash
# tests/e2e/t_bench_fs.sh - `kip bench fs` and `kip run --disk IMG` with the
# whole file-system stack (disk driver, MFS, VFS; cli/boot_fs.c).
#
#   1. `kip bench fs --size 4M --json` prints one object with every figure,
#      all positive; a cache-hit 4 KiB read() costs few messages (<= 8) and a
#      miss more than a hit.  No timing thresholds.  With --image the image
#      is kept and passes `fsck.minix -f`.
#   2. `kip run --disk IMG` on a `kip mkfs` image: VFS mounts it, the demo
#      still runs and exits 0, and the image passes `fsck.minix -f` after.
. tests/e2e/lib.sh
need_cmd fsck.minix timeout awk
export PATH="$PATH:/usr/sbin:/sbin"
tmpdir

LIMIT=30

# ---- 1. kip bench fs ---------------------------------------------------
timeout -s KILL $LIMIT "$KIP" bench fs --size 4M --json >"$TMP/json" 2>"$TMP/err" ||
	fail "kip bench fs --size 4M --json failed: $(cat "$TMP/err")"
assert_eq "$(wc -l <"$TMP/json")" 1 "kip bench fs --json line count"
assert_contains "$TMP/json" '"bench":"fs"'

# jnum KEY: the number after "KEY": in the JSON object (fails if missing).
jnum()
{
	local v
	v=$(sed -n "s/.*\"$1\":\([-0-9.eE+]*\)[,}].*/\1/p" "$TMP/json")
	[[ -n $v ]] || fail "kip bench fs --json has no number for \"$1\": $(cat "$TMP/json")"
	echo "$v"
}
# holds EXPR: awk decides a comparison of numbers.
holds()
{
	awk "BEGIN { exit !($1) }"
}

for key in size write_mb_s read_mb_s hit_reads hit_messages_per_read hit_switches_per_read \
	hit_virtual_ns_per_read miss_reads miss_messages_per_read miss_switches_per_read \
	miss_virtual_ns_per_read; do
	v=$(jnum "$key")
	holds "$v > 0" || fail "kip bench fs: \"$key\" is $v, not positive"
done
assert_eq "$(jnum size)" 4194304 "kip bench fs size"
hit=$(jnum hit_messages_per_read)
miss=$(jnum miss_messages_per_read)
holds "$hit <= 8" || fail "a cache-hit read() costs $hit messages (> 8)"
holds "$miss > $hit" || fail "a cache miss ($miss messages) costs no more than a hit ($hit)"

# The text form, and --image keeps a consistent image.
timeout -s KILL $LIMIT "$KIP" bench fs --size 1M --image "$TMP/bench.img" >"$TMP/text" ||
	fail "kip bench fs --image failed"
assert_contains "$TMP/text" "cache hit"
assert_contains "$TMP/text" "MB/s"
[[ -f $TMP/bench.img ]] || fail "kip bench fs --image did not keep the image"
fsck.minix -f "$TMP/bench.img" >"$TMP/fsck" 2>&1 ||
	fail "the bench image fails fsck.minix -f: $(cat "$TMP/fsck")"

rc=0
"$KIP" bench fs --size 1K >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 2 "kip bench fs --size 1K exit status"

# ---- 2. kip run --disk IMG ---------------------------------------------
"$KIP" mkfs "$TMP/disk.img" --size 4M >/dev/null || fail "kip mkfs failed"
timeout -s KILL $LIMIT "$KIP" run --epoch 0 --disk "$TMP/disk.img" </dev/null >"$TMP/demo" 2>&1 ||
	fail "kip run --disk exited non-zero: $(tail -5 "$TMP/demo")"
assert_contains "$TMP/demo" "init: 3 of 3 programs ended as expected"
if grep -q "cannot mount" "$TMP/demo"; then
	fail "VFS did not mount the kip mkfs image: $(grep "cannot mount" "$TMP/demo")"
fi
fsck.minix -f "$TMP/disk.img" >"$TMP/fsck" 2>&1 ||
	fail "the image fails fsck.minix -f after kip run --disk: $(cat "$TMP/fsck")"
exit 0
