"""One bot per database: two instances on one data directory sent every relay 2-4 times."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

EXIT_LOCKED = 4
LOCK_FILE = "sapar.lock"


class InstanceLockedError(RuntimeError):
    """Another process already runs the bot on this data directory."""


def hold_instance_lock(data_dir: Path) -> int:
    """Take the data directory's lock for the life of the process; return its descriptor.

    The operating system releases it when the process ends, however it ends (SIGKILL too), so
    a crash never leaves a stale lock behind.
    """
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise InstanceLockedError(
            f"another Sapar bot is already running on {data_dir} (it holds {path}); stop it "
            "first, or give this one its own SAPAR_DATA_DIR") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd
