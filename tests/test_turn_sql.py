"""One turn, one load, one commit: count the SQL one update costs through the real Application.

A trace callback on the bot's own SQLite connection records every statement that runs while
the real Application (production handlers, against the fake Bot API over HTTP) processes one
update. The person's state is read once and written in one transaction.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from telegram import Update

from bench.fake_bot_api import FakeBotApi
from bot.runtime import build_runtime
from bot.settings import load_settings
from bot.telegram.app import build_application
from nlu.types import Parser
from tests.auxil.telegram import button_update, settings_env, text_update, texts_to

MAX_STATEMENTS = 15  # issue 16: it was 76 (57 SELECT, 13 PRAGMA)
_ids = itertools.count(1)


async def _statements(api: FakeBotApi, data_dir: Path, parser: Parser, chat: int,
                      warm_up: list[dict], measured: dict) -> list[str]:
    settings = load_settings(settings_env(api, data_dir), env_file=None)
    runtime = build_runtime(settings, parser=parser)
    application = build_application(runtime, updater=False)
    await application.initialize()
    try:
        for data in warm_up:
            await application.process_update(
                Update.de_json({"update_id": next(_ids), **data}, application.bot))
        seen: list[str] = []
        runtime.db.conn.set_trace_callback(seen.append)
        await application.process_update(
            Update.de_json({"update_id": next(_ids), **measured}, application.bot))
        runtime.db.conn.set_trace_callback(None)
        return seen
    finally:
        await application.shutdown()
        runtime.db.close()


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
