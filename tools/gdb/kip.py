"""tools/gdb/kip.py - gdb commands for kip (docs/gdb.md).

Load with `source tools/gdb/kip.py` (tools/gdb/run and `make gdb` do it).
On load, SIGSEGV, SIGBUS, SIGFPE and SIGILL pass to kip without stopping
(kip catches the faults of its processes itself) and so does SIGPROF (its
watchdog timer).  Commands:

  kip ps                      the process table: state, whom each waits on
  kip msg EXPR                a message, its type by name and its payload
  kip bt NAME|SLOT|ENDPOINT [BT-ARGS]
                              backtrace of a suspended process
  kip break-msg TYPE|reply|any
                              stop when such a message is delivered
  kip faults on|off           stop (or not) on process faults

Everything is read from kip's debug info (struct kernel, struct proc,
enum kip_msg_type), so it works on the default -O2 -g build.  kip bt borrows
the registers of frame 0 to run gdb's own `bt` from a process's saved
context, and always puts every register back exactly.
"""

import contextlib
import errno
import functools
import struct

import gdb

# ------------------------------------------------------------- debug info


def enum_value(name, default):
    """The value of enumerator NAME from kip's debug info, else DEFAULT."""
    try:
        return int(gdb.parse_and_eval(name))
    except gdb.error:
        return default


def rts_flags():
    """The RTS_* process state flags of kernel/kernel.h, by short name."""
    return {
        "free": enum_value("RTS_SLOT_FREE", 1),
        "sending": enum_value("RTS_SENDING", 2),
        "receiving": enum_value("RTS_RECEIVING", 4),
        "stopped": enum_value("RTS_STOPPED", 8),
        "faulted": enum_value("RTS_FAULTED", 16),
    }


def endpoint_number(name):
    """The number of special endpoint NAME (ANY, KERNEL, ...)."""
    return {v: k for k, v in special_endpoints().items()}[name]


def special_endpoints():
    """Names of the negative endpoints (macros in kip/endpoint.h)."""
    return {
        -1: "ANY",
        -2: "NONE",
        -3: "SELF",
        -4: "KERNEL",
        -5: "CLOCK",
        -6: "HARDWARE",
        -7: "SYSTEM",
    }


def enum_names(type_name):
    """{value: name} of the enumerators of TYPE_NAME, {} if unknown."""
    try:
        fields = gdb.lookup_type(type_name).fields()
    except gdb.error:
        return {}
    return {int(f.enumval): f.name for f in fields}


def msg_type_names():
    """{number: name} of every request type (enum kip_msg_type)."""
    return enum_names("enum kip_msg_type")


def msg_type_number(text):
    """The number of message type TEXT (a name or a number), or None."""
    for number, name in msg_type_names().items():
        if name == text.upper():
            return number
    try:
        return int(text, 0)
    except ValueError:
        return None


def error_name(status):
    """The name of error code STATUS (negative), or None."""
    kip_errors = ("EDEADSRCDST", "ECALLDENIED", "ETRAPDENIED", "ELOCKED",
                  "ENOTREADY", "EBADREQUEST", "KIP_EDONTREPLY")
    for name in kip_errors:
        if enum_value(name, None) == -status:
            return name
    return errno.errorcode.get(-status)


def trap_op_name(op):
    """The name of trap operation OP (enum kip_trap_op, TRAP_FAULT)."""
    names = enum_names("enum kip_trap_op")
    names[enum_value("TRAP_FAULT", 8)] = "TRAP_FAULT"
    return names.get(op, str(op))


# ---------------------------------------------------------- kernel state


def kernel():
    """The struct kernel (a gdb.Value), or None when kip is not booted."""
    try:
        kern = gdb.parse_and_eval("kern")
        if int(kern) == 0:
            return None
        return kern.dereference()
    except gdb.error:
        return None


