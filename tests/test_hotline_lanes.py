"""Relays of different cases travel side by side: one person's slow chat does not hold up an
operator's answer to another person (a case's own relays still go one after another)."""

from __future__ import annotations

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
