"""SQLite helpers shared by the bot's and the hotline's tables."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def erase_deleted(db: Database) -> None:
    """Make rows just deleted (/forget, retention) unreadable from the files as well.

    secure_delete zeroes them in the database's pages, but the WAL file keeps the frames that
    still hold them until it is overwritten; a TRUNCATE checkpoint moves the pages into the
    database and empties the WAL.
    """
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def insert_row(db: Database, table: str, row: dict[str, Any]) -> int:
    """INSERT one row and return its rowid, committing nothing.

    sqlite-utils' `db[table].insert` first reads the schema (the table list, the columns)
    to create or alter the table if needed: right for scripts, a cost on every relay here,
    where every table exists from its migration.
    """
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    cursor = db.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                             list(row.values()))
    return int(cursor.lastrowid or 0)
