"""Every read and write of the web chat's tables: sessions, page messages, resume codes.

Nothing here holds a session id or a resume code in the clear: both are stored as keyed
hashes, so a copy of the database lets nobody take over a session.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from bot.dialogue import Button, Reply

RESUME_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes, as in case codes
MAX_KEPT = 200  # messages kept per person; older ones are dropped as new ones arrive


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class WebMessage:
    """One bubble on the page: who wrote it, its Telegram-HTML text and its buttons."""

    id: int
    side: str  # "me", "bot", "operator"
    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()


def normalise_code(code: str) -> str:
    """Return a typed resume code in canonical form (case, spaces and dashes ignored)."""
    return "".join(ch for ch in code.upper() if ch in RESUME_ALPHABET)


class WebStore:
    """Sessions by keyed hash, the messages each person's page shows, one-time resume codes."""

    def __init__(self, db: Database, secret_key: bytes) -> None:
        self.db = db
        self._key = hmac.new(secret_key, b"sapar/web/store/v1", hashlib.sha256).digest()

    def _hash(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    # ----- sessions -------------------------------------------------------------------------

    def user_for(self, sid: str) -> str | None:
        """Return the pseudonym a session id stands for, or None for an unknown session."""
        row = self.db.execute("SELECT user_key FROM web_sessions WHERE sid_hash = ?",
                              [self._hash("sid", sid)]).fetchone()
        return row[0] if row else None

    def bind(self, sid: str, user_key: str) -> None:
        """Make a session id stand for a pseudonym (a new person, or one who resumed)."""
        now = _now()
        self.db["web_sessions"].upsert({"sid_hash": self._hash("sid", sid), "user_key": user_key,
                                        "created_at": now, "last_seen": now}, pk="sid_hash")
        self.db.conn.commit()

    def seen(self, sid: str) -> None:
        """Record that a session was used (idle sessions expire)."""
        self.db.execute("UPDATE web_sessions SET last_seen = ? WHERE sid_hash = ?",
                        [_now(), self._hash("sid", sid)])
        self.db.conn.commit()

    def end_sessions(self, user_key: str) -> None:
        """End every session of a person (hide, forget, or a resume elsewhere)."""
        self.db.execute("DELETE FROM web_sessions WHERE user_key = ?", [user_key])
        self.db.conn.commit()

    # ----- messages -------------------------------------------------------------------------

    def add(self, user_key: str, side: str, html: str,
            buttons: tuple[tuple[Button, ...], ...] = ()) -> int:
        """Append a message to a person's page; return its id."""
        raw = json.dumps([[[b.label, b.action] for b in row] for row in buttons],
                         ensure_ascii=False) if buttons else ""
        row_id = int(self.db["web_messages"].insert({
            "user_key": user_key, "at": _now(), "side": side, "html": html,
            "buttons": raw}).last_pk)
        if row_id > MAX_KEPT:
            self.db.execute("DELETE FROM web_messages WHERE user_key = ? AND id <= ?",
                            [user_key, row_id - MAX_KEPT])
        self.db.conn.commit()
        return row_id

    def add_reply(self, user_key: str, reply: Reply) -> int:
        """Append one of the dialogue's replies."""
        return self.add(user_key, "bot", reply.text, reply.buttons)

    def replace(self, user_key: str, message_id: int, html: str) -> bool:
        """Replace a message's text (an operator edited theirs); False when it is gone."""
        cursor = self.db.execute("UPDATE web_messages SET html = ? WHERE id = ? AND user_key = ?",
                                 [html, message_id, user_key])
        self.db.conn.commit()
        return cursor.rowcount == 1

    def messages(self, user_key: str, after: int = 0, limit: int = 60) -> list[WebMessage]:
        """Return a person's messages after an id, oldest first (the last `limit` of them)."""
        rows = self.db.execute(
            "SELECT id, side, html, buttons FROM web_messages WHERE user_key = ? AND id > ? "
            "ORDER BY id DESC LIMIT ?", [user_key, after, limit]).fetchall()
        return [WebMessage(row[0], row[1], row[2], _buttons(row[3])) for row in reversed(rows)]

    def clear(self, user_key: str) -> None:
        """Delete every message of a person's page."""
        self.db.execute("DELETE FROM web_messages WHERE user_key = ?", [user_key])
        self.db.conn.commit()

    # ----- resume codes ---------------------------------------------------------------------

    def new_resume_code(self, user_key: str) -> str:
        """Issue a one-time resume code for a person (any earlier one stops working)."""
        letters = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(10))
        with self.db.conn:
            self.db.conn.execute("DELETE FROM web_resume WHERE user_key = ?", [user_key])
            self.db.conn.execute(
                "INSERT INTO web_resume (code_hash, user_key, created_at) VALUES (?, ?, ?)",
                [self._hash("resume", letters), user_key, _now()])
        return f"{letters[:5]}-{letters[5:]}"

    def use_resume_code(self, code: str) -> str | None:
        """Return the pseudonym of a resume code and spend it; None when it is not valid."""
        code_hash = self._hash("resume", normalise_code(code))
        with self.db.conn:
            row = self.db.conn.execute("SELECT user_key FROM web_resume WHERE code_hash = ?",
                                       [code_hash]).fetchone()
            if row is None:
                return None
            self.db.conn.execute("DELETE FROM web_resume WHERE code_hash = ?", [code_hash])
        return str(row[0])

    # ----- forgetting and expiry ------------------------------------------------------------

    def forget(self, user_key: str) -> None:
        """Delete everything the web chat keeps about a person."""
        with self.db.conn:
            for table in ("web_messages", "web_sessions", "web_resume"):
                self.db.conn.execute(f"DELETE FROM {table} WHERE user_key = ?", [user_key])

    def purge_idle(self, days: int, at: datetime | None = None) -> list[str]:
        """End sessions idle for `days`, with their messages; return the pseudonyms."""
        cutoff = ((at or datetime.now(UTC)) - timedelta(days=days)).isoformat(
            timespec="seconds")
        stale = [row[0] for row in self.db.execute(
            "SELECT DISTINCT user_key FROM web_sessions WHERE last_seen <= ? AND user_key NOT IN "
            "(SELECT user_key FROM web_sessions WHERE last_seen > ?)", [cutoff, cutoff])]
        with self.db.conn:
            self.db.conn.execute("DELETE FROM web_sessions WHERE last_seen <= ?", [cutoff])
            self.db.conn.execute("DELETE FROM web_messages WHERE at <= ?", [cutoff])
            self.db.conn.execute("DELETE FROM web_resume WHERE created_at <= ?", [cutoff])
        return stale


def _buttons(raw: str | None) -> tuple[tuple[Button, ...], ...]:
    if not raw:
        return ()
    rows: Any = json.loads(raw)
    return tuple(tuple(Button(label, action) for label, action in row) for row in rows)
