"""What the parallel test workers (pytest-xdist) share: a lock for writing shared files."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def one_worker_at_a_time(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[None]:
    """Hold a lock shared by the parallel workers of this run (their temporary folders have
    one parent), so that only one of them writes a shared file (the catalogs, the model)."""
    with (tmp_path_factory.getbasetemp().parent / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
