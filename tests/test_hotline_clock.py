"""The desk's clock: unclaimed cases and unanswered messages are reminded in their topic (an
urgent case with the supervisors' mention), once, across restarts; a fake clock, no sleeping."""

from __future__ import annotations

from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from tests.auxil.hotline import OPERATORS, in_topic, open_case, topics_created
from tests.auxil.telegram import (
    button_update,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

ENV = {"OPERATOR_CHAT_ID": str(OPERATORS), "SAPAR_DESK_UNCLAIMED_MINUTES": "10",
       "SAPAR_DESK_UNANSWERED_MINUTES": "20", "SAPAR_DESK_SUPERVISORS": "@lead_operator"}
UNCLAIMED = "Nobody has claimed this case for 10 minutes"
UNANSWERED = "waited 20 minutes for an answer"


def in_thread(api: FakeBotApi, thread: int, part: str) -> list[str]:
    """Return the texts containing `part` that the bot posted into one topic."""
    return [c.params.get("text", "") for c in sent_to(api.calls, OPERATORS)
            if int(c.params.get("message_thread_id") or 0) == thread
            and part in c.params.get("text", "")]


async def test_an_unclaimed_case_is_reminded_once_even_across_a_restart(tmp_path: Path,
                                                                        parser) -> None:
    chat = 9980
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, **ENV) as (application, _runtime):
            thread = await open_case(api, chat, "ru")
            desk = application.bot_data["desk"]
            desk.clock.advance(minutes=9)
            assert desk.check_clock() == 0, "too early"
        async with running_bot(api, tmp_path, parser, **ENV) as (application, _runtime):
            desk = application.bot_data["desk"]
            desk.clock.advance(minutes=11)  # the restart forgot nothing: the case is due
            assert desk.check_clock() == 1
            await wait_for(api, lambda c: bool(in_thread(api, thread, UNCLAIMED)))
            assert desk.check_clock() == 0
        async with running_bot(api, tmp_path, parser, **ENV) as (application, _runtime):
            desk = application.bot_data["desk"]
            desk.clock.advance(minutes=30)
            assert desk.check_clock() == 0, "reminded already (stored), not again"
        reminder = in_thread(api, thread, UNCLAIMED)
        assert len(reminder) == 1 and "@lead_operator" not in reminder[0], "not urgent"


async def test_an_urgent_unclaimed_case_mentions_the_supervisors(tmp_path: Path, parser) -> None:
    chat = 9981
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, **ENV) as (application, _runtime):
            api.push_update(text_update(chat, "/start en"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(button_update(chat, "urgent:human"))
            await wait_for(api, lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)))
            api.push_update(button_update(chat, "handoff:anon"))
            await wait_for(api, lambda c: bool(topics_created(api)))
            thread = topics_created(api)[0]
            desk = application.bot_data["desk"]
            desk.clock.advance(minutes=11)
            assert desk.check_clock() == 1
            calls = await wait_for(api, lambda c: bool(in_thread(api, thread, UNCLAIMED)))
        reminder = in_thread(api, thread, UNCLAIMED)[0]
        assert "@lead_operator" in reminder and "URGENT" in reminder
        assert not any(UNCLAIMED in t for t in texts_to(calls, chat)), "for the desk only"


async def test_an_unanswered_message_is_reminded_until_an_operator_answers(tmp_path: Path,
                                                                           parser) -> None:
    chat = 9982
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, **ENV) as (application, _runtime):
            thread = await open_case(api, chat, "ky")
            desk = application.bot_data["desk"]
            api.push_update(in_topic(thread, "/claim"))
            await wait_for(api, lambda c: bool(in_thread(api, thread, "Claimed")))
            api.push_update(text_update(chat, "жардам керек"))
            await wait_for(api, lambda c: bool(in_thread(api, thread, "жардам керек")))
            desk.clock.advance(minutes=15)
            api.push_update(text_update(chat, "дагы бир суроо"))  # the wait started earlier
            await wait_for(api, lambda c: bool(in_thread(api, thread, "дагы бир")))
            assert desk.check_clock() == 0
            desk.clock.advance(minutes=6)
            assert desk.check_clock() == 1
            await wait_for(api, lambda c: bool(in_thread(api, thread, UNANSWERED)))
            desk.clock.advance(minutes=60)
            assert desk.check_clock() == 0, "one reminder per wait"
            api.push_update(in_topic(thread, "Мен бул жердемин"))
            await wait_for(api, lambda c: any("Мен бул жердемин" in t
                                              for t in texts_to(c, chat)))
            desk.clock.advance(minutes=60)
            assert desk.check_clock() == 0, "answered: nothing waits"
            api.push_update(text_update(chat, "рахмат, дагы бир нерсе"))
            await wait_for(api, lambda c: bool(in_thread(api, thread, "рахмат")))
            desk.clock.advance(minutes=21)
            assert desk.check_clock() == 1
            await wait_for(api, lambda c: len(in_thread(api, thread, UNANSWERED)) == 2)
