"""One running bot per data directory: a lock file that the bot holds while it runs.

`restore` and `rotate-key` refuse to touch a database whose bot is running unless told to; the
lock (an advisory flock, released by the kernel when the process ends, even on SIGKILL) is how
they know.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

LOCK_FILE = "sapar.lock"


class AlreadyRunningError(RuntimeError):
    """Another process holds the data directory's lock."""


class RunLock:
    """Hold the data directory's lock for as long as this object lives (or until release)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._handle: IO[str] | None = None

    def acquire(self) -> RunLock:
        """Take the lock or raise AlreadyRunningError."""
        handle = open(self.path, "a+")  # noqa: SIM115 (held open on purpose)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyRunningError(
                f"another Sapar bot is already running on {self.path.parent} (it holds "
                f"{self.path}); stop it first, or give this one its own SAPAR_DATA_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        """Let the lock go."""
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_running(data_dir: Path) -> bool:
    """Return True when a Sapar process holds the lock of this data directory."""
    path = data_dir / LOCK_FILE
    if not path.exists():
        return False
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
