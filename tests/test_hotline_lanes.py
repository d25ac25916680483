"""Relays of different cases travel side by side: one person's slow chat does not hold up an
operator's answer to another person (a case's own relays still go one after another)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.operators import OPERATOR, OPERATORS, open_case
from tests.auxil.telegram import message, running_bot, texts_to, wait_for


def _reply(thread: int, text: str) -> dict:
    return {"message": message(OPERATORS, text, user=OPERATOR, chat_type="supergroup",
                               thread_id=thread)}


@pytest.mark.slow  # a 4 s answer is waited out
async def test_a_slow_chat_does_not_hold_up_the_answer_to_another_person(
        tmp_path: Path, parser) -> None:
    slow, other = 7301, 7302
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            slow_topic = await open_case(api, slow, "ru")
            other_topic = await open_case(api, other, "en")
            for thread in (slow_topic, other_topic):
                api.push_update(_reply(thread, "/claim"))
            await wait_for(api, lambda c: sum("Claimed" in t for t in texts_to(c, OPERATORS))
                           >= 2)
            api.fail_chat("sendMessage", slow, "slow:4")  # this person's next answer is slow
            api.push_update(_reply(slow_topic, "Где вы сейчас находитесь?"))
            await wait_for(api, lambda c: any(x.method == "sendMessage~slow" for x in c))
            api.push_update(_reply(other_topic, "Do you have your passport with you?"))
            calls = await wait_for(api, lambda c: any("Где вы сейчас" in t
                                                      for t in texts_to(c, slow)), timeout=20)
            order = [x.params.get("text", "") for x in calls if x.method == "sendMessage"]
            other_at = next(i for i, t in enumerate(order) if "passport with you" in t)
            slow_at = next(i for i, t in enumerate(order) if "Где вы сейчас" in t)
            assert other_at < slow_at, "the other person waited for the slow chat"


@pytest.mark.slow  # a 1 s answer and a 2 s lock are waited out
async def test_a_relay_recorded_under_a_lock_held_elsewhere_goes_out_once(
        tmp_path: Path, parser) -> None:
    """Telegram accepted the relay while another process held the database: recording it is
    tried again (the event loop goes on meanwhile) until the lock is gone, so the relay is not
    sent again."""
    from tests.test_faults import LoopWatch, hold_exclusive_lock

    person = 7311
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser,
                               OPERATOR_CHAT_ID=str(OPERATORS)) as (_app, runtime):
            topic = await open_case(api, person, "en")
            api.push_update(_reply(topic, "/claim"))
            await wait_for(api, lambda c: any("Claimed" in t for t in texts_to(c, OPERATORS)))
            api.fail_chat("sendMessage", person, "slow:1")
            api.push_update(_reply(topic, "Are you safe where you are now?"))
            await wait_for(api, lambda c: any(x.method == "sendMessage~slow" for x in c))
            with LoopWatch() as watch:
                holder = hold_exclusive_lock(runtime.settings.database_path, 2)
                await asyncio.to_thread(holder.join)
            print(f"\n2 s lock while a relay was recorded: the event loop's longest stall "
                  f"{watch.longest * 1000:.0f} ms")
            api.push_update(_reply(topic, "Please answer when you can."))
            calls = await wait_for(api, lambda c: any("answer when you can" in t
                                                      for t in texts_to(c, person)))
            assert sum("Are you safe" in t for t in texts_to(calls, person)) == 1
            statuses = [row[0] for row in runtime.db.execute(
                "SELECT status FROM outbox WHERE side = 'user' AND payload LIKE ?",
                ["%Are you safe%"]).fetchall()]
            assert statuses == ["sent"]
