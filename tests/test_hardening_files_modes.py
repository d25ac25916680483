"""The database, its WAL and SHM files and the secret key are readable by the bot's user only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def migrate(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `python -m bot migrate`'s main() as a new process would: umask 022 (the usual one;
    the first database opened in this process already narrowed it), no secret key set."""
    from bot.__main__ import main

    monkeypatch.setenv("SAPAR_DATA_DIR", str(data_dir))
    monkeypatch.delenv("SAPAR_SECRET_KEY", raising=False)
    previous = os.umask(0o022)
    try:
        assert main(["migrate"]) == 0
    finally:
        os.umask(previous)


def test_a_new_data_directory_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    data_dir = tmp_path / "data"
    migrate(data_dir, monkeypatch)
    from bot.storage import open_database

    db = open_database(data_dir / "sapar.db")  # WAL and SHM exist while it is open
    db.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    files = {p.name: mode(p) for p in data_dir.iterdir()}
    db.close()
    assert mode(data_dir) == 0o700
    assert {"sapar.db", "sapar.db-wal", "sapar.db-shm", "secret.key"} <= set(files), files
    assert set(files.values()) == {0o600}, files


def test_an_older_install_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    data_dir = tmp_path / "data"
    migrate(data_dir, monkeypatch)
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / "sapar.db", 0o644)
    migrate(data_dir, monkeypatch)
    assert mode(data_dir) == 0o700 and mode(data_dir / "sapar.db") == 0o600
