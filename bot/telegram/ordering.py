"""Process different people's updates concurrently, but each person's strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """One lock per chat: a slow parse for one person never delays another person.

    `on_start` runs in the update's own task before its handlers (what it sets in a context
    variable is seen by them); `on_done` runs after them, inside the chat's lock (the durable
    inbox marks the update done there, so at most one update per chat is ever in flight).
    """

    def __init__(self, max_concurrent_updates: int = 64,
                 on_done: Callable[[object], Awaitable[None]] | None = None,
                 on_start: Callable[[], None] | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.on_done = on_done
        self.on_start = on_start
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers after every earlier update of the same chat."""
        if self.on_start is not None:
            self.on_start()
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            try:
                await coroutine
            finally:
                await self._done(update)
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                try:
                    await coroutine
                finally:
                    await self._done(update)
        finally:
            self._waiting[chat.id] -= 1
            if self._waiting[chat.id] == 0:
                del self._waiting[chat.id]
                del self._locks[chat.id]

    async def _done(self, update: object) -> None:
        if self.on_done is not None:
            await self.on_done(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
