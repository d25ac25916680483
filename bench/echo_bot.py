"""`python -m bench.echo_bot`: the baseline, a bare python-telegram-bot echo bot.

One MessageHandler that replies with the text, nothing else (default Application settings).
It reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL like Sapar does.
"""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.settings import settings_for_command


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def main() -> int:
    """Run the echo bot with long polling until stopped."""
    settings = settings_for_command()
    if settings is None:
        return 2
    if not settings.telegram_bot_token:
        print("configuration error: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    application = (Application.builder().token(settings.telegram_bot_token)
                   .base_url(settings.telegram_api_base_url).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
