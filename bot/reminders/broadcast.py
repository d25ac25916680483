"""Alerts to a topic's subscribers: a preview, a confirmation, then a paced, resumable send.

Confirming copies the topic's subscribers into `broadcast_queue` (one row each, pseudonym and
encrypted chat id only). Each row stays pending until Telegram has accepted its message, so a
crash or a restart resumes with exactly the rows not yet marked: nobody is missed, and only
the sends in flight at the crash (at most `concurrency`) can go out twice. When the last row
is done the queue rows are deleted and only the counts stay. A 403 ("bot was blocked by the
user") unsubscribes the person from everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from sqlite_utils import Database
from telegram import Bot

from bot.dialogue.model import Button, Reply
from bot.reminders.background import BackgroundLoop
from bot.reminders.pacing import BACKGROUND, Pacer
from bot.reminders.sending import Delivery, Remember, send_reply
from bot.reminders.store import iso_week
from bot.reminders.topics import topic_label
from content.alerts import Alert
from content.formatting import format_date
from content.i18n import gettext_for
from hotline.crypto import ChatIdCipher
from sapar_core.retry import NO_RETRY

logger = logging.getLogger(__name__)
PREVIEW, SENDING, DONE, CANCELLED = "preview", "sending", "done", "cancelled"
CONCURRENCY = 8  # sends in flight at once (Telegram answers in ~50-150 ms)
PROGRESS_EVERY = 15.0  # seconds between two progress updates to the sender
POLL_SECONDS = 2.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Broadcast:
    """One alert being (or to be) sent to a topic's subscribers, with its counts."""

    id: int
    alert_id: str
    topic: str
    texts: dict[str, str]
    status: str
    total: int
    sent: int
    failed: int
    blocked: int
    progress_chat: int | None = None
    progress_message: int | None = None

    @property
    def done(self) -> int:
        """Return how many subscribers were dealt with (sent, blocked or failed)."""
        return self.sent + self.failed + self.blocked


def alert_message(alert: Alert, language: str) -> str:
    """Return the text of an alert in one language, with its sources and date."""
    _ = gettext_for(language)
    checked = format_date(alert.last_verified, language)
    text = alert.text[language].replace("{last_verified}", checked)
    names = []
    for source in alert.sources[:3]:
        label = escape(f"{source.name} ({source.year})", quote=False)
        names.append(f'<a href="{escape(source.url)}">{label}</a>' if source.url else label)
    return (text + "\n\n<i>" + _("Source: {sources}").format(sources="; ".join(names))
            + "</i>")


def alert_reply(texts: dict[str, str], topic: str, language: str) -> Reply:
    """Return the message a subscriber gets, with the buttons to unsubscribe or see more."""
    _ = gettext_for(language)
    header = "🔔 " + _("Alert: {topic}").format(topic=escape(topic_label(topic, language)))
    return Reply(header + "\n\n" + texts[language], ((
        Button(_("Unsubscribe"), f"alerts:off:{topic}"),
        Button(_("My alerts"), "alerts:list")),), language=language, kind="alert")


