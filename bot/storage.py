"""The SQLite database (sqlite-utils, WAL) and the versioned schema of the core tables."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database, Migrations

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


def registered_migrations() -> list[Migrations]:
    """Return every migration set, core and web first (hotline registers its own)."""
    from bot.web.schema import web_migrations

    sets = [core_migrations, web_migrations]
    try:
        from hotline.schema import hotline_migrations
    except ImportError:
        return sets
    sets.append(hotline_migrations)
    return sets


def open_database(path: Path | str | None = None) -> Database:
    """Open (or create) the database in WAL mode and apply pending migrations."""
    if path is None:
        db = Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.enable_wal()
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed, not left in free space
    for migrations in registered_migrations():
        migrations.apply(db)
    return db


def erase_deleted(db: Database) -> None:
    """Make rows just deleted (/forget, retention) unreadable from the files as well.

    secure_delete zeroes them in the database's pages, but the WAL file keeps the frames that
    still hold them until it is overwritten; a TRUNCATE checkpoint moves the pages into the
    database and empties the WAL.
    """
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
