#!/usr/bin/env bash
# tests/e2e/t_fuse.sh - kip mount / kip umount: kip's file system used from
# the host through FUSE 3, every operation performed inside kip.
#
# Skipped (status 77) only when /dev/fuse cannot be opened, with the reason;
# anywhere FUSE works every case below must pass (a missing tool is a
# failure, not a skip).  Every command that touches a mount runs under
# `timeout -s KILL`, and the exit trap forces every mount away (kip umount,
# else aborting the connection under /sys/fs/fuse/connections, fusermount3
# -uz, and SIGKILL to the daemon), so a wedged kip cannot eat the budget.
#
# Cases (each prints "ok NAME" or "FAIL NAME" and its output; the script
# ends with "N passed, N failed, N skipped"):
#   basics       DIR is a mount point, root inode 1, statfs name limit 60,
#                a pidfile; a second kip mount of DIR is refused
#   cp_diff      cp -a of servers/ in, diff -r back
#   tar          tar c | tar x into the mount, and back out, diff -r
#   sqlite       a database on the mount: 100 transactions of 100 rows,
#                integrity_check ok, count and sum right
#   git          git init, add and commit a small tree; git fsck; clean status
#   semantics    link/rename/symlink/chmod/chown/truncate/utimens/mknod/FIFO/
#                rmdir/renameat2 flags/unlinked-but-open, seen through stat
#   names        60-byte names work; 61 bytes give ENAMETOOLONG
#   users        uid 1000 (setpriv --clear-groups, then with a group) does
#                the same operations on the mount and on a tmpfs: same
#                outcomes (EACCES/EPERM/success, owners, modes, umask)
#   big_file     a 70 MiB file in and back, byte for byte
#   concurrency  4 writers of 8 MiB files and 2 small-file makers at once
#   trace_128k   a 128 KiB read and a 128 KiB write on a cache hit are one
#                VFS_AT_* call each: 4 messages between fused, VFS and MFS
#   remount      kip umount waits for the daemon; fsck.minix -f and kip fsck
#                clean; mounted again, every file's checksum and attributes
#                are as before
#   signals      SIGTERM to a detached kip (while a process holds an unlinked
#                file open on it), SIGINT to kip mount -f: both unmount, sync
#                and exit 0; the image is clean (no orphan inode) and complete
#   busy         kip umount of a folder in use: exit 1, "busy", still served
#   killed       SIGKILL to the daemon: kip umount clears the dead mount and
#                says kip exited without a status; a new mount takes over
#                the stale pidfile
#   enospc       a full disk gives ENOSPC; freeing space works; fsck clean
#   corrupt      a corrupted image: kip mount exits 1 with MFS's message,
#                DIR is not a mount point, no daemon is left
#   usage        usage errors exit 2, failures 1, with messages
#   bench        kip bench fuse (a small run) prints its JSON object
. tests/e2e/lib.sh
export PATH="$PATH:/usr/sbin:/sbin"

if ! err=$( (exec 9<>/dev/fuse) 2>&1); then
	skip "FUSE tests skipped: cannot open /dev/fuse: ${err##*: }"
fi
for c in fusermount3 mkfs.minix fsck.minix sqlite3 git setpriv tar diff cmp sha256sum \
	timeout mountpoint gcc stat truncate mkfifo mknod; do
	command -v "$c" >/dev/null 2>&1 || fail "FUSE works here but $c is missing (tools/install-deps)"
done
[[ $(id -u) == 0 ]] || fail "FUSE works here but the multi-user cases need root (setpriv, allow_other)"

tmpdir
chmod 755 "$TMP" # the second user must reach the mount point
export KIP_RUN_DIR="$TMP/run"
mkdir -p "$KIP_RUN_DIR"
MNT="$TMP/mnt"
IMG="$TMP/disk.img"
REF="/dev/shm/kip-e2e-ref.$$" # the tmpfs tree the users case compares with
mkdir -p "$MNT" "$TMP/mnt2" "$TMP/mnt3"

LIMIT=60 # seconds for any one command on a mount
t()
{
	timeout -s KILL "$LIMIT" "$@"
}

# ---- forcing mounts away -----------------------------------------------

# The FUSE connection number of the mount on $1 (its device minor), or "".
fuse_conn()
{
	awk -v d="$1" '$5 == d && $0 ~ / - fuse/ { split($3, a, ":"); print a[2] }' \
		/proc/self/mountinfo | tail -n 1
}

# force_unmount DIR: get rid of a mount on DIR whatever state its kip is in.
force_unmount()
{
	local dir=$1 conn
	grep -q " $dir fuse" /proc/self/mounts || return 0
	timeout -s KILL 15 "$KIP" umount --timeout 10 "$dir" >/dev/null 2>&1 && return 0
	conn=$(fuse_conn "$dir")
	if [[ -n $conn ]]; then
		mountpoint -q /sys/fs/fuse/connections ||
			mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null || true
		[[ -e /sys/fs/fuse/connections/$conn/abort ]] &&
			echo 1 >"/sys/fs/fuse/connections/$conn/abort"
	fi
	timeout -s KILL 10 fusermount3 -uz "$dir" 2>/dev/null ||
		timeout -s KILL 10 umount -l "$dir" 2>/dev/null || true
}

