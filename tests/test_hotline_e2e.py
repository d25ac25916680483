"""Hand-off end to end: the real Application, a fake Bot API, an operators' forum supergroup."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.launch import BotProcess
from tests.auxil.operators import OPERATOR, OPERATORS, open_case, topic_calls
from tests.auxil.telegram import (
    button_update,
    message,
    person,
    running_bot,
    sent_to,
    settings_env,
    text_update,
    texts_to,
    wait_for,
)


def assert_no_identity(api: FakeBotApi, user: dict) -> None:
    """Fail when anything sent to the operators' chat carries the person's identity."""
    blob = json.dumps([c.params for c in topic_calls(api)], ensure_ascii=False, default=str)
    for value in (str(user["id"]), user["username"], user["first_name"], user["last_name"],
                  "+996555123456"):
        assert value not in blob, f"{value!r} reached the operators"


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_anonymous_hand_off_both_ways(tmp_path: Path, parser, language: str) -> None:
    chat = 7100 + ["ky", "ru", "en"].index(language)
    user = person(chat)
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, language)
            topic = api.calls_of("createForumTopic")[-1].params["name"]
            assert language in topic and "Aibek" not in topic
            card = sent_to(api.calls, OPERATORS)[0]
            assert "hl:claim:" in str(card.params["reply_markup"])

            api.push_update({"message": message(chat, None, contact={
                "phone_number": "+996555123456", "first_name": "Aibek", "user_id": chat})})
            api.push_update(text_update(chat, "мени иштен чыгарышты, паспортум алардa"))
            await wait_for(api, lambda c: any("паспортум" in t for t in texts_to(c, OPERATORS)))

            api.push_update({"message": message(OPERATORS, "/claim", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            await wait_for(api, lambda c: any("Claimed" in t for t in texts_to(c, OPERATORS)))
            api.push_update({"message": message(OPERATORS, "Where are you now?", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            calls = await wait_for(api, lambda c: any("Where are you now?" in t
                                                      for t in texts_to(c, chat)))
            relayed = next(t for t in texts_to(calls, chat) if "Where are you now?" in t)
            assert "Nurgul" not in relayed and relayed.startswith("<b>")
            assert not api.calls_of("forwardMessage"), "relays must copy, never forward"

            api.push_update({"message": message(OPERATORS, "/close resolved", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            await wait_for(api, lambda c: any("/human" in t for t in texts_to(c, chat)))
            assert_no_identity(api, user)


async def test_operator_chat_misconfigured_gives_numbers_not_a_crash(tmp_path: Path,
                                                                      parser) -> None:
    chat = 7200
    with FakeBotApi(operator_chat={"id": OPERATORS, "type": "supergroup", "title": "Ops",
                                   "is_forum": False}) as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            api.push_update(text_update(chat, "/start en"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(text_update(chat, "/human"))
            await wait_for(api, lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)))
            api.push_update(button_update(chat, "handoff:anon"))
            calls = await wait_for(api, lambda c: any("No hotline operator" in t
                                                      for t in texts_to(c, chat)))
            assert not [c for c in calls if c.method == "createForumTopic"]


@pytest.mark.slow
async def test_burst_from_several_users_arrives_merged_within_the_group_limit(
        tmp_path: Path, parser) -> None:
    users = [7300 + i for i in range(5)]
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            for chat in users:
                await open_case(api, chat, "ru")
            for n in range(100):
                api.push_update(text_update(users[n % 5], f"сообщение номер {n} конец"))
            calls = await wait_for(api, lambda c: all(
                any(f"номер {n} конец" in t for t in texts_to(c, OPERATORS)) for n in range(100)),
                timeout=90)
            texts = texts_to(calls, OPERATORS)
            for n in range(100):
                assert sum(f"номер {n} конец" in t for t in texts) == 1
            # Telegram's limit is on what the bot posts into the group; the start-up check's
            # getChat/getChatMember read it and are not counted
            to_group = [c.at for c in topic_calls(api)
                        if c.method not in ("getChat", "getChatMember")]
            assert len(to_group) < 100, "bursts must be merged"
            for start in to_group:
                assert sum(start <= t < start + 60 for t in to_group) <= 20


@pytest.mark.slow
def test_sigkill_with_pending_relays_delivers_each_message_once(tmp_path: Path) -> None:
    chat = 7400
    with FakeBotApi() as api:
        env = settings_env(api, tmp_path, OPERATOR_CHAT_ID=str(OPERATORS))
        process = BotProcess(env)
        try:
            api.push_update(text_update(chat, "/start ru"))
            api.wait_for(lambda c: len(sent_to(c, chat)) >= 2, timeout=60)
            api.push_update(text_update(chat, "/human"))
            api.wait_for(lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                       for x in sent_to(c, chat)), timeout=20)
            api.push_update(button_update(chat, "handoff:anon"))
            api.wait_for(lambda c: len(sent_to(c, OPERATORS)) >= 1, timeout=20)
            # Telegram throttles the bot: relays pile up in the outbox, none is in flight
            api.fail("sendMessage", *["429"] * 12)
            for n in range(6):
                api.push_update(text_update(chat, f"срочно {n} точка"))
            time.sleep(2)
            process.kill()
            assert not any("точка" in t for t in texts_to(api.calls, OPERATORS))
            with sqlite3.connect(tmp_path / "sapar.db") as db:
                pending = db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending' "
                                     "AND side = 'desk'").fetchone()[0]
            assert pending >= 1, "the relays must have been waiting in the outbox"
            process = BotProcess(env)
            calls = api.wait_for(lambda c: all(any(f"срочно {n} точка" in t
                                                   for t in texts_to(c, OPERATORS))
                                               for n in range(6)), timeout=150)
            texts = texts_to(calls, OPERATORS)
            for n in range(6):
                assert sum(f"срочно {n} точка" in t for t in texts) == 1, texts
        finally:
            process.kill()
