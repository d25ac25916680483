"""Send one background message to an encrypted chat: the shared step of reminders and alerts."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.dialogue.model import Reply
from bot.reminders.pacing import Pacer
from bot.telegram.render import keyboard
from hotline.crypto import ChatIdCipher

logger = logging.getLogger(__name__)


class Delivery(enum.Enum):
    """What became of one send."""

    SENT = "sent"
    BLOCKED = "blocked"   # 403: the person blocked the bot (or deleted the account)
    FAILED = "failed"     # Telegram will never take it (400: chat not found, bad text)
    RETRY = "retry"       # a 429 or a network error: try again later


def retry_seconds(error: RetryAfter) -> float:
    """Return a RetryAfter's wait in seconds (PTB gives an int or a timedelta)."""
    delay = error.retry_after
    return delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)


Remember = Callable[[int, int], None]  # (chat id, message id): so that /hide can delete it


async def send_reply(bot: Bot, pacer: Pacer, cipher: ChatIdCipher, chat_enc: str,
                     reply: Reply, remember: Remember | None = None) -> tuple[Delivery, float]:
    """Send a reply to an encrypted chat within the pacer's budget; never raise for Telegram.

    Returns the outcome and, for RETRY, how long to wait before the next try.
    """
    try:
        chat_id = cipher.decrypt(chat_enc)
    except ValueError:  # stored under another key (rotated): nobody to reach
        return Delivery.FAILED, 0.0
    await pacer.acquire()
    try:
        message = await bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML,
                                         disable_web_page_preview=True,
                                         reply_markup=keyboard(reply))
    except Forbidden:
        return Delivery.BLOCKED, 0.0
    except RetryAfter as error:
        return Delivery.RETRY, retry_seconds(error)
    except BadRequest as error:
        logger.info("a background message was refused by Telegram: %s", type(error).__name__)
        return Delivery.FAILED, 0.0
    except TelegramError as error:
        logger.warning("a background message failed (%s): it will be retried",
                       type(error).__name__)
        return Delivery.RETRY, 5.0
    if remember is not None:
        remember(chat_id, message.message_id)
    return Delivery.SENT, 0.0
