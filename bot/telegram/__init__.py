"""The Telegram front end (python-telegram-bot v22) over the dialogue core."""

import os

# python-telegram-bot 22.2+ warns on every read of RetryAfter.retry_after (and on building one)
# until a program opts in to timedelta values; our readers accept both (ratelimit.py, relay.py)
os.environ.setdefault("PTB_TIMEDELTA", "1")
