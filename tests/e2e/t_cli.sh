#!/usr/bin/env bash
# tests/e2e/t_cli.sh - the kip command line: help, usage errors, exit codes.
. tests/e2e/lib.sh
tmpdir

"$KIP" --help >"$TMP/help" || fail "kip --help exited non-zero"
assert_contains "$TMP/help" "usage: kip COMMAND"
assert_contains "$TMP/help" "bench"
"$KIP" run --help >"$TMP/runhelp" || fail "kip run --help exited non-zero"
assert_contains "$TMP/runhelp" "--trace-ipc"
assert_contains "$TMP/runhelp" "--epoch"

expect_usage_error()
{
	local rc=0
	"$KIP" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	assert_eq "$rc" 2 "kip $* exit status"
	[[ -s $TMP/err ]] || fail "kip $* printed no error message"
}
expect_usage_error
expect_usage_error frobnicate
expect_usage_error run --no-such-option
expect_usage_error run --seed
expect_usage_error run --seed banana
expect_usage_error run --switch sparc
expect_usage_error run --mem 12Q
expect_usage_error run --init no-such-program
expect_usage_error bench
expect_usage_error bench ipc --round-trips 5

# The demo runs to completion by itself, with no terminal, and exits 0.
"$KIP" run --epoch 0 </dev/null >"$TMP/demo" 2>&1 || fail "the demo exited non-zero"
assert_contains "$TMP/demo" "client: upper -> status 25 \"HELLO FROM A USER PROGRAM\""
assert_contains "$TMP/demo" "init: democrash was killed (status 139, segmentation fault)"
assert_contains "$TMP/demo" "hog: 25997 primes below 300000"
assert_contains "$TMP/demo" "init: 3 of 3 programs ended as expected"

# KIP_TRACE=ipc turns the trace on like --trace-ipc.
KIP_TRACE=ipc "$KIP" run --epoch 0 >"$TMP/env" 2>&1 || fail "KIP_TRACE=ipc run failed"
"$KIP" run --epoch 0 --trace-ipc >"$TMP/flag" 2>&1 || fail "--trace-ipc run failed"
cmp -s "$TMP/env" "$TMP/flag" || fail "KIP_TRACE=ipc and --trace-ipc differ"
assert_contains "$TMP/flag" "democlient(32770) -> echo(32769)  ECHO_REQUEST  ok"
assert_contains "$TMP/flag" "REPLY 25"
assert_contains "$TMP/flag" "CLOCK(-5) -> echo(32769)  NOTIFY_MESSAGE  ok"

# Both context switches run the same machine: the traces differ only in the
# header line that names the switch.
"$KIP" run --epoch 0 --trace-ipc --switch ucontext >"$TMP/uc" 2>&1 || fail "ucontext run failed"
diff <(tail -n +2 "$TMP/flag") <(tail -n +2 "$TMP/uc") >/dev/null ||
	fail "the asm and ucontext switches give different traces"
# The test runner refuses a suite name no file registers (a typo would run
# nothing), next to the kip binary it was built with.
test_kip=$(dirname "$KIP")/test_kip
if [[ -x $test_kip ]]; then
	rc=0
	"$test_kip" worker no-such-suite >"$TMP/tk" 2>&1 || rc=$?
	assert_eq "$rc" 2 "test_kip with an unknown suite name"
	assert_contains "$TMP/tk" "no suite named 'no-such-suite'"
fi
echo "cli ok"
