"""Operators' office hours in Asia/Bishkek time."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

BISHKEK = ZoneInfo("Asia/Bishkek")


def within_office_hours(hours: tuple[time, time], days: tuple[int, ...],
                        at: datetime | None = None) -> bool:
    """Return True when operators are on duty (days: 1 = Monday ... 7 = Sunday)."""
    local = (at or datetime.now(UTC)).astimezone(BISHKEK)
    start, end = hours
    if local.isoweekday() not in days:
        return False
    if start <= end:
        return start <= local.time() < end
    return local.time() >= start or local.time() < end  # a shift past midnight
