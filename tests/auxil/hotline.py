"""Hand-off helpers for tests: the partner desk, case codes and the ids sent or deleted (the
operators' chat, the operator and opening a case are in tests.auxil.operators)."""

from __future__ import annotations

from bench.fake_bot_api import FakeBotApi
from tests.auxil.operators import (
    CASE_CODE,
    OPERATOR,
    OPERATORS,
    in_topic,
    open_case,
    topics_created,
)
from tests.auxil.telegram import sent_to

__all__ = ["OPERATOR", "OPERATORS", "PARTNER", "case_code_of", "deleted_in", "ids_sent_to",
           "in_topic", "open_case", "topics_created"]

PARTNER = -1009876543210


def case_code_of(api: FakeBotApi, chat: int) -> str:
    """Return the case code the person was given (from the bot's reply)."""
    for call in sent_to(api.calls, chat):
        found = CASE_CODE.search(call.params.get("text", ""))
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
