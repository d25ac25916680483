"""A strict sliding-window limit: at most `limit` events in any `period` seconds."""

from __future__ import annotations

import asyncio
import time
from collections import deque


class SlidingWindow:
    """Telegram lets a bot post about 20 messages a minute into one group: never more.

    Unlike a token bucket, no burst can exceed the limit inside any window of `period`. An
    event is counted when its request starts; Telegram counts it when it arrives, a little
    later and not always in the same order, so a window here lasts `margin` seconds longer.
    """

    def __init__(self, limit: int = 20, period: float = 60.0, margin: float = 1.0) -> None:
        self.limit = limit
        self.period = period
        self.margin = margin
        self._events: deque[float] = deque()
        self._lock = asyncio.Lock()

    def wait_needed(self, now: float | None = None) -> float:
        """Return how long the next event must wait (0 when it may go now)."""
        now = time.monotonic() if now is None else now
        span = self.period + self.margin
        while self._events and self._events[0] <= now - span:
            self._events.popleft()
        if len(self._events) < self.limit:
            return 0.0
        return self._events[0] + span - now

    async def acquire(self) -> None:
        """Wait until one more event fits in the window, then count it."""
        async with self._lock:
            while (delay := self.wait_needed()) > 0:
                await asyncio.sleep(delay)
            self._events.append(time.monotonic())
