"""The smaller findings: commands for other bots, edits into commands, business accounts'
chats, and an apology after a reply that was only slow."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.fake_bot_api import BOT_USER, FakeBotApi
from tests.auxil.operators import OPERATOR, OPERATORS, open_case
from tests.auxil.telegram import (
    handled,
    message,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)
from tests.test_faults import APOLOGIES, MENU, WELCOME


def in_topic(thread: int, text: str) -> dict:
    """An operator writes in a case topic."""
    return {"message": message(OPERATORS, text, user=OPERATOR, chat_type="supergroup",
                               thread_id=thread)}


async def test_a_command_addressed_to_another_bot_is_ignored(tmp_path: Path, parser) -> None:
    chat = 9950
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser,
                               OPERATOR_CHAT_ID=str(OPERATORS)) as (_app, runtime):
            thread = await open_case(api, chat, "en")
            api.push_update(in_topic(thread, "/close@othersbot spam"))
            api.push_update(in_topic(thread, f"/claim@{BOT_USER['username']}"))
            calls = await wait_for(api, lambda c: any("Claimed" in t
                                                      for t in texts_to(c, OPERATORS)))
            status = next(iter(runtime.db["cases"].rows))["status"]
    assert status == "active", "the case must stay open (claimed, not closed)"
    assert not any("Closed" in t for t in texts_to(calls, OPERATORS))
    assert not any("closed this chat" in t for t in texts_to(calls, chat))


async def test_an_old_message_edited_into_stop_does_not_end_the_hand_off(tmp_path: Path,
                                                                          parser) -> None:
    chat = 9951
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, chat, "en")
            first = message(chat, "hello, I need help")
            api.push_update({"message": first})
            await wait_for(api, lambda c: any("I need help" in t
                                              for t in texts_to(c, OPERATORS)))
            edited = {**first, "text": "/stop", "edit_date": int(time.time()),
                      "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}
            api.push_update({"edited_message": edited})
            api.push_update(text_update(chat, "are you still there"))
            calls = await wait_for(api, lambda c: any("still there" in t
                                                      for t in texts_to(c, OPERATORS)))
    assert not any("ended the chat" in t for t in texts_to(calls, OPERATORS))
    assert not api.calls_of("closeForumTopic")


async def test_business_account_chats_get_nothing(tmp_path: Path, parser) -> None:
    customer, other = 9952, 9953
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (_application, runtime):
            business = message(customer, "/start en", business_connection_id="bc-1")
            ignored = [api.push_update({"business_message": business}),
                       api.push_update({"business_message": message(
                           customer, "/forget", business_connection_id="bc-1")})]
            api.push_update(text_update(other, "/start en"))
            calls = await wait_for(api, lambda c: any(MENU in t for t in texts_to(c, other)))
            await handled(runtime, *ignored)
    assert sent_to(calls, customer) == [] and sent_to(api.calls, customer) == []


@pytest.mark.slow
async def test_a_slow_reply_gets_no_apology_after_it(tmp_path: Path, parser) -> None:
    chat = 9954
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.fail("sendMessage", "slow:17")  # longer than the bot's 15 s read timeout
            api.push_update(text_update(chat, "/start en"))
            calls = await wait_for(api, lambda c: any(WELCOME in t for t in texts_to(c, chat)),
                                   timeout=40)
            api.push_update(text_update(chat, "/start en"))
            calls = await wait_for(api, lambda c: sum(WELCOME in t
                                                      for t in texts_to(c, chat)) >= 2,
                                   timeout=40)
    assert not any(t in APOLOGIES for t in texts_to(calls, chat))
