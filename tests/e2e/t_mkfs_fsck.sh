#!/usr/bin/env bash
# tests/e2e/t_mkfs_fsck.sh - kip mkfs and kip fsck, judged by util-linux.
#
#   1. Images kip mkfs makes (several sizes and inode counts) pass
#      `fsck.minix -f` and `kip fsck`; empty ones equal `mkfs.minix -3`'s
#      byte for byte (superblock but s_flags, bitmaps, root inode but its
#      times, root directory).  4 KiB-block images pass kip fsck (fsck.minix
#      judges only 1 KiB blocks).
#   2. Images `mkfs.minix -3` makes pass kip fsck.
#   3. --from a host tree (files of 0, 1, 1023, 1024, 7K+1, 263K+1 bytes, a
#      70 MB file of holes and a few bytes reaching triple indirection,
#      nested and empty directories, a symbolic and a hard link) passes both
#      checkers; holes take no zones; an independent reader (python3, if
#      installed) reads every file, link and owner back.
#   4. kip fsck judges what fsck.minix cannot: 4 KiB blocks, > 255 links.
#   5. Corrupted copies: kip fsck exits 4 or 8 naming the problem, and
#      fsck.minix, where it can judge, also exits non-zero.
#   6. kip mkfs errors: usage (2), and failures (1) with a clear message.
#   7. A seeded fuzz loop: 200 images with random bytes changed; kip fsck
#      must exit 0, 4 or 8 - never crash or hang.
. tests/e2e/lib.sh
need_cmd mkfs.minix fsck.minix timeout od dd cmp
export PATH="$PATH:/usr/sbin:/sbin"
tmpdir

LIMIT=60 # seconds for any one command

# ---- helpers ----------------------------------------------------------

# kfsck ARGS...: run kip fsck; KF = its exit status, output in $TMP/kf.out.
kfsck()
{
	KF=0
	timeout -s KILL "$LIMIT" "$KIP" fsck "$@" >"$TMP/kf.out" 2>&1 || KF=$?
}

# mfsck IMG: run fsck.minix -f (read-only); MF = its exit status.
mfsck()
{
	MF=0
	timeout -s KILL "$LIMIT" fsck.minix -f "$1" >"$TMP/mf.out" 2>&1 || MF=$?
}

kmkfs()
{
	timeout -s KILL "$LIMIT" "$KIP" mkfs "$@"
}

# expect_clean IMG [kip]: both checkers (or kip fsck alone) say clean.
expect_clean()
{
	kfsck "$1"
	((KF == 0)) || { cat "$TMP/kf.out" >&2; fail "kip fsck $1: exit $KF"; }
	[[ ${2:-} == kip ]] && return
	mfsck "$1"
	((MF == 0)) || { cat "$TMP/mf.out" >&2; fail "fsck.minix -f $1: exit $MF"; }
}

# rd IMG SIZE OFFSET: the little-endian unsigned number there.
rd()
{
	od -An -t "u$2" -j "$3" -N "$2" "$1" | tr -d ' \n'
}

# wr IMG SIZE OFFSET VALUE: store VALUE little-endian there.
wr()
{
	local s="" i
	for ((i = 0; i < $2; i++)); do
		s+=$(printf '\\x%02x' $((($4 >> (8 * i)) & 255)))
	done
	# shellcheck disable=SC2059
	printf "$s" | dd of="$1" bs=1 seek="$3" conv=notrunc status=none
}

# geom IMG: the superblock's numbers, and ITABLE, the inode table's offset.
geom()
{
	NINODES=$(rd "$1" 4 1024)
	IMAP=$(rd "$1" 2 1030)
	ZMAP=$(rd "$1" 2 1032)
	FIRST=$(rd "$1" 2 1034)
	ZONES=$(rd "$1" 4 1044)
	BS=$(rd "$1" 2 1052)
	ITABLE=$(((2 + IMAP + ZMAP) * BS))
}

# ino_at N: offset of inode N (after geom).
ino_at()
{
	echo $((ITABLE + ($1 - 1) * 64))
}

# ino_of IMG PATH: PATH's inode number, from kip fsck --verbose.
ino_of()
{
	timeout -s KILL "$LIMIT" "$KIP" fsck --verbose "$1" | awk -v p="$2" '$6 == p { print $1 }'
}

