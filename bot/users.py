"""Per-user rows: language, preferences, conversation state; and forgetting a user."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError


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
        try:
            row = self.db["users"].get(user_key)
        except NotFoundError:
            return None
        return UserRecord(user_key=row["user_key"], language=row["language"],
                          preferences=json.loads(row["preferences"] or "{}"),
                          created_at=row["created_at"], last_seen=row["last_seen"])

    def touch(self, user_key: str, language: str) -> UserRecord:
        """Create the user if new, update last_seen, and return the record."""
        now = _now()
        existing = self.get(user_key)
        if existing is None:
            self.db["users"].insert({"user_key": user_key, "language": language,
                                     "preferences": "{}", "created_at": now, "last_seen": now})
            return UserRecord(user_key, language, {}, now, now)
        self.db["users"].update(user_key, {"last_seen": now})
        existing.last_seen = now
        return existing

    def save(self, record: UserRecord) -> None:
        """Persist language and preferences."""
        self.db["users"].update(record.user_key, {
            "language": record.language,
            "preferences": json.dumps(record.preferences, ensure_ascii=False),
        })

    def load_state(self, user_key: str) -> dict[str, Any] | None:
        """Return the saved conversation state, if any."""
        try:
            row = self.db["conversations"].get(user_key)
        except NotFoundError:
            return None
        return json.loads(row["state"])

    def save_state(self, user_key: str, state: dict[str, Any]) -> None:
        """Persist the conversation state (so a restart loses nothing)."""
        self.db["conversations"].upsert(
            {"user_key": user_key, "state": json.dumps(state, ensure_ascii=False),
             "updated_at": _now()}, pk="user_key")

    def forget(self, user_key: str) -> int:
        """Delete the user's rows and conversation state; return how many were deleted.

        Hotline cases are not ours to delete: the "forget" effect makes the hotline desk delete
        them with their transcripts and relays (a case's rows hang on it by foreign keys, so
        deleting it here failed and rolled everything back) and keep an operator's abuse block.
        """
        deleted = 0
        with self.db.conn:
            # quarantined updates that came from this chat go too
            self.db.execute("DELETE FROM quarantine WHERE user_key = ?", [user_key])
            for name in ("conversations", "users"):  # children before parents
                table = self.db[name]
                before = table.count
                table.delete_where("user_key = ?", [user_key])
                deleted += before - table.count
        return deleted

    def fold_campaigns(self, allowed: frozenset[str]) -> int:
        """Count every stored tag outside the allow-list as "other"; return how many rows."""
        rows = [r for r in self.db.execute(
            "SELECT tag, day, count FROM campaign_counts").fetchall() if r[0] not in allowed
            and r[0] != OTHER_CAMPAIGN]
        with self.db.conn:
            for tag, day, count in rows:
                self.db.conn.execute("DELETE FROM campaign_counts WHERE tag = ? AND day = ?",
                                     [tag, day])
                self.db.conn.execute(
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
        self.db.conn.commit()
