"""Cases: opaque codes, status, priority, claims, transcripts, links, forgetting, retention."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from sapar_core.sqlite import insert_row

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B)
OPEN = ("waiting", "active")
BLOCKED_REASON = "blocked by operator"  # free-text reasons are dropped at purge


def now() -> str:
    """Return the current UTC time as ISO text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_case_code() -> str:
    """Return a random case code such as 'K7-QMXD' (never derived from any id)."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{letters[:2]}-{letters[2:]}"


@dataclass
class Case:
    """One hand-off."""

    case_code: str
    user_key: str | None
    chat_enc: str | None
    status: str
    priority: str
    language: str
    topic: str
    region: str | None
    consent: str
    summary: str | None
    desk_chat_id: int | None
    thread_id: int | None
    created_at: str
    claimed_at: str | None = None
    closed_at: str | None = None
    operator_key: str | None = None
    fallback_sent: int = 0
    channel: str = "telegram"  # the front end replies go back to ("telegram" or "web")
    country: str | None = None  # where the person said they are (for the fall-back numbers)
    topic_state: str = ""  # '' usable, 'lost' (to re-create), 'card' (card to post again)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Case:
        """Build a case from a database row."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in row.items() if k in names})

    @property
    def urgent(self) -> bool:
        """Return True for urgent cases."""
        return self.priority == "urgent"


