"""Build the pieces every front end shares: database, parser, dialogue, chat service."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.dialogue import Dialogue
from bot.pseudonym import Pseudonymizer
from bot.service import ChatService
from bot.settings import Settings
from bot.storage import open_database
from nlu.types import Parser


@dataclass
class Runtime:
    """Everything a front end needs, built once at start."""

    settings: Settings
    db: Database
    parser: Parser
    dialogue: Dialogue
    service: ChatService
    pseudonymizer: Pseudonymizer


def configure_logging(level: str, log_format: str = "text") -> None:
    """Log to stderr, one line per event; keep HTTP libraries quiet (their lines carry the token).

    python-telegram-bot stays at INFO even when we debug: at DEBUG it logs whole updates and
    API calls (ids, names, usernames, phone numbers, locations, texts) and the bot token. Any
    line that still carries such a payload is withheld by `bot.logfilter`.
    """
    from bot import logfilter
    from bot.ops.logs import install

    install(level, log_format)
    logfilter.install()
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO if level == "DEBUG" else level)


def build_runtime(settings: Settings, parser: Parser | None = None) -> Runtime:
    """Open the database (migrating it), load the parser and build the dialogue."""
    from content.answers import preload
    from nlu.parser import CLARIFY_BELOW, load_parser

    db = open_database(settings.database_path)
    preload()
    parser = parser or load_parser(settings.nlu_engine, settings.rasa_url)
    dialogue = Dialogue(parser, clarify_below=CLARIFY_BELOW,
                        situation_days=settings.situation_days)
    pseudonymizer = Pseudonymizer(settings.secret_key)
    service = ChatService(db, dialogue, pseudonymizer, settings.default_language,
                          settings.campaign_tags)
    service.users.fold_campaigns(settings.campaign_tags)  # tags stored before the allow-list
    service.erasers.append(_erase_cases)  # /forget: the cases in the same commit
    service.erasers.append(_erase_reminders)  # and the reminders and alert subscriptions
    service.handoff_of = _handoff_status  # the hand-off flag comes from the cases table
    return Runtime(settings, db, parser, dialogue, service, pseudonymizer)


def _erase_cases(db: Database, user_key: str) -> list[Any]:
    """Delete a person's hotline cases with their messages; return the open ones."""
    from hotline.cases import CaseStore

    return list(CaseStore(db).forget_user(user_key))


def _handoff_status(db: Database, user_key: str) -> str | None:
    """Return the status of a person's open hotline case ("waiting", "active"), else None."""
    from hotline.cases import CaseStore

    return CaseStore(db).handoff_status(user_key)


def _erase_reminders(db: Database, user_key: str) -> list[Any]:
    """Delete a person's reminders, subscriptions and queued alerts (inside the transaction)."""
    for table in ("reminders", "subscriptions", "broadcast_queue"):
        db.conn.execute(f"DELETE FROM {table} WHERE user_key = ?", [user_key])
    return []
