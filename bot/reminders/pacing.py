"""Pacing of background sends (alerts, reminders) so that replies to people keep priority.

Telegram lets a bot send about 30 messages a second overall (and about one a second to one
chat). Background sends take at most BACKGROUND_PER_SECOND of that, in a strict sliding window,
and fewer while replies are going out: every request the bot makes outside the background is
noted by the rate limiter (`note_foreground`), and the background waits until the replies of
the last second plus its own stay under OVERALL_PER_SECOND. A reply never waits for the
background; the background waits for replies.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque

OVERALL_PER_SECOND = 29  # Telegram's ~30/s, with a margin for requests counted late
# Replies are never held back, so the background leaves room for a burst of them (an answer
# is often two or three messages): measured with a question every 0.5 s during a broadcast,
# 27 background sends a second made 33 in the busiest second, 23 kept it under 30 until the
# Bot API client lost its per-request thread hop (2026-12-02: requests now leave the moment
# they are let go and arrive closer together: 32-33 with 23 on a busy machine); 20 leave room.
BACKGROUND_PER_SECOND = 20
WINDOW = 1.0
MARGIN = 0.1  # a request is counted when it starts; Telegram counts it when it arrives

BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("sapar_background_send",
                                                                 default=False)


class RecentCount:
    """Times of recent events, counted over the last WINDOW + MARGIN seconds."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def note(self, now: float | None = None) -> None:
        """Count one event now."""
        self._times.append(time.monotonic() if now is None else now)

    def count(self, now: float | None = None) -> int:
        """Return how many events fall inside the window ending now."""
        now = time.monotonic() if now is None else now
        while self._times and self._times[0] <= now - WINDOW - MARGIN:
            self._times.popleft()
        return len(self._times)

    def oldest(self) -> float | None:
        """Return the time of the oldest event still counted."""
        return self._times[0] if self._times else None


FOREGROUND = RecentCount()


def note_foreground() -> None:
    """Count a request that is not a background send (called by the bot's rate limiter)."""
    if not BACKGROUND.get():
        FOREGROUND.note()


class Pacer:
    """Let a background send go only when it fits the budget that replies leave."""

    def __init__(self, per_second: int = BACKGROUND_PER_SECOND,
                 overall: int = OVERALL_PER_SECOND,
                 foreground: RecentCount = FOREGROUND) -> None:
        self.per_second = per_second
        self.overall = overall
        self.foreground = foreground
        self.background = RecentCount()
        self._lock = asyncio.Lock()

    def wait_needed(self, now: float | None = None) -> float:
        """Return how long the next background send must wait (0: it may go now)."""
        now = time.monotonic() if now is None else now
        mine = self.background.count(now)
        theirs = self.foreground.count(now)
        if mine < self.per_second and mine + theirs < self.overall:
            return 0.0
        oldest = [t for t in (self.background.oldest(), self.foreground.oldest())
                  if t is not None]
        return max(0.005, min(oldest) + WINDOW + MARGIN - now) if oldest else 0.005

    async def acquire(self) -> None:
        """Wait for room, count the send, and mark the caller's requests as background."""
        async with self._lock:
            while (delay := self.wait_needed()) > 0:
                await asyncio.sleep(min(delay, 0.05))
            self.background.note()
        BACKGROUND.set(True)
