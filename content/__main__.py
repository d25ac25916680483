"""`python -m content check|update|compile`: validate and build the content."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from content import CONTENT_DIR


def main(argv: list[str] | None = None) -> int:
    """Run one content command and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m content", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate answers, directory and catalogs")
    check.add_argument("--warn-months", type=int, default=12,
                       help="warn when last_verified is this many months old (default 12)")
    check.add_argument("--error-months", type=int, default=18,
                       help="fail when last_verified is this many months old (default 18)")
    check.add_argument("--source-warn-years", type=int, default=3,
                       help="warn when an answer's newest source is this many years old "
                            "(default 3)")
    check.add_argument("--root", type=Path, default=CONTENT_DIR, help=argparse.SUPPRESS)
    agencies = commands.add_parser(
        "import-agencies", help="import the ministry's list of licensed agencies (CSV or XLSX)")
    agencies.add_argument("file", type=Path, help="the list as published: name, licence "
                                                  "number and date, countries, status")
    agencies.add_argument("--date", dest="list_date", default=None,
                          help="the date the list was published (YYYY-MM-DD; default today)")
    agencies.add_argument("--db", type=Path, default=None,
                          help="the database (default: SAPAR_DATA_DIR/sapar.db)")
    commands.add_parser("update", help="extract interface strings and merge into the .po files")
    commands.add_parser("compile", help="compile .po catalogs to .mo")
    args = parser.parse_args(argv)

    if args.command == "check":
        from content.check import run_checks

        report = run_checks(warn_months=args.warn_months, error_months=args.error_months,
                            root=args.root, source_warn_years=args.source_warn_years)
        for line in report.warnings:
            print(f"warning: {line}")
        for line in report.errors:
            print(f"error: {line}")
        if report.errors:
            print(f"content check failed: {len(report.errors)} error(s)", file=sys.stderr)
            return 1
        print(f"content check passed ({len(report.warnings)} warning(s))")
        return 0
    if args.command == "import-agencies":
        return import_agencies_command(args.file, args.list_date, args.db)
    if args.command == "update":
        from content.catalogs import update_catalogs

        for language, missing in update_catalogs().items():
            print(f"{language}: {missing} untranslated")
        return 0
    from content.catalogs import compile_catalogs

    for path in compile_catalogs():
        print(f"compiled {path.relative_to(CONTENT_DIR.parent)}")
    return 0


def import_agencies_command(path: Path, list_date: str | None, db_path: Path | None) -> int:
    """Import an agency list into the database; print what was stored or what is wrong."""
    from datetime import date

    from bot.storage import open_database
    from content.agencies import AgencyFileError, default_database_path, import_agencies

    try:
        day = date.fromisoformat(list_date) if list_date else date.today()
    except ValueError:
        print(f"error: --date {list_date!r} is not a date like 2026-02-15", file=sys.stderr)
        return 2
    db = open_database(db_path or default_database_path())
    try:
        result = import_agencies(db, path, day)
    except AgencyFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        db.close()
    for line in result.skipped:
        print(f"skipped {line}")
    note = "" if list_date else " (no --date given: dated today)"
    print(f"imported {result.imported} agencies as the list of {day.isoformat()}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