def require_kernel():
    """The struct kernel; raises gdb.GdbError when kip is not booted."""
    k = kernel()
    if k is None:
        raise gdb.GdbError("kip is not booted")
    return k


def slot_count(k):
    """Number of slots in the process table."""
    return k["procs"].type.range()[1] + 1


def is_free(p):
    """True if process-table entry P is a free slot."""
    return bool(int(p["p_rts"]) & rts_flags()["free"])


def live_procs(k):
    """Every process-table entry in use, in slot order."""
    procs = k["procs"]
    return [procs[i] for i in range(slot_count(k)) if not is_free(procs[i])]


def proc_by_endpoint(k, ep):
    """The live struct proc with endpoint EP, or None."""
    if ep < 0:
        return None
    slot = ep % enum_value("KIP_EP_GEN_SIZE", 1 << 15)
    if slot >= slot_count(k):
        return None
    p = k["procs"][slot]
    if is_free(p) or int(p["p_endpoint"]) != ep:
        return None
    return p


def proc_name(p):
    """The name of process P as a Python string."""
    return p["p_name"].string(length=-1).split("\0")[0]


def endpoint_text(k, ep):
    """'name (ep)' for a live process or a special endpoint."""
    special = special_endpoints()
    if ep in special:
        return "%s (%d)" % (special[ep], ep)
    p = proc_by_endpoint(k, ep)
    if p is None:
        return "%d (dead)" % ep
    return "%s (%d)" % (proc_name(p), ep)


def current_proc(k):
    """The running process (kern->cpu.current), or None in the kernel."""
    cur = k["cpu"]["current"]
    return cur.dereference() if int(cur) else None


def last_proc(k):
    """The process that ran last (kern->cpu.last): while the kernel runs,
    the one whose trap it handles.  None if no process ran yet."""
    last = k["cpu"]["last"]
    return last.dereference() if int(last) else None


def same_proc(p, q):
    """True if P and Q are the same process-table entry."""
    return q is not None and int(p.address) == int(q.address)


def proc_state(p, running):
    """The state of P: runnable, running, sending, receiving, sendrec,
    stopped or faulted (several joined by '+')."""
    flags, rts = rts_flags(), int(p["p_rts"])
    words = [w for w in ("faulted", "stopped") if rts & flags[w]]
    if rts & (flags["sending"] | flags["receiving"]):
        if bool(p["p_reply_wait"]):
            words.append("sendrec")
        elif rts & flags["sending"]:
            words.append("sending")
        else:
            words.append("receiving")
    if not words:
        words.append("running" if running else "runnable")
    return "+".join(words)


def blocked_on(k, p):
    """Whom P waits for: its SEND target or its RECEIVE source."""
    flags, rts = rts_flags(), int(p["p_rts"])
    if rts & flags["sending"]:
        return endpoint_text(k, int(p["p_sendto"]))
    if rts & flags["receiving"]:
        return endpoint_text(k, int(p["p_getfrom"]))
    return "-"


def trap_text(k, p):
    """The trap the kernel is handling for P (P trapped last and the kernel
    has not finished with it), else ''."""
    if current_proc(k) is not None or not same_proc(p, last_proc(k)):
        return ""
    op = int(p["p_trap_op"])
    if op == enum_value("TRAP_NONE", 9):
        return ""
    return trap_op_name(op)


# ---------------------------------------------------------------- kip ps


def ps_lines(k):
    """The lines `kip ps` prints."""
    fmt = "%1s %4s %8s  %-15s %-10s %-20s %4s %12s  %s"
    lines = [fmt % ("", "slot", "endpoint", "name", "state", "blocked on",
                    "prio", "cpu ns", "trap")]
    cur = current_proc(k)
    for p in live_procs(k):
        running = same_proc(p, cur)
        lines.append(fmt % ("*" if running else "", int(p["p_slot"]),
                            int(p["p_endpoint"]), proc_name(p),
                            proc_state(p, running), blocked_on(k, p),
                            int(p["p_priority"]), int(p["p_cpu_ns"]),
                            trap_text(k, p)))
    where = proc_name(cur) if cur is not None else "the kernel"
    lines.append("(running: %s; virtual time %d ns)" %
                 (where, int(k["clock"]["now"])))
    return lines


