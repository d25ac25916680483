"""In-flight relays re-check their case just before sending: nothing goes out after /forget
or /close."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.operators import OPERATOR, OPERATORS, open_case
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    text_update,
    texts_to,
    wait_for,
)


@pytest.mark.slow
async def test_a_relay_waiting_for_the_group_window_is_dropped_after_forget(
        tmp_path: Path, parser) -> None:
    chat = 9600
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser,
                               OPERATOR_CHAT_ID=str(OPERATORS)) as (application, _runtime):
            window = application.bot_data["desk"].group_window
            window.limit, window.period, window.margin = 2, 3.0, 0.5
            await open_case(api, chat, "en")  # the topic and the card fill the window
            api.push_update(text_update(chat, "my employer is Bakyt from Kazan"))
            await asyncio.sleep(0.3)  # the relay now waits for room in the group's window
            api.push_update(text_update(chat, "/forget"))
            await wait_for(api, lambda c: any("forget:yes" in str(x.params.get("reply_markup"))
                                              for x in c))
            api.push_update(button_update(chat, "forget:yes"))
            await wait_for(api, lambda c: any(x.method in ("closeForumTopic", "deleteForumTopic")
                                              for x in c))
            await asyncio.sleep(window.period + window.margin + 1)  # the window is free again
            calls = list(api.calls)
    assert not any("Bakyt" in t for t in texts_to(calls, OPERATORS))


@pytest.mark.slow
async def test_an_operator_reply_held_by_a_429_is_not_sent_after_close(tmp_path: Path,
                                                                        parser) -> None:
    chat = 9601
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            api.push_update({"message": message(OPERATORS, "/claim", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            await wait_for(api, lambda c: any("reading your chat" in t
                                              for t in texts_to(c, chat)))
            api.fail_chat("sendMessage", chat, "429:3")
            api.push_update({"message": message(OPERATORS, "the address is Lenina 5",
                                                user=OPERATOR, chat_type="supergroup",
                                                thread_id=thread)})
            await wait_for(api, lambda c: bool(api.calls_of("sendMessage!429:3")))
            api.push_update({"message": message(OPERATORS, "/close", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            calls = await wait_for(api, lambda c: any("closed this chat" in t
                                                      for t in texts_to(c, chat)))
    assert not any("Lenina" in t for t in texts_to(calls, chat))
