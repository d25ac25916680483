"""`python -m bot [console|telegram|web|migrate|converse|check|backup|restore|rotate-key|metrics]`.

Without a command: the Telegram bot when a token is set, else the console chat. Exit codes:
0 done, 1 failed or crashed (a supervisor may restart), 78 bad configuration (it may not).
"""

from __future__ import annotations

import argparse
import sys

from bot.ops import exitcodes
from bot.ops.cli import add_commands, check, run_command
from bot.settings import Settings, settings_for_command

OPERATIONS = ("backup", "restore", "rotate-key", "metrics")


def main(argv: list[str] | None = None) -> int:
    """Start the chosen front end or operation and return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    console = commands.add_parser("console", help="chat in the terminal (no Telegram)")
    console.add_argument("--lang", choices=("ky", "ru", "en"), default=None,
                         help="start in this language (default: follow each message)")
    commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    web = commands.add_parser("web", help="serve the web chat (and Telegram too when "
                              "TELEGRAM_BOT_TOKEN is set)")
    web.add_argument("--host", default=None, help="listen address (default SAPAR_WEB_HOST, "
                     "127.0.0.1)")
    web.add_argument("--port", type=int, default=None, help="listen port (default "
                     "SAPAR_WEB_PORT, 8080)")
    commands.add_parser("migrate", help="create or upgrade the database, then exit")
    commands.add_parser("converse", add_help=False,
                        help="play conversation files (docs/conversations.md) and print the "
                             "pass rate per language")
    add_commands(commands)
    args, rest = parser.parse_known_args(argv)
    if args.command == "converse":
        from bot.conversations import main as converse

        return converse(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "check":
        return check(args)

    settings = settings_for_command()
    if settings is None:
        return exitcodes.CONFIG
    from bot.runtime import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    command = args.command or ("telegram" if settings.telegram_bot_token else "console")
    if command in OPERATIONS:
        return run_command(args, settings)
    if command == "migrate":
        from bot.storage import open_database

        open_database(settings.database_path)
        print(f"database ready: {settings.database_path}")
        return exitcodes.OK
    return _serve(command, args, settings)


def _serve(command: str, args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot or the console, holding the data directory's lock (and the metrics file)."""
    from bot.ops.lock import AlreadyRunningError, RunLock

    if command == "telegram" and not settings.telegram_bot_token:
        print("configuration error: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return exitcodes.CONFIG
    try:
        lock = RunLock(settings.data_dir).acquire()
    except AlreadyRunningError as error:
        print(f"start refused: {error}", file=sys.stderr)
        return exitcodes.LOCKED
    writer = None
    if settings.metrics_file is not None:
        from bot.ops.metrics import FileWriter

        writer = FileWriter(settings.metrics_file, settings.database_path).start()
    try:
        if command == "telegram":
            return _run_telegram(settings)
        if command == "web":
            from bot.web.serve import run_web

            return run_web(settings, args.host, args.port)
        from bot.console import run_console
        from bot.runtime import build_runtime

        runtime = build_runtime(settings)
        return run_console(runtime.service, getattr(args, "lang", None))
    finally:
        if writer is not None:
            writer.stop()
        lock.release()


def _run_telegram(settings: Settings) -> int:
    from telegram.error import InvalidToken

    from bot.telegram.app import run_bot

    try:
        return run_bot(settings)
    except InvalidToken:
        print("configuration error: Telegram refused TELEGRAM_BOT_TOKEN (InvalidToken)",
              file=sys.stderr)
        return exitcodes.CONFIG


if __name__ == "__main__":
    sys.exit(main())