# --------------------------------------------------------------- kip msg


def message_type():
    """The gdb type `message`."""
    return gdb.lookup_type("message")


def message_value(expr):
    """The message EXPR names: a message, a pointer to one, or an address."""
    v = gdb.parse_and_eval(expr)
    code = v.type.strip_typedefs().code
    if code == gdb.TYPE_CODE_PTR:
        if int(v) == 0:
            raise gdb.GdbError("%s is a NULL pointer" % expr)
        v = v.dereference()
    elif code == gdb.TYPE_CODE_INT:
        if int(v) == 0:
            raise gdb.GdbError("%s is 0, not a message" % expr)
        v = v.cast(message_type().pointer()).dereference()
    if v.type.strip_typedefs().unqualified() != message_type().strip_typedefs():
        raise gdb.GdbError("%s is not a message (it is %s)" % (expr, v.type))
    return v


def kcall_payloads():
    """{kernel call name: message union member}, as in kip/message.h."""
    table = {
        "m_create": ("SYS_CREATE",),
        "m_proc": ("SYS_KILL", "SYS_STOP", "SYS_RESUME", "SYS_EXIT",
                   "SYS_SHUTDOWN", "SYS_SETMANAGER"),
        "m_privctl": ("SYS_PRIVCTL",),
        "m_safecopy": ("SYS_SAFECOPYFROM", "SYS_SAFECOPYTO"),
        "m_setgrant": ("SYS_SETGRANT",),
        "m_page": ("SYS_PAGE_ALLOC", "SYS_PAGE_FREE", "SYS_PAGE_LIST",
                   "SYS_PAGE_PROTECT"),
        "m_dev": ("SYS_DEVCTL", "SYS_DEVIO", "SYS_DMA"),
        "m_irq": ("SYS_IRQCTL",),
        "m_time": ("SYS_SETALARM", "SYS_TIMES"),
        "m_getinfo": ("SYS_GETINFO",),
        "m_event": ("SYS_GETEVENT",),
        "m_print": ("SYS_PRINT",),
    }
    return {call: member for member, calls in table.items() for call in calls}


def payload_member(type_name):
    """The union member carrying TYPE_NAME's payload, or None (raw)."""
    if type_name == "NOTIFY_MESSAGE":
        return "m_notify"
    if type_name.startswith(("ECHO_", "TEST_")):
        return "m_demo"
    return kcall_payloads().get(type_name)


def msg_base():
    """KIP_MSG_BASE of kip/msgtypes.h (a macro, so not in the debug info):
    request types are >= it, a reply's status is below it."""
    return 0x100


def type_text(m_type):
    """(text, name or None) describing an m_type."""
    name = msg_type_names().get(m_type)
    if name is not None:
        return "%s (0x%x)" % (name, m_type), name
    if m_type < msg_base():
        err = error_name(m_type) if m_type < 0 else None
        return "reply status %d%s" % (m_type, " (%s)" % err if err else ""), None
    return "unknown type 0x%x" % m_type, None


def source_text(k, ep):
    """The m_source line: endpoint and the process's name if it lives."""
    if ep == 0:
        return "0 (not stamped yet: the kernel sets m_source on delivery)"
    if k is None:
        return str(ep)
    return endpoint_text(k, ep)


def hex_lines(data, indent):
    """Hex dump lines of DATA (bytes), 16 a line, with offsets."""
    return ["%s+%02d  %s" % (indent, off, " ".join("%02x" % b for b in data[off:off + 16]))
            for off in range(0, len(data), 16)]


