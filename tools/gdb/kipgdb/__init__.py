"""tools/gdb/kipgdb - the gdb extension for kip, loaded by tools/gdb/kip.py.

  model.py     kip's kernel state from its debug info: enums, the process
               table, endpoints and names, the `kip ps` table
  regs.py      a suspended process's saved registers, and `kip bt`
  msg.py       decoding a message (`kip msg`), and the breakpoints that
               stop on delivered messages (`kip break-msg`)
  commands.py  the `kip` gdb commands, and install(), which registers them

Every module imports gdb, so the package loads only inside gdb.
"""
