"""The hotline operators' chat and operator the tests share, and the topics the fake opened."""

from __future__ import annotations

import json
import re
from typing import Any

from bench.fake_bot_api import Call, FakeBotApi
from tests.auxil.telegram import button_update, message, sent_to, text_update, texts_to, wait_for

OPERATORS = -1001234567890  # the fake Bot API's default operators' supergroup
OPERATOR = {"id": 4242, "first_name": "Nurgul", "last_name": "Operator", "is_bot": False,
            "username": "nurgul_op"}
SECOND_OPERATOR = {**OPERATOR, "id": 4343, "first_name": "Azamat", "username": "azamat_op"}
CASE_CODE = re.compile(r"\b([A-Z0-9]{2}-[A-Z0-9]{4})\b")  # the code a person is given


def topic_threads(api: FakeBotApi) -> list[int]:
    """Return the thread ids the fake really returned for createForumTopic, oldest first."""
    return [int(call.result["message_thread_id"]) for call in api.calls_of("createForumTopic")
            if isinstance(call.result, dict)]


def last_topic(api: FakeBotApi) -> int:
    """Return the thread id of the newest topic (the newest case's)."""
    threads = topic_threads(api)
    assert threads, "no forum topic was created"
    return threads[-1]


def topic_calls(api: FakeBotApi) -> list[Call]:
    """Return every request addressed to the operators' chat."""
    return [c for c in api.calls if str(c.params.get("chat_id")) == str(OPERATORS)]


def in_topic(thread: int, text: str | None, user: dict[str, Any] = OPERATOR, *,
             chat: int = OPERATORS, **extra: Any) -> dict[str, Any]:
    """Return an update for a message an operator writes in a case topic (of `chat`)."""
    return {"message": message(chat, text, user=user, chat_type="supergroup",
                               thread_id=thread, **extra)}


def topics_created(api: FakeBotApi, chat: int = OPERATORS) -> list[int]:
    """Return the thread ids of the topics the bot created in one chat, oldest first."""
    return [int(c.result["message_thread_id"]) for c in api.calls_of("createForumTopic")
            if int(c.params.get("chat_id", 0)) == chat and isinstance(c.result, dict)]


def file_buttons(calls: list[Call], chat: int) -> list[str]:
    """Return the callback data of the 'send this file?' buttons sent to a chat."""
    markups = [c.params.get("reply_markup") or "{}" for c in sent_to(calls, chat)]
    markups = [json.loads(m) if isinstance(m, str) else m for m in markups]
    return [button["callback_data"] for markup in markups
            for row in markup.get("inline_keyboard", []) for button in row
            if str(button.get("callback_data", "")).startswith("hlfile:")]


async def open_case(api: FakeBotApi, chat: int, language: str, *, desk: int = OPERATORS,
                    consent: str = "anon") -> int:
    """Walk /start, /human and a consent button; return the new topic's thread id once the
    topic is there with its card and the person has the case code (the desk's relay worker
    opens the topic while the handler is still answering the person: either may come first).
    """
    before = len(topics_created(api, desk))
    codes = sum(bool(CASE_CODE.search(t)) for t in texts_to(api.calls, chat))
    api.push_update(text_update(chat, f"/start {language}"))
    await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
    api.push_update(text_update(chat, "/human"))
    await wait_for(api, lambda c: any(f"handoff:{consent}" in str(x.params.get("reply_markup"))
                                      for x in sent_to(c, chat)))
    api.push_update(button_update(chat, f"handoff:{consent}"))
    await wait_for(api, lambda c: len(topics_created(api, desk)) > before
                   and len(sent_to(c, desk)) >= 1
                   and sum(bool(CASE_CODE.search(t)) for t in texts_to(c, chat)) > codes)
    return topics_created(api, desk)[-1]