class BroadcastStore:
    """Broadcasts and their delivery queue."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, alert: Alert, origin: str, progress_chat: int | None = None) -> int:
        """Record an alert for preview; nothing is sent before `confirm`."""
        texts = {language: alert_message(alert, language) for language in alert.text}
        row = self.db["broadcasts"].insert({
            "alert_id": alert.id, "topic": alert.topic, "origin": origin,
            "texts": json.dumps(texts, ensure_ascii=False), "status": PREVIEW,
            "created_at": _now(), "progress_chat": progress_chat}).last_pk
        self.db.conn.commit()
        return int(row)

    def get(self, broadcast_id: int) -> Broadcast | None:
        """Return a broadcast, or None."""
        rows = list(self.db.query("SELECT * FROM broadcasts WHERE id = ?", [broadcast_id]))
        return self._broadcast(rows[0]) if rows else None

    def confirm(self, broadcast_id: int) -> Broadcast | None:
        """Queue the topic's subscribers of the moment; None when it was not a preview."""
        with self.db.conn:
            row = self.db.execute("SELECT topic FROM broadcasts WHERE id = ? AND status = ?",
                                  [broadcast_id, PREVIEW]).fetchone()
            if row is None:
                return None
            self.db.conn.execute(
                "INSERT OR IGNORE INTO broadcast_queue (broadcast_id, user_key, language, "
                "chat_enc, status) SELECT ?, user_key, language, chat_enc, 'pending' FROM "
                "subscriptions WHERE topic = ?", [broadcast_id, row[0]])
            total = self.db.execute("SELECT COUNT(*) FROM broadcast_queue WHERE "
                                    "broadcast_id = ?", [broadcast_id]).fetchone()[0]
            self.db.conn.execute(
                "UPDATE broadcasts SET status = ?, total = ?, confirmed_at = ? WHERE id = ?",
                [SENDING, total, _now(), broadcast_id])
        return self.get(broadcast_id)

    def cancel(self, broadcast_id: int) -> bool:
        """Drop a broadcast that was only previewed."""
        with self.db.conn:
            cursor = self.db.conn.execute(
                "UPDATE broadcasts SET status = ? WHERE id = ? AND status = ?",
                [CANCELLED, broadcast_id, PREVIEW])
        return cursor.rowcount == 1

    def sending(self) -> list[Broadcast]:
        """Return the broadcasts being sent, oldest first."""
        return [self._broadcast(row) for row in self.db.query(
            "SELECT * FROM broadcasts WHERE status = ? ORDER BY id", [SENDING])]

    def pending(self, broadcast_id: int, limit: int, skip: set[str]) -> list[dict]:
        """Return queue rows still to send (those in flight left out)."""
        rows = self.db.query(
            "SELECT user_key, language, chat_enc FROM broadcast_queue WHERE broadcast_id = ? "
            "AND status = 'pending' LIMIT ?", [broadcast_id, limit + len(skip)])
        return [row for row in rows if row["user_key"] not in skip][:limit]

    def mark(self, broadcast_id: int, user_key: str, outcome: Delivery) -> None:
        """Record one subscriber's outcome and count it (a row deleted meanwhile is skipped)."""
        column = {Delivery.SENT: "sent", Delivery.BLOCKED: "blocked",
                  Delivery.FAILED: "failed"}[outcome]
        with self.db.conn:
            cursor = self.db.conn.execute(
                "UPDATE broadcast_queue SET status = ? WHERE broadcast_id = ? AND user_key = ? "
                "AND status = 'pending'", [column, broadcast_id, user_key])
            if cursor.rowcount:
                self.db.conn.execute(f"UPDATE broadcasts SET {column} = {column} + 1 "
                                     "WHERE id = ?", [broadcast_id])
            if outcome is Delivery.BLOCKED:
                for table in ("subscriptions", "reminders"):
                    self.db.conn.execute(f"DELETE FROM {table} WHERE user_key = ?", [user_key])

    def finish_if_done(self, broadcast_id: int) -> bool:
        """Close a broadcast with nothing pending: keep its counts, delete its queue rows."""
        with self.db.conn:
            left = self.db.execute("SELECT 1 FROM broadcast_queue WHERE broadcast_id = ? AND "
                                   "status = 'pending' LIMIT 1", [broadcast_id]).fetchone()
            if left is not None:
                return False
            self.db.conn.execute("UPDATE broadcasts SET status = ?, finished_at = ? WHERE "
                                 "id = ? AND status = ?", [DONE, _now(), broadcast_id, SENDING])
            self.db.conn.execute("DELETE FROM broadcast_queue WHERE broadcast_id = ?",
                                 [broadcast_id])
        return True

    def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        """Remember the operators' message that shows the progress (edited as it goes)."""
        with self.db.conn:
            self.db.conn.execute("UPDATE broadcasts SET progress_message = ? WHERE id = ?",
                                 [message_id, broadcast_id])

    def weekly_deliveries(self) -> list[tuple[str, str, int]]:
        """Return (week, topic, messages delivered) for finished and running broadcasts."""
        totals: dict[tuple[str, str], int] = {}
        for row in self.db.query("SELECT topic, sent, COALESCE(finished_at, confirmed_at) AS at "
                                 "FROM broadcasts WHERE status IN (?, ?)", [DONE, SENDING]):
            week = iso_week(datetime.fromisoformat(row["at"]).date())
            totals[(week, row["topic"])] = totals.get((week, row["topic"]), 0) + row["sent"]
        return sorted((week, topic, n) for (week, topic), n in totals.items())

    @staticmethod
    def _broadcast(row: dict) -> Broadcast:
        return Broadcast(row["id"], row["alert_id"], row["topic"], json.loads(row["texts"]),
                         row["status"], row["total"] or 0, row["sent"] or 0, row["failed"] or 0,
                         row["blocked"] or 0, row["progress_chat"], row["progress_message"])


