"""Weekly case counts by topic, language, region and outcome, with small cells suppressed.

Only aggregates leave the database: every query groups by week and one dimension and never reads
user_key, chat_enc, summary or any transcript. Deleted ("forget me") cases are not counted;
purged ones still are.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

DEFAULT_MIN_CELL = 5
CSV_NAME = "hotline_cases_by_week.csv"
CHART_NAME = "hotline_cases_by_week.png"
CSV_COLUMNS = ("week", "dimension", "value", "count")

# Outcome of a case. "fallback": the person only got the fall-back numbers (no operator claimed
# the case and no operator closed it). The operator's free-text close reason is never reported;
# it only decides between the fixed values below.
OUTCOME_SQL = """CASE
    WHEN fallback_sent = 1 AND claimed_at IS NULL AND COALESCE(closed_by, '') <> 'operator'
        THEN 'fallback'
    WHEN status IN ('waiting', 'active') THEN 'open'
    WHEN closed_by = 'operator' AND close_reason = 'blocked by operator' THEN 'closed:blocked'
    WHEN closed_by = 'operator' THEN 'closed:operator'
    WHEN closed_by = 'user' THEN 'closed:person'
    WHEN closed_by = 'system' THEN 'closed:idle'
    ELSE 'closed:other'
END"""
DIMENSIONS: dict[str, str] = {
    "topic": "COALESCE(topic, 'unknown')",
    "language": "COALESCE(language, 'unknown')",
    "region": "COALESCE(region, 'not_shared')",
    "outcome": OUTCOME_SQL,
    # a case where Telegram refused a relay (topic deleted, bot removed, person blocked it)
    "delivery": "CASE WHEN COALESCE(failed_relays, 0) > 0 THEN 'relay_failed' "
                "ELSE 'delivered' END",
}
# created_at is UTC ISO text; this is the Monday of its ISO week.
WEEK_SQL = "date(created_at, 'weekday 0', '-6 days')"


class StatsError(Exception):
    """The database cannot be read for statistics; the message says why."""


@dataclass(frozen=True)
class Cell:
    """One published cell: cases in a week with one value of one dimension."""

    week: str
    dimension: str
    value: str
    count: int
    suppressed: bool = False

    def shown_count(self, min_cell: int) -> str:
        """Return the count as written in the CSV ('<5' when suppressed)."""
        return f"<{min_cell}" if self.suppressed else str(self.count)


def open_read_only(path: Path) -> Database:
    """Open an existing database without being able to change it."""
    if not path.is_file():
        raise StatsError(f"no database at {path}")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA busy_timeout = 5000")
    db = Database(connection)
    if "cases" not in db.table_names():
        connection.close()
        raise StatsError(f"{path} has no hotline cases table (run `python -m bot migrate`)")
    return db


def weekly_counts(db: Database) -> list[Cell]:
    """Count cases per ISO week (Monday date) for each dimension; no cell is suppressed yet."""
    cells: list[Cell] = []
    for dimension, expression in DIMENSIONS.items():
        rows = db.execute(
            f"SELECT {WEEK_SQL} AS week, {expression} AS value, COUNT(*) AS n FROM cases "
            "GROUP BY week, value HAVING week IS NOT NULL ORDER BY week, value").fetchall()
        cells += [Cell(week, dimension, value, n) for week, value, n in rows]
    if db["ratings"].exists():  # "did this help?" answers: anonymous, by week only
        rows = db.execute("SELECT week, CAST(score AS TEXT), COUNT(*) FROM ratings "
                          "GROUP BY week, score ORDER BY week, score").fetchall()
        cells += [Cell(week, "rating", value, n) for week, value, n in rows]
    return cells


def suppress(cells: list[Cell], min_cell: int = DEFAULT_MIN_CELL) -> list[Cell]:
    """Mark every cell with fewer than `min_cell` cases as suppressed and hide its count."""
    return [Cell(c.week, c.dimension, c.value, 0, True) if c.count < min_cell else c
            for c in cells]


def write_csv(cells: list[Cell], path: Path, min_cell: int) -> None:
    """Write the cells in long format: week, dimension, value, count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for cell in cells:
            writer.writerow((cell.week, cell.dimension, cell.value, cell.shown_count(min_cell)))


def write_chart(cells: list[Cell], path: Path, min_cell: int) -> None:
    """Draw one stacked bar chart per dimension (cases per week); suppressed cells are left out."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = [c for c in cells if not c.suppressed]
    weeks = sorted({c.week for c in cells})
    figure = Figure(figsize=(max(8.0, 1.0 + 0.6 * len(weeks)), 3.2 * len(DIMENSIONS)),
                    layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(DIMENSIONS), 1, squeeze=False)[:, 0]
    for ax, dimension in zip(axes, DIMENSIONS, strict=True):
        ax.set_title(f"Cases per week by {dimension}")
        ax.set_ylabel("cases")
        mine = [c for c in shown if c.dimension == dimension]
        if not mine:
            ax.text(0.5, 0.5, f"no cell with at least {min_cell} cases", ha="center",
                    va="center", transform=ax.transAxes)
            ax.set_xticks([])
            continue
        positions = range(len(weeks))
        bottoms = [0] * len(weeks)
        for value in sorted({c.value for c in mine}):
            counts = {c.week: c.count for c in mine if c.value == value}
            heights = [counts.get(week, 0) for week in weeks]
            ax.bar(positions, heights, bottom=bottoms, label=value)
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        ax.set_xticks(list(positions), weeks, rotation=45, ha="right", fontsize=8)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.suptitle(f"Hotline cases (cells under {min_cell} not shown)")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=100)


def format_table(cells: list[Cell], min_cell: int, weeks: int = 4) -> str:
    """Return a short text table of the latest weeks' cells."""
    all_weeks = sorted({c.week for c in cells})
    latest = set(all_weeks[-weeks:])
    rows = [(c.week, c.dimension, c.value, c.shown_count(min_cell))
            for c in cells if c.week in latest]
    rows.sort()
    header = ("week", "dimension", "value", "cases")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(text.ljust(w) for text, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    if len(all_weeks) > len(latest):
        lines.append(f"({len(all_weeks) - len(latest)} earlier week(s) only in the CSV)")
    return "\n".join(lines)


def write_report(db: Database, out_dir: Path, min_cell: int = DEFAULT_MIN_CELL,
                 more: Callable[[Database], list[Cell]] | None = None
                 ) -> tuple[list[Cell], Path, Path]:
    """Count, suppress and write the CSV and the chart; return the cells and both paths.

    `more`: other counts for the same report (the caller passes the reminders' and alerts'),
    suppressed like the cases'; they go into the CSV and the table, not the cases' chart.
    """
    cells = suppress(weekly_counts(db) + (more(db) if more is not None else []), min_cell)
    csv_path, chart_path = out_dir / CSV_NAME, out_dir / CHART_NAME
    write_csv(cells, csv_path, min_cell)
    write_chart(cells, chart_path, min_cell)
    return cells, csv_path, chart_path
