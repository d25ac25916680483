"""The 90-days-per-calendar-year calculator, on dates worked out by hand.

Convention (bot/staycalc.py): the day of entry and the day of exit both count.
Each case's comment shows the hand count; "day 90" of a stay starting on D is D + 89 days.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.staycalc import StayResult, Trip, TripError, calculate


def d(text: str) -> date:
    """Return a date from ISO text (keeps the cases readable)."""
    return date.fromisoformat(text)


def numbers(result: StayResult) -> tuple[int, int, date | None, int]:
    """Return what the person is told: days used, days left, last legal day, overstay."""
    return result.days_used, result.days_left, result.last_legal_day, result.overstay_days


def test_year_boundary_entry_in_december_still_in_russia_in_january() -> None:
    # Entered 10 Dec 2025, today 15 Jan 2026.
    # Used in 2026: 1..15 Jan = 15 days (December belongs to 2025's count).
    # Continuous cap: 10-31 Dec = 22, +31 Jan = 53, +28 Feb = 81, +9 Mar = 90 -> 9 Mar 2026.
    # Year cap: 1 Jan + 89 = 31 Mar 2026 (31 + 28 + 31), later than 9 Mar, so 9 Mar wins.
    # Left after today: 16 (rest of Jan) + 28 (Feb) + 9 (Mar) = 53.
    result = calculate([Trip(d("2025-12-10"))], d("2026-01-15"), has_contract=False)
    assert result.year == 2026 and result.in_russia
    assert numbers(result) == (15, 53, d("2026-03-09"), 0)


def test_leap_day_counts_as_a_day() -> None:
    # Entered 1 Jan 2028 (leap year), today 29 Feb 2028.
    # Used: 31 (Jan) + 29 (Feb, with the 29th) = 60.
    # Day 90: 60 days to 29 Feb, 30 more -> 30 Mar 2028. Left: 30.
    result = calculate([Trip(d("2028-01-01"))], d("2028-02-29"), has_contract=False)
    assert numbers(result) == (60, 30, d("2028-03-30"), 0)


def test_closed_trip_over_the_leap_day() -> None:
    # 28 Feb, 29 Feb, 1 Mar 2028 = 3 days; 90 - 3 = 87 left; not in Russia now.
    result = calculate([Trip(d("2028-02-28"), d("2028-03-01"))], d("2028-06-01"),
                       has_contract=False)
    assert numbers(result) == (3, 87, None, 0)
    assert not result.in_russia


def test_several_closed_trips_this_year_add_up() -> None:
    # 5-20 Jan = 16, 1-31 Mar = 31, 10 May alone = 1 -> 48 used, 42 left.
    trips = [Trip(d("2026-01-05"), d("2026-01-20")), Trip(d("2026-03-01"), d("2026-03-31")),
             Trip(d("2026-05-10"), d("2026-05-10"))]
    result = calculate(trips, d("2026-06-01"), has_contract=False)
    assert numbers(result) == (48, 42, None, 0)


def test_same_day_entry_and_exit_counts_one_day() -> None:
    # In and out on 10 Apr 2026: 1 day used, 89 left.
    result = calculate([Trip(d("2026-04-10"), d("2026-04-10"))], d("2026-04-20"),
                       has_contract=False)
    assert numbers(result) == (1, 89, None, 0)


def test_entered_today_counts_today() -> None:
    # Entered 1 Jul 2026 and it is 1 Jul: 1 day used.
    # Day 90: 31 (Jul) + 31 (Aug) = 62, + 28 Sep = 90 -> 28 Sep. Left after today: 89.
    result = calculate([Trip(d("2026-07-01"))], d("2026-07-01"), has_contract=False)
    assert numbers(result) == (1, 89, d("2026-09-28"), 0)


def test_earlier_trip_shortens_the_current_one() -> None:
    # Earlier: 10-31 Jan = 22, 1-20 Feb = 20 -> 42. Now in Russia since 1 Mar, today 15 Apr:
    # 31 (Mar) + 15 (Apr) = 46 -> 88 used.
    # Year cap: 90 - 42 = 48 days from 1 Mar: 31 (Mar) + 17 -> 17 Apr.
    # Continuous cap: 1 Mar + 89 = 29 May. 17 Apr wins; left after 15 Apr: 2.
    trips = [Trip(d("2026-01-10"), d("2026-02-20")), Trip(d("2026-03-01"))]
    result = calculate(trips, d("2026-04-15"), has_contract=False)
    assert numbers(result) == (88, 2, d("2026-04-17"), 0)


def test_closed_trip_of_exactly_90_days_is_not_an_overstay() -> None:
    # 1 Jan - 31 Mar 2026: 31 + 28 + 31 = 90 used, 0 left, 0 over.
    result = calculate([Trip(d("2026-01-01"), d("2026-03-31"))], d("2026-04-05"),
                       has_contract=False)
    assert numbers(result) == (90, 0, None, 0)


def test_today_is_day_90() -> None:
    # Since 1 Feb 2026: 28 (Feb) + 31 (Mar) + 30 (Apr) = 89, so 1 May is day 90.
    result = calculate([Trip(d("2026-02-01"))], d("2026-05-01"), has_contract=False)
    assert numbers(result) == (90, 0, d("2026-05-01"), 0)


def test_overstay_while_still_in_russia() -> None:
    # Since 1 Jan 2026, today 10 Apr: 31 + 28 + 31 + 10 = 100 used.
    # Day 90 was 31 Mar; 1-10 Apr are 10 days over.
    result = calculate([Trip(d("2026-01-01"))], d("2026-04-10"), has_contract=False)
    assert numbers(result) == (100, 0, d("2026-03-31"), 10)


def test_overstay_on_a_past_trip() -> None:
    # 1 Jan - 10 Apr 2026 closed: 100 days, 10 over the limit, nothing left.
    result = calculate([Trip(d("2026-01-01"), d("2026-04-10"))], d("2026-05-01"),
                       has_contract=False)
    assert numbers(result) == (100, 0, None, 10)


def test_used_90_days_then_entered_again() -> None:
    # 1 Jan - 31 Mar = 90 days already. Entered again 1 Jun, today 3 Jun: 1, 2, 3 Jun = 3.
    # 93 used; no day was left, so the last legal day is the day before this entry
    # (31 May) and all 3 days of this trip are over the limit.
    trips = [Trip(d("2026-01-01"), d("2026-03-31")), Trip(d("2026-06-01"))]
    result = calculate(trips, d("2026-06-03"), has_contract=False)
    assert numbers(result) == (93, 0, d("2026-05-31"), 3)


def test_continuous_cap_for_a_trip_that_started_last_year() -> None:
    # Entered 15 Nov 2025, today 20 Jan 2026. Used in 2026: 20.
    # Continuous: 15-30 Nov = 16, + 31 Dec = 47, + 31 Jan = 78, + 12 Feb = 90 -> 12 Feb 2026
    # (the year count alone would allow until 31 Mar). Left: 11 (Jan) + 12 (Feb) = 23.
    result = calculate([Trip(d("2025-11-15"))], d("2026-01-20"), has_contract=False)
    assert numbers(result) == (20, 23, d("2026-02-12"), 0)


def test_continuous_cap_already_passed_in_the_new_year() -> None:
    # Entered 1 Oct 2025: 31 (Oct) + 30 (Nov) = 61, + 29 Dec = 90 -> day 90 was 29 Dec 2025.
    # Today 10 Jan 2026: 30-31 Dec = 2 and 1-10 Jan = 10 -> 12 days over; 10 used in 2026.
    result = calculate([Trip(d("2025-10-01"))], d("2026-01-10"), has_contract=False)
    assert numbers(result) == (10, 0, d("2025-12-29"), 12)


def test_stay_into_next_year_follows_the_continuous_cap() -> None:
    # 2025: 1 Jan - 1 Mar = 31 + 28 + 1 = 60; in Russia again since 20 Dec, today 31 Dec:
    # 20-31 Dec = 12 -> 72 used in 2025, so 2025's limit is never reached.
    # The stay may go on into 2026 up to day 90 of the trip:
    # 12 (Dec) + 31 (Jan) + 28 (Feb) = 71, + 19 Mar = 90 -> 19 Mar 2026.
    # Left after 31 Dec: 31 + 28 + 19 = 78.
    trips = [Trip(d("2025-01-01"), d("2025-03-01")), Trip(d("2025-12-20"))]
    result = calculate(trips, d("2025-12-31"), has_contract=False)
    assert result.year == 2025
    assert numbers(result) == (72, 78, d("2026-03-19"), 0)


def test_late_entry_after_a_long_year_ends_in_december() -> None:
    # 2025: 1 Jan - 26 Mar = 31 + 28 + 26 = 85; entered again 20 Dec, today 31 Dec.
    # 5 days were left: 20, 21, 22, 23, 24 Dec -> last legal day 24 Dec.
    # 25-31 Dec = 7 days over; used 85 + 12 = 97.
    trips = [Trip(d("2025-01-01"), d("2025-03-26")), Trip(d("2025-12-20"))]
    result = calculate(trips, d("2025-12-31"), has_contract=False)
    assert numbers(result) == (97, 0, d("2025-12-24"), 7)


def test_last_years_limit_still_binds_a_stay_that_began_last_year() -> None:
    # 2025: 1 Jan - 26 Mar = 85 days; in Russia again since 20 Dec 2025, today 5 Jan 2026.
    # 2025 had 5 days left: 20-24 Dec -> the last legal day was 24 Dec 2025, not a day in
    # March 2026. Over: 25-31 Dec = 7, + 1-5 Jan = 5 -> 12 days. Used in 2026: 5.
    trips = [Trip(d("2025-01-01"), d("2025-03-26")), Trip(d("2025-12-20"))]
    result = calculate(trips, d("2026-01-05"), has_contract=False)
    assert result.year == 2026
    assert numbers(result) == (5, 0, d("2025-12-24"), 12)


def test_years_before_the_rule_have_no_yearly_limit() -> None:
    # The yearly rule exists since 1 Jan 2025: 85 days in early 2024 do not cut short a stay
    # begun on 20 Dec 2024. Only the single-stay cap applies: 20-31 Dec = 12, + 31 (Jan)
    # + 28 (Feb) = 71, + 19 Mar = 90 -> 19 Mar 2025. Today 5 Jan 2025: 5 used;
    # left 26 (Jan) + 28 (Feb) + 19 (Mar) = 73.
    trips = [Trip(d("2024-01-01"), d("2024-03-25")), Trip(d("2024-12-20"))]
    result = calculate(trips, d("2025-01-05"), has_contract=False)
    assert numbers(result) == (5, 73, d("2025-03-19"), 0)


def test_only_this_years_days_of_a_closed_trip_count() -> None:
    # 15 Dec 2025 - 10 Jan 2026: only 1-10 Jan count in 2026 -> 10 used, 80 left.
    # A trip wholly in 2025 (1 Mar - 29 May) counts nothing in 2026.
    trips = [Trip(d("2025-03-01"), d("2025-05-29")), Trip(d("2025-12-15"), d("2026-01-10"))]
    result = calculate(trips, d("2026-02-01"), has_contract=False)
    assert numbers(result) == (10, 80, None, 0)


def test_contract_changes_no_numbers_and_is_carried() -> None:
    # Same as test_earlier_trip_shortens_the_current_one: 88 used, 2 left, 17 Apr.
    trips = [Trip(d("2026-01-10"), d("2026-02-20")), Trip(d("2026-03-01"))]
    with_contract = calculate(trips, d("2026-04-15"), has_contract=True)
    without = calculate(trips, d("2026-04-15"), has_contract=False)
    assert numbers(with_contract) == numbers(without) == (88, 2, d("2026-04-17"), 0)
    assert with_contract.has_contract and not without.has_contract


@pytest.mark.parametrize("trips", [
    [Trip(d("2026-05-02"))],                          # entry tomorrow
    [Trip(d("2026-04-01"), d("2026-05-10"))],         # exit after today
    [Trip(d("2026-01-10"), d("2026-01-20")), Trip(d("2026-06-01"))],
])
def test_future_dates_are_refused(trips: list[Trip]) -> None:
    with pytest.raises(TripError) as error:
        calculate(trips, d("2026-05-01"), has_contract=False)
    assert error.value.reason == "future"


def test_exit_before_entry_is_refused() -> None:
    with pytest.raises(TripError) as error:
        calculate([Trip(d("2026-03-10"), d("2026-03-01"))], d("2026-05-01"),
                  has_contract=False)
    assert error.value.reason == "exit_before_entry"


@pytest.mark.parametrize("trips", [
    # 10 Jan - 20 Feb and 15 Feb - 1 Mar share 15-20 Feb.
    [Trip(d("2026-01-10"), d("2026-02-20")), Trip(d("2026-02-15"), d("2026-03-01"))],
    # A closed trip inside the current stay (in Russia since 1 Mar).
    [Trip(d("2026-03-01")), Trip(d("2026-03-10"), d("2026-03-20"))],
])
def test_overlapping_trips_are_refused(trips: list[Trip]) -> None:
    with pytest.raises(TripError) as error:
        calculate(trips, d("2026-05-01"), has_contract=False)
    assert error.value.reason == "overlap"


def test_two_open_trips_are_refused() -> None:
    with pytest.raises(TripError) as error:
        calculate([Trip(d("2026-01-10")), Trip(d("2026-03-01"))], d("2026-05-01"),
                  has_contract=False)
    assert error.value.reason == "two_open_trips"


def test_border_run_on_the_same_day_counts_that_day_once_and_keeps_the_stay_unbroken() -> None:
    # In Russia 1 Feb - 10 Mar 2026, out and back in on 10 Mar, still there; today 20 Apr.
    # Used: 28 (Feb) + 31 (Mar, the 10th once) + 20 (Apr) = 79. Left: 90 - 79 = 11 -> 1 May.
    # The continuous cap from 1 Feb is the same day: 1 Feb + 89 = 1 May.
    result = calculate([Trip(d("2026-02-01"), d("2026-03-10")), Trip(d("2026-03-10"))],
                       d("2026-04-20"), has_contract=False)
    assert numbers(result) == (79, 11, d("2026-05-01"), 0)


def test_border_run_between_two_closed_trips() -> None:
    # 1-10 Jan and 10-20 Jan: 1..20 Jan = 20 days, not 21.
    result = calculate([Trip(d("2026-01-10"), d("2026-01-20")),
                        Trip(d("2026-01-01"), d("2026-01-10"))], d("2026-03-01"),
                       has_contract=False)
    assert numbers(result) == (20, 70, None, 0)


@pytest.mark.parametrize("order", [1, -1])
def test_in_and_out_the_same_day_then_back_in_is_one_stay_whatever_the_order(order: int) -> None:
    trips = [Trip(d("2026-04-01"), d("2026-04-01")), Trip(d("2026-04-01"), d("2026-04-05"))]
    result = calculate(trips[::order], d("2026-05-01"), has_contract=False)
    assert result.days_used == 5


def test_the_same_one_day_trip_twice_is_refused() -> None:
    with pytest.raises(TripError) as error:
        calculate([Trip(d("2026-04-01"), d("2026-04-01"))] * 2, d("2026-05-01"),
                  has_contract=False)
    assert error.value.reason == "overlap"
