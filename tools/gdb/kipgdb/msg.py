"""tools/gdb/kipgdb/msg.py - kip's messages: `kip msg` and `kip break-msg`.

Decodes a message: its type by name (enum kip_msg_type), and its payload
as the union member kip/message.h gives that type, else as raw bytes.
Finds where the kernel delivers messages, and sets breakpoints there
that stop only on the wanted ones.  Entry points: message_value(),
msg_lines(), type_text(), parse_wanted(), message_sites(),
MessageBreakpoint.
"""

import gdb

from .model import (endpoint_number, endpoint_text, error_name, kernel, msg_type_names,
                    msg_type_number, require_kernel)

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
        "m_tls": ("SYS_SETTLS",),
    }
    return {call: member for member, calls in table.items() for call in calls}


def payload_member(type_name):
    """The union member carrying TYPE_NAME's payload, or None (raw)."""
    if type_name == "NOTIFY_MESSAGE":
        return "m_notify"
    if type_name.startswith(("ECHO_", "TEST_")):
        return "m_demo"
    if type_name.startswith("BDEV_"):
        return "m_bdev"
    by_name = {"MFS_SETATTR": "m_mfs_setattr", "VFS_PM_SETCRED": "m_vfs_cred"}
    if type_name in by_name:
        return by_name[type_name]
    if type_name in ("VFS_CHMOD", "VFS_FCHMOD", "VFS_CHOWN", "VFS_FCHOWN", "VFS_UTIME"):
        return "m_vfs_attr"
    if type_name.startswith("VFS_AT_"):
        return "m_vfs_at"
    if type_name.startswith("VFS_"):
        return "m_vfs"
    if type_name.startswith("MFS_"):
        return "m_mfs"
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
