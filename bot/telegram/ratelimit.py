"""Rate limiting that waits per chat: a "retry after" for one chat never pauses the others.

python-telegram-bot's AIORateLimiter pauses *every* request of the bot while it waits out a 429
for one chat (a person's 429 made someone else wait about 20 s). Here only the request that got
the 429 waits and retries. Code that schedules its own retries (the relay worker, which then
moves on to other cases) sets NO_RETRY and gets the RetryAfter at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.reminders.pacing import note_foreground
from sapar_core.retry import NO_RETRY

logger = logging.getLogger(__name__)


class PerChatRateLimiter(AIORateLimiter):
    """AIORateLimiter's limits (30/s overall, 20/min per group), 429s handled per request."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Run a request inside the limits; on a 429 wait for this request only."""
        retries = 0 if NO_RETRY.get() else (rate_limit_args or self._max_retries)
        chat_id = data.get("chat_id")
        group: int | str | bool = False
        try:
            if chat_id is not None and int(chat_id) < 0:
                group = int(chat_id)
        except (TypeError, ValueError):
            group = str(chat_id)
        if endpoint.startswith(("send", "copy", "forward", "edit")):
            note_foreground()  # background sends (alerts, reminders) make room for replies
        for attempt in range(retries + 1):
            try:
                return await self._run_request(
                    chat=chat_id is not None, group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback, args=args, kwargs=kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = error.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                logger.info("Rate limit hit for one chat. Retrying after %.1f seconds", seconds)
                await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")
