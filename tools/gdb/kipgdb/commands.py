"""tools/gdb/kipgdb/commands.py - the `kip` gdb commands, and install().

One gdb.Command per subcommand (kip ps, kip msg, kip bt, kip break-msg,
kip faults), each a thin shell over model, msg and regs; their docstrings
are gdb's `help` text.  install() sets up signal handling and registers
the commands; tools/gdb/kip.py calls it each time it is loaded.
"""

import functools

import gdb

from .model import (current_proc, find_proc, kernel, proc_name, ps_lines, require_kernel,
                    same_proc)
from .msg import MessageBreakpoint, message_sites, message_value, msg_lines, parse_wanted
from .regs import backtrace

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
