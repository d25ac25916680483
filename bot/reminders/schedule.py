"""When a dated reminder goes out: N days before the date (14, 7, 3, 1) and on the day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reminders.store import Reminder

OFFSETS = (14, 7, 3, 1, 0)  # days before the date; 0 = on the day
# The deadlines are Russian ones: the day and the sending hours are Moscow's.
ZONE = ZoneInfo("Europe/Moscow")
SEND_FROM_HOUR = 9   # nobody is woken by a reminder
SEND_UNTIL_HOUR = 21
REGISTRATION_DAYS = 30  # Kyrgyz citizens: within 30 days of entry (facts.md §1.2, §11.5)
CONTRACT_GAP_DAYS = 15  # a new contract within 15 days of the old one's end (§1.2)
LONGEST_AHEAD = 400  # a date further ahead than this is not a deadline we count


def local_day(moment: datetime) -> date:
    """Return the Moscow date of an aware moment."""
    return moment.astimezone(ZONE).date()


def sending_hours(moment: datetime) -> bool:
    """Return True inside the hours when reminders may go out."""
    return SEND_FROM_HOUR <= moment.astimezone(ZONE).hour < SEND_UNTIL_HOUR


def reminded_up_to(today: date) -> date:
    """Return the latest date whose first reminder day may have come (today + 14 days)."""
    return today + timedelta(days=max(OFFSETS))


def already_passed(due: date, today: date) -> set[int]:
    """Return the offsets that are past or today when a reminder is set.

    The person has just seen the date: a reminder at once would be noise. Only the days still
    ahead are reminded (set 10 days before: on 7, 3, 1 days before and on the day).
    """
    left = (due - today).days
    return {n for n in OFFSETS if n >= left and n != 0} | ({0} if left < 0 else set())


def registration_deadline(entry: date) -> date:
    """Return the last day of the 30 days after entry (the day of entry counts as the first)."""
    return entry + timedelta(days=REGISTRATION_DAYS - 1)


def contract_deadline(ended: date) -> date:
    """Return the last day to sign a new contract after one ended (as the calculator says)."""
    return ended + timedelta(days=CONTRACT_GAP_DAYS)


def plausible(due: date, today: date) -> bool:
    """Return True for a date a reminder can be set for (not past, not absurdly far)."""
    return today <= due <= today + timedelta(days=LONGEST_AHEAD)


def due_now(reminder: Reminder, today: date) -> tuple[int | None, set[int]]:
    """Return (days left to tell now or None, the offsets this settles).

    After a pause (the bot was down on the 7-days day), the nearest missed offset is sent once
    with the real number of days left, and the older ones are settled without a message.
    """
    left = (reminder.due - today).days
    if left < 0:
        return None, set()
    waiting = {n for n in OFFSETS if n >= left and n not in reminder.sent}
    if not waiting:
        return None, set()
    return left, waiting