# zones_of IMG PATH: how many zones PATH's tree uses.
zones_of()
{
	timeout -s KILL "$LIMIT" "$KIP" fsck --verbose "$1" | awk -v p="$2" '$6 == p { print $5 }'
}

# entry_at IMG DIRINO NAME: offset of NAME's entry in the directory's first
# block (after geom).
entry_at()
{
	local zone off k name
	zone=$(rd "$1" 4 $(($(ino_at "$2") + 24)))
	for ((k = 0; k < BS / 64; k++)); do
		off=$((zone * BS + k * 64))
		name=$(dd if="$1" bs=1 skip=$((off + 4)) count=60 status=none | tr -d '\0')
		[[ $name == "$3" ]] && { echo "$off"; return; }
	done
	fail "no entry $3 in directory inode $2"
}

# ---- 1. kip mkfs images, judged by both -------------------------------

n_kip=0
for spec in "" "--size 10K" "--size 1M" "--size 8M --inodes 100" "--size 200M" \
	"--size 64M --inodes 40000" "--size 3000001"; do
	rm -f "$TMP/k.img"
	# shellcheck disable=SC2086
	kmkfs "$TMP/k.img" $spec >/dev/null || fail "kip mkfs $spec failed"
	expect_clean "$TMP/k.img"
	n_kip=$((n_kip + 1))
done
for spec in "--size 64M" "--size 1M --inodes 500" "--size 300M"; do
	rm -f "$TMP/k.img"
	# shellcheck disable=SC2086
	kmkfs "$TMP/k.img" --block-size 4096 $spec >/dev/null || fail "kip mkfs 4K $spec failed"
	expect_clean "$TMP/k.img" kip
	assert_contains "$TMP/kf.out" "4096-byte blocks"
	n_kip=$((n_kip + 1))
done
# The image is sparse: a 64M image takes a few blocks of disk.
kmkfs "$TMP/sparse.img" >/dev/null
(($(stat -c %b "$TMP/sparse.img") * 512 < 1024 * 1024)) || fail "a fresh image is not sparse"
rm -f "$TMP/sparse.img"

# same_as_mkfs_minix BLOCKS [INODES]: kip's empty image is mkfs.minix's.
same_as_mkfs_minix()
{
	local a="$TMP/ul.img" b="$TMP/kip.img" what="$1 blocks${2:+, $2 inodes}"
	rm -f "$a" "$b"
	truncate -s $(($1 * 1024)) "$a"
	timeout -s KILL "$LIMIT" mkfs.minix -3 ${2:+-i "$2"} "$a" "$1" >/dev/null
	kmkfs "$b" --size $(($1 * 1024)) ${2:+--inodes "$2"} >/dev/null
	geom "$a"
	cmp -n 1038 "$a" "$b" >/dev/null || fail "$what: superblock differs from mkfs.minix's"
	assert_eq "$(rd "$b" 2 1038)" 1 "$what: s_flags (MINIX's CLEAN)"
	cmp -i 1040 -n $((ITABLE - 1040)) "$a" "$b" >/dev/null ||
		fail "$what: bitmaps differ from mkfs.minix's"
	cmp -i "$ITABLE" -n 8 "$a" "$b" >/dev/null || fail "$what: root inode differs"
	cmp -i $((ITABLE + 20)) -n 44 "$a" "$b" >/dev/null || fail "$what: root zones differ"
	cmp -i $((FIRST * 1024)) -n 1024 "$a" "$b" >/dev/null || fail "$what: root directory differs"
}
same_as_mkfs_minix 10
same_as_mkfs_minix 8192
same_as_mkfs_minix 8192 100
same_as_mkfs_minix 65536
same_as_mkfs_minix 600000

# ---- 2. mkfs.minix images, judged by kip fsck --------------------------

