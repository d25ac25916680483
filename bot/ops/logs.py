"""Log lines: one line per event (tracebacks folded in), plain text or JSON.

What is logged is decided where it is logged: ids of updates, case codes, counts and error
class names, never a message text, a name or a chat id (tests/test_privacy.py holds the code to
that). This module only shapes the lines.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

FORMATS = ("text", "json")


class OneLineFormatter(logging.Formatter):
    """`time level logger: message`, with any traceback on the same line (\\n shown as ' | ')."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line."""
        return super().format(record).replace("\r", "").replace("\n", " | ")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the error if any."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one JSON line."""
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(
                     timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever sys.stderr is at the time of each line (tests swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def install(level: str, log_format: str = "text") -> None:
    """Send every log line to stderr in the chosen format (the supervisor keeps and rotates)."""
    handler = _Stderr()
    handler.setFormatter(JsonFormatter() if log_format == "json" else OneLineFormatter())
    handler.set_name("sapar")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "sapar"]:
        root.removeHandler(old)  # installing twice (tests, several commands) keeps one
    root.addHandler(handler)
    root.setLevel(level)
