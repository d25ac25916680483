"""What the desk has to tell the person about their own messages, as values, and how Telegram
shows them.

The desk's person-side operations (hotline/desk.py: relay_from_user, file_choice) return these
instead of sending; the Telegram layer sends them with `send_notice` (the web chat could show
them its own way).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup


@dataclass(frozen=True)
class Notice:
    """A message for the person: plain text (Telegram HTML when `html`), with one row of
    buttons, each (label, callback data)."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    html: bool = False


@dataclass(frozen=True)
class Taken:
    """The desk took the person's message (queued for the operator, held until they say yes,
    or refused); `notice`: what to tell them now, if anything."""

    notice: Notice | None = None


async def send_notice(bot: Bot, chat_id: int, notice: Notice | None) -> None:
    """Send a notice to the person's private chat (nothing for None)."""
    if notice is None:
        return
    markup = None
    if notice.buttons:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                        for label, data in notice.buttons]])
    if notice.html:
        await bot.send_message(chat_id, notice.text, parse_mode="HTML",
                               disable_web_page_preview=True, reply_markup=markup)
    else:
        await bot.send_message(chat_id, notice.text, reply_markup=markup)
