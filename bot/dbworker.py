"""A second connection to the database, owned by one worker thread, for the turns of people.

SQLite waits up to busy_timeout for a lock another process holds. On the event loop that wait
froze every chat, the operators' relays and the polling itself; here a turn's load and commit
(and the inbox's writes) wait in this thread instead, and the event loop goes on. One thread
keeps the connection's transactions in order; WAL lets the event loop's own connection (the
hotline's outbox and relays) read and write beside it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from bot.storage import connect

T = TypeVar("T")


class DatabaseWorker:
    """Run database calls in one thread that owns its own connection."""

    def __init__(self, path: Path | str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sapar-db")
        self.db: Database = self._executor.submit(connect, path).result()
        self._closed = False

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` in the database thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args))

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` in the database thread from synchronous code and wait."""
        return self._executor.submit(function, *args).result()

    def close(self) -> None:
        """Close the connection and stop the thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._executor.submit(self.db.close).result()
        self._executor.shutdown(wait=True)
