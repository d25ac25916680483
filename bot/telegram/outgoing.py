"""The one place where the bot's own messages to a person are sent (and remembered for /hide)."""

from __future__ import annotations

from collections import deque
from typing import Any

from telegram import Message
from telegram.constants import ParseMode
from telegram.ext import CallbackContext

REMEMBERED_MESSAGES = 100  # how many recent message ids /hide can delete


def remember(context: CallbackContext[Any, Any, Any, Any], message_id: int) -> None:
    """Keep a message id (in memory only) so that /hide can delete it later."""
    sent = context.chat_data.setdefault("recent", deque(maxlen=REMEMBERED_MESSAGES))
    sent.append(message_id)


async def send_to_person(context: CallbackContext[Any, Any, Any, Any], chat_id: int,
                         text: str, **kwargs: Any) -> Message:
    """Send one HTML message to a person's private chat and remember its id for /hide."""
    kwargs.setdefault("parse_mode", ParseMode.HTML)
    kwargs.setdefault("disable_web_page_preview", True)
    message = await context.bot.send_message(chat_id, text, **kwargs)
    remember(context, message.message_id)
    return message
