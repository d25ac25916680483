"""The desk's clock: the current time, which tests can move forward (no sleeping in tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class DeskClock:
    """UTC now, plus an offset that only tests change (`advance`)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        """Return the current time (UTC)."""
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        """Move the clock forward (timedelta keywords: minutes=11)."""
        self.offset += timedelta(**delta)
