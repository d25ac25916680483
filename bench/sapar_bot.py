"""`python -m bench.sapar_bot`: Sapar as `python -m bot telegram` runs it, without AIORateLimiter.

For benchmarks against the local fake Bot API only. The rate limiter keeps a real bot inside
Telegram's ~30 messages/s; left on, it would cap every throughput figure at that limit.
"""

from __future__ import annotations

import sys

from telegram import Update

from bot.runtime import build_runtime, configure_logging
from bot.settings import settings_for_command
from bot.telegram.app import build_application, prefer_the_event_loop


def main() -> int:
    """Run the unthrottled bot with long polling until stopped."""
    settings = settings_for_command()
    if settings is None:
        return 2
    if not settings.telegram_api_base_url.startswith(("http://127.0.0.1", "http://localhost")):
        print("bench.sapar_bot runs only against a local fake Bot API "
              "(TELEGRAM_API_BASE_URL on 127.0.0.1)", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    application = build_application(build_runtime(settings), rate_limiter=False)
    prefer_the_event_loop()
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