def payload_lines(m, member):
    """The fields of payload MEMBER of message M, one a line."""
    v = m[member]
    lines = ["  payload (%s, %s):" % (member, v.type)]
    for f in v.type.strip_typedefs().fields():
        lines.append("    %-10s = %s" % (f.name, v[f.name].format_string(repeat_threshold=8)))
    return lines


def msg_lines(k, m):
    """The lines `kip msg` prints for message value M."""
    m_type = int(m["m_type"])
    text, name = type_text(m_type)
    lines = ["message at 0x%x:" % int(m.address) if m.address is not None else "message:",
             "  source  %s" % source_text(k, int(m["m_source"])),
             "  type    %s" % text]
    member = payload_member(name) if name else None
    if member:
        return lines + payload_lines(m, member)
    raw = bytes(int(b) & 0xff for b in (m["m_raw"][i] for i in range(56)))
    what = "raw bytes"
    if m_type < msg_base():
        what += "; a reply reuses its request's layout"
    return lines + ["  payload (%s):" % what] + hex_lines(raw, "    ")


# ---------------------------------------------------------------- kip bt


def find_proc(k, arg):
    """The process ARG names: a slot number, an endpoint or a name."""
    try:
        number = int(arg, 0)
    except ValueError:
        number = None
    if number is not None and 0 <= number < slot_count(k):
        p = k["procs"][number]
        if is_free(p):
            raise gdb.GdbError("slot %d is free" % number)
        return p
    if number is not None:
        p = proc_by_endpoint(k, number)
        if p is None:
            raise gdb.GdbError("no live process has endpoint %d" % number)
        return p
    found = [p for p in live_procs(k) if proc_name(p) == arg]
    if not found:
        raise gdb.GdbError("no live process is called %s (see kip ps)" % arg)
    if len(found) > 1:
        gdb.write("kip: %d processes are called %s; using slot %d\n" %
                  (len(found), arg, int(found[0]["p_slot"])))
    return found[0]


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


# --------------------------------------------------------- kip break-msg


