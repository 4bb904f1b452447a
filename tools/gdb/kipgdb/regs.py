"""tools/gdb/kipgdb/regs.py - a suspended process's registers, and `kip bt`.

A process that is not running left its registers in one of three places:
its captured fault/watchdog state (p_fault), the frame ctx_switch_asm
pushed, or the ucontext swapcontext filled.  backtrace() lends them to
frame 0, runs gdb's own `bt`, then puts every register (and the selected
frame) back exactly.  Entry points: saved_registers(),
borrowed_registers(), backtrace().
"""

import contextlib
import struct

import gdb

from .model import enum_value, proc_name, rts_flags

# -------------------------------------------------------- saved contexts


def resumes_from_fault_state(p):
    """True if P continues from its full captured state (p_fault)."""
    return (bool(int(p["p_rts"]) & rts_flags()["faulted"]) or bool(p["p_resume_full"])
            or int(p["p_trap_op"]) == enum_value("TRAP_FAULT", 8))


def asm_switch_registers(p):
    """Registers saved by ctx_switch_asm: the frame p_ctx.sp points at holds
    [MXCSR|FPCW], r15, r14, r13, r12, rbx, rbp, return address."""
    sp = int(p["p_ctx"]["sp"])
    raw = bytes(gdb.selected_inferior().read_memory(sp, 8 * 8))
    _fp, r15, r14, r13, r12, rbx, rbp, rip = struct.unpack("<8Q", raw)
    return {"rip": rip, "rsp": sp + 8 * 8, "rbp": rbp, "rbx": rbx,
            "r12": r12, "r13": r13, "r14": r14, "r15": r15}


def ucontext_registers(p):
    """Registers saved by swapcontext in p_ctx.uc (glibc's REG_* order)."""
    gregs = p["p_ctx"]["uc"]["uc_mcontext"]["gregs"]
    index = {"r12": 4, "r13": 5, "r14": 6, "r15": 7, "rbp": 10, "rbx": 11,
             "rsp": 15, "rip": 16}
    return {name: int(gregs[i]) & 0xffffffffffffffff for name, i in index.items()}


def fault_registers(p):
    """Every general register of P's captured state (struct cpustate)."""
    st = p["p_fault"].dereference()
    names = ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
             "r10", "r11", "r12", "r13", "r14", "r15", "rip")
    return {name: int(st[name]) for name in names}


def saved_registers(k, p):
    """(registers, where they come from) for suspended process P."""
    if resumes_from_fault_state(p):
        return fault_registers(p), "its captured fault/watchdog state (p_fault)"
    if int(k["cfg"]["impl"]) == enum_value("CTX_IMPL_ASM", 0):
        return asm_switch_registers(p), "the frame saved by ctx_switch_asm"
    return ucontext_registers(p), "the ucontext saved by swapcontext"


def read_registers(names):
    """{name: value} of registers NAMES in frame 0 (unsigned)."""
    frame = gdb.newest_frame()
    return {n: int(frame.read_register(n)) & 0xffffffffffffffff for n in names}


def write_registers(values):
    """Set registers of frame 0 (the thread's real registers)."""
    for name, value in values.items():
        gdb.newest_frame().select()
        gdb.execute("set $%s = 0x%x" % (name, value), to_string=True)


def frame_at_level(level):
    """The frame LEVEL frames above frame 0, or frame 0."""
    frame = gdb.newest_frame()
    for _ in range(level):
        if frame.older() is None:
            break
        frame = frame.older()
    return frame


@contextlib.contextmanager
def borrowed_registers(values):
    """Run the body with frame 0's registers set to VALUES, then put back
    every one of them, and the selected frame, whatever happens."""
    level = gdb.selected_frame().level()
    saved = read_registers(values.keys())
    try:
        write_registers(values)
        yield
    finally:
        write_registers(saved)
        frame_at_level(level).select()
        if read_registers(saved.keys()) != saved:
            gdb.write("kip: warning: registers differ after kip bt\n", gdb.STDERR)


def backtrace(k, p, bt_args):
    """Print the backtrace of suspended process P."""
    regs, where = saved_registers(k, p)
    gdb.write("%s (slot %d, endpoint %d), from %s:\n" %
              (proc_name(p), int(p["p_slot"]), int(p["p_endpoint"]), where))
    with borrowed_registers(regs):
        gdb.execute(("bt " + bt_args).strip())