class CaseStore:
    """Every read and write of the hotline tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, case_code: str) -> Case | None:
        """Return a case by code."""
        try:
            return Case.from_row(self.db["cases"].get(case_code))
        except NotFoundError:
            return None

    def open_for_user(self, user_key: str) -> Case | None:
        """Return the user's open case, if any."""
        rows = list(self.db["cases"].rows_where(
            "user_key = ? AND status IN ('waiting', 'active')", [user_key],
            order_by="created_at desc", limit=1))
        return Case.from_row(rows[0]) if rows else None

    def handoff_status(self, user_key: str) -> str | None:
        """Return the status of the user's open case ("waiting", "active"), else None: the
        hand-off flag the bot reads at every turn (this table is its only store)."""
        row = self.db.execute(
            "SELECT status FROM cases WHERE user_key = ? AND status IN ('waiting', 'active') "
            "ORDER BY created_at DESC LIMIT 1", [user_key]).fetchone()
        return row[0] if row else None

    def opened_since(self, user_key: str, since: datetime) -> int:
        """Return how many cases a pseudonym opened since a time."""
        return self.db["cases"].count_where("user_key = ? AND created_at >= ?",
                                            [user_key, since.isoformat(timespec="seconds")])

    def by_thread(self, desk_chat_id: int, thread_id: int) -> Case | None:
        """Return the case whose forum topic this is."""
        rows = list(self.db["cases"].rows_where(
            "desk_chat_id = ? AND thread_id = ?", [desk_chat_id, thread_id], limit=1))
        return Case.from_row(rows[0]) if rows else None

    def create(self, *, user_key: str, chat_enc: str | None, priority: str, language: str,
               topic: str, region: str | None, consent: str, summary: str | None,
               desk_chat_id: int | None, channel: str = "telegram",
               country: str | None = None) -> Case:
        """Open a new waiting case with a fresh code."""
        while True:
            code = new_case_code()
            if self.get(code) is None:
                break
        row = {"case_code": code, "user_key": user_key, "chat_enc": chat_enc,
               "status": "waiting", "priority": priority, "language": language,
               "topic": topic, "region": region, "consent": consent, "summary": summary,
               "desk_chat_id": desk_chat_id, "thread_id": None, "created_at": now(),
               "fallback_sent": 0, "purged": 0, "channel": channel, "country": country}
        insert_row(self.db, "cases", row)
        self.db.conn.commit()
        return Case.from_row(row)

    def set_thread(self, case_code: str, thread_id: int) -> None:
        """Remember the forum topic of a case."""
        self.db["cases"].update(case_code, {"thread_id": thread_id})
        self.db.conn.commit()

    def lose_topic(self, case_code: str, thread_id: int) -> bool:
        """Mark a case's topic as gone (deleted or closed by operators); False if already."""
        cursor = self.db.execute(
            "UPDATE cases SET thread_id = NULL, topic_state = 'lost' WHERE case_code = ? AND "
            "thread_id = ?", [case_code, thread_id])
        self.db.conn.commit()
        return cursor.rowcount == 1

    def topic_recreated(self, case_code: str, thread_id: int) -> None:
        """Remember a case's new topic; its card is to be posted again. The old topic's
        message links go: edits and replies then reach the new topic as new messages."""
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE cases SET thread_id = ?, topic_state = 'card', topic_recreations = "
                "topic_recreations + 1 WHERE case_code = ?", [thread_id, case_code])
            self.db.conn.execute("DELETE FROM message_links WHERE case_code = ? AND "
                                 "direction = 'to_desk'", [case_code])

    def topic_ready(self, case_code: str) -> None:
        """The re-created topic has its card again: relays go on as usual."""
        self.db["cases"].update(case_code, {"topic_state": ""})
        self.db.conn.commit()

    def raise_priority(self, case_code: str) -> None:
        """Make a case urgent (a danger message arrived during the hand-off)."""
        self.db["cases"].update(case_code, {"priority": "urgent"})
        self.db.conn.commit()

    def claim(self, case_code: str, operator_key: str) -> bool:
        """Claim a waiting case; exactly one of several simultaneous claims wins."""
        cursor = self.db.execute(
            "UPDATE cases SET status = 'active', operator_key = ?, claimed_at = ? "
            "WHERE case_code = ? AND status = 'waiting'", [operator_key, now(), case_code])
        self.db.conn.commit()
        return cursor.rowcount == 1

    def close(self, case_code: str, closed_by: str, reason: str | None) -> bool:
        """Close an open case; return False when it was already closed."""
        cursor = self.db.execute(
            "UPDATE cases SET status = 'closed', closed_at = ?, closed_by = ?, close_reason = ? "
            "WHERE case_code = ? AND status IN ('waiting', 'active')",
            [now(), closed_by, reason, case_code])
        self.db.conn.commit()
        return cursor.rowcount == 1

    def count_failed_relays(self, case_code: str, count: int) -> None:
        """Add relays Telegram refused to a case's count."""
        self.db.execute("UPDATE cases SET failed_relays = COALESCE(failed_relays, 0) + ? "
                        "WHERE case_code = ?", [count, case_code])
        self.db.conn.commit()

    def mark_fallback_sent(self, case_code: str) -> None:
        """Remember that the user already got the fall-back numbers for this case."""
        self.db["cases"].update(case_code, {"fallback_sent": 1})
        self.db.conn.commit()

    def waiting_unclaimed_since(self, cutoff: datetime) -> list[Case]:
        """Return waiting cases opened before a time that have not had the fall-back yet."""
        return [Case.from_row(r) for r in self.db["cases"].rows_where(
            "status = 'waiting' AND fallback_sent = 0 AND created_at <= ?",
            [cutoff.isoformat(timespec="seconds")])]

    def add_transcript(self, case_code: str, author: str, text: str) -> None:
        """Append a line to a case's transcript (author: user, operator, note, system)."""
        insert_row(self.db, "transcripts", {"case_code": case_code, "at": now(),
                                            "author": author, "text": text})
        self.db.conn.commit()

    def transcript(self, case_code: str) -> list[dict[str, Any]]:
        """Return a case's transcript lines, oldest first."""
        return list(self.db["transcripts"].rows_where("case_code = ?", [case_code],
                                                      order_by="id"))

    def link(self, case_code: str, user_message_id: int, desk_message_id: int, direction: str
             ) -> None:
        """Remember which message on one side is the copy of which on the other."""
        insert_row(self.db, "message_links", {
            "case_code": case_code, "user_message_id": user_message_id,
            "desk_message_id": desk_message_id, "direction": direction, "created_at": now()})
        self.db.conn.commit()

    def desk_message_for(self, case_code: str, user_message_id: int) -> int | None:
        """Return the operators' copy of a user message."""
        rows = list(self.db["message_links"].rows_where(
            "case_code = ? AND user_message_id = ?", [case_code, user_message_id], limit=1))
        return rows[0]["desk_message_id"] if rows else None

    def merged_into(self, case_code: str, desk_message_id: int) -> int:
        """Return how many user messages an operators' copy carries (a merged burst: several)."""
        return self.db["message_links"].count_where(
            "case_code = ? AND desk_message_id = ? AND direction = 'to_desk'",
            [case_code, desk_message_id])

    def user_message_for(self, case_code: str, desk_message_id: int) -> int | None:
        """Return the user's copy of an operators' message."""
        rows = list(self.db["message_links"].rows_where(
            "case_code = ? AND desk_message_id = ?", [case_code, desk_message_id], limit=1))
        return rows[0]["user_message_id"] if rows else None

    def is_blocked(self, user_key: str) -> bool:
        """Return True when operators blocked this pseudonym from the hand-off."""
        return self.db["blocked"].count_where("user_key = ?", [user_key]) > 0

    def block(self, user_key: str, reason: str | None) -> None:
        """Block a pseudonym from the hand-off."""
        self.db["blocked"].upsert({"user_key": user_key, "blocked_at": now(),
                                   "reason": reason or ""}, pk="user_key")
        self.db.conn.commit()

    def forget_user(self, user_key: str) -> list[Case]:
        """Delete every case of a user with its messages; return the ones that were open."""
        cases = [Case.from_row(r) for r in self.db["cases"].rows_where("user_key = ?",
                                                                         [user_key])]
        with self.db.atomic():  # nests in the chat service's /forget transaction
            for case in cases:
                for table in ("transcripts", "message_links", "outbox", "outbox_turns"):
                    self.db[table].delete_where("case_code = ?", [case.case_code])
            self.db["cases"].delete_where("user_key = ?", [user_key])
            self.db["sent_messages"].delete_where("user_key = ?", [user_key])
        return [case for case in cases if case.status in OPEN]

    def idle_open(self, cutoff: datetime) -> list[Case]:
        """Return open cases with no message (either side) since a time."""
        return [Case.from_row(r) for r in self.db.query(
            "SELECT * FROM cases WHERE status IN ('waiting', 'active') AND COALESCE(("
            "SELECT MAX(at) FROM transcripts t WHERE t.case_code = cases.case_code), "
            "created_at) <= ?", [cutoff.isoformat(timespec="seconds")])]

    def purge_block_reasons(self, retention_days: int, at: datetime | None = None) -> int:
        """Blank the free-text reasons of blocks older than the retention period."""
        cutoff = ((at or datetime.now(UTC)) - timedelta(days=retention_days)).isoformat(
            timespec="seconds")
        cursor = self.db.execute("UPDATE blocked SET reason = '' WHERE reason != '' AND "
                                 "blocked_at <= ?", [cutoff])
        self.db.conn.commit()
        return cursor.rowcount

    def purge_expired(self, retention_days: int, at: datetime | None = None) -> int:
        """Delete texts of cases closed longer ago than the retention period; unlink the user."""
        cutoff = ((at or datetime.now(UTC)) - timedelta(days=retention_days)).isoformat(
            timespec="seconds")
        codes = [r["case_code"] for r in self.db["cases"].rows_where(
            "status = 'closed' AND purged = 0 AND closed_at <= ?", [cutoff])]
        with self.db.conn:
            for code in codes:
                for table in ("transcripts", "message_links", "outbox", "outbox_turns"):
                    self.db[table].delete_where("case_code = ?", [code])
                self.db.execute(
                    "UPDATE cases SET user_key = NULL, chat_enc = NULL, summary = NULL, "
                    "purged = 1, close_reason = CASE WHEN close_reason = ? THEN close_reason "
                    "ELSE NULL END WHERE case_code = ?", [BLOCKED_REASON, code])
        return len(codes)
