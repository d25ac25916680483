"""The hotline's own command for `python -m hotline`: `stats`, anonymous weekly case counts.

The command line is composed in sapar_cli/hotline.py, where the reminders' `broadcast`
command and their counts join this one; what the hotline cannot know (where the database is,
the other counts) is passed in, so nothing here imports the bot.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from hotline.stats import (
    DEFAULT_MIN_CELL,
    Cell,
    StatsError,
    format_table,
    open_read_only,
    write_report,
)
from sapar_core.commands import open_for_command

STATS_HELP = (
    "Count cases per ISO week (Monday date) by topic, language, region and outcome (open, "
    "fallback = the person only got the fall-back numbers, or closed:person / "
    "closed:operator / closed:blocked / closed:other). Cells with fewer than --min-cell cases "
    "are written as '<N' in the CSV and left out of the chart. Writes "
    "hotline_cases_by_week.csv (week, dimension, value, count) and hotline_cases_by_week.png "
    "into --out and prints the latest weeks. Nothing about a single person is read or written."
)


def min_cell(text: str) -> int:
    """Parse --min-cell: a whole number, never below the default threshold."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < DEFAULT_MIN_CELL:
        raise argparse.ArgumentTypeError(
            f"must be at least {DEFAULT_MIN_CELL} (smaller cells could identify a person)")
    return value


def add_stats_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `stats` command to `python -m hotline`."""
    stats = commands.add_parser("stats", help="weekly case counts with small cells suppressed",
                                description=STATS_HELP)
    stats.add_argument("--db", type=Path, default=None,
                       help="SQLite database to read (default: the bot's database from the "
                            "settings, SAPAR_DATA_DIR/sapar.db); opened read-only")
    stats.add_argument("--out", type=Path, default=Path("reports/hotline"),
                       help="directory for the CSV and the PNG (default: reports/hotline/)")
    stats.add_argument("--min-cell", type=min_cell, default=DEFAULT_MIN_CELL,
                       help=f"smallest count that is published (default and minimum: "
                            f"{DEFAULT_MIN_CELL})")


def run_stats(args: argparse.Namespace, db_path: Path,
              more: Callable[[Database], list[Cell]] | None = None) -> int:
    """Write the weekly report of the database at `db_path` (with `more` cells, suppressed
    alike) and print its latest weeks; return the exit code."""
    db = open_for_command(open_read_only, db_path, StatsError)
    if db is None:
        return 2
    try:
        cells, csv_path, chart_path = write_report(db, args.out, args.min_cell, more=more)
    finally:
        db.close()
    if cells:
        print(format_table(cells, args.min_cell))
    else:
        print("no cases yet")
    print(f"\nwritten: {csv_path}\n         {chart_path}")
    return 0
