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
    check.add_argument("--root", type=Path, default=CONTENT_DIR, help=argparse.SUPPRESS)
    commands.add_parser("update", help="extract interface strings and merge into the .po files")
    commands.add_parser("compile", help="compile .po catalogs to .mo")
    args = parser.parse_args(argv)

    if args.command == "check":
        from content.check import run_checks

        report = run_checks(warn_months=args.warn_months, error_months=args.error_months,
                            root=args.root)
        for line in report.warnings:
            print(f"warning: {line}")
        for line in report.errors:
            print(f"error: {line}")
        if report.errors:
            print(f"content check failed: {len(report.errors)} error(s)", file=sys.stderr)
            return 1
        print(f"content check passed ({len(report.warnings)} warning(s))")
        return 0
    if args.command == "update":
        from content.catalogs import update_catalogs

        for language, missing in update_catalogs().items():
            print(f"{language}: {missing} untranslated")
        return 0
    from content.catalogs import compile_catalogs

    for path in compile_catalogs():
        print(f"compiled {path.relative_to(CONTENT_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
