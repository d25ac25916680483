"""Exit codes that let a supervisor tell a bad configuration from a crash (sysexits.h)."""

from __future__ import annotations

OK = 0
FAILED = 1  # a crash, or a check that found a problem: worth a restart
USAGE = 64  # EX_USAGE: the command line was wrong
DATA = 65  # EX_DATAERR: a backup that cannot be read or fails its checks
STORAGE = 3  # the database cannot be opened or written (read-only or full disk): no restart
LOCKED = 4  # another bot already runs on this data directory: no restart
CONFIG = 78  # EX_CONFIG: fix the configuration first; restarting cannot help
