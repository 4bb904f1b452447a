#!/usr/bin/env bash
# tests/e2e/t_gdb.sh - the gdb extension (tools/gdb/kip.py) on the demo.
#
# Drives gdb in batch mode over `kip run --epoch 0`, asm context switch:
#   1. the kernel handles echo's reply to the client's first SENDREC: init
#      waits on SYSTEM, echo is in the kernel, the client waits in sendrec;
#      kip ps, kip bt of the client and of echo, kip msg of what echo got;
#   2. the kernel handles the hog's preemption: kip bt demohog;
#   3. kip break-msg ECHO_UPPER stops on that delivery: kip msg $kip_msg.
# Then once more with --switch ucontext: kip bt of the client, and kip bt of
# the running process is refused.  Around each kip bt, `info registers`
# (every general register, rip, rsp, rbp, eflags ...) must print exactly
# the same thing.  Skips when gdb (with Python) is missing or cannot trace
# a process here.
. tests/e2e/lib.sh

need_cmd gdb
tmpdir

timeout -s KILL 20 gdb -batch -nx -ex 'python print("kip-py-ok")' >"$TMP/py" 2>&1 || true
grep -q kip-py-ok "$TMP/py" || skip "gdb has no Python support"
timeout -s KILL 20 gdb -batch -nx -ex run --args /bin/true >"$TMP/probe" 2>&1 || true
grep -q "exited normally" "$TMP/probe" || skip "gdb cannot trace processes here (ptrace denied?)"

# run_gdb OUT KIP-RUN-ARGS... -- GDB-ARGS...: gdb in batch mode with the
# extension over `kip run KIP-RUN-ARGS`; its output goes to $TMP/OUT.
run_gdb()
{
	local out=$TMP/$1 rc=0 args=()
	shift
	while [[ $1 != -- ]]; do
		args+=("$1")
		shift
	done
	shift
	timeout -s KILL 25 gdb -batch -nx -x tools/gdb/kip.py "$@" \
		--args "$KIP" run "${args[@]}" >"$out" 2>&1 </dev/null || rc=$?
	cat "$out"
	((rc != 137)) || fail "gdb was killed after 25 s"
}

# section FILE NAME: the lines printed after the "@@NAME" marker in
# $TMP/FILE, up to the next marker.
section()
{
	awk -v want="@@$2" '/^@@/ { on = ($0 == want); next } on' "$TMP/$1"
}

# expect FILE SECTION REGEX: some line of SECTION matches the extended REGEX.
expect()
{
	local text
	text=$(section "$1" "$2")
	grep -Eq -- "$3" <<<"$text" || fail "$1: section $2 has no line matching: $3"
}

# same_registers FILE BEFORE AFTER: the two `info registers` are identical.
same_registers()
{
	local before after
	before=$(section "$1" "$2")
	after=$(section "$1" "$3")
	grep -q '^rip ' <<<"$before" || fail "$1: no registers printed in section $2"
	assert_eq "$after" "$before" "$1: registers after kip bt ($3 vs $2)"
}

regs='info registers'
# (gdb expressions, not shell ones, in single quotes)
# shellcheck disable=SC2016
run_gdb asm --epoch 0 -- \
	-ex 'break trap_handle if $_streq(p->p_name, "echo") && p->p_trap_op == IPC_SENDNB' \
	-ex run \
	-ex 'echo @@ps1\n' -ex 'kip ps' \
	-ex 'echo @@regs1a\n' -ex "$regs" \
	-ex 'echo @@bt-client\n' -ex 'kip bt democlient' \
	-ex 'echo @@bt-echo\n' -ex 'kip bt echo' \
	-ex 'echo @@regs1b\n' -ex "$regs" \
	-ex 'echo @@msg-in\n' -ex 'kip msg kern->procs[1].p_recvbuf' \
	-ex 'echo @@msg-reply\n' -ex 'kip msg p->p_trap_msg' \
	-ex 'echo @@free\n' -ex 'kip bt 127' \
	-ex 'echo @@end\n' \
	-ex delete \
	-ex 'break trap_handle if $_streq(p->p_name, "demohog") && p->p_trap_op == IPC_PREEMPT' \
	-ex continue \
	-ex 'echo @@ps2\n' -ex 'kip ps' \
	-ex 'echo @@regs2a\n' -ex "$regs" \
	-ex 'echo @@bt-hog\n' -ex 'kip bt demohog' \
	-ex 'echo @@regs2b\n' -ex "$regs" \
	-ex 'echo @@end\n' \
	-ex delete \
	-ex 'kip break-msg ECHO_UPPER' \
	-ex continue \
	-ex 'echo @@msg-upper\n' -ex 'kip msg $kip_msg' \
	-ex 'echo @@end\n' \
	-ex kill

expect asm ps1 '^ +0 +32768 +init +receiving +SYSTEM \(-7\)'
expect asm ps1 '^ +1 +32769 +echo +runnable .*IPC_SENDNB'
expect asm ps1 '^ +2 +32770 +democlient +sendrec +echo \(32769\)'
expect asm ps1 'running: the kernel'
expect asm bt-client '^#0 .*(kip_sendrec|client_main)'
expect asm bt-client 'client_main'
expect asm bt-echo 'server_run'
expect asm bt-echo 'echo_main'
expect asm msg-in 'source +democlient \(32770\)'
expect asm msg-in 'type +ECHO_REQUEST \(0x1000\)'
expect asm msg-in 'value += 111'
expect asm msg-reply 'type +reply status 0'
expect asm free 'slot 127 is free'
expect asm ps2 '^ +3 +32771 +demohog +runnable .*IPC_PREEMPT'
expect asm bt-hog '^#0 .*is_prime'
expect asm bt-hog 'hog_main|is_prime'
expect asm msg-upper 'type +ECHO_UPPER'
expect asm msg-upper 'len += 25'
assert_contains "$TMP/asm" "kip: ECHO_UPPER (0x1001) democlient (32770) -> echo (32769)"
same_registers asm regs1a regs1b
same_registers asm regs2a regs2b

# shellcheck disable=SC2016
run_gdb ucontext --epoch 0 --switch ucontext -- \
	-ex 'break trap_handle if $_streq(p->p_name, "democlient") && p->p_trap_op == IPC_SENDREC' \
	-ex run \
	-ex 'echo @@regs-a\n' -ex "$regs" \
	-ex 'echo @@bt-client\n' -ex 'kip bt democlient' \
	-ex 'echo @@regs-b\n' -ex "$regs" \
	-ex 'echo @@end\n' \
	-ex delete -ex 'break hog_main' -ex continue \
	-ex 'echo @@running\n' -ex 'kip bt demohog' \
	-ex 'echo @@end\n' \
	-ex kill

expect ucontext bt-client 'ctx_switch_ucontext'
expect ucontext bt-client 'client_main'
expect ucontext running 'demohog is running: use plain bt'
same_registers ucontext regs-a regs-b

if grep -q "Python Exception\|registers differ" "$TMP/asm" "$TMP/ucontext"; then
	fail "the extension reported an error"
fi
echo "gdb extension ok"
