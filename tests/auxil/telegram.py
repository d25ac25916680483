"""Run the real Application against the local fake Bot API, and build Bot API update JSON."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bench.fake_bot_api import Call, FakeBotApi
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.telegram.app import build_application
from nlu.types import Parser
from tests.auxil.database import seed_database

TOKEN = "123456:TEST-token"
TEST_SECRET_KEY = "q7Vx2LmR9tKc4WzP8nHb3YdF6sJg1AeU"  # random-looking: weak keys are refused
WEBHOOK_SECRET = "Tg5_hK2mPq9xLr4vWz7cBn3dFs8jYe6A-u1"
_message_ids = itertools.count(1)

PERSON = {"id": 5550001, "first_name": "Aibek", "last_name": "Tokonov", "username": "aibek_t",
          "language_code": "ky", "is_bot": False}


def person(user_id: int, **extra: Any) -> dict[str, Any]:
    """Return a Telegram user with a recognisable name, username and id."""
    return {**PERSON, "id": user_id, "username": f"user{user_id}", **extra}


def message(chat_id: int, text: str | None = None, *, user: dict[str, Any] | None = None,
            chat_type: str = "private", thread_id: int | None = None,
            reply_to: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """Return a Message object as the Bot API sends it."""
    user = user or person(chat_id)
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat.update(first_name=user["first_name"], username=user.get("username"))
    else:
        chat.update(title="Hotline operators", is_forum=True)
    data: dict[str, Any] = {"message_id": next(_message_ids), "date": int(time.time()),
                            "chat": chat, "from": user, **extra}
    if text is not None:
        data["text"] = text
        if text.startswith("/"):
            data["entities"] = [{"type": "bot_command", "offset": 0,
                                 "length": len(text.split()[0])}]
    if thread_id is not None:
        data["message_thread_id"] = thread_id
        data["is_topic_message"] = True
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    return data


def text_update(chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
    """Return an update carrying a new text message."""
    return {"message": message(chat_id, text, **kwargs)}


def button_update(chat_id: int, data: str, *, user: dict[str, Any] | None = None,
                  chat_type: str = "private") -> dict[str, Any]:
    """Return an update for a pressed inline button."""
    user = user or person(chat_id)
    return {"callback_query": {
        "id": str(next(_message_ids)), "from": user, "chat_instance": "ci", "data": data,
        "message": message(chat_id, "(buttons)", user={**user, "id": 777000111, "is_bot": True,
                                                       "first_name": "Sapar"},
                           chat_type=chat_type)}}


def settings_env(api: FakeBotApi, data_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a bot pointed at the fake Bot API."""
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
            "SAPAR_DATA_DIR": str(data_dir), "SAPAR_SECRET_KEY": TEST_SECRET_KEY,
            "SAPAR_OFFICE_HOURS": "00:00-23:59", "SAPAR_OFFICE_DAYS": "1-7", **extra}


@asynccontextmanager
async def running_bot(api: FakeBotApi, data_dir: Path, parser: Parser, **env: str
                      ) -> AsyncIterator[tuple[Application, Runtime]]:
    """Start the real Application with long polling against the fake API; stop it after.

    A data directory without a database gets a migrated one (`migrated_database`); the bot
    still opens it as it opens any existing database (migrations checked, pragmas set).
    """
    settings = load_settings(settings_env(api, data_dir, **env), env_file=None)
    seed_database(settings.database_path)
    runtime = build_runtime(settings, parser=parser)
    application = build_application(runtime)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    await application.start()
    try:
        yield application, runtime
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
        runtime.db.close()


async def wait_for(api: FakeBotApi, predicate: Callable[[list[Call]], bool],
                   timeout: float = 15.0) -> list[Call]:
    """Wait (without blocking the event loop) until the recorded calls satisfy a predicate."""
    return await asyncio.to_thread(api.wait_for, predicate, timeout)


async def handled(runtime: Runtime, *update_ids: int, timeout: float = 15.0) -> None:
    """Wait until the bot has handled these updates: the durable inbox marks an update done
    only after its handlers ran, so whatever they were going to send has been sent.

    For a test that checks what did NOT happen, instead of sleeping a while and hoping.
    """
    wanted = sorted(set(update_ids))
    marks = ",".join("?" * len(wanted))
    deadline = time.monotonic() + timeout
    connection = sqlite3.connect(f"file:{runtime.settings.database_path}?mode=ro", uri=True)
    try:
        while True:
            done = connection.execute(f"SELECT COUNT(*) FROM inbox WHERE done_at IS NOT NULL "
                                      f"AND update_id IN ({marks})", wanted).fetchone()[0]
            if done == len(wanted):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"updates {wanted} were not handled in {timeout} s")
            await asyncio.sleep(0.005)
    finally:
        connection.close()


def sent_to(calls: list[Call], chat_id: int, method: str = "sendMessage") -> list[Call]:
    """Return the calls of a method addressed to one chat."""
    return [c for c in calls if c.method == method and int(c.params.get("chat_id", 0)) == chat_id]


def texts_to(calls: list[Call], chat_id: int) -> list[str]:
    """Return the texts the bot sent to one chat."""
    return [c.params.get("text", "") for c in sent_to(calls, chat_id)]
