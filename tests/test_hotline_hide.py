"""/hide after a hand-off: every message of the last 48 h goes (case code, operators' replies,
files, the person's own), the ids survive a restart, and the person is told what stays."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.hotline import (
    OPERATORS,
    case_code_of,
    deleted_in,
    ids_sent_to,
    in_topic,
    open_case,
)
from tests.auxil.telegram import running_bot, sent_to, text_update, texts_to, wait_for


async def recorded(data_dir: Path, count: int) -> None:
    """Wait until the bot has recorded `count` message ids (it learns them from the answers)."""
    for _ in range(200):
        with sqlite3.connect(data_dir / "sapar.db") as db:
            if db.execute("SELECT COUNT(*) FROM sent_messages").fetchone()[0] >= count:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the message ids were not recorded")


REPORT = {"ky": "48 саат", "ru": "48 часов", "en": "48 hours"}


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_hide_deletes_case_code_and_operator_replies_even_after_a_restart(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9600 + ["ky", "ru"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, language)
            own = text_update(chat, "мен Подольскидемин")
            api.push_update(own)
            await wait_for(api, lambda c: any("Подольск" in t for t in texts_to(c, OPERATORS)))
            api.push_update(in_topic(thread, "Я свяжусь с посольством"))
            await wait_for(api, lambda c: any("посольством" in t for t in texts_to(c, chat)))
            api.push_update(in_topic(thread, None, document={
                "file_id": "opfile", "file_unique_id": "opu", "file_name": "list.pdf",
                "mime_type": "application/pdf"}, caption="адреса"))
            await wait_for(api, lambda c: bool(sent_to(c, chat, "sendDocument")))
        sent = ids_sent_to(api, chat)
        code = case_code_of(api, chat)
        code_message = next(c.result["message_id"] for c in sent_to(api.calls, chat)
                            if code in c.params.get("text", ""))
        reply = next(c.result["message_id"] for c in sent_to(api.calls, chat)
                     if "посольством" in c.params.get("text", ""))
        # a restart: nothing of this is kept in memory any more
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            api.push_update(text_update(chat, "/hide"))
            calls = await wait_for(api, lambda c: any(REPORT[language] in t
                                                      for t in texts_to(c, chat)))
        gone = deleted_in(api, chat)
        assert {code_message, reply} <= gone
        assert set(sent) <= gone | {c.result["message_id"] for c in sent_to(calls, chat)
                                    if REPORT[language] in c.params.get("text", "")}
        assert own["message"]["message_id"] in gone, "the person's own message stays"
        with sqlite3.connect(tmp_path / "sapar.db") as db:
            left = db.execute("SELECT COUNT(*) FROM sent_messages").fetchone()[0]
        assert left == 1, "only the report itself is kept (for the next /hide)"


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_hide_skips_what_telegram_no_longer_allows_and_says_so(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9610 + ["en", "ru"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.push_update(text_update(chat, f"/start {language}"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            old = ids_sent_to(api, chat)
            await recorded(tmp_path, len(old) + 1)  # the bot's replies and the /start
            with sqlite3.connect(tmp_path / "sapar.db") as db:  # two days pass
                db.execute("UPDATE sent_messages SET at = '2020-01-01T00:00:00+00:00'")
            api.push_update(text_update(chat, "/privacy"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) > len(old))
            api.push_update(text_update(chat, "/hide"))
            calls = await wait_for(api, lambda c: any(REPORT[language] in t
                                                      for t in texts_to(c, chat)))
        gone = deleted_in(api, chat)
        assert not gone & set(old), "messages older than 48 h cannot be deleted by a bot"
        fresh = set(ids_sent_to(api, chat)) - set(old)
        report = next(c for c in sent_to(calls, chat) if REPORT[language] in
                      c.params.get("text", ""))
        assert fresh - {report.result["message_id"]} <= gone
        with sqlite3.connect(tmp_path / "sapar.db") as db:
            assert db.execute("SELECT COUNT(*) FROM sent_messages WHERE at < '2021'"
                              ).fetchone()[0] == 0, "the old ids are dropped too"


def test_ids_older_than_48_hours_are_purged_without_a_hide(db) -> None:
    from datetime import UTC, datetime, timedelta

    from hotline.sentlog import SentLog

    now = [datetime(2026, 12, 1, 12, 0, tzinfo=UTC)]
    log = SentLog(db, lambda chat: f"key{chat}", clock=lambda: now[0])
    log.record(11, 1)
    now[0] += timedelta(hours=47)
    log.record(11, 2)
    assert log.recent("key11") == [1, 2]
    now[0] += timedelta(hours=2)  # the first is 49 h old: Telegram would refuse it
    assert log.recent("key11") == [2]
    log.record(12, 3)  # an hour after the last purge: the old row goes
    assert db.execute("SELECT message_id FROM sent_messages ORDER BY id").fetchall() == [
        (2,), (3,)]
