# tests/e2e/lib.sh - helpers for end-to-end test scripts (tests/e2e/t_*.sh).
#
# A test script is run by tests/e2e/run-all from the repository root with
# $KIP set to the kip binary.  Exit 0 = pass, 77 = skip, anything else = fail.
#
#   #!/usr/bin/env bash
#   . tests/e2e/lib.sh
#   tmpdir                      # $TMP: a fresh folder, removed on exit
#   "$KIP" run --epoch 0 --seed 1 >"$TMP/out" || fail "kip run failed"
#   assert_contains "$TMP/out" "shutdown"
#   assert_eq "$(wc -l <"$TMP/out")" 12 "line count"
#
# Helpers:
#   fail MSG...            print "FAIL: MSG" and exit 1
#   skip MSG...            print MSG (run-all shows it as the reason) and exit 77
#   tmpdir                 set TMP to a new temporary folder removed at exit
#   assert_eq ACTUAL EXPECTED [MSG]  fail unless the two strings are equal
#   assert_contains FILE STRING   fail unless FILE contains STRING (fixed string)
#   need_cmd CMD...        skip unless every CMD is on the PATH
set -euo pipefail

: "${KIP:?KIP must name the kip binary (tests/e2e/run-all sets it)}"

fail()
{
	echo "FAIL: $*" >&2
	exit 1
}

skip()
{
	echo "$*"
	exit 77
}

# Commands run at exit, last registered first.
_e2e_cleanups=()
_e2e_at_exit()
{
	local i
	for ((i = ${#_e2e_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_e2e_cleanups[i]}" || true
	done
}
trap _e2e_at_exit EXIT

# on_exit CMD: run CMD (a shell string) when the script exits.
on_exit()
{
	_e2e_cleanups+=("$1")
}

tmpdir()
{
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/kip-e2e.XXXXXX")
	export TMP
	on_exit "rm -rf -- '$TMP'"
}

assert_eq()
{
	local a=$1 b=$2 msg=${3:-values differ}
	[[ $a == "$b" ]] || fail "$msg: expected '$b', got '$a'"
}

assert_contains()
{
	local file=$1 str=$2
	[[ -f $file ]] || fail "assert_contains: no file $file"
	grep -qF -- "$str" "$file" || fail "$file does not contain '$str'"
}

need_cmd()
{
	local c
	for c in "$@"; do
		PATH="$PATH:/usr/sbin:/sbin" command -v "$c" >/dev/null 2>&1 ||
			skip "needs $c"
	done
}
