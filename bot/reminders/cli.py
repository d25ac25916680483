"""`python -m hotline broadcast FILE`: check an alert, preview it, confirm, queue it, follow it.

The running bot sends it (its sender picks queued broadcasts up within seconds and resumes
them after a restart), inside Telegram's limits and behind replies to people. This command
only writes the broadcast into the database and reads its counts back.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.reminders.broadcast import DONE, BroadcastStore, alert_reply
from bot.reminders.store import SubscriptionStore
from bot.reminders.topics import topic_label
from bot.storage import StorageError, open_database
from content.alerts import AlertError, load_alert
from content.markup import strip_markup
from sapar_core.commands import open_for_command

BROADCAST_HELP = (
    "Check an alert file (content/alerts/*.yml: topic, sources, last_verified, text in ky, ru "
    "and en), print what subscribers will get and how many there are, ask for confirmation "
    "(type the number of subscribers, or pass --yes), then queue it for the running bot and "
    "show its progress until it is sent (Ctrl-C stops watching, not sending)."
)


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `broadcast` command to `python -m hotline`."""
    command = commands.add_parser("broadcast", help="send a sourced alert to a topic's "
                                  "subscribers", description=BROADCAST_HELP)
    command.add_argument("file", type=Path, help="the alert file (YAML)")
    command.add_argument("--db", type=Path, default=None,
                         help="database (default: the bot's, SAPAR_DATA_DIR/sapar.db)")
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    command.add_argument("--no-wait", action="store_true",
                         help="queue it and return without following the progress")
    command.set_defaults(handler=run)


def run(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    """Check, preview, confirm and queue one alert; return the exit code."""
    try:
        alert = load_alert(args.file)
    except AlertError as error:
        print(f"error: {args.file} cannot be sent:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    from bot.settings import database_for_command

    db_path = database_for_command(args.db)
    if db_path is None:
        return 2
    db = open_for_command(open_database, db_path, StorageError)
    if db is None:
        return 2
    try:
        store = BroadcastStore(db)
        broadcast_id = store.create(alert, origin="command line")
        broadcast = store.get(broadcast_id)
        assert broadcast is not None
        for language in ("ky", "ru", "en"):
            print(f"--- {language} ---")
            print(strip_markup(alert_reply(broadcast.texts, alert.topic, language).text))
        n = SubscriptionStore(db).count(alert.topic)
        print(f"\nTopic: {topic_label(alert.topic, 'en')} ({alert.topic}); subscribers now: {n}")
        if n == 0:
            store.cancel(broadcast_id)
            print("nobody follows this topic: nothing to send")
            return 1
        if not args.yes:
            try:
                typed = ask(f"Type {n} to send it to {n} subscribers (anything else cancels): ")
            except EOFError:
                typed = ""
            if typed.strip() != str(n):
                store.cancel(broadcast_id)
                print("cancelled: nothing was sent")
                return 1
        confirmed = store.confirm(broadcast_id)
        assert confirmed is not None
        print(f"queued as broadcast #{broadcast_id} for {confirmed.total} subscribers; "
              "the running bot sends it")
        if args.no_wait:
            return 0
        return _follow(store, broadcast_id)
    finally:
        db.close()


def _follow(store: BroadcastStore, broadcast_id: int) -> int:
    shown = ""
    try:
        while True:
            broadcast = store.get(broadcast_id)
            assert broadcast is not None
            line = (f"{broadcast.done}/{broadcast.total} · sent {broadcast.sent} · blocked "
                    f"(unsubscribed) {broadcast.blocked} · failed {broadcast.failed}")
            if line != shown:
                print(line, flush=True)
                shown = line
            if broadcast.status == DONE:
                return 0
            time.sleep(2)
    except KeyboardInterrupt:
        print("\nstopped watching; the bot goes on sending")
        return 0
