"""What the command lines of both sides share: opening their database or saying why not."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database


def open_for_command(opener: Callable[[Path], Database], path: Path,
                     *errors: type[Exception]) -> Database | None:
    """Open a command's database with `opener`; on one of `errors` print it and return None
    (the command then exits with 2)."""
    try:
        return opener(path)
    except errors as error:
        print(f"error: {error}", file=sys.stderr)
        return None
