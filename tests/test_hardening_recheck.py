"""One transient error while checking the operators' chat does not disable the hand-off until a
restart: the chat is checked again, and the hand-off comes back when it passes."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.operators import OPERATORS
from tests.auxil.telegram import button_update, running_bot, sent_to, text_update, wait_for


@pytest.mark.slow
async def test_the_hand_off_comes_back_after_a_failed_start_check(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = 9700
    with FakeBotApi() as api:
        api.fail("getChat", "500")  # the start-up check fails (a transient error)
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            api.push_update(text_update(chat, "/start en"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(text_update(chat, "/human"))
            await wait_for(api, lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)))
            api.push_update(button_update(chat, "handoff:anon"))
            await wait_for(api, lambda c: any("No hotline operator" in x.params.get("text", "")
                                              for x in sent_to(c, chat)))
            # the periodic check (first after 5 s) finds the chat reachable again
            await wait_for(api, lambda c: sum(x.method == "getChat" for x in c) >= 1, 30)
            await wait_for(api, lambda c: any("enabled again" in r.getMessage()
                                              for r in caplog.records), 30)
            api.push_update(text_update(chat, "/human"))
            await wait_for(api, lambda c: sum("handoff:anon" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)) >= 2)
            api.push_update(button_update(chat, "handoff:anon"))
            calls = await wait_for(api, lambda c: any(x.method == "createForumTopic" for x in c)
                                   and bool(sent_to(c, OPERATORS)))
    assert "hl:claim:" in str(sent_to(calls, OPERATORS)[0].params["reply_markup"])
