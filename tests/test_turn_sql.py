"""One turn, one load, one commit: count the SQL one update costs through the real Application.

Trace callbacks on the bot's two SQLite connections (the event loop's and the database
thread's) record every statement that runs while the real Application (production handlers,
the durable inbox, the fake Bot API over HTTP) takes one update from its queue to "done". The
person's state is read once and written in one transaction.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from pathlib import Path

from telegram import Update
from telegram.ext import Application

from bench.fake_bot_api import FakeBotApi
from bot.runtime import build_runtime
from bot.settings import load_settings
from bot.telegram.app import build_application
from bot.telegram.context import services
from nlu.types import Parser
from tests.auxil.telegram import button_update, settings_env, text_update, texts_to

MAX_STATEMENTS = 15  # issue 16: it was 76 (57 SELECT, 13 PRAGMA)
_ids = itertools.count(1)


async def _statements(api: FakeBotApi, data_dir: Path, parser: Parser, chat: int,
                      warm_up: list[dict], measured: dict) -> list[str]:
    """Return the SQL one update runs on both connections (the event loop's and the database
    thread's), from the update queue (the inbox's commit) to the inbox's "done"."""
    settings = load_settings(settings_env(api, data_dir), env_file=None)
    runtime = build_runtime(settings, parser=parser)
    application = build_application(runtime, updater=False)
    worker = services(application).db_worker
    await application.initialize()
    await application.start()
    try:
        for data in warm_up:
            await _through_the_queue(application, settings.database_path, data)
        seen: list[str] = []
        runtime.db.conn.set_trace_callback(seen.append)
        worker.call(worker.db.conn.set_trace_callback, seen.append)
        await _through_the_queue(application, settings.database_path, measured)
        runtime.db.conn.set_trace_callback(None)
        worker.call(worker.db.conn.set_trace_callback, None)
        return seen
    finally:
        await application.stop()
        await application.shutdown()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)
        runtime.db.close()


async def _through_the_queue(application: Application, database: Path, data: dict) -> None:
    """Put one update into the Application's queue and wait until the inbox marks it done."""
    update_id = next(_ids)
    await application.update_queue.put(Update.de_json({"update_id": update_id, **data},
                                                      application.bot))
    with sqlite3.connect(database) as probe:  # an untraced connection of its own
        for _ in range(2000):
            row = probe.execute("SELECT done_at FROM inbox WHERE update_id = ?",
                                [update_id]).fetchone()
            if row is not None and row[0] is not None:
                return
            await asyncio.sleep(0.005)
    raise AssertionError(f"update {update_id} was not handled")


async def test_one_free_text_update_runs_at_most_15_statements(data_dir: Path,
                                                               parser: Parser) -> None:
    chat = 7100001
    with FakeBotApi() as api:
        seen = await _statements(api, data_dir, parser, chat, [text_update(chat, "/start ru")],
                                 text_update(chat, "сколько дней можно находиться в России"))
        assert len(texts_to(api.calls, chat)) >= 2, "the question was not answered"
    print(f"\none free-text update: {len(seen)} SQL statements")
    for statement in seen:
        print("  ", " ".join(statement.split())[:110])
    assert len(seen) <= MAX_STATEMENTS
    assert sum("FROM conversations" in s or "JOIN conversations" in s for s in seen) <= 1
    assert not any(s.upper().startswith("PRAGMA") for s in seen)


async def test_one_button_press_runs_at_most_15_statements(data_dir: Path,
                                                           parser: Parser) -> None:
    chat = 7100002
    with FakeBotApi() as api:
        seen = await _statements(api, data_dir, parser, chat, [text_update(chat, "/start en")],
                                 button_update(chat, "menu"))
    print(f"\none button press: {len(seen)} SQL statements")
    assert len(seen) <= MAX_STATEMENTS


async def test_a_new_person_costs_no_more_than_a_known_one(data_dir: Path,
                                                           parser: Parser) -> None:
    chat = 7100003
    with FakeBotApi() as api:
        seen = await _statements(api, data_dir, parser, chat, [], text_update(chat, "hello"))
        assert texts_to(api.calls, chat), "the new person got no answer"
    print(f"\na new person's first message: {len(seen)} SQL statements")
    assert len(seen) <= MAX_STATEMENTS
