"""/forget is one transaction over the bot's and the hotline's tables, committed before the reply.

Issue 16's Defect B: the user row was deleted, the "Done, everything deleted" message failed
(HTTP 500), and the case row (encrypted chat id, topic, consent) stayed with operators never
told. Now the reply fails after the commit: nothing of the person is left either way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from tests.auxil.operators import OPERATORS, open_case
from tests.auxil.telegram import (
    button_update,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)


async def test_forget_with_a_failing_reply_leaves_no_user_and_no_case(tmp_path: Path,
                                                                      parser) -> None:
    chat = 7610
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)) as (
                _app, runtime):
            thread = await open_case(api, chat, "en")
            api.push_update(text_update(chat, "my passport was taken"))
            await wait_for(api, lambda c: any("passport was taken" in t
                                              for t in texts_to(c, OPERATORS)))
            before = len(sent_to(api.calls, chat))
            api.push_update(text_update(chat, "/forget"))
            await wait_for(api, lambda c: any("forget:yes" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)[before:]))
            api.fail_chat("sendMessage", chat, "500", "500", "500", "500")
            api.push_update(button_update(chat, "forget:yes"))
            # the operators still learn it: the case's topic is deleted with its messages and
            # General says so (or, where Telegram refuses, the topic itself says what stays)
            await wait_for(api, lambda c: any(
                "deleted their data" in str(x.params.get("text"))
                and str(x.params.get("message_thread_id") or thread) == str(thread)
                for x in sent_to(c, OPERATORS)), timeout=30)
            assert any(x.method == "deleteForumTopic"
                       and str(x.params.get("message_thread_id")) == str(thread)
                       for x in api.calls)
            key = runtime.pseudonymizer.user_key(chat)
            assert runtime.service.users.get(key) is None
    with sqlite3.connect(tmp_path / "sapar.db") as db:
        for table in ("users", "conversations", "cases"):
            rows = db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_key = ?",
                              [key]).fetchone()[0]
            assert rows == 0, f"{table} still holds the person"
        assert db.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 0
