"""Weekly statistics of reminders and alerts for the hotline's report: counts only.

Subscribers per topic (as of this week), alert messages delivered per topic and week, and
reminders sent per kind and week. No query reads a pseudonym or an encrypted chat id; the
report suppresses every cell under its threshold (5) as it does for cases.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from bot.reminders.store import iso_week
from hotline.stats import Cell

TABLES = ("subscriptions", "broadcasts", "reminder_counts")


def reminder_cells(db: Database) -> list[Cell]:
    """Return the unsuppressed cells: alert_subscribers, alert_deliveries, reminders_sent."""
    if not set(TABLES) <= set(db.table_names()):
        return []  # a database from before reminders existed
    this_week = iso_week(datetime.now(UTC).date())
    cells = [Cell(this_week, "alert_subscribers", topic, n) for topic, n in db.execute(
        "SELECT topic, COUNT(*) FROM subscriptions GROUP BY topic ORDER BY topic").fetchall()]
    deliveries: dict[tuple[str, str], int] = {}
    for topic, sent, at in db.execute(
            "SELECT topic, sent, COALESCE(finished_at, confirmed_at) FROM broadcasts "
            "WHERE status IN ('sending', 'done') AND sent > 0").fetchall():
        key = (iso_week(datetime.fromisoformat(at).date()), topic)
        deliveries[key] = deliveries.get(key, 0) + sent
    cells += [Cell(week, "alert_deliveries", topic, n)
              for (week, topic), n in sorted(deliveries.items())]
    cells += [Cell(week, "reminders_sent", kind, n) for week, kind, n in db.execute(
        "SELECT week, kind, count FROM reminder_counts ORDER BY week, kind").fetchall()]
    return cells
