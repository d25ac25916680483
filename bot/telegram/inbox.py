"""The durable inbox: every update is committed to the database before Telegram learns we have it.

Long polling confirms an update by asking for the next offset; a webhook by answering 200. Both
paths hand each update to the Application's update queue first (python-telegram-bot's Updater
awaits `update_queue.put` before it moves the offset, its webhook handler before it answers),
so an `InboxQueue` that commits in `put` makes the confirmation come after the commit. The
update processor marks an update done once its handlers ran; at start-up the updates still
pending (a crash or SIGKILL while they were handled) are handled first. Telegram has no
idempotency key, so such an update may be answered twice (SECURITY.md says what a person may
see); an update Telegram delivers again after a restart is recognised by its id and dropped.

An update carries names, usernames, ids and phone numbers: its JSON is stored encrypted (a key
derived from SAPAR_SECRET_KEY) and blanked (secure_delete zeroes it) as soon as it is done; the
bare update id stays DONE_KEPT_HOURS to recognise a repeat delivery.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sqlite3
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlite_utils import Database
from telegram import Update
from telegram.ext import Application

from bot.dbworker import DatabaseWorker

logger = logging.getLogger(__name__)
T = TypeVar("T")
DONE_KEPT_HOURS = 48  # Telegram keeps an unconfirmed update for 24 h
PURGE_EVERY = 500  # stored updates between two purges of old done ids


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Inbox:
    """Store, list and finish the updates received (the only code writing inbox SQL)."""

    def __init__(self, db: Database, secret_key: bytes) -> None:
        self.db = db
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"sapar/inbox/v1").derive(secret_key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))
        self._puts = 0

    def put_many(self, updates: list[tuple[int, dict[str, Any]]]) -> dict[int, bool]:
        """Commit a getUpdates batch in one transaction; say of each id whether it is new."""
        new: dict[int, bool] = {}
        received = _now()
        # one row commits by itself (sqlite-utils' execute); more need the one transaction
        with self.db.atomic() if len(updates) > 1 else nullcontext():
            for update_id, payload in updates:
                sealed = self._fernet.encrypt(json.dumps(payload, ensure_ascii=False,
                                                         default=str).encode()).decode()
                cursor = self.db.execute(
                    "INSERT INTO inbox (update_id, payload_enc, received_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(update_id) DO NOTHING", [update_id, sealed, received])
                new[update_id] = cursor.rowcount == 1
                self._puts += 1
                if self._puts % PURGE_EVERY == 0:
                    self.purge()
        return new

    def done(self, update_id: int, also: Callable[[Database], None] | None = None) -> None:
        """Mark an update handled and blank its contents; `also` writes in the same commit
        (what the update's handlers left to store, e.g. the ids /hide needs)."""
        self.done_many([(update_id, also)])

    def done_many(self, finished: list[tuple[int, Callable[[Database], None] | None]]) -> None:
        """Mark several handled updates done in one commit (each with what it left to store);
        an entry that cannot be written stays pending without keeping the others so."""
        at = _now()
        if len(finished) == 1:
            with self.db.atomic():
                self._mark_done(*finished[0], at)
            return
        with self.db.atomic():
            for update_id, also in finished:
                try:
                    with self.db.atomic():  # a savepoint
                        self._mark_done(update_id, also, at)
                except sqlite3.IntegrityError as error:
                    logger.warning("update %s could not be marked done (%s)", update_id,
                                   type(error).__name__)

    def _mark_done(self, update_id: int, also: Callable[[Database], None] | None, at: str
                   ) -> None:
        self.db.execute("UPDATE inbox SET payload_enc = NULL, done_at = ? WHERE update_id = ?",
                        [at, update_id])
        if also is not None:
            also(self.db)

    def pending(self) -> list[dict[str, Any]]:
        """Return the updates received but not handled, oldest first (decrypted)."""
        found: list[dict[str, Any]] = []
        for update_id, sealed in self.db.execute(
                "SELECT update_id, payload_enc FROM inbox WHERE done_at IS NULL "
                "ORDER BY update_id").fetchall():
            try:
                found.append(json.loads(self._fernet.decrypt(sealed.encode())))
            except (InvalidToken, ValueError, AttributeError):  # another key (rotated): lost
                logger.error("pending update %s cannot be decrypted: skipped", update_id)
                self.done(update_id)
        return found

    def purge(self, at: datetime | None = None) -> int:
        """Delete the ids of updates done longer ago than DONE_KEPT_HOURS."""
        cutoff = ((at or datetime.now(UTC)) - timedelta(hours=DONE_KEPT_HOURS)).isoformat(
            timespec="seconds")
        return self.db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at <= ?",
                               [cutoff]).rowcount


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is committed to the inbox before it is queued
    (and so before Telegram is told we have it); a repeat delivery is dropped.

    The inbox's SQL runs in the database thread (`worker`) when one is given.
    """

    def __init__(self, inbox: Inbox | None = None, worker: DatabaseWorker | None = None
                 ) -> None:
        super().__init__()
        self.inbox = inbox
        self.worker = worker
        self._stored: dict[int, bool] = {}  # update id -> new? (committed with its batch)
        self._done_marks: list[tuple[int, Callable[[Database], None] | None,
                                   asyncio.Future[None]]] = []
        self._finisher: asyncio.Task[None] | None = None

    async def _db(self, function: Callable[..., T], *args: Any) -> T:
        if self.worker is None:
            return function(*args)
        return await self.worker.run(function, *args)

    async def put(self, item: object) -> None:
        """Commit an update, then queue it; anything else (PTB's stop signal) just queues.

        While the database cannot be written (locked by another process, a full disk) this
        waits and tries again: Telegram is not told we have the update meanwhile.
        """
        if self.inbox is not None and isinstance(item, Update):
            new = self._stored.pop(item.update_id, None)
            if new is None:  # not polled (a webhook's update): stored on its own
                new = (await self.store([item.to_dict()]))[item.update_id]
            if not new:
                logger.info("update %s was received before: dropped", item.update_id)
                return
        await super().put(item)

    async def store(self, updates: list[dict[str, Any]]) -> dict[int, bool]:
        """Commit a batch of received updates (their JSON objects) in one transaction: the bot
        calls this with each getUpdates answer, before the Updater queues them. Return which
        ids are new.

        While the database cannot be written (locked by another process, a full disk) this
        waits and tries again: Telegram is not told we have the updates meanwhile.
        """
        if self.inbox is None or not updates:
            return {}
        batch = [(update["update_id"], update) for update in updates
                 if isinstance(update.get("update_id"), int)]
        delay = 0.1
        while True:
            try:
                new = await self._db(self.inbox.put_many, batch)
                break
            except sqlite3.OperationalError as error:
                logger.warning("%s update(s) cannot be stored yet (%s): trying again in "
                               "%.1f s", len(batch), error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self._stored.update(new)
        return new

    async def replay(self, application: Application) -> int:
        """Queue the updates left pending by the last run (before polling starts)."""
        if self.inbox is None:
            return 0
        pending = await self._db(self.inbox.pending)
        for payload in pending:
            await super().put(Update.de_json(payload, application.bot))
        if pending:
            logger.warning("handling %s update(s) left pending by the last run", len(pending))
        return len(pending)

    async def done(self, update: object, also: Callable[[Database], None] | None = None
                   ) -> None:
        """Mark an update handled (the update processor awaits this after its handlers);
        `also` is written in the same commit."""
        if self.inbox is None or not isinstance(update, Update):
            return
        finished = asyncio.get_running_loop().create_future()
        self._done_marks.append((update.update_id, also, finished))
        if self._finisher is None:
            self._finisher = asyncio.create_task(self._finish())
        await finished

    async def _finish(self) -> None:
        """Commit the "done" marks gathered meanwhile, one transaction per round (a group
        commit: the updates finished while the last commit ran share the next one)."""
        try:
            while self._done_marks:
                batch, self._done_marks = self._done_marks, []
                try:
                    await self._db(self.inbox.done_many, [(uid, also) for uid, also, _ in batch])
                except Exception as error:  # they stay pending: handled again after a restart
                    logger.warning("%s update(s) could not be marked done (%s)", len(batch),
                                   type(error).__name__)
                finally:
                    for _, _, finished in batch:
                        if not finished.done():
                            finished.set_result(None)
        finally:
            self._finisher = None
            for _, _, finished in self._done_marks:  # cancelled (shutdown): they stay pending
                if not finished.done():
                    finished.set_result(None)
            self._done_marks = []
