"""The flag by which code that schedules its own retries asks the rate limiter for none.

The bot's per-chat rate limiter (bot/telegram/ratelimit.py) waits out a 429 and retries; the
relay worker and the broadcast set NO_RETRY in their task, get the RetryAfter at once, and move
on to other work.
"""

from __future__ import annotations

import contextvars

NO_RETRY: contextvars.ContextVar[bool] = contextvars.ContextVar("sapar_no_retry", default=False)
