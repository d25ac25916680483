"""Read a database's state without changing it: integrity, applied and pending migrations."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.storage import registered_migrations


@dataclass(frozen=True)
class SchemaState:
    """What a database file holds, as far as this version of Sapar knows."""

    integrity: str
    pending: tuple[str, ...]  # migrations this Sapar has and the file lacks ("set/name")
    unknown: tuple[str, ...]  # migrations the file has and this Sapar does not (a newer one)

    @property
    def current(self) -> bool:
        """True when the file is intact and exactly at this version's schema."""
        return self.integrity == "ok" and not self.pending and not self.unknown


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open a database file read-only (works while the bot writes to it, WAL mode)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5,
                                 check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 5000")
    return connection


INTEGRITY = {"full": "integrity_check", "quick": "quick_check"}


def schema_state(connection: sqlite3.Connection, *, integrity: str = "full") -> SchemaState:
    """Check a database's migrations and its integrity ("full", "quick", or "none": skipped)."""
    result = "ok"
    if integrity != "none":
        rows = [row[0] for row in connection.execute(f"PRAGMA {INTEGRITY[integrity]}")]
        result = "ok" if rows == ["ok"] else "; ".join(str(row) for row in rows[:3])
    db = Database(connection)
    applied: set[str] = set()
    if db["_sqlite_migrations"].exists():
        applied = {f"{row[0]}/{row[1]}" for row in connection.execute(
            "SELECT migration_set, name FROM _sqlite_migrations")}
    known = {f"{m.name}/{step.name}" for m in registered_migrations() for step in m._migrations}
    return SchemaState(result, tuple(sorted(known - applied)), tuple(sorted(applied - known)))
