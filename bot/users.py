"""Per-user rows: language, preferences, conversation state; and forgetting a user."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class UserRecord:
    """What we keep about one person (keyed by pseudonym only)."""

    user_key: str
    language: str
    preferences: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    last_seen: str = ""


OTHER_CAMPAIGN = "other"


class UserStore:
    """Read and write user rows; the only place that writes user SQL."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, user_key: str) -> UserRecord | None:
        """Return the user, or None when we hold nothing about them."""
        row = self.db.execute(
            "SELECT user_key, language, preferences, created_at, last_seen FROM users "
            "WHERE user_key = ?", [user_key]).fetchone()
        if row is None:
            return None
        return UserRecord(user_key=row[0], language=row[1],
                          preferences=json.loads(row[2] or "{}"), created_at=row[3],
                          last_seen=row[4])

    def load(self, user_key: str) -> tuple[str, dict[str, Any] | None] | None:
        """Return (stored language, saved conversation state) in one query; None if unknown.

        The per-turn read: plain SQL on purpose (sqlite-utils' table objects introspect the
        schema on every call, which made one update cost 76 statements).
        """
        row = self.db.execute(
            "SELECT u.language, c.state FROM users u LEFT JOIN conversations c "
            "ON c.user_key = u.user_key WHERE u.user_key = ?", [user_key]).fetchone()
        if row is None:
            return None
        return row[0], (json.loads(row[1]) if row[1] else None)

    def save_turn(self, user_key: str, language: str, state: dict[str, Any]) -> None:
        """Write what one turn changed (user row and conversation state).

        Call it inside `db.atomic()`: the chat service makes the whole turn one commit.
        """
        now = _now()
        self.db.execute(
            "INSERT INTO users (user_key, language, preferences, created_at, last_seen) "
            "VALUES (?, ?, '{}', ?, ?) ON CONFLICT(user_key) DO UPDATE SET "
            "language = excluded.language, last_seen = excluded.last_seen",
            [user_key, language, now, now])
        self._write_state(user_key, state, now)

    def touch(self, user_key: str, language: str) -> UserRecord:
        """Create the user if new, update last_seen, and return the record."""
        now = _now()
        existing = self.get(user_key)
        if existing is None:
            self.db.execute(
                "INSERT INTO users (user_key, language, preferences, created_at, last_seen) "
                "VALUES (?, ?, '{}', ?, ?)", [user_key, language, now, now])
            return UserRecord(user_key, language, {}, now, now)
        self.db.execute("UPDATE users SET last_seen = ? WHERE user_key = ?", [now, user_key])
        existing.last_seen = now
        return existing

    def save(self, record: UserRecord) -> None:
        """Persist language and preferences."""
        self.db.execute("UPDATE users SET language = ?, preferences = ? WHERE user_key = ?", [
            record.language, json.dumps(record.preferences, ensure_ascii=False),
            record.user_key])

    def load_state(self, user_key: str) -> dict[str, Any] | None:
        """Return the saved conversation state, if any."""
        row = self.db.execute("SELECT state FROM conversations WHERE user_key = ?",
                              [user_key]).fetchone()
        return json.loads(row[0]) if row is not None else None

    def save_state(self, user_key: str, state: dict[str, Any]) -> None:
        """Persist the conversation state (so a restart loses nothing)."""
        self._write_state(user_key, state, _now())

    def _write_state(self, user_key: str, state: dict[str, Any], now: str) -> None:
        self.db.execute(
            "INSERT INTO conversations (user_key, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            [user_key, json.dumps(state, ensure_ascii=False), now])

    def forget(self, user_key: str) -> int:
        """Delete the user's rows and conversation state; return how many were deleted.

        Inside the chat service's transaction this is one part of /forget: the hotline's eraser
        deletes the cases (with their transcripts and relays) in the same commit, keeping an
        operator's abuse block.
        """
        deleted = 0
        with self.db.atomic():
            # quarantined updates that came from this chat go too
            self.db.execute("DELETE FROM quarantine WHERE user_key = ?", [user_key])
            for name in ("conversations", "users"):  # children before parents
                deleted += self.db.execute(f"DELETE FROM {name} WHERE user_key = ?",
                                           [user_key]).rowcount
        return deleted

    def fold_campaigns(self, allowed: frozenset[str]) -> int:
        """Count every stored tag outside the allow-list as "other"; return how many rows."""
        rows = [r for r in self.db.execute(
            "SELECT tag, day, count FROM campaign_counts").fetchall() if r[0] not in allowed
            and r[0] != OTHER_CAMPAIGN]
        with self.db.atomic():
            for tag, day, count in rows:
                self.db.execute("DELETE FROM campaign_counts WHERE tag = ? AND day = ?",
                                [tag, day])
                self.db.execute(
                    "INSERT INTO campaign_counts (tag, day, count) VALUES (?, ?, ?) "
                    "ON CONFLICT(tag, day) DO UPDATE SET count = count + excluded.count",
                    [OTHER_CAMPAIGN, day, count])
        return len(rows)

    def count_campaign(self, tag: str) -> None:
        """Count one arrival from a campaign link (no link to the person is kept)."""
        day = datetime.now(UTC).date().isoformat()
        self.db.execute(
            "INSERT INTO campaign_counts (tag, day, count) VALUES (?, ?, 1) "
            "ON CONFLICT(tag, day) DO UPDATE SET count = count + 1", [tag, day])
