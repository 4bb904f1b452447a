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

This file only loads the package beside it, tools/gdb/kipgdb/ (its
__init__.py lists the modules), and registers the commands.  Loading it
again re-reads the package, so edits take effect without restarting gdb.
"""

import os
import sys


def load():
    """Import tools/gdb/kipgdb afresh from beside this file, whatever gdb's
    working directory, without writing __pycache__, then install it."""
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    sys.dont_write_bytecode = True
    for name in [n for n in sys.modules if n == "kipgdb" or n.startswith("kipgdb.")]:
        del sys.modules[name]
    import kipgdb.commands  # pylint: disable=import-outside-toplevel
    kipgdb.commands.install()


load()
