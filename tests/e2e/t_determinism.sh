#!/usr/bin/env bash
# tests/e2e/t_determinism.sh - same seed and epoch, same trace: byte for byte,
# natively twice and once under memcheck.  The demo has a CPU-bound process
# that is preempted by the basic-block counter, a process that crashes,
# alarms and message traffic, so all of those must be deterministic.
. tests/e2e/lib.sh
tmpdir

args=(run --epoch 1234567 --seed 42 --trace-ipc)
"$KIP" "${args[@]}" >"$TMP/a" 2>&1 || fail "first run failed"
"$KIP" "${args[@]}" >"$TMP/b" 2>&1 || fail "second run failed"
cmp "$TMP/a" "$TMP/b" || fail "two native runs printed different traces"
assert_contains "$TMP/a" "kip trace: seed 42 epoch 1234567"
assert_contains "$TMP/a" "faults: SIGSEGV"
assert_contains "$TMP/a" "CLOCK(-5)"
# The hog (25 ms of virtual CPU, quantum 10 ms) must have been preempted:
# the client, at the same priority, gets a second request in before the
# hog finishes, which without preemption it could not.
hog_exit=$(grep -n "demohog.* exits" "$TMP/a" | cut -d: -f1)
second_echo=$(grep -n "ECHO_REQUEST" "$TMP/a" | sed -n 2p | cut -d: -f1)
[[ -n $hog_exit && -n $second_echo ]] || fail "trace lacks the hog's exit or the echoes"
((second_echo < hog_exit)) || fail "the hog was not preempted"

# A different epoch changes only the header.
"$KIP" run --epoch 99 --seed 42 --trace-ipc >"$TMP/c" 2>&1 || fail "third run failed"
diff <(tail -n +2 "$TMP/a") <(tail -n +2 "$TMP/c") >/dev/null ||
	fail "the epoch changed more than the trace header"

if command -v valgrind >/dev/null 2>&1; then
	valgrind -q --error-exitcode=99 --vex-iropt-register-updates=allregs-at-mem-access "$KIP" "${args[@]}" >"$TMP/v" 2>"$TMP/verr" ||
		fail "memcheck run failed: $(tail -5 "$TMP/verr")"
	cmp "$TMP/a" "$TMP/v" || fail "the memcheck run printed a different trace"
fi
echo "determinism ok: $(wc -l <"$TMP/a") trace lines identical"
