"""Fairness and limits: one person cannot hold up the others, flood the operators' group, or
open cases without end; a 429 for one chat does not pause anyone else."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from bench.fake_bot_api import FakeBotApi
from hotline.outbox import DESK, Outbox
from tests.auxil.operators import OPERATOR, OPERATORS, open_case, topic_calls
from tests.auxil.telegram import message, running_bot, sent_to, text_update, texts_to, wait_for


def drain_order(outbox: Outbox) -> list[str]:
    """Send everything on the desk side (as the worker does); return the case of each send."""
    order = []
    while batch := outbox.next_batch(DESK):
        order.append(batch[0].case_code)
        outbox.mark_sent(batch)
    return order


def test_one_case_with_many_long_messages_does_not_hold_up_another(db: Database) -> None:
    outbox = Outbox(db)
    for n in range(30):
        outbox.put("AA-AAAA", DESK, "user_text", {"text": f"{n} " + "x" * 3000,
                                                  "user_message_id": n})
    outbox.put("BB-BBBB", DESK, "user_text", {"text": "help", "user_message_id": 1})
    outbox.put("CC-CCCC", DESK, "user_text", {"text": "a", "user_message_id": 1})
    outbox.put("CC-CCCC", DESK, "user_text", {"text": "b" * 3500, "user_message_id": 2})
    order = drain_order(outbox)
    assert order[:4] == ["AA-AAAA", "BB-BBBB", "CC-CCCC", "AA-AAAA"], order
    assert order.count("AA-AAAA") == 30 and order.count("CC-CCCC") == 2


def test_an_urgent_case_goes_first_and_each_case_keeps_its_order(db: Database) -> None:
    outbox = Outbox(db)
    for n in range(3):
        outbox.put("AA-AAAA", DESK, "notice", {"text": f"a{n}"})
    outbox.put("UU-UUUU", DESK, "notice", {"text": "u0"}, "urgent")
    sent = []
    while batch := outbox.next_batch(DESK):
        sent.append(batch[0].payload["text"])
        outbox.mark_sent(batch)
    assert sent == ["u0", "a0", "a1", "a2"]


async def test_a_person_sending_too_fast_is_asked_to_slow_down(tmp_path: Path, parser) -> None:
    chat = 9300
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS),
                               SAPAR_HANDOFF_MESSAGES_PER_MINUTE="5"):
            await open_case(api, chat, "en")
            for n in range(9):
                api.push_update(text_update(chat, f"line {n} end"))
            calls = await wait_for(api, lambda c: any("faster than the operator" in t
                                                      for t in texts_to(c, chat))
                                   and any("line 4 end" in t for t in texts_to(c, OPERATORS)))
    relayed = "\n".join(texts_to(calls, OPERATORS))
    assert [n for n in range(9) if f"line {n} end" in relayed] == [0, 1, 2, 3, 4]
    assert sum("faster than the operator" in t for t in texts_to(calls, chat)) == 1


async def test_cases_opened_per_hour_are_capped(tmp_path: Path, parser) -> None:
    chat = 9310
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS),
                               SAPAR_CASES_PER_HOUR="2"):
            for opened in (1, 2):
                await open_case(api, chat, "en")
                api.push_update(text_update(chat, "/stop"))
                await wait_for(api, lambda c, n=opened: len(api.calls_of("closeForumTopic")) >= n)
            api.push_update(text_update(chat, "/human"))
            await wait_for(api, lambda c: sum("handoff:anon" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)) >= 3)
            api.push_update({"callback_query": {
                "id": "cq-3", "from": {"id": chat, "is_bot": False, "first_name": "A"},
                "chat_instance": "ci", "data": "handoff:anon",
                "message": message(chat, "(buttons)")}})
            calls = await wait_for(api, lambda c: any("several times in the last hour" in t
                                                      for t in texts_to(c, chat)))
    assert len([c for c in calls if c.method == "createForumTopic"]) == 2


@pytest.mark.slow
async def test_the_operators_group_gets_no_more_than_the_window_allows(tmp_path: Path,
                                                                       parser) -> None:
    users = [9320 + i for i in range(3)]
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser,
                               OPERATOR_CHAT_ID=str(OPERATORS)) as (application, _runtime):
            window = application.bot_data["desk"].group_window
            window.limit, window.period = 4, 2.0  # Telegram's 20 in 60 s, scaled down
            for chat in users:
                await open_case(api, chat, "ru")  # a topic and a card each: 6 requests
                api.push_update(text_update(chat, f"первое сообщение {chat}"))
            calls = await wait_for(api, lambda c: all(
                any(f"первое сообщение {chat}" in t for t in texts_to(c, OPERATORS))
                for chat in users), timeout=60)
    posts = ("sendMessage", "createForumTopic", "sendDocument", "sendPhoto", "editMessageText",
             "closeForumTopic")
    times = [c.at for c in topic_calls(api) if c.method in posts]
    assert len(times) >= 9
    for start in times:
        assert sum(start <= t < start + 2.0 for t in times) <= 4, "window exceeded"
    assert calls


@pytest.mark.slow
async def test_a_429_for_one_person_does_not_delay_another(tmp_path: Path, parser) -> None:
    first, second = 9330, 9331
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, first, "en")
            await open_case(api, second, "en")
            await wait_for(api, lambda c: len(sent_to(c, OPERATORS)) >= 2)
            threads = {first: 50, second: 51}  # the fake's forum topics, in order
            api.fail_chat("sendMessage", first, "429:4")
            for chat in (first, second):
                api.push_update({"message": message(OPERATORS, f"answer for {chat}",
                                                    user=OPERATOR, chat_type="supergroup",
                                                    thread_id=threads[chat])})
            calls = await wait_for(api, lambda c: all(any(f"answer for {chat}" in t
                                                          for t in texts_to(c, chat))
                                                      for chat in (first, second)), timeout=60)
    assert api.calls_of("sendMessage!429:4"), "the fault was not injected"
    order = [int(c.params["chat_id"]) for c in calls if c.method == "sendMessage"
             and "answer for" in c.params.get("text", "")]
    assert order == [second, first], "the other person waited for someone else's 429"