Progress = Callable[[Broadcast], Awaitable[None]]


class BroadcastSender(BackgroundLoop):
    """Send every broadcast being sent, resuming after a restart, paced by the Pacer."""

    task_name = "broadcasts"
    failure = "sending failed; retrying"

    def __init__(self, bot: Bot, store: BroadcastStore, cipher: ChatIdCipher, pacer: Pacer,
                 on_progress: Progress | None = None, concurrency: int = CONCURRENCY,
                 remember: Remember | None = None) -> None:
        self.bot = bot
        self.store = store
        self.cipher = cipher
        self.pacer = pacer
        self.on_progress = on_progress
        self.concurrency = concurrency
        self.remember = remember
        self.wake = asyncio.Event()
        self._paused_until = 0.0

    def notify(self) -> None:
        """A broadcast was confirmed: start at once instead of at the next poll."""
        self.wake.set()

    async def prepare(self) -> None:
        """A 429 comes back here: the whole broadcast pauses, replies do not."""
        NO_RETRY.set(True)

    async def round(self) -> None:
        """Send every broadcast being sent (confirmed here, by the CLI, or before a crash);
        what is pending when the loop stops stays queued for the next start."""
        for broadcast in self.store.sending():
            await self.run(broadcast.id)

    async def pause(self) -> None:
        """Wait for a confirmed broadcast, or poll again after a few seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
        self.wake.clear()

    async def run(self, broadcast_id: int) -> Broadcast | None:
        """Send one broadcast to everyone still pending; return it when finished."""
        BACKGROUND.set(True)
        NO_RETRY.set(True)
        broadcast = self.store.get(broadcast_id)
        if broadcast is None or broadcast.status != SENDING:
            return broadcast
        in_flight: set[str] = set()
        tasks: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        told = loop.time()
        while True:
            room = self.concurrency - len(tasks)
            rows = self.store.pending(broadcast_id, room, in_flight) if room > 0 else []
            for row in rows:
                in_flight.add(row["user_key"])
                task = asyncio.create_task(self._send_one(broadcast, row, in_flight))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if not tasks:
                break
            await asyncio.wait(set(tasks), return_when=asyncio.FIRST_COMPLETED)
            if self.on_progress is not None and loop.time() - told >= PROGRESS_EVERY:
                told = loop.time()
                await self._tell(broadcast_id)
        self.store.finish_if_done(broadcast_id)
        await self._tell(broadcast_id)
        return self.store.get(broadcast_id)

    async def _send_one(self, broadcast: Broadcast, row: dict, in_flight: set[str]) -> None:
        try:
            while True:
                wait = self._paused_until - asyncio.get_running_loop().time()
                if wait > 0:
                    await asyncio.sleep(wait)
                language = row["language"] if row["language"] in broadcast.texts else "ky"
                reply = alert_reply(broadcast.texts, broadcast.topic, language)
                outcome, retry = await send_reply(self.bot, self.pacer, self.cipher,
                                                  row["chat_enc"], reply, self.remember)
                if outcome is not Delivery.RETRY:
                    break
                # Telegram's "retry after" is for the bot: every send of the broadcast waits
                self._paused_until = max(self._paused_until,
                                         asyncio.get_running_loop().time() + retry)
            self.store.mark(broadcast.id, row["user_key"], outcome)
        except Exception:  # the database: the row stays pending and is sent again later
            logger.exception("broadcasts: an outcome could not be recorded")
        finally:
            in_flight.discard(row["user_key"])

    async def _tell(self, broadcast_id: int) -> None:
        broadcast = self.store.get(broadcast_id)
        if self.on_progress is None or broadcast is None:
            return
        try:
            await self.on_progress(broadcast)
        except Exception:  # a progress message that cannot be edited never stops the send
            logger.warning("broadcasts: the progress could not be shown", exc_info=True)
