"""One anonymous question after a case is closed: "Did this help?" (1-5) and an optional comment.

Stored without the pseudonym or the case code, by ISO week only, and counted in the weekly
statistics with small cells suppressed. The comment is the person's next message after their
answer (the bot keeps which chat may comment in memory only, never in the database).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from html import escape

from sqlite_utils import Database
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from content.i18n import gettext_for
from hotline.context import HotlineContext, private_button

SCORES = range(1, 6)
TOKEN_DAYS = 7  # an unanswered question's buttons stop working after a week
MAX_COMMENT = 500
COMMENT_KEY = "hl_rating_comment"  # chat_data (memory only): the rating the next text comments


def week_of(day: date) -> str:
    """Return the Monday of a date's ISO week."""
    return (day - timedelta(days=day.weekday())).isoformat()


def new_question(db: Database) -> str:
    """Store a one-time token for a question's buttons; return it."""
    token = secrets.token_urlsafe(9)
    with db.conn:
        db.conn.execute("DELETE FROM rating_tokens WHERE created_at <= ?", [
            (datetime.now(UTC) - timedelta(days=TOKEN_DAYS)).isoformat(timespec="seconds")])
        db.conn.execute("INSERT INTO rating_tokens (token, created_at) VALUES (?, ?)",
                        [token, datetime.now(UTC).date().isoformat()])
    return token


def question(language: str, token: str) -> tuple[str, InlineKeyboardMarkup]:
    """Return the question and its buttons in the person's language."""
    _ = gettext_for(language)
    text = escape(_("Did this chat with the hotline help you? Choose from 1 (not at all) to 5 "
                    "(very much). Your answer is anonymous: it is not linked to you or your "
                    "case."))
    return text, InlineKeyboardMarkup([[InlineKeyboardButton(str(n), callback_data=(
        f"hlrate:{token}:{n}")) for n in SCORES]])


def answer(db: Database, token: str, score: int) -> int | None:
    """Store an answer once; return the rating's row id, or None for a used or forged token."""
    if score not in SCORES:
        return None
    with db.conn:
        used = db.conn.execute("DELETE FROM rating_tokens WHERE token = ?", [token]).rowcount
        if used != 1:
            return None
        cursor = db.conn.execute("INSERT INTO ratings (week, score) VALUES (?, ?)",
                                 [week_of(datetime.now(UTC).date()), score])
    return int(cursor.lastrowid or 0)


def scrub(text: str) -> str:
    """Drop what could identify someone from a comment: numbers, @usernames, links."""
    text = re.sub(r"\+?\d[\d\s()-]{4,}\d", "[number]", text)
    text = re.sub(r"@\w+", "[username]", text)
    text = re.sub(r"https?://\S+", "[link]", text)
    return text.strip()[:MAX_COMMENT]


async def on_rating(update: Update, context: HotlineContext) -> None:
    """A person pressed 1-5 under the question."""
    pressed = await private_button(update, context)
    if pressed is None:
        return
    chat_id, parts = pressed
    _ = gettext_for(context.session.state.language)
    valid = len(parts) == 3 and parts[2].isdecimal() and len(parts[2]) == 1
    row = answer(context.bot_data.desk.db, parts[1], int(parts[2])) if valid else None
    if row is None:
        await context.bot.send_message(chat_id, _("That button is no longer valid."))
        return
    assert context.chat_data is not None  # a private chat's update has its chat_data
    context.chat_data[COMMENT_KEY] = row
    await context.bot.send_message(chat_id, _(
        "Thank you. If you want to add a comment, write it in your next message (without "
        "names or numbers); otherwise just go on."))


async def take_comment(context: HotlineContext, message: Message) -> bool:
    """Store the person's next text after a rating as its comment; True when it was one."""
    row = context.chat_data.pop(COMMENT_KEY, None) if context.chat_data is not None else None
    if row is None or not message.text or message.text.startswith("/"):
        return False
    db = context.bot_data.desk.db
    with db.conn:
        db.conn.execute("UPDATE ratings SET comment = ? WHERE id = ?",
                        [scrub(message.text), row])
    _ = gettext_for(context.session.state.language)
    await context.bot.send_message(message.chat_id, _("Thank you, your comment was saved."))
    return True