def function_range(name):
    """(start, end) addresses of function NAME, or None."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is None or sym.addr_class != gdb.SYMBOL_LOC_BLOCK:
        return None
    block = gdb.block_for_pc(int(sym.value().address))
    while block is not None and block.function is None:
        block = block.superblock
    return (block.start, block.end) if block is not None else None


def return_offsets(caller, callee):
    """Offsets into CALLER just after each of its calls to CALLEE (kept
    relative, so that breakpoints follow a PIE binary's relocation)."""
    span = function_range(caller)
    if span is None:
        return []
    arch = gdb.selected_inferior().architecture()
    found = []
    for insn in arch.disassemble(span[0], span[1] - 1):
        if insn["asm"].startswith("call") and ("<%s>" % callee) in insn["asm"]:
            found.append(insn["addr"] + insn["length"] - span[0])
    return found


def message_sites():
    """[(location spec, site kind)] where the kernel delivers messages:
    deliver() (to a blocked receiver), the return of ipc_receive (a
    receive satisfied at once: a queued sender or a pending notification)
    and kcall_dispatch (a kernel call)."""
    sites = []
    if function_range("deliver") is not None:
        sites.append(("-function deliver", "deliver"))
    for caller in ("trap_handle", "trap_ipc"):
        sites += [("*%s+%d" % (caller, off), "receive")
                  for off in return_offsets(caller, "ipc_receive")]
    if function_range("kcall_dispatch") is not None:
        sites.append(("-function kcall_dispatch", "kcall"))
    return sites


def site_message(kind):
    """(message pointer, from, to, is reply) at a message site, or None."""
    k = require_kernel()
    if kind == "deliver":
        frame = gdb.selected_frame()
        return (frame.read_var("m"), int(frame.read_var("from")),
                int(frame.read_var("dst")["p_endpoint"]), bool(frame.read_var("reply")))
    caller = k["cpu"]["last"]
    if kind == "receive":
        result = int(gdb.parse_and_eval("$rax")) & 0xffffffff
        if result != 0:
            return None
        m = caller["p_trap_msg"]
        return m, int(m["m_source"]), int(caller["p_endpoint"]), False
    return (caller["p_trap_msg"], int(caller["p_endpoint"]), endpoint_number("KERNEL"),
            False)


class MessageBreakpoint(gdb.Breakpoint):
    """A breakpoint at one message site that stops only for wanted
    messages: a type number, "reply" or "any"."""

    def __init__(self, spec, kind, wanted):
        super().__init__(spec)
        self.kind = kind
        self.wanted = wanted

    def matches(self, m, reply):
        """True if message M (delivered as a reply or not) is wanted."""
        if self.wanted == "any":
            return True
        if self.wanted == "reply":
            return reply
        return not reply and int(m["m_type"]) == self.wanted

    def stop(self):
        """Decide whether to stop; on a stop, set $kip_msg and say why."""
        try:
            found = site_message(self.kind)
        except (gdb.error, ValueError) as e:
            gdb.write("kip break-msg: cannot read the message here (%s)\n" % e)
            return True
        if found is None or not self.matches(found[0].dereference(), found[3]):
            return False
        m, src, dst, reply = found
        k = kernel()
        gdb.set_convenience_variable("kip_msg", m)
        gdb.write("kip: %s %s -> %s at %s (kip msg $kip_msg)\n" %
                  (type_text(int(m["m_type"]))[0] if not reply else "reply",
                   endpoint_text(k, src), endpoint_text(k, dst), self.kind))
        return True


def parse_wanted(arg):
    """The break-msg argument: a type number, "reply" or "any"."""
    if arg in ("reply", "any"):
        return arg
    number = msg_type_number(arg)
    if number is None:
        raise gdb.GdbError("unknown message type %s (see ptype enum kip_msg_type)" % arg)
    return number


# -------------------------------------------------------------- commands


def fault_signals():
    """The signals kip catches itself when a process faults."""
    return ("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL")


def set_fault_stops(stop):
    """Make gdb stop on process faults (STOP) or pass them silently."""
    how = "stop print pass" if stop else "nostop noprint pass"
    for sig in fault_signals():
        gdb.execute("handle %s %s" % (sig, how), to_string=True)


def plain_errors(invoke):
    """Decorate a command's invoke: a gdb error it raises is reported as
    the command's error message, without a Python traceback."""

    @functools.wraps(invoke)
    def wrapper(self, arg, from_tty):
        try:
            return invoke(self, arg, from_tty)
        except gdb.error as e:
            raise gdb.GdbError(str(e)) from None

    return wrapper


class KipCommand(gdb.Command):
    """Commands for kip, the kernel in a process (docs/gdb.md).

kip ps                          the process table
kip msg EXPR                    decode a message (or pointer to one)
kip bt NAME|SLOT|ENDPOINT       backtrace of a suspended process
kip break-msg TYPE|reply|any    stop when such a message is delivered
kip faults on|off               stop on process faults (SIGSEGV ...) or not"""

    def __init__(self):
        super().__init__("kip", gdb.COMMAND_USER, prefix=True)

    def invoke(self, arg, from_tty):
        """`kip` alone lists the subcommands."""
        gdb.execute("help kip")


class KipPs(gdb.Command):
    """List kip's processes and whom each one waits for.
Columns: slot, endpoint, name, state (runnable, running, sending,
receiving, sendrec, stopped, faulted), whom a blocked process waits on,
priority, CPU time in virtual ns, and the trap the kernel is handling for
it.  The running process is marked with *."""

    def __init__(self):
        super().__init__("kip ps", gdb.COMMAND_USER)

    @plain_errors
    def invoke(self, arg, from_tty):
        """Print the table."""
        k = kernel()
        if k is None:
            gdb.write("kip is not booted\n")
            return
        gdb.write("\n".join(ps_lines(k)) + "\n")


class KipMsg(gdb.Command):
    """Decode a kip message: kip msg EXPR.
EXPR is a message, a pointer to one or an address.  Prints the source
(endpoint, and the process's name if it lives), the type by name (a
reply's m_type is its status) and the payload struct of that type."""

    def __init__(self):
        super().__init__("kip msg", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    @plain_errors
    def invoke(self, arg, from_tty):
        """Print the message."""
        if not arg.strip():
            raise gdb.GdbError("usage: kip msg EXPR")
        m = message_value(arg)
        gdb.write("\n".join(msg_lines(kernel(), m)) + "\n")


class KipBt(gdb.Command):
    """Backtrace of a suspended kip process: kip bt NAME|SLOT|ENDPOINT.
Unwinds from the context the process was switched out with (or from
its captured fault state), then puts every register back.  Anything after
the process goes to bt (for example: kip bt echo full).  For the running
process use plain bt."""

    def __init__(self):
        super().__init__("kip bt", gdb.COMMAND_STACK)

    @plain_errors
    def invoke(self, arg, from_tty):
        """Print the backtrace."""
        words = arg.split(None, 1)
        if not words:
            raise gdb.GdbError("usage: kip bt NAME|SLOT|ENDPOINT [BT-ARGS]")
        k = require_kernel()
        p = find_proc(k, words[0])
        if same_proc(p, current_proc(k)):
            raise gdb.GdbError("%s is running: use plain bt" % proc_name(p))
        backtrace(k, p, words[1] if len(words) > 1 else "")


class KipBreakMsg(gdb.Command):
    """Stop when a kip message is delivered: kip break-msg TYPE|reply|any.
TYPE is a name from enum kip_msg_type (ECHO_REQUEST, SYS_TIMES, ...) or a
number; "reply" stops on replies, "any" on every message.  Sets breakpoints
on deliver(), the return of ipc_receive() in trap_handle and on
kcall_dispatch(); on a stop $kip_msg points at the message."""

    def __init__(self):
        super().__init__("kip break-msg", gdb.COMMAND_BREAKPOINTS)

    @plain_errors
    def invoke(self, arg, from_tty):
        """Set the breakpoints."""
        if not arg.strip():
            raise gdb.GdbError("usage: kip break-msg TYPE|reply|any")
        wanted = parse_wanted(arg.strip())
        sites = message_sites()
        if not sites:
            raise gdb.GdbError("no message delivery site found; try break trap_handle")
        numbers = [MessageBreakpoint(spec, kind, wanted).number for spec, kind in sites]
        gdb.write("kip: breakpoints %s stop on %s\n" %
                  (", ".join(map(str, numbers)), arg.strip()))


class KipFaults(gdb.Command):
    """Stop, or not, when a kip process faults: kip faults on|off.
on: stop on SIGSEGV, SIGBUS, SIGFPE and SIGILL; continuing passes the
signal on to kip, which catches it and pins it on the process.
off (the default): pass them to kip without stopping."""

    def __init__(self):
        super().__init__("kip faults", gdb.COMMAND_RUNNING)

    @plain_errors
    def invoke(self, arg, from_tty):
        """Change how gdb handles the fault signals."""
        if arg.strip() not in ("on", "off"):
            raise gdb.GdbError("usage: kip faults on|off")
        set_fault_stops(arg.strip() == "on")
        gdb.write("kip: gdb %s on process faults\n" %
                  ("stops" if arg.strip() == "on" else "does not stop"))


def install():
    """Set up signal handling and register the commands."""
    set_fault_stops(False)
    gdb.execute("handle SIGPROF nostop noprint pass", to_string=True)
    KipCommand()
    KipPs()
    KipMsg()
    KipBt()
    KipBreakMsg()
    KipFaults()


install()
