"""SQLite helpers shared by the bot's and the hotline's tables."""

from __future__ import annotations

from sqlite_utils import Database


def erase_deleted(db: Database) -> None:
    """Make rows just deleted (/forget, retention) unreadable from the files as well.

    secure_delete zeroes them in the database's pages, but the WAL file keeps the frames that
    still hold them until it is overwritten; a TRUNCATE checkpoint moves the pages into the
    database and empties the WAL.
    """
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