# SIGKILL every daemon whose pidfile is still there.
kill_daemons()
{
	local f pid
	for f in "$KIP_RUN_DIR"/*.pid; do
		[[ -e $f ]] || continue
		pid=$(awk '/^pid /{print $2}' "$f")
		[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

cleanup()
{
	local d
	for d in "$MNT" "$TMP/mnt2" "$TMP/mnt3"; do
		force_unmount "$d"
	done
	kill_daemons
	rm -rf -- "$REF"
	return 0
}
on_exit cleanup

# ---- helpers -----------------------------------------------------------

# kmount IMG DIR [OPTIONS...]: kip mount, which must succeed.
kmount()
{
	t "$KIP" mount "$@" >"$TMP/mount.out" 2>&1 ||
		{ cat "$TMP/mount.out"; fail "kip mount $* exited non-zero"; }
	mountpoint -q "$2" || fail "kip mount $* returned 0 but $2 is not a mount point"
}

# kumount DIR: kip umount, which must succeed and leave no daemon behind.
kumount()
{
	t "$KIP" umount "$1" >"$TMP/umount.out" 2>&1 ||
		{ cat "$TMP/umount.out"; fail "kip umount $1 exited non-zero"; }
	! mountpoint -q "$1" || fail "$1 is still a mount point after kip umount"
	local left
	left=$(find "$KIP_RUN_DIR" -name "*-$(basename "$1").pid" | wc -l)
	assert_eq "$left" 0 "pidfiles of $1 left after kip umount"
}

# judge IMG [kip]: fsck.minix -f (read-only) and kip fsck both say clean
# (kip fsck alone for images fsck.minix cannot judge: 4 KiB blocks).
judge()
{
	local rc=0
	if [[ ${2:-} != kip ]]; then
		t fsck.minix -f "$1" >"$TMP/fsck.out" 2>&1 || rc=$?
		((rc == 0)) || { cat "$TMP/fsck.out"; fail "fsck.minix -f $1: exit $rc"; }
	fi
	rc=0
	t "$KIP" fsck "$1" >"$TMP/kfsck.out" 2>&1 || rc=$?
	((rc == 0)) || { cat "$TMP/kfsck.out"; fail "kip fsck $1: exit $rc"; }
}

# daemon_pid DIR: the pid in DIR's pidfile.
daemon_pid()
{
	local f
	f=$(find "$KIP_RUN_DIR" -name "*-$(basename "$1").pid")
	[[ -n $f ]] || fail "no pidfile for $1 in $KIP_RUN_DIR"
	awk '/^pid /{print $2}' "$f"
}

# alive PID: the process exists and is not a zombie (a detached daemon's
# parent is gone; whoever adopted it may reap it late).
alive()
{
	[[ -e /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# wait_gone PID: until the process has exited (at most 30 s).
wait_gone()
{
	local i
	for ((i = 0; i < 300; i++)); do
		alive "$1" || return 0
		sleep 0.1
	done
	fail "process $1 still running after 30 s"
}

# listing DIR: every entry's name, type, mode, owner, size and mtime, and
# every regular file's checksum.
listing()
{
	(cd "$1" && t find . -printf '%p %y %m %u %g %s %T@\n' | LC_ALL=C sort &&
		t find . -type f -print0 | LC_ALL=C sort -z | t xargs -0 sha256sum)
}

# ---- the cases ---------------------------------------------------------

case_basics()
{
	assert_eq "$(t stat -c %i "$MNT")" 1 "the root's inode number"
	assert_eq "$(t stat -f -c %l "$MNT")" 60 "statfs name limit"
	assert_eq "$(t stat -f -c %S "$MNT")" 1024 "statfs block size"
	alive "$(daemon_pid "$MNT")" || fail "the pidfile's daemon is not running"
	local rc=0
	t "$KIP" mount "$IMG" "$MNT" >"$TMP/again.out" 2>&1 || rc=$?
	assert_eq "$rc" 1 "a second kip mount of the same folder"
	assert_contains "$TMP/again.out" "already served by kip"
	grep -q "$MNT fuse.kip .*allow_other" /proc/self/mounts ||
		fail "not mounted as fuse.kip with allow_other: $(grep "$MNT" /proc/self/mounts)"
	grep -q "$MNT fuse.kip .*default_permissions" /proc/self/mounts ||
		fail "mounted without default_permissions (a FIFO's open never reaches kip)"
	# Writes of every size up to a few KiB, each its own write(2): MFS
	# answers a 256-byte write with 0x100, NOTIFY_MESSAGE's number, which
	# once wedged VFS (found copying /usr/include).
	head -c 4096 /dev/urandom >"$TMP/sizes"
	local n
	for n in 1 255 256 257 512 4096; do
		t dd if="$TMP/sizes" of="$MNT/size$n" bs="$n" count=1 status=none
		t cmp -s <(head -c "$n" "$TMP/sizes") "$MNT/size$n" || fail "a $n-byte write"
		t rm "$MNT/size$n"
	done
}

case_cp_diff()
{
	t cp -a servers "$MNT/servers"
	t diff -r servers "$MNT/servers"
	assert_eq "$(t find "$MNT/servers" -type f | wc -l)" "$(find servers -type f | wc -l)" \
		"files copied"
	# cp -a kept the modes and (whole-second) times.
	local f=servers/vfs/main.c
	assert_eq "$(t stat -c '%a %Y' "$MNT/$f")" "$(stat -c '%a %Y' "$f")" "mode and mtime of $f"
}

case_tar()
{
	t mkdir "$MNT/tar"
	tar -C docs -cf - . | t tar -C "$MNT/tar" -xf -
	mkdir "$TMP/untar"
	t tar -C "$MNT/tar" -cf - . | tar -C "$TMP/untar" -xf -
	diff -r docs "$TMP/untar"
	rm -rf "$TMP/untar"
}

case_sqlite()
{
	local sql="$TMP/load.sql" i j
	{
		echo "CREATE TABLE t(id INTEGER PRIMARY KEY, txn INTEGER, v INTEGER);"
		for ((i = 0; i < 100; i++)); do
			echo "BEGIN;"
			for ((j = 0; j < 100; j++)); do
				echo "INSERT INTO t(txn, v) VALUES ($i, $((i * 100 + j)));"
			done
			echo "COMMIT;"
		done
	} >"$sql"
	t sqlite3 "$MNT/test.db" <"$sql"
	assert_eq "$(t sqlite3 "$MNT/test.db" 'PRAGMA integrity_check;')" ok "integrity_check"
	assert_eq "$(t sqlite3 "$MNT/test.db" 'SELECT count(*), sum(v), count(DISTINCT txn) FROM t;')" \
		"10000|49995000|100" "rows, sum, transactions"
	[[ ! -e $MNT/test.db-journal ]] || fail "the rollback journal was left behind"
}

case_git()
{
	t mkdir "$MNT/repo"
	t cp -a servers/vfs servers/mfs "$MNT/repo/"
	(
		cd "$MNT/repo"
		t git init -q
		t git add -A
		t git -c user.name=kip -c user.email=kip@localhost commit -q -m "a small tree"
		t git fsck --strict 2>&1
		assert_eq "$(t git status --porcelain)" "" "git status after the commit"
		assert_eq "$(t git rev-list --count HEAD)" 1 "commits"
		t git ls-files | sort >"$TMP/ls-files"
	)
	(cd servers && find vfs mfs -type f | sort) | diff - "$TMP/ls-files"
}

# A small program for renameat2's flags (mv cannot ask for them all).
build_rn2()
{
	cat >"$TMP/rn2.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], (unsigned)atoi(argv[3])) == 0)
		puts("ok");
	else
		puts(strerrorname_np(errno));
	return 0;
}
C
	gcc -O0 -o "$TMP/rn2" "$TMP/rn2.c"
}

case_semantics()
{
	local d="$MNT/sem" ino ino2 now
	t mkdir "$d"
	t sh -c "echo hello >'$d/f'"
	# link: one inode, two names
	t ln "$d/f" "$d/g"
	assert_eq "$(t stat -c %h "$d/f")" 2 "link count after ln"
	ino=$(t stat -c %i "$d/f")
	assert_eq "$(t stat -c %i "$d/g")" "$ino" "inode of the hard link"
	# rename: the inode moves, the old name goes
	t mv "$d/g" "$d/h"
	[[ ! -e $d/g ]] || fail "the old name survived a rename"
	assert_eq "$(t stat -c %i "$d/h")" "$ino" "inode after rename"
	# rename over an existing file replaces it
	t sh -c "echo other >'$d/o'"
	ino2=$(t stat -c %i "$d/o")
	t mv "$d/o" "$d/h"
	assert_eq "$(t stat -c %i "$d/h")" "$ino2" "inode after rename over a file"
	assert_eq "$(t stat -c %h "$d/f")" 1 "link count after the link was replaced"
	# renameat2: NOREPLACE honoured, EXCHANGE refused
	build_rn2
	assert_eq "$(t "$TMP/rn2" "$d/h" "$d/f" 1)" EEXIST "RENAME_NOREPLACE onto a name"
	assert_eq "$(t "$TMP/rn2" "$d/h" "$d/n" 1)" ok "RENAME_NOREPLACE to a new name"
	assert_eq "$(t "$TMP/rn2" "$d/n" "$d/f" 2)" EINVAL "RENAME_EXCHANGE"
	# symlink
	t ln -s f "$d/s"
	assert_eq "$(t readlink "$d/s")" f "symlink target"
	assert_eq "$(t stat -c %F "$d/s")" "symbolic link" "symlink type"
	assert_eq "$(t cat "$d/s")" hello "reading through the symlink"
	# chmod, chown
	t chmod 640 "$d/f"
	assert_eq "$(t stat -c %a "$d/f")" 640 "mode after chmod 640"
	t chmod 4755 "$d/f"
	assert_eq "$(t stat -c %a "$d/f")" 4755 "mode after chmod 4755"
	t chown 1000:1000 "$d/f"
	assert_eq "$(t stat -c '%u %g %a' "$d/f")" "1000 1000 755" "owner after chown (set-user-ID cleared)"
	# truncate down and up
	t truncate -s 3 "$d/f"
	assert_eq "$(t stat -c %s "$d/f")" 3 "size after truncate -s 3"
	assert_eq "$(t cat "$d/f")" hel "data after truncate -s 3"
	t truncate -s 100000 "$d/f"
	assert_eq "$(t stat -c %s "$d/f")" 100000 "size after truncate -s 100000"
	assert_eq "$(t tail -c +4 "$d/f" | tr -d '\0' | wc -c)" 0 "the extension reads as zeros"
	# times: explicit (seconds) and now
	t touch -d @1000000000 "$d/f"
	assert_eq "$(t stat -c '%X %Y' "$d/f")" "1000000000 1000000000" "atime and mtime set"
	t touch -m -d @1234567890 "$d/f"
	assert_eq "$(t stat -c '%X %Y' "$d/f")" "1000000000 1234567890" "mtime alone"
	# "now" is kip's clock, which a mount keeps up with the host's
	# (host_clock): after 2 s idle it still agrees with the host's time.
	sleep 2
	before=$(date +%s)
	t touch "$d/f"
	after=$(date +%s)
	mt=$(t stat -c %Y "$d/f")
	((mt >= before - 1 && mt <= after + 1)) ||
		fail "touch (now) gave mtime $mt, the host's time was $before..$after"
	# nodes
	t mkfifo "$d/p"
	assert_eq "$(t stat -c %F "$d/p")" fifo "a FIFO"
	t mknod "$d/c" c 1 3
	assert_eq "$(t stat -c '%F %t %T' "$d/c")" "character special file 1 3" "a device node"
	t mknod "$d/b" b 7 1
	assert_eq "$(t stat -c '%F %t %T' "$d/b")" "block special file 7 1" "a block device node"
	# directories
	t mkdir "$d/dir"
	t touch "$d/dir/x"
	assert_eq "$(t stat -c %h "$d")" 3 "a directory's links count its subdirectories"
	rc=0
	t rmdir "$d/dir" 2>"$TMP/rmdir.err" || rc=$?
	((rc != 0)) || fail "rmdir of a non-empty directory succeeded"
	assert_contains "$TMP/rmdir.err" "Directory not empty"
	t rm "$d/dir/x"
	t rmdir "$d/dir"
	# an unlinked file stays readable while open
	t sh -c "echo still-here >'$d/u'"
	assert_eq "$(t bash -c "exec 3<'$d/u'; rm '$d/u'; cat <&3")" still-here \
		"reading an unlinked open file"
	[[ ! -e $d/u ]] || fail "the unlinked name is still there"
	# readdir sees exactly the names
	assert_eq "$(t ls -A "$d" | tr '\n' ' ')" "b c f n p s " "directory listing"
}

# too_long CMD...: CMD fails with ENAMETOOLONG.
too_long()
{
	local rc=0
	t "$@" 2>"$TMP/names.err" || rc=$?
	((rc != 0)) || fail "$* succeeded with a 61-byte name"
	assert_contains "$TMP/names.err" "File name too long"
}

case_names()
{
	local d="$MNT/names" n60 n61
	n60=$(printf 'a%.0s' {1..60})
	n61=$(printf 'b%.0s' {1..61})
	t mkdir "$d"
	t touch "$d/$n60"
	assert_eq "$(t ls "$d")" "$n60" "a 60-byte name"
	too_long touch "$d/$n61"
	too_long mkdir "$d/$n61"
	too_long mv "$d/$n60" "$d/$n61"
	too_long ln -s x "$d/$n61"
	too_long ln "$d/$n60" "$d/$n61"
	too_long mkfifo "$d/$n61"
	too_long stat "$d/$n61"
	assert_eq "$(t ls "$d")" "$n60" "nothing made by the refused calls"
}

# The same tree, made by root, in $1.
perm_setup()
{
	local r=$1
	t mkdir "$r/priv" "$r/pub" "$r/sticky" "$r/sg" "$r/ro_dir"
	t chmod 700 "$r/priv"
	t chmod 777 "$r/pub"
	t chmod 1777 "$r/sticky"
	t chown 0:1234 "$r/sg"
	t chmod 2777 "$r/sg"
	t chmod 555 "$r/ro_dir"
	t sh -c "cd '$r' && echo secret >priv/secret && echo ro >ro && echo rw >rw &&
		echo g >gfile && echo s >sticky/rootfile && echo m >mine"
	t chmod 644 "$r/ro"
	t chmod 666 "$r/rw" "$r/sticky/rootfile"
	t chown 0:1001 "$r/gfile"
	t chmod 660 "$r/gfile"
	t chown 1000:1000 "$r/mine"
	t chmod 644 "$r/mine"
	t sh -c "cd '$r' && echo s >suid && echo s >suidt && echo s >sgidx && echo m >mine2"
	t chmod 4766 "$r/suid" "$r/suidt"
	t mkfifo -m 600 "$r/fifo600"
	t mkfifo -m 644 "$r/fifo644"
	t chmod 2776 "$r/sgidx"
	t chown 1000:1001 "$r/mine2"
	t chmod 644 "$r/mine2"
}

# What uid 1000 tries; one line per operation: what it did and how it ended.
perm_script()
{
	cat >"$TMP/perm_ops.sh" <<'SH'
# run in the tree as uid 1000
r() {
	local out
	if out=$("$@" 2>&1); then echo "$*: ok${out:+ $out}"; else echo "$*: ${out##*: }"; fi
}
umask 027
r ls priv
r cat priv/secret
r sh -c 'echo a >>ro'
r sh -c 'echo a >>rw'
r cat rw
r sh -c 'echo a >>gfile'
r touch pub/new
r stat -c '%u %g %a' pub/new
r mkdir pub/newdir
r stat -c '%u %g %a' pub/newdir
r rm -f sticky/rootfile
r touch sticky/mine
r rm sticky/mine
r chmod 777 ro
r chmod 600 mine
r stat -c %a mine
r chown 0 mine
r chgrp 0 mine
r chgrp 1000 mine
r touch -d @1000000000 ro
r touch -d @1000000000 mine
r stat -c %Y mine
r touch ro
r touch -d @1000000000 rw
r touch rw
r sh -c 'echo a >>suid'
r stat -c %a suid
r sh -c 'echo a >>sgidx'
r stat -c %a sgidx
r truncate -s 1 suidt
r stat -c %a suidt
r chmod 2755 mine2
r stat -c %a mine2
r mv sticky/rootfile pub/x
r truncate -s 0 ro
r truncate -s 1 rw
r stat -c %s rw
r mv ro pub/ro2
r mv pub/new pub/new2
r ln -s ro pub/sl
r readlink pub/sl
r ln rw pub/hl
r ln ro pub/hl2
r mkfifo pub/fifo
r stat -c %F pub/fifo
r sh -c 'exec 3<>fifo600'
r sh -c 'exec 3<>fifo644'
r sh -c 'exec 3<>pub/fifo'
r mknod pub/dev c 1 3
r mkdir sg/d
r stat -c '%g %a' sg/d
r touch sg/f
r stat -c '%g %a' sg/f
r rmdir priv
r touch ro_dir/x
r ls ro_dir
r rm pub/new2
r rmdir pub/newdir
SH
	cat >"$TMP/perm_group.sh" <<'SH'
r() {
	local out
	if out=$("$@" 2>&1); then echo "$*: ok${out:+ $out}"; else echo "$*: ${out##*: }"; fi
}
r sh -c 'echo b >>gfile'
r cat gfile
r chgrp 1001 mine
r stat -c %g mine
r chmod 2755 mine2
r stat -c %a mine2
SH
	chmod 644 "$TMP/perm_ops.sh" "$TMP/perm_group.sh"
}

# perm_run TREE SCRIPT SETPRIV-ARGS...: run a script in TREE as uid 1000.
perm_run()
{
	local tree=$1 script=$2
	shift 2
	(cd "$tree" && t setpriv --reuid=1000 --regid=1000 "$@" bash "$script")
}

case_users()
{
	rm -rf -- "$REF"
	mkdir -m 755 "$REF"
	t mkdir "$MNT/users"
	t chmod 755 "$MNT/users"
	perm_setup "$REF"
	perm_setup "$MNT/users"
	perm_script
	perm_run "$REF" "$TMP/perm_ops.sh" --clear-groups >"$TMP/perm.tmpfs"
	perm_run "$MNT/users" "$TMP/perm_ops.sh" --clear-groups >"$TMP/perm.kip"
	perm_run "$REF" "$TMP/perm_group.sh" --groups 1001 >>"$TMP/perm.tmpfs"
	perm_run "$MNT/users" "$TMP/perm_group.sh" --groups 1001 >>"$TMP/perm.kip"
	diff -u "$TMP/perm.tmpfs" "$TMP/perm.kip" || fail "uid 1000 sees kip differently from tmpfs"
	# The comparison means something: refusals of both kinds happened.
	grep -q "Permission denied" "$TMP/perm.kip" || fail "no EACCES at all"
	grep -q "Operation not permitted" "$TMP/perm.kip" || fail "no EPERM at all"
	assert_contains "$TMP/perm.kip" "stat -c %u %g %a pub/new: ok 1000 1000 640"
	assert_contains "$TMP/perm.kip" "stat -c %g %a sg/d: ok 1234 2750"
	assert_contains "$TMP/perm.kip" "sh -c echo b >>gfile: ok"
	assert_contains "$TMP/perm.kip" "stat -c %a suid: ok 766"
	assert_contains "$TMP/perm.kip" "stat -c %a mine2: ok 2755"
	# A FIFO's open is the host kernel's alone (pjdfstest open/06).
	assert_contains "$TMP/perm.kip" "sh -c exec 3<>fifo600: Permission denied"
	rm -rf -- "$REF"
}

case_big_file()
{
	head -c $((70 * 1024 * 1024 + 12345)) /dev/urandom >"$TMP/big"
	t cp "$TMP/big" "$MNT/big"
	assert_eq "$(t stat -c %s "$MNT/big")" $((70 * 1024 * 1024 + 12345)) "size of the big file"
	t cmp "$TMP/big" "$MNT/big"
	rm -f "$TMP/big"
}

case_concurrency()
{
	local i pids=() rc=0
	t mkdir "$MNT/conc"
	for i in 1 2 3 4; do
		head -c $((8 * 1024 * 1024 + i * 777)) /dev/urandom >"$TMP/conc$i"
	done
	for i in 1 2 3 4; do
		t dd if="$TMP/conc$i" of="$MNT/conc/file$i" bs=64k status=none &
		pids+=($!)
	done
	for i in 1 2; do
		t bash -c "mkdir '$MNT/conc/small$i' && for n in \$(seq 200); do
			echo \"$i-\$n\" >'$MNT/conc/small$i/f'\$n; done" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=$?
	done
	((rc == 0)) || fail "a concurrent writer failed (status $rc)"
	for i in 1 2 3 4; do
		t cmp "$TMP/conc$i" "$MNT/conc/file$i"
		rm -f "$TMP/conc$i"
	done
	for i in 1 2; do
		assert_eq "$(t ls "$MNT/conc/small$i" | wc -l)" 200 "files made by writer $i"
		assert_eq "$(t cat "$MNT/conc/small$i/f137")" "$i-137" "a small file of writer $i"
	done
}

# count_at_call LOG OP: the messages from fused's VFS_AT_OP to VFS's reply
# (kernel calls aside), in the last stretch of LOG between two STATFS calls.
count_at_call()
{
	awk -v op="VFS_AT_$2" '
		/VFS_AT_STATFS/ { n++ }
		{ line[NR] = $0; mark[NR] = n }
		END {
			last = n
			for (i = 1; i <= NR; i++) {
				if (mark[i] != last - 1 || line[i] !~ ("  " op "  ")) continue
				c = 0
				for (j = i; j <= NR; j++) {
					if (line[j] ~ /-> kernel\(/) continue
					c++
					if (line[j] ~ /vfs\([0-9]+\) -> fused\([0-9]+\)  REPLY/) break
				}
				print c, line[j]
				exit
			}
		}' "$1"
}

# statfs_mark DIR LOG: a stat -f on DIR, and wait until its VFS_AT_STATFS
# is in LOG (kip writes its trace out when it next sleeps).
statfs_mark()
{
	local n i
	n=$(grep -c "VFS_AT_STATFS" "$2" || true)
	t stat -f "$1" >/dev/null
	for ((i = 0; i < 100; i++)); do
		(($(grep -c "VFS_AT_STATFS" "$2" || true) > n)) && return 0
		sleep 0.05
	done
	fail "the trace in $2 shows no VFS_AT_STATFS for stat -f"
}

case_trace_128k()
{
	local img="$TMP/trace.img" log out
	t "$KIP" mkfs "$img" --size 16M --block-size 4096 >/dev/null
	kmount "$img" "$TMP/mnt2" --trace-ipc
	head -c 131072 /dev/urandom >"$TMP/128k"
	t cp "$TMP/128k" "$TMP/mnt2/f"
	t cat "$TMP/mnt2/f" >/dev/null # now in MFS's cache (64 blocks of 4 KiB)
	log=$(ls "$KIP_RUN_DIR"/*mnt2.log)
	statfs_mark "$TMP/mnt2" "$log"
	t dd if="$TMP/mnt2/f" of="$TMP/128k.back" bs=128k count=1 iflag=direct status=none
	statfs_mark "$TMP/mnt2" "$log"
	out=$(count_at_call "$log" READ)
	assert_eq "${out%% *}" 4 "messages for a 128 KiB read on a cache hit ($out)"
	[[ $out == *"REPLY 131072"* ]] || fail "the read was not one 128 KiB call: $out"
	cmp "$TMP/128k" "$TMP/128k.back"
	t dd if="$TMP/128k" of="$TMP/mnt2/f" bs=128k count=1 oflag=direct conv=notrunc status=none
	statfs_mark "$TMP/mnt2" "$log"
	out=$(count_at_call "$log" WRITE)
	assert_eq "${out%% *}" 4 "messages for a 128 KiB write on a cache hit ($out)"
	[[ $out == *"REPLY 131072"* ]] || fail "the write was not one 128 KiB call: $out"
	kumount "$TMP/mnt2"
	judge "$img" kip
	rm -f "$img" "$TMP/128k" "$TMP/128k.back"
}

case_remount()
{
	local pid start end
	listing "$MNT" >"$TMP/before"
	pid=$(daemon_pid "$MNT")
	start=$(date +%s%N)
	kumount "$MNT"
	end=$(date +%s%N)
	! alive "$pid" || fail "kip umount returned before the daemon exited"
	echo "kip umount took $(((end - start) / 1000000)) ms"
	judge "$IMG"
	kmount "$IMG" "$MNT"
	listing "$MNT" >"$TMP/after"
	diff "$TMP/before" "$TMP/after" || fail "the files changed across kip umount + kip mount"
	assert_eq "$(t sqlite3 "$MNT/test.db" 'PRAGMA integrity_check;')" ok \
		"integrity_check after the remount"
}

case_signals()
{
	local pid rc holder i
	# SIGTERM to a detached kip
	t sh -c "echo term >'$MNT/by-sigterm'"
	pid=$(daemon_pid "$MNT")
	# A file unlinked while a process holds it open when kip goes down:
	# kip must free it (the bridge gives back what the host kernel held).
	timeout -s KILL 30 bash -c "exec 3>'$MNT/orphan'; echo data >&3; rm '$MNT/orphan';
		touch '$TMP/orphan.ready'; sleep 3" &
	holder=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $TMP/orphan.ready ]] && break
		sleep 0.05
	done
	[[ -e $TMP/orphan.ready ]] || fail "the holder of an unlinked file did not start"
	kill -TERM "$pid"
	wait_gone "$pid"
	wait "$holder" || true
	! mountpoint -q "$MNT" || fail "still mounted after SIGTERM"
	[[ -z $(find "$KIP_RUN_DIR" -name '*.pid') ]] || fail "a pidfile was left after SIGTERM"
	judge "$IMG"
	# SIGINT to kip mount -f
	timeout -s KILL 120 "$KIP" mount -f "$IMG" "$MNT" >"$TMP/fg.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		mountpoint -q "$MNT" && break
		sleep 0.1
	done
	mountpoint -q "$MNT" || fail "kip mount -f did not mount"
	assert_eq "$(t cat "$MNT/by-sigterm")" term "a file written before the SIGTERM"
	t sh -c "echo int >'$MNT/by-sigint'"
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_eq "$rc" 0 "kip mount -f after SIGINT"
	! mountpoint -q "$MNT" || fail "still mounted after SIGINT"
	judge "$IMG"
	kmount "$IMG" "$MNT"
	assert_eq "$(t cat "$MNT/by-sigint")" int "a file written before the SIGINT"
}

case_busy()
{
	local holder rc=0 i
	(cd "$MNT" && touch "$TMP/busy.ready" && exec sleep 60) &
	holder=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $TMP/busy.ready ]] && break
		sleep 0.05
	done
	[[ -e $TMP/busy.ready ]] || fail "the process holding the mount did not start"
	t "$KIP" umount "$MNT" >"$TMP/busy.out" 2>&1 || rc=$?
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null || true
	assert_eq "$rc" 1 "kip umount of a folder in use"
	assert_contains "$TMP/busy.out" "is busy"
	mountpoint -q "$MNT" || fail "a refused kip umount unmounted all the same"
	alive "$(daemon_pid "$MNT")" || fail "a refused kip umount stopped kip"
	assert_eq "$(t cat "$MNT/by-sigint")" int "the mount after a refused kip umount"
}

case_killed()
{
	local img="$TMP/killed.img" pid rc=0
	t "$KIP" mkfs "$img" --size 4M >/dev/null
	kmount "$img" "$TMP/mnt2"
	pid=$(daemon_pid "$TMP/mnt2")
	kill -KILL "$pid"
	wait_gone "$pid"
	t "$KIP" umount "$TMP/mnt2" >"$TMP/killed.out" 2>&1 || rc=$?
	assert_eq "$rc" 1 "kip umount after the daemon was killed"
	assert_contains "$TMP/killed.out" "exited without a status"
	! mountpoint -q "$TMP/mnt2" || fail "the dead mount is still there after kip umount"
	kmount "$img" "$TMP/mnt2" # its stale pidfile is taken over
	t sh -c "echo again >'$TMP/mnt2/f'"
	kumount "$TMP/mnt2"
	judge "$img"
	rm -f "$img"
}

case_enospc()
{
	local img="$TMP/small.img" rc
	t "$KIP" mkfs "$img" --size 4M >/dev/null
	kmount "$img" "$TMP/mnt2"
	rc=0
	t dd if=/dev/zero of="$TMP/mnt2/fill" bs=128k status=none 2>"$TMP/dd.err" || rc=$?
	((rc != 0)) || fail "filling a 4 MiB disk succeeded"
	assert_contains "$TMP/dd.err" "No space left on device"
	local size
	size=$(t stat -c %s "$TMP/mnt2/fill")
	((size > 3 * 1024 * 1024)) || fail "only $size bytes fitted on a 4 MiB disk"
	assert_eq "$(t stat -f -c %a "$TMP/mnt2")" 0 "free blocks on the full disk"
	rc=0
	t sh -c "head -c 10000 /dev/zero >'$TMP/mnt2/more'" 2>"$TMP/more.err" || rc=$?
	((rc != 0)) || fail "writing to a full disk succeeded"
	assert_contains "$TMP/more.err" "No space left on device"
	t rm "$TMP/mnt2/fill"
	t sh -c "head -c 1000000 /dev/urandom >'$TMP/mnt2/after'"
	assert_eq "$(t stat -c %s "$TMP/mnt2/after")" 1000000 "a write after freeing space"
	kumount "$TMP/mnt2"
	judge "$img"
	rm -f "$img"
}

case_corrupt()
{
	local img="$TMP/bad.img" rc=0
	t "$KIP" mkfs "$img" --size 4M >/dev/null
	printf '\0\0' | dd of="$img" bs=1 seek=$((1024 + 24)) conv=notrunc status=none # s_magic
	t "$KIP" mount "$img" "$TMP/mnt3" >"$TMP/bad.out" 2>&1 || rc=$?
	assert_eq "$rc" 1 "kip mount of a corrupted image"
	assert_contains "$TMP/bad.out" "not a MINIX v3 file system"
	assert_contains "$TMP/bad.out" "cannot be served"
	! mountpoint -q "$TMP/mnt3" || fail "a corrupted image left $TMP/mnt3 mounted"
	[[ -z $(find "$KIP_RUN_DIR" -name '*mnt3.pid') ]] || fail "a pidfile was left behind"
	! pgrep -f "mount $img" >/dev/null || fail "a kip mount process was left behind"
	rm -f "$img"
}

case_usage()
{
	local rc
	expect_rc()
	{
		local want=$1
		shift
		rc=0
		t "$KIP" "$@" >"$TMP/u.out" 2>&1 || rc=$?
		assert_eq "$rc" "$want" "kip $*"
	}
	expect_rc 0 mount --help
	assert_contains "$TMP/u.out" "usage: kip mount IMG DIR"
	expect_rc 0 umount --help
	expect_rc 2 mount
	expect_rc 2 mount "$IMG"
	expect_rc 2 mount --bogus "$IMG" "$TMP/mnt3"
	expect_rc 2 mount "$IMG" "$TMP/mnt3" --disk x
	expect_rc 1 mount "$TMP/no-such.img" "$TMP/mnt3"
	assert_contains "$TMP/u.out" "No such file or directory"
	expect_rc 1 mount "$IMG" "$TMP/no-such-dir"
	expect_rc 1 mount "$IMG" "$IMG"
	assert_contains "$TMP/u.out" "not a directory"
	expect_rc 2 umount
	expect_rc 1 umount "$TMP/mnt3"
	assert_contains "$TMP/u.out" "not mounted by kip"
	! mountpoint -q "$TMP/mnt3" || fail "a failed kip mount left $TMP/mnt3 mounted"
}

case_bench()
{
	t "$KIP" bench fuse --size 4M --files 100 --json >"$TMP/bench.json"
	assert_contains "$TMP/bench.json" '"bench":"fuse"'
	assert_contains "$TMP/bench.json" '"fsck_clean":true'
	grep -Eq '"kip":\{"write_mb_s":[0-9.]+,"fsync_s":[0-9.]+,"read_mb_s":[0-9.]+' "$TMP/bench.json" ||
		fail "no kip figures: $(cat "$TMP/bench.json")"
}

# ---- running them ------------------------------------------------------

PASSED=0
FAILED=0
SKIPPED=0

# run_case NAME FUNCTION: run it in a subshell (a failure ends that case
# only) and count it.
run_case()
{
	local name=$1 fn=$2 rc start
	start=$(date +%s)
	set +e
	(
		set -e
		"$fn"
	) >"$TMP/case.out" 2>&1
	rc=$?
	set -e
	if ((rc == 0)); then
		echo "ok   $name ($(($(date +%s) - start)) s)"
		[[ -n ${E2E_VERBOSE:-} ]] && sed 's/^/    /' "$TMP/case.out"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL $name (status $rc)"
		tail -n 30 "$TMP/case.out" | sed 's/^/    /'
		FAILED=$((FAILED + 1))
	fi
}

t "$KIP" mkfs "$IMG" --size 400M >/dev/null
kmount "$IMG" "$MNT"

run_case basics case_basics
run_case cp_diff case_cp_diff
run_case tar case_tar
run_case sqlite case_sqlite
run_case git case_git
run_case semantics case_semantics
run_case names case_names
run_case users case_users
run_case big_file case_big_file
run_case concurrency case_concurrency
run_case trace_128k case_trace_128k
run_case remount case_remount
run_case signals case_signals
run_case busy case_busy
run_case killed case_killed
run_case enospc case_enospc
run_case corrupt case_corrupt
run_case usage case_usage
run_case bench case_bench

if mountpoint -q "$MNT"; then
	set +e
	(
		set -e
		kumount "$MNT"
		judge "$IMG"
	) >"$TMP/case.out" 2>&1
	rc=$?
	set -e
	if ((rc == 0)); then
		echo "ok   final umount and judge"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL final umount and judge"
		sed 's/^/    /' "$TMP/case.out"
		FAILED=$((FAILED + 1))
	fi
fi

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
((FAILED == 0))
