"""The SQLite database (sqlite-utils, WAL) and the versioned schema of the core tables."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database, Migrations

from bot.ops import exitcodes

logger = logging.getLogger(__name__)
core_migrations = Migrations("sapar")


@core_migrations()
def m001_users(db: Database) -> None:
    """Create the users table, keyed by pseudonym."""
    db["users"].create(
        {"user_key": str, "language": str, "created_at": str, "last_seen": str},
        pk="user_key",
    )


@core_migrations()
def m002_preferences_and_state(db: Database) -> None:
    """Add preferences and the persisted conversation state."""
    db["users"].add_column("preferences", str, not_null_default="{}")
    db["conversations"].create(
        {"user_key": str, "state": str, "updated_at": str},
        pk="user_key",
        foreign_keys=[("user_key", "users", "user_key")],
    )


@core_migrations()
def m003_campaign_counts(db: Database) -> None:
    """Count deep-link campaign tags per day, never tied to a person."""
    db["campaign_counts"].create(
        {"tag": str, "day": str, "count": int},
        pk=("tag", "day"),
    )


@core_migrations()
def m004_quarantine(db: Database) -> None:
    """Keep updates that could not be parsed, encrypted, for a person to look at."""
    db["quarantine"].create(
        {"id": int, "update_id": int, "user_key": str, "error": str, "received_at": str,
         "payload_enc": str},
        pk="id",
    )
    db["quarantine"].create_index(["user_key"])


@core_migrations()
def m005_inbox(db: Database) -> None:
    """Keep each received update (encrypted) until it is handled: the durable inbox."""
    db["inbox"].create(
        {"update_id": int, "payload_enc": str, "received_at": str, "done_at": str},
        pk="update_id",
    )
    db["inbox"].create_index(["done_at"])


def registered_migrations() -> list[Migrations]:
    """Return every migration set: core, web and reminders first, then the hotline's (which
    owns its tables; the bot is its composition root, the hotline is not optional)."""
    from bot.reminders.schema import reminder_migrations
    from bot.web.schema import web_migrations
    from hotline.schema import hotline_migrations

    return [core_migrations, web_migrations, reminder_migrations, hotline_migrations]


EXIT_STORAGE = exitcodes.STORAGE  # the database cannot be opened or written: no restart loop


class StorageError(RuntimeError):
    """The database cannot be opened or written (read-only or full disk, wrong owner)."""


PRIVATE_UMASK = 0o077  # files 0600, directories 0700: no other local user reads a thing


def secure_files(directory: Path) -> None:
    """Make the data directory 0700 and the database files in it 0600 (older installs too)."""
    os.umask(PRIVATE_UMASK)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        for name in os.listdir(directory):
            path = directory / name
            if path.is_file() and not path.is_symlink():
                os.chmod(path, 0o600)
    except OSError as error:  # not our directory, or a read-only file system
        logger.warning("could not make %s private (%s)", directory, error.strerror)


def open_database(path: Path | str | None = None) -> Database:
    """Open (or create) the database in WAL mode and apply pending migrations."""
    if path is None:
        return _prepare(Database(memory=True))
    secure_files(Path(path).parent)
    try:
        db = Database(path)
        db.enable_wal()
        return _prepare(db)
    except (sqlite3.Error, OSError) as error:
        raise StorageError(
            f"cannot open or write the database {path} ({error}). Is the disk full or "
            "read-only, or does the file belong to another user?") from None


def connect(path: Path | str) -> Database:
    """Open one more connection to a migrated database (PRAGMAs set here, once)."""
    db = Database(path)
    _pragmas(db)
    return db


def _pragmas(db: Database) -> None:
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free space


def _prepare(db: Database) -> Database:
    _pragmas(db)
    for migrations in registered_migrations():
        migrations.apply(db)
    # a read-only file can be opened and read: find out now, not at the first relay
    db.execute("CREATE TABLE IF NOT EXISTS _write_probe (x)")
    db.execute("DROP TABLE IF EXISTS _write_probe")  # two openers at once: one drops it
    db.conn.commit()
    return db


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """Like sqlite-utils' `db.atomic()`, but taking the write lock at the start.

    Two connections write this file (the event loop's and the database thread's). A deferred
    transaction that reads first and writes later fails at once with "database is locked"
    when the other connection committed in between (WAL's stale snapshot: busy_timeout does
    not apply); BEGIN IMMEDIATE waits for the lock up to busy_timeout instead. Nested, it is
    a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
