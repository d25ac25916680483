"""`python -m bot [console|telegram|migrate|converse]`: the Telegram bot when a token is set, else
the console."""

from __future__ import annotations

import argparse
import sys

from bot.settings import settings_for_command


def main(argv: list[str] | None = None) -> int:
    """Start the chosen front end and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    console = commands.add_parser("console", help="chat in the terminal (no Telegram)")
    console.add_argument("--lang", choices=("ky", "ru", "en"), default=None,
                         help="start in this language (default: follow each message)")
    commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    commands.add_parser("migrate", help="create or upgrade the database, then exit")
    commands.add_parser("converse", add_help=False,
                        help="play conversation files (docs/conversations.md) and print the "
                             "pass rate per language")
    args, rest = parser.parse_known_args(argv)
    if args.command == "converse":
        from bot.conversations import main as converse

        return converse(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

    settings = settings_for_command()
    if settings is None:
        return 2
    from bot.runtime import configure_logging

    configure_logging(settings.log_level)
    command = args.command or ("telegram" if settings.telegram_bot_token else "console")
    if command == "migrate":
        from bot.storage import open_database

        open_database(settings.database_path)
        print(f"database ready: {settings.database_path}")
        return 0
    if command == "telegram":
        if not settings.telegram_bot_token:
            print("configuration error: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
            return 2
        from bot.telegram.app import run_bot

        return run_bot(settings)
    from bot.console import run_console
    from bot.runtime import build_runtime

    runtime = build_runtime(settings)
    return run_console(runtime.service, getattr(args, "lang", None))


if __name__ == "__main__":
    sys.exit(main())
