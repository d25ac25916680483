"""/forget during a hand-off: the operators' copies go with the case topic, or the operators are
told truthfully what stays; nothing of the case is left in the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.hotline import OPERATORS, case_code_of, in_topic, open_case
from tests.auxil.telegram import (
    button_update,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)


def case_rows(data_dir: Path) -> int:
    """Return how many rows of any case table are left."""
    with sqlite3.connect(data_dir / "sapar.db") as db:
        return sum(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                   for table in ("cases", "transcripts", "message_links", "outbox"))


async def forget(api: FakeBotApi, chat: int) -> None:
    """Ask to forget and confirm."""
    api.push_update(text_update(chat, "/forget"))
    await wait_for(api, lambda c: any("forget:yes" in str(x.params.get("reply_markup"))
                                      for x in sent_to(c, chat)))
    api.push_update(button_update(chat, "forget:yes"))


@pytest.mark.parametrize("language", ["ru", "ky"])
async def test_forget_deletes_the_case_topic_and_tells_the_operators(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9950 + ["ru", "ky"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, language)
            code = case_code_of(api, chat)
            api.push_update(text_update(chat, "хозяин забрал паспорт"))
            await wait_for(api, lambda c: any("паспорт" in t for t in texts_to(c, OPERATORS)))
            api.push_update(in_topic(thread, "Понятно, я помогу"))
            await wait_for(api, lambda c: any("помогу" in t for t in texts_to(c, chat)))
            await forget(api, chat)
            calls = await wait_for(api, lambda c: any("deleted their data" in t
                                                      for t in texts_to(c, OPERATORS)))
        deleted = [c for c in calls if c.method == "deleteForumTopic"]
        assert [int(c.params["message_thread_id"]) for c in deleted] == [thread]
        notice = next(c for c in sent_to(calls, OPERATORS)
                      if "deleted their data" in c.params.get("text", ""))
        assert code in notice.params["text"] and "message_thread_id" not in notice.params
        assert "keeps nothing" in notice.params["text"]
        assert case_rows(tmp_path) == 0


async def test_forget_says_what_stays_when_telegram_refuses_to_delete_the_topic(
        tmp_path: Path, parser) -> None:
    chat = 9960
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            api.push_update(text_update(chat, "they keep my passport"))
            await wait_for(api, lambda c: any("passport" in t for t in texts_to(c, OPERATORS)))
            api.fail("deleteForumTopic", "400")
            await forget(api, chat)
            calls = await wait_for(api, lambda c: any(x.method == "closeForumTopic"
                                                      for x in c))
        notice = next(c for c in sent_to(calls, OPERATORS)
                      if "deleted their data" in c.params.get("text", ""))
        assert int(notice.params["message_thread_id"]) == thread
        assert "stay in this group" in notice.params["text"]
        assert case_rows(tmp_path) == 0
