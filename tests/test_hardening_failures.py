"""Nobody is left without knowing: a relay Telegram refuses is told to the person (in their
language) and to the operators' General topic, and counted in the statistics."""

from __future__ import annotations

from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from hotline.stats import weekly_counts
from tests.auxil.operators import OPERATOR, OPERATORS, open_case
from tests.auxil.telegram import message, running_bot, sent_to, text_update, texts_to, wait_for


def general_topic(calls: list) -> list[str]:
    """Return the texts sent to the operators' group outside any topic."""
    return [c.params.get("text", "") for c in sent_to(calls, OPERATORS)
            if not c.params.get("message_thread_id")]


async def test_a_refused_relay_is_told_to_the_person_and_the_desk(tmp_path: Path,
                                                                  parser) -> None:
    chat = 9400
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser,
                               OPERATOR_CHAT_ID=str(OPERATORS)) as (_app, runtime):
            await open_case(api, chat, "ru")
            api.fail_chat("sendMessage", OPERATORS, "400")  # the topic was deleted
            api.push_update(text_update(chat, "мне нужна помощь срочно"))
            calls = await wait_for(api, lambda c: any("технической" in t for t in
                                                      texts_to(c, chat))
                                   and any("refused" in t for t in general_topic(c)))
            cells = weekly_counts(runtime.db)
    assert api.calls_of("sendMessage!400"), "the fault was not injected"
    notice = next(t for t in texts_to(calls, chat) if "технической" in t)
    assert "+996" in notice or "1227" in notice or "<b>" in notice, "numbers to call"
    assert [c.count for c in cells if c.dimension == "delivery"
            and c.value == "relay_failed"] == [1]


async def test_an_operator_reply_the_person_cannot_get_is_told_to_the_operators(
        tmp_path: Path, parser) -> None:
    chat = 9401
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            api.push_update({"message": message(OPERATORS, "/claim", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            await wait_for(api, lambda c: any("Claimed" in t for t in texts_to(c, OPERATORS)))
            api.fail_chat("sendMessage", chat, "400")  # the person blocked the bot
            api.push_update({"message": message(OPERATORS, "Are you safe?", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            calls = await wait_for(api, lambda c: any(
                "could not be delivered to the person" in t for t in texts_to(c, OPERATORS))
                and any("refused" in t for t in general_topic(c)))
    in_topic = [c for c in sent_to(calls, OPERATORS)
                if "could not be delivered" in c.params.get("text", "")]
    assert int(in_topic[0].params["message_thread_id"]) == thread
    assert any("refused" in t for t in general_topic(calls))
