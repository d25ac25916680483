"""Per-person flood control: a token bucket per private chat, kept in memory only."""

from __future__ import annotations

import time
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import SaparContext
from bot.telegram.outgoing import send_to_person
from content.i18n import gettext_for


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class FloodGuard:
    """Allow bursts of `burst` events, then `rate` per second; one warning per flood."""

    def __init__(self, burst: int = 12, rate: float = 1.0, max_chats: int = 100_000) -> None:
        self.burst = burst
        self.rate = rate
        self.max_chats = max_chats
        self._buckets: dict[int | str, _Bucket] = {}

    def allow(self, chat_id: int | str, now: float | None = None) -> tuple[bool, bool]:
        """Return (allowed, should_warn) for one event from a chat (or any other key)."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= self.max_chats:
                self._prune(now)
            bucket = self._buckets[chat_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn

    def _prune(self, now: float) -> None:
        full = [k for k, b in self._buckets.items()
                if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]


async def slow_down_floods(update: Update, context: SaparContext) -> None:
    """Drop a flooding person's extra updates (telling them once); others are unaffected.

    This is the first group that needs the person: their session is loaded here, once, and
    every later handler of the update reuses it from the context.
    """
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    state = (await context.load_session()).state
    if state.handoff:
        # never drop (or count) a message meant for the operator; the outbox merges bursts.
        # Counted, a busy hand-off left the person's next messages dropped without a warning.
        return
    allowed, warn = context.bot_data.flood_guard.allow(chat.id)
    if allowed:
        return
    if warn:
        await send_to_person(context, chat.id, gettext_for(state.language)(
            "You are sending messages very fast. Please wait a few seconds, then write again."),
            parse_mode=None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
