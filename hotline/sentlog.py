"""The messages of each private chat that /hide can delete, kept per pseudonym in SQLite.

Telegram lets a bot delete any message of a private chat (its own and the person's) for 48
hours after it was sent, never later. So every message the bot sends to a person (answers,
the case code, operators' replies, files) and every message the person sends is recorded here
by pseudonym and message id only (never the chat id or any text), and forgotten after 48 h,
on /hide and on /forget.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database
from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from content.i18n import gettext_for
from hotline.context import HotlineContext

logger = logging.getLogger(__name__)
DELETABLE_FOR = timedelta(hours=48)  # Telegram's limit for bots deleting messages
PER_REQUEST = 100  # deleteMessages takes at most 100 ids
PURGE_EVERY = timedelta(hours=1)  # expired ids are deleted at most this late after 48 h
Clock = Callable[[], datetime]


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


@dataclass
class HideReport:
    """What /hide did: how many messages it asked Telegram to delete, and how many failed."""

    deleted: int
    failed: int


Row = tuple[str, int, str, int]  # user_key, message_id, at, own
_BATCH: ContextVar[list[Row] | None] = ContextVar("sapar_sent_batch", default=None)
INSERT = "INSERT INTO sent_messages (user_key, message_id, at, own) VALUES (?, ?, ?, ?)"


class SentLog:
    """Message ids of private chats, by pseudonym, for at most 48 hours.

    While an update is handled (`start_batch` in its task) the ids wait in memory and are
    written with the update's "done" in one commit (`take_batch`, `write`); ids recorded
    elsewhere (relays, reminders) are written at once. A crash in between loses only ids of
    that update, which is handled again anyway.
    """

    def __init__(self, db: Database, user_key: Callable[[int], str],
                 clock: Clock | None = None) -> None:
        self.db = db
        self.user_key = user_key
        self.clock = clock or (lambda: datetime.now(UTC))
        self._purged_at: datetime | None = None

    @staticmethod
    def start_batch() -> None:
        """Collect the ids recorded from now on in this task (an update's handlers)."""
        _BATCH.set([])

    @staticmethod
    def take_batch() -> list[Row]:
        """Return and stop the batch of this task."""
        rows = _BATCH.get() or []
        _BATCH.set(None)
        return rows

    @staticmethod
    def write(db: Database, rows: list[Row]) -> None:
        """Insert collected rows (the caller commits)."""
        if rows:
            db.conn.executemany(INSERT, rows)

    def record(self, chat_id: int, message_id: int, own: bool = False) -> None:
        """Remember one message of a private chat; a database error never stops the send."""
        row = (self.user_key(chat_id), message_id, _iso(self.clock()), int(own))
        batch = _BATCH.get()
        if batch is not None:
            batch.append(row)
            return
        try:
            self.db.execute(INSERT, list(row))
            self.db.conn.commit()
            if self._purged_at is None or self.clock() - self._purged_at >= PURGE_EVERY:
                self.purge()
        except sqlite3.Error as error:
            logger.warning("could not record a sent message for /hide (%s)",
                           type(error).__name__)

    def recent(self, user_key: str) -> list[int]:
        """Return the ids of a person's messages that can still be deleted, oldest first
        (the ones of the update being handled, such as the /hide itself, included)."""
        cutoff = _iso(self.clock() - DELETABLE_FOR)
        stored = {row[0] for row in self.db.execute(
            "SELECT DISTINCT message_id FROM sent_messages WHERE user_key = ? AND at > ?",
            [user_key, cutoff]).fetchall()}
        waiting = {row[1] for row in _BATCH.get() or () if row[0] == user_key}
        return sorted(stored | waiting)

    def forget(self, user_key: str) -> None:
        """Drop every id of a person (after /hide, or /forget)."""
        batch = _BATCH.get()
        if batch is not None:
            batch[:] = [row for row in batch if row[0] != user_key]
        with self.db.conn:
            self.db.conn.execute("DELETE FROM sent_messages WHERE user_key = ?", [user_key])

    def purge(self) -> int:
        """Delete the ids older than 48 h (Telegram would refuse to delete them anyway)."""
        self._purged_at = self.clock()
        with self.db.conn:
            cursor = self.db.conn.execute("DELETE FROM sent_messages WHERE at <= ?",
                                          [_iso(self.clock() - DELETABLE_FOR)])
        return cursor.rowcount


def message_ids_in(result: Any) -> list[int]:
    """Return the message ids a Bot API answer carries (a message, a list, a MessageId)."""
    items = result if isinstance(result, list) else [result]
    return [int(item["message_id"]) for item in items
            if isinstance(item, dict) and isinstance(item.get("message_id"), int)]


def sent_hook(log: SentLog) -> Callable[[str, Any, Any], None]:
    """Return the hook the bot calls after each request: record new messages to persons."""
    def hook(endpoint: str, data: Any, result: Any) -> None:
        if not (endpoint.startswith(("send", "copyMessage", "forwardMessage"))
                and isinstance(data, dict)):
            return
        try:
            chat_id = int(data.get("chat_id"))
        except (TypeError, ValueError):
            return
        if chat_id <= 0:  # groups and channels: only private chats are hidden
            return
        for message_id in message_ids_in(result):
            log.record(chat_id, message_id)
    return hook


async def remember_incoming(update: Update, context: HotlineContext) -> None:
    """Record the id of each message a person sends in a private chat (for /hide)."""
    message = update.message
    chat = update.effective_chat
    log = context.bot_data.sent_log
    if log is None or message is None or chat is None or chat.type != "private":
        return
    log.record(chat.id, message.message_id, own=True)


async def hide_chat(bot: Bot, log: SentLog, chat_id: int, language: str) -> HideReport:
    """Delete what Telegram still lets the bot delete in a chat, then say honestly what stays."""
    user_key = log.user_key(chat_id)
    ids = log.recent(user_key)
    deleted = failed = 0
    for start in range(0, len(ids), PER_REQUEST):
        chunk = ids[start:start + PER_REQUEST]
        try:
            await bot.delete_messages(chat_id, chunk)
            deleted += len(chunk)
        except TelegramError as error:  # Telegram skips what it cannot delete; this is worse
            failed += len(chunk)
            logger.info("/hide: %s message(s) could not be deleted (%s)", len(chunk),
                        type(error).__name__)
    log.forget(user_key)
    _ = gettext_for(language)
    text = _("Done: I deleted the messages of this chat from the last 48 hours, mine and "
             "yours ({count}).").format(count=deleted)
    if failed:
        text += " " + _("Telegram refused to delete {count} of them.").format(count=failed)
    text += "\n\n" + _("Telegram does not let a bot delete messages older than 48 hours. "
                       "Delete those yourself: press and hold a message, then Delete. You can "
                       "also delete the whole chat from your list of chats.")
    await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    return HideReport(deleted, failed)