n_ul=0
for spec in "10" "100" "1000" "8192" "65536" "-i 100 8192" "-i 5000 20000" "300000"; do
	rm -f "$TMP/m.img"
	blocks=${spec##* }
	truncate -s $((blocks * 1024)) "$TMP/m.img"
	# shellcheck disable=SC2086
	timeout -s KILL "$LIMIT" mkfs.minix -3 ${spec% *} "$TMP/m.img" "$blocks" >/dev/null 2>&1 ||
		timeout -s KILL "$LIMIT" mkfs.minix -3 "$TMP/m.img" "$blocks" >/dev/null
	expect_clean "$TMP/m.img"
	n_ul=$((n_ul + 1))
done

# ---- 3. --from a host tree -------------------------------------------

T=$TMP/tree
mkdir -p "$T/d1/d2/d3" "$T/empty"
: >"$T/f0"
head -c 1 /dev/urandom >"$T/f1"
head -c 1023 /dev/urandom >"$T/f1023"
head -c 1024 /dev/urandom >"$T/f1024"
head -c $((7 * 1024 + 1)) /dev/urandom >"$T/d1/f7k1"       # single indirect
head -c $((263 * 1024 + 1)) /dev/urandom >"$T/d1/d2/f263k1" # double indirect
# 70 MB of holes but for a byte at 100 and two runs past 65799 KiB (triple
# indirect with 1 KiB blocks).
truncate -s 70M "$T/sparse"
printf x | dd of="$T/sparse" bs=1 seek=100 conv=notrunc status=none
printf hello | dd of="$T/sparse" bs=1 seek=$((66 * 1024 * 1024)) conv=notrunc status=none
printf end | dd of="$T/sparse" bs=1 seek=$((70 * 1024 * 1024 - 3)) conv=notrunc status=none
ln -s d1/f7k1 "$T/link"
ln "$T/f1024" "$T/d1/hard"
name60=$(printf 'n%.0s' {1..60})
echo "sixty" >"$T/d1/d2/$name60"
chmod 4750 "$T/f1"
touch -d @1000000000 "$T/d1/f7k1"
touch -d @1000000000 "$T/d1/d2/d3"

kmkfs "$TMP/tree.img" --size 16M --from "$T" >"$TMP/mkfs.out" ||
	fail "kip mkfs --from failed: $(cat "$TMP/mkfs.out")"
expect_clean "$TMP/tree.img"
assert_contains "$TMP/kf.out" "8 files, 5 directories, 1 symbolic link,"
# The holes are zone 0: the sparse file takes its 3 data zones and the
# indirect blocks above them (a triple, a double and two single), no more.
assert_eq "$(zones_of "$TMP/tree.img" /sparse)" 7 "zones of /sparse"
assert_eq "$(zones_of "$TMP/tree.img" /d1/d2/f263k1)" 267 "zones of /d1/d2/f263k1"
assert_eq "$(zones_of "$TMP/tree.img" /f0)" 0 "zones of /f0"
kmkfs "$TMP/tree4k.img" --size 16M --block-size 4096 --from "$T" >/dev/null ||
	fail "kip mkfs --from with 4 KiB blocks failed"
expect_clean "$TMP/tree4k.img" kip

# An independent reader: a few lines of Python that know the format.
cat >"$TMP/minix_read.py" <<'PY'
import struct, sys
args = sys.argv[1:]
want_stat = args[0] == "--stat"
img, path = args[-2:]
f = open(img, "rb")
def rd(off, n):
    f.seek(off)
    b = f.read(n)
    assert len(b) == n, "short read"
    return b
(ninodes, _, imap, zmap, first, logz, flags, maxsize, zones, magic, _, bs,
 _) = struct.unpack("<IHHHHHHIIHHHB", rd(1024, 31))
assert magic == 0x4D5A and logz == 0
itable = (2 + imap + zmap) * bs
P = bs // 4
cache = {0: (0,) * P}
def ptrs(z):
    if z not in cache:
        cache[z] = struct.unpack("<%dI" % P, rd(z * bs, bs))
    return cache[z]
def inode(n):
    v = struct.unpack("<HHHHIIII10I", rd(itable + (n - 1) * 64, 64))
    return {"mode": v[0], "nlinks": v[1], "uid": v[2], "gid": v[3],
            "size": v[4], "mtime": v[6], "zone": v[8:18]}
def bmap(ip, i):
    z = ip["zone"]
    if i < 7:
        return z[i]
    i -= 7
    if i < P:
        return ptrs(z[7])[i]
    i -= P
    if i < P * P:
        return ptrs(ptrs(z[8])[i // P])[i % P]
    i -= P * P
    return ptrs(ptrs(ptrs(z[9])[i // (P * P)])[(i // P) % P])[i % P]
def data(ip):
    out = bytearray()
    zero = bytes(bs)
    for i in range((ip["size"] + bs - 1) // bs):
        z = bmap(ip, i)
        out += rd(z * bs, bs) if z else zero
    return bytes(out[:ip["size"]])
ino = 1
for comp in [c for c in path.split("/") if c]:
    d = data(inode(ino))
    for k in range(0, len(d), 64):
        e, = struct.unpack("<I", d[k:k + 4])
        if e and d[k + 4:k + 64].split(b"\0", 1)[0] == comp.encode():
            ino = e
            break
    else:
        sys.exit("minix_read: no %s" % path)
ip = inode(ino)
if want_stat:
    print("%o %d %d %d %d" % (ip["mode"], ip["nlinks"], ip["uid"], ip["gid"], ip["mtime"]))
else:
    sys.stdout.buffer.write(data(ip))
PY

# read_back IMG: every object of the tree reads back from IMG as on the host.
read_back()
{
	local p host got
	for p in f0 f1 f1023 f1024 d1/f7k1 d1/d2/f263k1 sparse d1/hard "d1/d2/$name60"; do
		timeout -s KILL "$LIMIT" python3 "$TMP/minix_read.py" "$1" "/$p" >"$TMP/got"
		cmp -s "$TMP/got" "$T/$p" || fail "$1: /$p reads back different"
	done
	got=$(timeout -s KILL "$LIMIT" python3 "$TMP/minix_read.py" "$1" /link)
	assert_eq "$got" "$(readlink "$T/link")" "$1: /link target"
	for p in f1 f1024 link d1 d1/d2/d3 d1/f7k1 empty; do
		host=$(printf '%o %d %d %d %d' "0x$(stat -c %f "$T/$p")" \
			$(stat -c '%h %u %g %Y' "$T/$p"))
		got=$(timeout -s KILL "$LIMIT" python3 "$TMP/minix_read.py" --stat "$1" "/$p")
		assert_eq "$got" "$host" "$1: mode, links, owner and mtime of /$p"
	done
}
if command -v python3 >/dev/null 2>&1; then
	read_back "$TMP/tree.img"
	read_back "$TMP/tree4k.img"
	readback="read back"
else
	echo "note: no python3, so files were not read back independently"
	readback="not read back (no python3)"
fi

# ---- 4. beyond fsck.minix: 255+ links ----------------------------------

mkdir -p "$TMP/many/sub"
mkdir "$TMP/many/sub/"d{1..300}
: >"$TMP/many/file"
for i in $(seq 1 260); do ln "$TMP/many/file" "$TMP/many/l$i"; done
kmkfs "$TMP/many.img" --size 4M --from "$TMP/many" >/dev/null || fail "kip mkfs of 300 dirs"
expect_clean "$TMP/many.img" kip
kmkfs "$TMP/many4k.img" --size 8M --block-size 4096 --from "$TMP/many" >/dev/null ||
	fail "kip mkfs of 300 dirs, 4 KiB blocks"
expect_clean "$TMP/many4k.img" kip

# ---- 5. corrupted copies ---------------------------------------------

n_bad=0
# corrupted NAME WANT_STATUS TEXT [kip]: kip fsck on $TMP/bad.img exits
# WANT_STATUS saying TEXT; fsck.minix (unless "kip") exits non-zero too.
corrupted()
{
	kfsck "$TMP/bad.img"
	((KF == $2)) || { cat "$TMP/kf.out" >&2; fail "$1: kip fsck exit $KF, not $2"; }
	grep -qF -- "$3" "$TMP/kf.out" || { cat "$TMP/kf.out" >&2; fail "$1: no '$3'"; }
	if [[ ${4:-} != kip ]]; then
		mfsck "$TMP/bad.img"
		((MF != 0)) || fail "$1: fsck.minix found nothing wrong"
	fi
	n_bad=$((n_bad + 1))
}
fresh()
{
	cp "${1:-$TMP/tree.img}" "$TMP/bad.img"
	geom "$TMP/bad.img"
}

fresh
wr "$TMP/bad.img" 2 1048 0x1234
corrupted "bad magic" 8 "bad magic 0x1234"

fresh
ino=$(ino_of "$TMP/bad.img" /f1)
wr "$TMP/bad.img" 2 $(($(ino_at "$ino") + 2)) 2
corrupted "wrong link count" 4 "inode $ino (/f1): link count 2, but 1 entry names it"

fresh
ino=$(ino_of "$TMP/bad.img" /f1023)
zone=$(rd "$TMP/bad.img" 4 $(($(ino_at "$ino") + 24)))
bit=$((zone - FIRST + 1))
at=$(((2 + IMAP) * BS + bit / 8))
wr "$TMP/bad.img" 1 "$at" $(($(rd "$TMP/bad.img" 1 "$at") & ~(1 << (bit % 8)) & 255))
corrupted "zone bit cleared" 4 "zone $zone is in use, but free in the zone bitmap"

fresh
ino=$(ino_of "$TMP/bad.img" /d1/f7k1)
at=$((2 * BS + ino / 8))
wr "$TMP/bad.img" 1 "$at" $(($(rd "$TMP/bad.img" 1 "$at") & ~(1 << (ino % 8)) & 255))
corrupted "inode bit cleared" 4 "but free in the inode bitmap"

fresh
ino=$(ino_of "$TMP/bad.img" /f1)
wr "$TMP/bad.img" 4 $(($(ino_at "$ino") + 24)) $((ZONES + 5))
corrupted "zone past s_zones" 4 "data zone $((ZONES + 5)) is outside the data zones"

fresh
ino=$(ino_of "$TMP/bad.img" /f1)
other=$(rd "$TMP/bad.img" 4 $(($(ino_at "$(ino_of "$TMP/bad.img" /f1023)") + 24)))
wr "$TMP/bad.img" 4 $(($(ino_at "$ino") + 24)) "$other"
corrupted "zone used twice" 4 "zone $other is also used by inode"

fresh
wr "$TMP/bad.img" 4 "$(entry_at "$TMP/bad.img" 1 f0)" $((NINODES - 1))
corrupted "entry names a free inode" 4 "inode $((NINODES - 1)) (/f0): in use (a directory entry names it), but free in the inode bitmap"

fresh
wr "$TMP/bad.img" 4 "$(entry_at "$TMP/bad.img" "$(ino_of "$TMP/bad.img" /d1)" d2)" 1
corrupted "directory loop" 4 "entry \"d2\" names directory inode 1 (/), which already has an entry"

fresh
wr "$TMP/bad.img" 4 "$(entry_at "$TMP/bad.img" 1 ..)" 2
corrupted "wrong .." 4 "entry 1 should be \"..\" -> inode 1, but is \"..\" -> inode 2"

fresh "$TMP/tree4k.img"
ino=$(ino_of "$TMP/bad.img" /d1/d2/f263k1)
wr "$TMP/bad.img" 2 $(($(ino_at "$ino") + 2)) 9
corrupted "4 KiB: wrong link count" 4 "link count 9, but 1 entry names it" kip

fresh "$TMP/tree4k.img"
ino=$(ino_of "$TMP/bad.img" /d1/f7k1)
wr "$TMP/bad.img" 4 $(($(ino_at "$ino") + 8)) 4000
corrupted "4 KiB: size shorter than the zones" 4 "past the end of the file (4000 bytes)" kip

fresh
truncate -s 8M "$TMP/bad.img"
corrupted "image shorter than s_zones" 8 "but the image is only 8388608 bytes" kip

# ---- 6. kip mkfs and kip fsck errors -----------------------------------

# status WANT CMD...: CMD exits WANT and says something on stderr.
status()
{
	local want=$1 rc=0
	shift
	timeout -s KILL "$LIMIT" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	assert_eq "$rc" "$want" "exit status of $*"
	((want == 0)) || [[ -s $TMP/err ]] || fail "$* printed no error"
}
status 2 "$KIP" mkfs
status 2 "$KIP" mkfs "$TMP/x.img" --size banana
status 2 "$KIP" mkfs "$TMP/x.img" --block-size 512
status 2 "$KIP" mkfs "$TMP/x.img" --inodes 0
status 2 "$KIP" mkfs "$TMP/x.img" --frobnicate
status 0 "$KIP" mkfs --help
assert_contains "$TMP/out" "--from HOSTDIR"
status 1 "$KIP" mkfs "$TMP/x.img" --size 5K
[[ ! -e $TMP/x.img ]] || fail "a failed kip mkfs left an image behind"
status 1 "$KIP" mkfs "$TMP/tree.img"
assert_contains "$TMP/err" "exists and is not empty"
cp "$TMP/tree.img" "$TMP/again.img"
status 0 "$KIP" mkfs "$TMP/again.img" --force --size 2M
expect_clean "$TMP/again.img"
status 1 "$KIP" mkfs "$TMP/x.img" --size 64K --from "$T"
assert_contains "$TMP/err" "the image is full"
[[ ! -e $TMP/x.img ]] || fail "a failed kip mkfs --from left an image behind"

mkdir -p "$TMP/long"
: >"$TMP/long/$(printf 'n%.0s' {1..61})"
status 1 "$KIP" mkfs "$TMP/x.img" --from "$TMP/long"
assert_contains "$TMP/err" "name longer than 60 bytes"
rm -rf "$TMP/long" && mkdir -p "$TMP/long"
ln -s "$(printf 't%.0s' {1..1100})" "$TMP/long/far"
status 1 "$KIP" mkfs "$TMP/x.img" --from "$TMP/long"
assert_contains "$TMP/err" "symbolic link target longer than a block"
status 0 "$KIP" mkfs "$TMP/x.img" --block-size 4096 --from "$TMP/long"
expect_clean "$TMP/x.img" kip
rm -f "$TMP/x.img"
if (($(id -u) == 0)); then
	rm -rf "$TMP/long" && mkdir -p "$TMP/long"
	: >"$TMP/long/owned"
	chown 70000 "$TMP/long/owned"
	status 1 "$KIP" mkfs "$TMP/x.img" --from "$TMP/long"
	assert_contains "$TMP/err" "uid or gid above 65535"
fi
rm -rf "$TMP/long" && mkdir -p "$TMP/long"
mkfifo "$TMP/long/fifo"
: >"$TMP/long/file"
status 0 "$KIP" mkfs "$TMP/x.img" --from "$TMP/long"
assert_contains "$TMP/err" "skipping"
expect_clean "$TMP/x.img"

status 16 "$KIP" fsck
status 16 "$KIP" fsck "$TMP/x.img" --frobnicate
status 8 "$KIP" fsck "$TMP/no-such.img"
status 8 "$KIP" fsck "$T/d1/f7k1"
status 8 "$KIP" fsck "$T"
status 0 "$KIP" fsck --help

# ---- 7. fuzz: random bytes never crash kip fsck --------------------------

SEED=${KIP_FUZZ_SEED:-20240607}
RANDOM=$SEED
S=$TMP/small
mkdir -p "$S/dir/sub"
head -c 9000 /dev/urandom >"$S/dir/nine-k" # an indirect block to hit
echo hi >"$S/hi"
ln -s hi "$S/ln"
ln "$S/hi" "$S/dir/hard"
kmkfs "$TMP/small.img" --size 128K --from "$S" >/dev/null
expect_clean "$TMP/small.img"
geom "$TMP/small.img"
# Where the bytes that matter are: the superblock, the start of both
# bitmaps, the inodes in use, the first data zones (directories, the
# indirect block, data); anywhere in the first blocks now and then.
regions=("1024 31" "$((2 * BS)) 4" "$(((2 + IMAP) * BS)) 8" "$ITABLE 640"
	"$((FIRST * BS)) $((16 * BS))" "0 $(((FIRST + 16) * BS))")
declare -A seen=()
start=$SECONDS
for ((i = 0; i < 200; i++)); do
	cp "$TMP/small.img" "$TMP/fz.img"
	for ((j = 0; j < 1 + RANDOM % 4; j++)); do
		read -r base len <<<"${regions[RANDOM % ${#regions[@]}]}"
		off=$((base + (RANDOM * 32768 + RANDOM) % len))
		wr "$TMP/fz.img" 1 "$off" $((RANDOM % 256))
	done
	rc=0
	timeout -s KILL 10 "$KIP" fsck "$TMP/fz.img" >/dev/null 2>&1 || rc=$?
	case $rc in
	0 | 4 | 8) seen[$rc]=$((${seen[$rc]:-0} + 1)) ;;
	*)
		cp "$TMP/fz.img" "${TMPDIR:-/tmp}/kip-fsck-crash.img"
		fail "fuzz case $i (seed $SEED): kip fsck exit $rc; image kept in ${TMPDIR:-/tmp}/kip-fsck-crash.img"
		;;
	esac
done
((SECONDS - start <= 30)) || fail "the fuzz loop took $((SECONDS - start)) s (limit 30)"

echo "mkfs/fsck ok: $n_kip kip images and $n_ul mkfs.minix images clean by both judges," \
	"tree $readback, $n_bad corruptions caught," \
	"200 fuzzed images (${seen[0]:-0} clean, ${seen[4]:-0} problems, ${seen[8]:-0} cannot check; seed $SEED)"
