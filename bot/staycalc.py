"""Count days of stay in Russia under the 90-days-per-calendar-year rule (since 1 Jan 2025).

Counting convention: the day of entry and the day of exit both count as days of stay. Leaving
and coming back on the same day (a "border run") joins the two trips: the shared day counts once
and the stay is treated as unbroken, the cautious reading for the continuous 90-day cap.
Rule sources: Federal Law 260-FZ of 8 Aug 2024 (Russian MFA: from 1 Jan 2025 at most 90 days
in total per calendar year; regional MVD: a continuous stay may not exceed 90 days either).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

LIMIT_DAYS = 90
RULE_SINCE = date(2025, 1, 1)


class TripError(ValueError):
    """The dates cannot describe real trips; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Trip:
    """One stay in Russia; `exit` is None while the person is still there."""

    entry: date
    exit: date | None = None

    def days_in_year(self, year: int, today: date) -> int:
        """Return how many days of this trip fall in a calendar year (up to today)."""
        start = max(self.entry, date(year, 1, 1))
        end = min(self.exit or today, date(year, 12, 31))
        return max(0, (end - start).days + 1)


@dataclass(frozen=True)
class StayResult:
    """What the calculator tells the person."""

    year: int
    days_used: int
    days_left: int
    in_russia: bool
    last_legal_day: date | None
    overstay_days: int
    has_contract: bool


def _by_dates(trip: Trip) -> tuple[date, date]:
    """Order trips by entry, then exit (an open trip last)."""
    return trip.entry, trip.exit or date.max


def validate(trips: list[Trip], today: date) -> None:
    """Raise TripError for future dates, exits before entries, overlaps or two open trips."""
    for trip in trips:
        if trip.entry > today or (trip.exit is not None and trip.exit > today):
            raise TripError("future")
        if trip.exit is not None and trip.exit < trip.entry:
            raise TripError("exit_before_entry")
    if sum(1 for trip in trips if trip.exit is None) > 1:
        raise TripError("two_open_trips")
    ordered = sorted(trips, key=_by_dates)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.exit is None or earlier.exit > later.entry:
            raise TripError("overlap")
        if earlier == later:
            raise TripError("overlap")  # the same one-day trip given twice


def join_border_runs(trips: list[Trip]) -> list[Trip]:
    """Join trips where one ends on the day the next begins (valid trips, any order)."""
    joined: list[Trip] = []
    for trip in sorted(trips, key=_by_dates):
        if joined and joined[-1].exit == trip.entry:
            joined[-1] = Trip(joined[-1].entry, trip.exit)
        else:
            joined.append(trip)
    return joined


def calculate(trips: list[Trip], today: date, has_contract: bool) -> StayResult:
    """Count days used this calendar year, days left and the last legal day."""
    validate(trips, today)
    trips = join_border_runs(trips)
    year = today.year
    used = sum(trip.days_in_year(year, today) for trip in trips)
    current = next((trip for trip in trips if trip.exit is None), None)
    if current is None:
        return StayResult(year, used, max(0, LIMIT_DAYS - used), False, None,
                          max(0, used - LIMIT_DAYS), has_contract)
    others = [trip for trip in trips if trip is not current]
    last_day = current.entry + timedelta(days=LIMIT_DAYS - 1)  # a single stay's cap
    # Every calendar year the stay touches has its own 90 days (the stay may have begun
    # last year, after days already spent there); a year's cap binds when it falls in it.
    for stay_year in range(max(current.entry.year, RULE_SINCE.year), year + 1):
        start = max(current.entry, date(stay_year, 1, 1))
        used_elsewhere = sum(trip.days_in_year(stay_year, today) for trip in others)
        year_cap = start + timedelta(days=LIMIT_DAYS - used_elsewhere - 1)
        if year_cap.year <= stay_year:
            last_day = min(last_day, year_cap)
    overstay = max(0, (today - last_day).days)
    days_left = max(0, (last_day - today).days)
    return StayResult(year, used, days_left, True, last_day, overstay, has_contract)
