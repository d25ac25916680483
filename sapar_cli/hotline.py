"""`python -m hotline stats`: anonymous weekly statistics of the hotline's cases;
`python -m hotline broadcast FILE`: send an alert to a topic's subscribers."""

from __future__ import annotations

import argparse
import sys

from bot.reminders.cli import add_parser as add_broadcast
from bot.reminders.stats import reminder_cells
from bot.settings import database_for_command
from hotline.cli import add_stats_parser, run_stats


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser: the hotline's `stats` and the reminders' `broadcast`."""
    parser = argparse.ArgumentParser(prog="python -m hotline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add_stats_parser(commands)
    add_broadcast(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the chosen command and return the exit code (the weekly report carries the
    reminders' and alerts' counts as well)."""
    args = build_parser().parse_args(argv)
    if args.command == "broadcast":
        return int(args.handler(args))
    db_path = database_for_command(args.db)
    if db_path is None:
        return 2
    return run_stats(args, db_path, more=reminder_cells)


if __name__ == "__main__":
    sys.exit(main())
