"""Hand-off helpers for tests: open a case through the real Application, act as an operator."""

from __future__ import annotations

from typing import Any

from bench.fake_bot_api import FakeBotApi
from tests.auxil.telegram import button_update, message, sent_to, text_update, wait_for

OPERATORS = -1001234567890
PARTNER = -1009876543210
OPERATOR = {"id": 4242, "first_name": "Nurgul", "last_name": "Operator", "is_bot": False,
            "username": "nurgul_op"}


def in_topic(thread: int, text: str | None, *, chat: int = OPERATORS,
             user: dict[str, Any] = OPERATOR, **extra: Any) -> dict[str, Any]:
    """Return an update for a message an operator writes in a case topic."""
    return {"message": message(chat, text, user=user, chat_type="supergroup",
                               thread_id=thread, **extra)}


def topics_created(api: FakeBotApi, chat: int = OPERATORS) -> list[int]:
    """Return the thread ids of the topics the bot created in a chat, oldest first."""
    return [int(c.result["message_thread_id"]) for c in api.calls_of("createForumTopic")
            if int(c.params.get("chat_id", 0)) == chat]


async def open_case(api: FakeBotApi, chat: int, language: str, *, desk: int = OPERATORS,
                    consent: str = "anon") -> int:
    """Walk /start, /human and a consent button; return the new topic's thread id."""
    before = len(topics_created(api, desk))
    api.push_update(text_update(chat, f"/start {language}"))
    await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
    api.push_update(text_update(chat, "/human"))
    await wait_for(api, lambda c: any(f"handoff:{consent}" in str(x.params.get("reply_markup"))
                                      for x in sent_to(c, chat)))
    api.push_update(button_update(chat, f"handoff:{consent}"))
    await wait_for(api, lambda c: len(topics_created(api, desk)) > before
                   and len(sent_to(c, desk)) >= 1)
    return topics_created(api, desk)[-1]


def case_code_of(api: FakeBotApi, chat: int) -> str:
    """Return the case code the person was given (from the bot's reply)."""
    import re

    for call in sent_to(api.calls, chat):
        found = re.search(r"\b([A-Z0-9]{2}-[A-Z0-9]{4})\b", call.params.get("text", ""))
        if found:
            return found.group(1)
    raise AssertionError("no case code was sent")


def ids_sent_to(api: FakeBotApi, chat: int) -> list[int]:
    """Return the ids of every message the bot sent to a chat (any send method)."""
    ids = []
    for call in api.calls:
        if (call.method.startswith(("send", "copyMessage")) and "!" not in call.method
                and str(call.params.get("chat_id")) == str(chat)
                and isinstance(call.result, dict) and "message_id" in call.result):
            ids.append(int(call.result["message_id"]))
    return ids


def deleted_in(api: FakeBotApi, chat: int) -> set[int]:
    """Return the ids of the messages deleted in a chat."""
    return {m for c, m in api.deleted_messages if c == chat}
