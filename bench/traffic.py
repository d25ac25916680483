"""What simulated people send: Bot API update JSON and short per-chat scripts.

Every chat is a new person who runs one short script (at most 4 updates, well inside the flood
guard's burst of 12), so no update is dropped as a flood and every one gets an answer.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from nlu.data import load_test

OPERATORS_CHAT_ID = -1001234567890  # FakeBotApi's default operators' forum supergroup
BOT_ID = 777000111  # FakeBotApi's bot user
RELAY_MARK = "#bench"  # relayed texts carry "#bench<chat id>" so their arrival can be matched
LANGUAGES = ("ky", "ru", "en")
RELAY_TEXTS = {
    "ky": "мени иштен чыгарышты, паспортум алардa",
    "ru": "меня уволили, паспорт остался у работодателя",
    "en": "they fired me and kept my passport",
}
_ids = itertools.count(1)


def _user(chat_id: int, language: str) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Bench", "username": f"u{chat_id}",
            "language_code": language}


def _message(chat_id: int, text: str, user: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": next(_ids), "date": int(time.time()), "from": user, "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": user["first_name"]}}
    if text.startswith("/"):
        data["entities"] = [{"type": "bot_command", "offset": 0,
                             "length": len(text.split()[0])}]
    return data


def text_update(chat_id: int, text: str, language: str = "en") -> dict[str, Any]:
    """Return an update carrying a text message (a /command when it starts with '/')."""
    return {"message": _message(chat_id, text, _user(chat_id, language))}


def button_update(chat_id: int, data: str, language: str = "en") -> dict[str, Any]:
    """Return an update for an inline button pressed under one of the bot's messages."""
    bot = {"id": BOT_ID, "is_bot": True, "first_name": "Sapar"}
    return {"callback_query": {
        "id": str(next(_ids)), "from": _user(chat_id, language), "chat_instance": "bench",
        "data": data, "message": _message(chat_id, "(buttons)", bot)}}


@dataclass(frozen=True)
class Step:
    """One update of a script.

    `kind` groups latencies; `relay` marks a hand-off relay (answered when the text reaches the
    operators' chat); `until` says when the update is fully answered, so that the chat may send
    its next one: "keyboard" (a message with buttons, always the last one of such a turn) or a
    number of messages. A script's last step counts as answered at its first reply.
    """

    kind: str
    build: Callable[[int], dict[str, Any]]
    relay: bool = False
    until: str | int = 1

    def complete(self, messages: int, params: dict[str, Any]) -> bool:
        """Return True when the message just received finishes this step's answer."""
        if self.until == "keyboard":
            return bool(params.get("reply_markup"))
        return isinstance(self.until, int) and messages >= self.until


def entry_date(today: date | None = None) -> str:
    """Return an entry date 20 days ago (never in the future), as people type it."""
    today = today or date.today()
    return max(today - timedelta(days=20), date(today.year, 1, 1)).strftime("%d.%m.%Y")


class Traffic:
    """Hand out scripts for new chats: free text, buttons, the stay calculator, a hand-off."""

    SCRIPTS = ("text", "buttons", "stay", "handoff")
    # per cycle: 6 questions (6 updates), 3 buttons, 4 stay-calculator steps, 3 hand-off steps
    MIXED = ("text", "buttons", "text", "stay", "text", "text", "handoff", "text", "text")

    def __init__(self, seed: int = 1) -> None:
        self._random = random.Random(seed)
        texts = load_test()
        self.texts = {lang: [e.text for e in texts if e.language == lang] for lang in LANGUAGES}
        if not all(self.texts.values()):
            raise RuntimeError("tests/data/nlu/{ky,ru,en}.yml hold no examples")
        self._languages = itertools.cycle(LANGUAGES)

    def script(self, name: str) -> list[Step]:
        """Return the steps of one script for a new person."""
        language = next(self._languages)
        if name == "text":  # one question per person: its answer may take several messages
            text = self._random.choice(self.texts[language])
            return [Step("text", lambda chat: text_update(chat, text, language))]
        if name == "buttons":
            return [Step("button", lambda chat, d=d: button_update(chat, d, language),
                         until="keyboard")
                    for d in ("topic:entry_ban", "more:entry_ban", "menu")]
        if name == "stay":
            typed = entry_date()
            return [
                Step("stay", lambda chat: button_update(chat, "flow:stay", language),
                     until="keyboard"),
                Step("stay", lambda chat: text_update(chat, typed, language), until="keyboard"),
                Step("stay", lambda chat: button_update(chat, "stay:prev:no", language),
                     until="keyboard"),
                Step("stay", lambda chat: button_update(chat, "stay:contract:no", language))]
        if name == "handoff":
            relay = RELAY_TEXTS[language]
            return [
                Step("handoff", lambda chat: text_update(chat, "/human", language),
                     until="keyboard"),
                # the consent is confirmed, then the case code is given: two messages
                Step("handoff", lambda chat: button_update(chat, "handoff:anon", language),
                     until=2),
                Step("relay", lambda chat: text_update(chat, f"{relay} {RELAY_MARK}{chat}",
                                                       language), relay=True)]
        raise ValueError(f"unknown script {name!r}")

    def scripts(self, mix: str) -> Iterator[list[Step]]:
        """Yield scripts forever: one of SCRIPTS, or 'mixed'."""
        names = self.MIXED if mix == "mixed" else (mix,)
        for name in itertools.cycle(names):
            yield self.script(name)
