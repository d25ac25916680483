"""A migrated database file for the tests' bots and runtimes, made once per run."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from bot.storage import open_database


@functools.cache
def migrated_database() -> bytes:
    """Return the bytes of a database file with every migration applied (made once).

    Migrating a new file costs ~25 ms (a commit per migration); the bots of the tests start on
    a copy instead. Migrating from nothing is tested where it is the subject (test_storage,
    the processes of the slow tests). The migrations' times are set to one whole second: their
    microseconds (.809203) could spell a test's chat id and fail a check that no id is
    readable in the files, in every test of the run at once.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sapar.db"
        database = open_database(path)
        with database.conn:
            database.execute("UPDATE _sqlite_migrations SET applied_at = ?",
                             ["2026-01-01 00:00:00+00:00"])
        database.close()  # the last connection's close checkpoints the WAL
        return path.read_bytes()


def seed_database(path: Path) -> None:
    """Put a migrated database at `path` unless one is there (the bot then opens it as it
    opens any existing database: migrations checked, pragmas set, modes made private)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(migrated_database())
