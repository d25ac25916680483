"""Dated reminders and alert subscriptions: the only place that writes their SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlite_utils import Database

KINDS = ("stay", "registration", "contract")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def iso_week(day: date) -> str:
    """Return the Monday of a day's ISO week (the statistics' week)."""
    return date.fromordinal(day.toordinal() - day.weekday()).isoformat()


@dataclass(frozen=True)
class Reminder:
    """One person's dated reminder: what it is about, the date, what was already sent."""

    user_key: str
    kind: str
    due: date
    language: str
    chat_enc: str
    sent: frozenset[int]


class ReminderStore:
    """Read and write the reminders table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def set(self, user_key: str, kind: str, due: date, language: str, chat_enc: str) -> None:
        """Store (or replace: a recount, a new trip) one reminder; nothing was sent for it."""
        if kind not in KINDS:
            raise ValueError(f"unknown reminder kind {kind!r}")
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO reminders (user_key, kind, due, language, chat_enc, sent, "
                "created_at) VALUES (?, ?, ?, ?, ?, '', ?) ON CONFLICT (user_key, kind) DO "
                "UPDATE SET due = excluded.due, language = excluded.language, chat_enc = "
                "excluded.chat_enc, sent = '', created_at = excluded.created_at",
                [user_key, kind, due.isoformat(), language, chat_enc, _now()])

    def of(self, user_key: str) -> list[Reminder]:
        """Return a person's reminders, soonest first."""
        return [self._reminder(row) for row in self.db.query(
            "SELECT * FROM reminders WHERE user_key = ? ORDER BY due, kind", [user_key])]

    def delete(self, user_key: str, kind: str | None = None) -> int:
        """Delete one reminder of a person, or all of them; return how many."""
        with self.db.conn:
            if kind is None:
                cursor = self.db.conn.execute("DELETE FROM reminders WHERE user_key = ?",
                                              [user_key])
            else:
                cursor = self.db.conn.execute(
                    "DELETE FROM reminders WHERE user_key = ? AND kind = ?", [user_key, kind])
        return cursor.rowcount

    def due_by(self, last_due: date) -> list[Reminder]:
        """Return every reminder due on or before `last_due`, soonest first (the schedule
        says which dates may have a reminder day now: schedule.reminded_up_to)."""
        return [self._reminder(row) for row in self.db.query(
            "SELECT * FROM reminders WHERE due <= ? ORDER BY due", [last_due.isoformat()])]

    def mark_sent(self, reminder: Reminder, offsets: set[int], counted: str | None) -> None:
        """Record the offsets now done (sent or skipped); count one sent reminder by kind."""
        done = ",".join(str(n) for n in sorted(set(reminder.sent) | offsets))
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE reminders SET sent = ? WHERE user_key = ? AND kind = ? AND due = ?",
                [done, reminder.user_key, reminder.kind, reminder.due.isoformat()])
            if counted is not None:
                self.db.conn.execute(
                    "INSERT INTO reminder_counts (week, kind, count) VALUES (?, ?, 1) "
                    "ON CONFLICT (week, kind) DO UPDATE SET count = count + 1",
                    [counted, reminder.kind])

    def purge_past(self, day: date) -> int:
        """Delete every reminder whose date has passed: nothing is kept after it."""
        with self.db.conn:
            cursor = self.db.conn.execute("DELETE FROM reminders WHERE due < ?",
                                          [day.isoformat()])
        return cursor.rowcount

    @staticmethod
    def _reminder(row: dict) -> Reminder:
        sent = frozenset(int(n) for n in (row["sent"] or "").split(",") if n)
        return Reminder(row["user_key"], row["kind"], date.fromisoformat(row["due"]),
                        row["language"], row["chat_enc"], sent)


class SubscriptionStore:
    """Read and write the alert subscriptions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def subscribe(self, user_key: str, topic: str, language: str, chat_enc: str) -> None:
        """Subscribe a person to a topic (again: the language and chat are refreshed)."""
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO subscriptions (user_key, topic, language, chat_enc, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_key, topic) DO UPDATE SET "
                "language = excluded.language, chat_enc = excluded.chat_enc",
                [user_key, topic, language, chat_enc, _now()])

    def unsubscribe(self, user_key: str, topic: str | None = None) -> int:
        """Unsubscribe a person from one topic, or from all; return how many."""
        with self.db.conn:
            if topic is None:
                cursor = self.db.conn.execute("DELETE FROM subscriptions WHERE user_key = ?",
                                              [user_key])
            else:
                cursor = self.db.conn.execute(
                    "DELETE FROM subscriptions WHERE user_key = ? AND topic = ?",
                    [user_key, topic])
        return cursor.rowcount

    def topics_of(self, user_key: str) -> list[str]:
        """Return the topics a person follows."""
        return [row[0] for row in self.db.execute(
            "SELECT topic FROM subscriptions WHERE user_key = ? ORDER BY topic", [user_key])]

    def count(self, topic: str) -> int:
        """Return how many people follow a topic."""
        return self.db["subscriptions"].count_where("topic = ?", [topic])

    def counts(self) -> dict[str, int]:
        """Return the number of subscribers per topic."""
        return dict(self.db.execute(
            "SELECT topic, COUNT(*) FROM subscriptions GROUP BY topic").fetchall())


def forget_person(db: Database, user_key: str) -> None:
    """Delete every reminder, subscription and queued alert of a person (/forget)."""
    with db.conn:
        for table in ("reminders", "subscriptions", "broadcast_queue"):
            db.conn.execute(f"DELETE FROM {table} WHERE user_key = ?", [user_key])
