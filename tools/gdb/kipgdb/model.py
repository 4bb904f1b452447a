"""tools/gdb/kipgdb/model.py - kip's kernel state, read from its debug info.

Reads struct kernel, struct proc and kip's enums out of the inferior and
describes them: a process's name, its state and whom it waits on, an
endpoint as 'name (ep)', message type and error names.  Entry points:
kernel(), require_kernel(), live_procs(), find_proc(), proc_name(),
current_proc(), same_proc(), endpoint_text(), msg_type_names(),
error_name(), and ps_lines() (what `kip ps` prints).
"""

import errno

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


# ----------------------------------------------------- finding a process


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
