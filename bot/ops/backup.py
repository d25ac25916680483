"""Online backups of the database (SQLite's backup API) and checked restores.

A backup is taken through SQLite's backup API from a read transaction: in WAL mode the bot goes
on writing meanwhile and the copy is the database as of one moment. The copy is checked
(integrity_check), turned into a single self-contained file and, with a passphrase, sealed
(bot/ops/sealed.py). The secret key is never in a backup: keep it elsewhere (docs/operations.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.ops.lock import is_running
from bot.ops.schema import SchemaState, schema_state
from bot.ops.sealed import SealError, is_sealed, seal, unseal
from bot.settings import SECRET_KEY_FILE, Settings

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore did."""

    path: Path
    size: int
    sealed: bool
    cases: int
    schema: SchemaState
    key_matches: bool | None = None  # restore: can this SAPAR_SECRET_KEY read the chat ids?


@contextmanager
def _private_temp(directory: Path, suffix: str) -> Iterator[Path]:
    """Yield a fresh 0600 file path in a directory; remove it (and SQLite's side files) after."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".sapar-", suffix=suffix, dir=directory)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"),
                         Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)


def _count_cases(connection: sqlite3.Connection) -> int:
    try:
        return int(connection.execute("SELECT count(*) FROM cases").fetchone()[0])
    except sqlite3.OperationalError:  # no hotline tables yet
        return 0


def backup(settings: Settings, dest: Path, passphrase: str | None = None) -> BackupReport:
    """Copy the live database to `dest` (sealed when a passphrase is given), checked."""
    source_path = settings.database_path
    if not source_path.exists():
        raise BackupError(f"{source_path} does not exist: nothing to back up")
    dest = dest.expanduser().resolve()
    if dest.is_dir():
        raise BackupError(f"{dest} is a directory: give a file name")
    if dest.is_relative_to(settings.data_dir.resolve()):
        raise BackupError(f"{dest} is in the data directory, beside {SECRET_KEY_FILE}: "
                          "put backups on other storage (and the key somewhere else again)")
    with _private_temp(dest.parent, ".db") as copy:
        source = sqlite3.connect(source_path, timeout=30)
        target = sqlite3.connect(copy)
        try:
            source.execute("PRAGMA busy_timeout = 30000")
            source.backup(target)  # one step: a consistent snapshot, writers are not blocked
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            state = schema_state(target)
            cases = _count_cases(target)
        finally:
            target.close()
            source.close()
        if state.integrity != "ok":
            raise BackupError(f"the copy failed its integrity check ({state.integrity}): the "
                              "database may be damaged; keep the previous backups")
        tmp_dest = dest.with_name(f".{dest.name}.partial")
        fd = os.open(tmp_dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, open(copy, "rb") as plain:
            if passphrase:
                seal(plain, out, passphrase)
            else:
                while block := plain.read(1024 * 1024):
                    out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_dest, dest)
    return BackupReport(dest, dest.stat().st_size, bool(passphrase), cases, state)


def _key_matches(connection: sqlite3.Connection, secret_key: bytes) -> bool | None:
    """Return whether this key decrypts the stored chat ids (None: there are none to try)."""
    from hotline.crypto import ChatIdCipher

    try:
        row = connection.execute(
            "SELECT chat_enc FROM cases WHERE chat_enc IS NOT NULL LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return None
    if row is None:
        return None
    try:
        ChatIdCipher(secret_key).decrypt(row[0])
    except ValueError:
        return False
    return True


def restore(settings: Settings, source: Path, passphrase: str | None = None, *,
            force: bool = False) -> BackupReport:
    """Restore a backup into the data directory after checking it; migrate it to this version.

    Refuses while the bot runs, or over an existing database, unless `force`. The copy is
    written with SQLite's backup API, so even a forced restore never leaves a half-written file.
    """
    source = source.expanduser()
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    target_path = settings.database_path
    if not force and is_running(settings.data_dir):
        raise BackupError("the bot is running on this data directory: stop it first "
                          "(or pass --force to replace its database under it)")
    if not force and target_path.exists():
        raise BackupError(f"{target_path} exists: pass --force to replace it (back it up first)")
    with _private_temp(settings.data_dir, ".db") as plain:
        if is_sealed(source):
            if not passphrase:
                raise BackupError(f"{source} is encrypted: give its passphrase "
                                  "(--passphrase-file or SAPAR_BACKUP_PASSPHRASE)")
            try:
                with open(source, "rb") as sealed_file, open(plain, "wb") as out:
                    unseal(sealed_file, out, passphrase)
            except SealError as error:
                raise BackupError(f"{source}: {error}") from None
        else:
            with open(source, "rb") as raw:
                if raw.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                    raise BackupError(f"{source} is neither a Sapar backup nor a SQLite file")
            shutil.copyfile(source, plain)
        candidate = sqlite3.connect(plain)
        try:
            try:
                state = schema_state(candidate)
            except sqlite3.DatabaseError as error:
                raise BackupError(f"{source} is not a readable database: {error}") from None
            if state.integrity != "ok":
                raise BackupError(f"{source} failed its integrity check ({state.integrity})")
            if state.unknown:
                raise BackupError(f"{source} was made by a newer Sapar (migrations "
                                  f"{', '.join(state.unknown)}): upgrade Sapar first")
            if "sapar/m001_users" in state.pending:
                raise BackupError(f"{source} is a SQLite file but not a Sapar database")
            key_matches = _key_matches(candidate, settings.secret_key)
            cases = _count_cases(candidate)
            target = sqlite3.connect(target_path, timeout=30)
            try:
                target.execute("PRAGMA busy_timeout = 30000")
                candidate.backup(target)
            finally:
                target.close()
        finally:
            candidate.close()
    from bot.storage import open_database

    open_database(target_path).close()  # WAL mode and any migrations this version adds
    return BackupReport(target_path, target_path.stat().st_size, is_sealed(source), cases,
                        state, key_matches)
