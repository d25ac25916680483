"""`python -m hotline stats`: anonymous weekly statistics of the hotline's cases;
`python -m hotline broadcast FILE`: send an alert to a topic's subscribers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.stats import DEFAULT_MIN_CELL, StatsError, format_table, open_read_only, write_report

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


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(prog="python -m hotline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
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
    from bot.reminders.cli import add_parser as add_broadcast

    add_broadcast(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the chosen command and return the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "broadcast":
        return int(args.handler(args))
    from bot.settings import database_for_command

    db_path = database_for_command(args.db)
    if db_path is None:
        return 2
    try:
        db = open_read_only(db_path)
    except StatsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        from bot.reminders.stats import reminder_cells  # the CLI composes both reports

        cells, csv_path, chart_path = write_report(db, args.out, args.min_cell,
                                                   more=reminder_cells)
    finally:
        db.close()
    if cells:
        print(format_table(cells, args.min_cell))
    else:
        print("no cases yet")
    print(f"\nwritten: {csv_path}\n         {chart_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
