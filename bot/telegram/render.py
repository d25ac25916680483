"""Turn dialogue replies into Telegram message parameters."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialogue import Reply

MAX_MESSAGE = 4096


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Return the inline keyboard of a reply, or None when it has no buttons."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row]
         for row in reply.buttons])


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split a long text at paragraph or line breaks so no part exceeds Telegram's limit."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts
