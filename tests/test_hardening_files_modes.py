"""The database, its WAL and SHM files and the secret key are readable by the bot's user only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def migrate(data_dir: Path) -> None:
    """Run `python -m bot migrate` (a fresh process, the umask it inherits is 022)."""
    env = {**os.environ, "SAPAR_DATA_DIR": str(data_dir)}
    env.pop("SAPAR_SECRET_KEY", None)
    subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); "
                    "from bot.__main__ import main; sys.exit(main(['migrate']))"],
                   cwd=PROJECT, env=env, check=True, capture_output=True)


def test_a_new_data_directory_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    migrate(data_dir)
    from bot.storage import open_database

    db = open_database(data_dir / "sapar.db")  # WAL and SHM exist while it is open
    db.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    files = {p.name: mode(p) for p in data_dir.iterdir()}
    db.close()
    assert mode(data_dir) == 0o700
    assert {"sapar.db", "sapar.db-wal", "sapar.db-shm", "secret.key"} <= set(files), files
    assert set(files.values()) == {0o600}, files


def test_an_older_install_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    migrate(data_dir)
    os.chmod(data_dir, 0o755)
    os.chmod(data_dir / "sapar.db", 0o644)
    migrate(data_dir)
    assert mode(data_dir) == 0o700 and mode(data_dir / "sapar.db") == 0o600
