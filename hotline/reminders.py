"""Remind the desk of cases nobody claimed and of messages nobody answered.

What was reminded is stored on the case, so a restart neither loses a reminder nor repeats it;
a kill between queuing a reminder and recording it repeats that one reminder at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from hotline.cases import Case, CaseStore
from hotline.outbox import DESK, Outbox


class DeskTimes(Protocol):
    """What the reminders read from the settings (the bot's Settings has all of it)."""

    desk_supervisors: tuple[str, ...]
    desk_unclaimed_minutes: int
    desk_unanswered_minutes: int


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _mention(case: Case, settings: DeskTimes) -> str:
    """Return the supervisors' mention line for an urgent case ('' for the others)."""
    if not case.urgent or not settings.desk_supervisors:
        return ""
    return "\n🔴 <b>URGENT</b>: " + " ".join(settings.desk_supervisors)


def remind_desk(cases: CaseStore, outbox: Outbox, settings: DeskTimes, now: datetime) -> int:
    """Queue the reminders that are due; return how many."""
    db = cases.db
    sent = 0
    unclaimed = _iso(now - timedelta(minutes=settings.desk_unclaimed_minutes))
    for row in list(db.query(
            "SELECT * FROM cases WHERE status = 'waiting' AND reminded_unclaimed IS NULL AND "
            "created_at <= ?", [unclaimed])):
        case = Case.from_row(row)
        outbox.put(case.case_code, DESK, "notice", {"text": (
            f"⏰ Nobody has claimed this case for {settings.desk_unclaimed_minutes} minutes. "
            "/claim it, or /transfer it to another desk." + _mention(case, settings))},
            case.priority)
        db.execute("UPDATE cases SET reminded_unclaimed = ? WHERE case_code = ?",
                   [_iso(now), case.case_code])
        db.conn.commit()
        sent += 1
    unanswered = _iso(now - timedelta(minutes=settings.desk_unanswered_minutes))
    for row in list(db.query(
            "SELECT * FROM cases WHERE status = 'active' AND waiting_since IS NOT NULL AND "
            "waiting_since <= ? AND COALESCE(reminded_unanswered, '') != waiting_since",
            [unanswered])):
        case = Case.from_row(row)
        outbox.put(case.case_code, DESK, "notice", {"text": (
            f"⏰ The person's message has waited {settings.desk_unanswered_minutes} minutes "
            "for an answer." + _mention(case, settings))}, case.priority)
        db.execute("UPDATE cases SET reminded_unanswered = waiting_since WHERE case_code = ?",
                   [case.case_code])
        db.conn.commit()
        sent += 1
    return sent


def person_wrote(cases: CaseStore, case_code: str, now: datetime) -> None:
    """Start the wait for an answer (kept when an earlier message is still unanswered)."""
    cases.db.execute("UPDATE cases SET waiting_since = COALESCE(waiting_since, ?) WHERE "
                     "case_code = ?", [_iso(now), case_code])
    cases.db.conn.commit()


def operator_answered(cases: CaseStore, case_code: str) -> None:
    """An operator wrote to the person: nothing is waiting any more."""
    cases.db.execute("UPDATE cases SET waiting_since = NULL WHERE case_code = ?", [case_code])
    cases.db.conn.commit()
