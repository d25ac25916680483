"""The relay outbox: every relay is written to SQLite before it is sent, and sent once.

A crash or restart resumes every pending row. Rows of one case go out in order; among cases,
urgent ones first, then round-robin (oldest waiting first): each case sends one message (or
one merged burst) per turn, so one person's 60 long messages never hold up everyone else.
Bursts of user texts waiting for the same case are merged into one message, which keeps the
operators' chat inside Telegram's ~20 messages per minute for a group.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from hotline.cases import now
from sapar_core.sqlite import insert_row

DESK = "desk"
USER = "user"
PRIORITY = {"urgent": 10, "normal": 0}
MERGEABLE = "user_text"
MAX_MERGED_CHARS = 3500


@dataclass
class OutboxItem:
    """One pending relay."""

    id: int
    case_code: str
    side: str
    kind: str
    payload: dict[str, Any]
    priority: int
    attempts: int


def _telegram_length(text: str) -> int:
    """Return a text's length as Telegram counts it (UTF-16 code units: an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def _item(row: dict[str, Any]) -> OutboxItem:
    return OutboxItem(row["id"], row["case_code"], row["side"], row["kind"],
                      json.loads(row["payload"]), row["priority"] or 0, row["attempts"] or 0)


class Outbox:
    """Persisted queue of relays to the operators' side and to users."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, case_code: str, side: str, kind: str, payload: dict[str, Any],
            priority: str = "normal", *, held: bool = False) -> int:
        """Write a relay before anything is sent; return its id.

        A held relay waits for the person's confirmation (`release`) before it can go out.
        """
        row_id = insert_row(self.db, "outbox", {
            "case_code": case_code, "side": side, "kind": kind,
            "payload": json.dumps(payload, ensure_ascii=False),
            "priority": PRIORITY.get(priority, 0), "status": "held" if held else "pending",
            "attempts": 0, "created_at": now()})
        if not held:
            self._enqueue(case_code, side, PRIORITY.get(priority, 0))
        self.db.conn.commit()
        return int(row_id)

    def _enqueue(self, case_code: str, side: str, priority: int) -> None:
        """Give a case a turn at the back of the round-robin (once; priority only rises)."""
        self.db.execute(
            "INSERT INTO outbox_turns (case_code, side, priority, turn, ready_at) "
            "VALUES (?, ?, ?, (SELECT COALESCE(MAX(turn), 0) + 1 FROM outbox_turns), '') "
            "ON CONFLICT (case_code, side) DO UPDATE SET priority = MAX(priority, "
            "excluded.priority)", [case_code, side, priority])

    def _rotate(self, case_code: str, side: str) -> None:
        """After a case's turn: to the back of the queue, or out of it when nothing is left."""
        left = self.db.execute(
            "SELECT 1 FROM outbox WHERE case_code = ? AND side = ? AND status = 'pending' "
            "LIMIT 1", [case_code, side]).fetchone()
        if left is None:
            self.db.conn.execute("DELETE FROM outbox_turns WHERE case_code = ? AND side = ?",
                                 [case_code, side])
        else:
            self.db.conn.execute(
                "UPDATE outbox_turns SET turn = (SELECT MAX(turn) + 1 FROM outbox_turns), "
                "ready_at = '' WHERE case_code = ? AND side = ?", [case_code, side])

    def defer(self, case_code: str, side: str, seconds: float) -> None:
        """Hold one case's relays back (Telegram said "retry after" for its chat only)."""
        ready = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(
            timespec="milliseconds")
        with self.db.conn:
            self.db.conn.execute("UPDATE outbox_turns SET ready_at = ? WHERE case_code = ? AND "
                                 "side = ?", [ready, case_code, side])

    def next_ready_in(self, side: str) -> float | None:
        """Return in how many seconds a deferred case may send again (None: none waits)."""
        row = self.db.execute("SELECT MIN(ready_at) FROM outbox_turns WHERE side = ? AND "
                              "ready_at != ''", [side]).fetchone()
        if row is None or not row[0]:
            return None
        delta = datetime.fromisoformat(row[0]) - datetime.now(UTC)
        return max(0.0, delta.total_seconds())

    def release(self, row_id: int, case_code: str, *, send: bool) -> bool:
        """Let a held relay of a case go out (send) or drop it; False when it is not held."""
        with self.db.conn:
            if send:
                payload = self.db.execute(
                    "SELECT payload FROM outbox WHERE id = ? AND case_code = ? AND "
                    "status = 'held'", [row_id, case_code]).fetchone()
                if payload is None:
                    return False
                confirmed = {**json.loads(payload[0]), "confirmed": True}
                self.db.conn.execute(
                    "UPDATE outbox SET status = 'pending', payload = ? WHERE id = ?",
                    [json.dumps(confirmed, ensure_ascii=False), row_id])
                side, priority = self.db.execute(
                    "SELECT side, priority FROM outbox WHERE id = ?", [row_id]).fetchone()
                self._enqueue(case_code, side, priority or 0)
                return True
            cursor = self.db.conn.execute(
                "DELETE FROM outbox WHERE id = ? AND case_code = ? AND status = 'held'",
                [row_id, case_code])
            return cursor.rowcount == 1

    def held_payload(self, row_id: int, case_code: str) -> dict[str, Any] | None:
        """Return a held relay's payload (None when it is not held)."""
        row = self.db.execute("SELECT payload FROM outbox WHERE id = ? AND case_code = ? AND "
                              "status = 'held'", [row_id, case_code]).fetchone()
        return json.loads(row[0]) if row else None

    def has_user_message(self, case_code: str, user_message_id: int) -> bool:
        """Return True when a user message was already queued (an update seen twice)."""
        return self.db.execute(
            "SELECT 1 FROM outbox WHERE case_code = ? AND side = 'desk' "
            "AND json_extract(payload, '$.user_message_id') = ? "
            "UNION SELECT 1 FROM message_links WHERE case_code = ? AND user_message_id = ? "
            "LIMIT 1", [case_code, user_message_id, case_code, user_message_id]
        ).fetchone() is not None

    def raise_priority(self, case_code: str) -> None:
        """Move a case's pending relays to the front (it became urgent)."""
        self.db.execute(
            "UPDATE outbox SET priority = ? WHERE case_code = ? AND status = 'pending'",
            [PRIORITY["urgent"], case_code])
        self.db.execute("UPDATE outbox_turns SET priority = ? WHERE case_code = ?",
                        [PRIORITY["urgent"], case_code])
        self.db.conn.commit()

    def next_batch(self, side: str, busy: Collection[str] = ()) -> list[OutboxItem]:
        """Return the next relay(s) to send on one side: one item, or a merged run of texts.

        The case whose turn it is: highest priority, then the one that waited longest; cases
        held back by a "retry after", and the `busy` ones (a relay of theirs is on its way:
        a case's relays go one after another, in order), are skipped.
        """
        ready = datetime.now(UTC).isoformat(timespec="milliseconds")
        skip = sorted(busy)
        others = f" AND case_code NOT IN ({', '.join('?' * len(skip))})" if skip else ""
        while True:
            turn = self.db.execute(
                "SELECT case_code FROM outbox_turns WHERE side = ? AND ready_at <= ?"
                f"{others} ORDER BY priority DESC, turn LIMIT 1", [side, ready, *skip]
            ).fetchone()
            if turn is None:
                return []
            rows = list(self.db.query(
                "SELECT * FROM outbox WHERE case_code = ? AND side = ? AND status = 'pending' "
                "ORDER BY id LIMIT 1", [turn[0], side]))
            if rows:
                head = rows[0]
                break
            with self.db.conn:  # a stale turn (the case's rows were deleted): drop it
                self.db.conn.execute("DELETE FROM outbox_turns WHERE case_code = ? AND "
                                     "side = ?", [turn[0], side])
        batch = [_item(head)]
        if head["kind"] != MERGEABLE:
            return batch
        size = _telegram_length(batch[0].payload.get("text", ""))
        for row in self.db.query(
                "SELECT * FROM outbox WHERE case_code = ? AND side = ? AND status = 'pending' "
                "AND id > ? ORDER BY id LIMIT 50", [head["case_code"], side, head["id"]]):
            item = _item(row)
            size += _telegram_length(item.payload.get("text", "")) + 2
            if item.kind != MERGEABLE or size > MAX_MERGED_CHARS:
                break
            batch.append(item)
        return batch

    # Rows deleted meanwhile (the person used /forget) are simply not there to update.

    def mark_sent(self, items: list[OutboxItem]) -> None:
        """Record that relays went out."""
        with self.db.conn:
            self.db.conn.executemany("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?",
                                     [(now(), item.id) for item in items])
            self._rotate_after(items)

    def mark_retry(self, items: list[OutboxItem], error: str) -> None:
        """Keep relays pending after a temporary failure, counting the attempt."""
        with self.db.conn:
            self.db.conn.executemany(
                "UPDATE outbox SET attempts = ?, last_error = ? WHERE id = ?",
                [(item.attempts + 1, error[:200], item.id) for item in items])

    def mark_failed(self, items: list[OutboxItem], error: str) -> None:
        """Give up on relays Telegram will never accept (the chat is gone)."""
        with self.db.conn:
            self.db.conn.executemany(
                "UPDATE outbox SET status = 'failed', last_error = ?, attempts = ? WHERE id = ?",
                [(error[:200], item.attempts + 1, item.id) for item in items])
            self._rotate_after(items)

    def _rotate_after(self, items: list[OutboxItem]) -> None:
        for case_code, side in {(item.case_code, item.side) for item in items}:
            self._rotate(case_code, side)

    def pending_in_topic(self, case_code: str) -> int:
        """Return how many relays of a case wait for its topic (a re-created topic replays)."""
        return self.db["outbox"].count_where(
            "case_code = ? AND side = 'desk' AND status = 'pending' AND kind NOT IN "
            "('general_notice', 'open', 'close_topic')", [case_code])

    def pending_count(self, side: str | None = None) -> int:
        """Return how many relays wait to be sent."""
        if side is None:
            return self.db["outbox"].count_where("status = 'pending'")
        return self.db["outbox"].count_where("status = 'pending' AND side = ?", [side])

    def purge_sent(self) -> None:
        """Delete relays that went out (their texts live on in the transcript until retention)."""
        self.db.execute("DELETE FROM outbox WHERE status = 'sent'")
        self.db.conn.commit()
