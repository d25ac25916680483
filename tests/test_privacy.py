"""Privacy: after real conversations and a hand-off, neither the database file (nor its WAL),
nor the log, nor the operators' chat holds anyone's Telegram id, username, name or phone."""

from __future__ import annotations

import json
import sqlite3
import struct
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.fake_bot_api import Call, FakeBotApi
from tests.auxil.launch import BotProcess
from tests.auxil.operators import OPERATORS, file_buttons, topic_threads
from tests.auxil.telegram import TOKEN, button_update, message, sent_to, settings_env, texts_to

AIGUL = {"id": 987654321, "is_bot": False, "first_name": "Aigul", "last_name": "Bekmuratova",
         "username": "aigul_b_secret", "language_code": "ru"}
NURLAN = {"id": 987654322, "is_bot": False, "first_name": "Нурлан", "last_name": "Жапаров",
          "username": "nurlan_zh_hidden", "language_code": "ky"}
OPERATOR = {"id": 918273645, "is_bot": False, "first_name": "Gulnara",
            "last_name": "Operatorova", "username": "op_gulnara_x"}
SOURCE = {"id": 555666777, "is_bot": False, "first_name": "Marat", "last_name": "Secretov",
          "username": "marat_src"}  # whose message Aigul forwards
PHONES = ["+996700123456", "996700123456", "0700123456", "+996555987654", "996555987654"]
PLACE = ["42.874621", "74.569762"]
PEOPLE = [AIGUL, NURLAN, OPERATOR, SOURCE]


def identities() -> list[str]:
    """Every piece of identity used below, as text."""
    values = [str(p[key]) for p in PEOPLE for key in ("id", "first_name", "last_name",
                                                        "username")]
    return [*values, *PHONES, *PLACE, "Bekmuratova_passport"]


def varint(value: int) -> bytes:
    """SQLite's variable-length integer encoding (big-endian, 7 bits a byte)."""
    groups = []
    while True:
        groups.append(value & 0x7F)
        value >>= 7
        if not value:
            break
    groups.reverse()
    return bytes([g | 0x80 for g in groups[:-1]] + [groups[-1]])


def id_encodings(user_id: int) -> list[bytes]:
    """An id as SQLite could store it: text, a 4- or 8-byte integer, a varint."""
    return [str(user_id).encode(), struct.pack(">I", user_id), struct.pack(">q", user_id),
            varint(user_id)]


def database_files(data_dir: Path) -> dict[str, bytes]:
    """Return the bytes of the database file and of its WAL and shared-memory files."""
    return {path.name: path.read_bytes() for path in sorted(data_dir.glob("sapar.db*"))}


def leaks_in_files(files: dict[str, bytes]) -> list[str]:
    """Return which identities occur in the database files, and where."""
    found = []
    for name, raw in files.items():
        for value in identities():
            for encoded in {value.encode(), value.encode("utf-16-le")}:
                if encoded in raw:
                    found.append(f"{value!r} in {name}")
        for person in PEOPLE:
            for encoded in id_encodings(person["id"]):
                if encoded in raw:
                    found.append(f"id {person['id']} as {encoded!r} in {name}")
    return found


def leaks_in_text(text: str) -> list[str]:
    """Return which identities (and the bot token) occur in a text."""
    return [value for value in [*identities(), TOKEN] if value in text]


class Bot(BotProcess):
    """`python -m bot telegram` at DEBUG log level, its log in a file."""

    def __init__(self, api: FakeBotApi, data_dir: Path, log: Path) -> None:
        super().__init__(settings_env(api, data_dir, OPERATOR_CHAT_ID=str(OPERATORS),
                                      SAPAR_LOG_LEVEL="DEBUG"), log)


@pytest.fixture
def start_bot(tmp_path: Path) -> Iterator[Any]:
    """Start bots against a fake Bot API; stop them after the test."""
    bots: list[Bot] = []

    def start(api: FakeBotApi) -> Bot:
        bot = Bot(api, tmp_path / "data", tmp_path / f"bot{len(bots)}.log")
        bots.append(bot)
        return bot

    yield start
    for bot in bots:
        bot.stop()


class Conversation:
    """Send updates as one person and wait for the bot's answers."""

    def __init__(self, api: FakeBotApi, user: dict[str, Any]) -> None:
        self.api = api
        self.user = user
        self.chat = user["id"]

    def _wait(self, before: int, until: str | None, timeout: float = 30) -> None:
        def answered(calls: list[Call]) -> bool:
            new = sent_to(calls, self.chat)[before:]
            return bool(new) and (until is None or any(
                until in str(c.params.get("text")) + str(c.params.get("reply_markup"))
                for c in new))
        self.api.wait_for(answered, timeout)

    def send(self, update: dict[str, Any], until: str | None = None,
             timeout: float = 30) -> None:
        """Send an update and wait for an answer (containing `until`, if given)."""
        before = len(sent_to(self.api.calls, self.chat))
        self.api.push_update(update)
        self._wait(before, until, timeout)

    def message(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        """Return a new message from this person."""
        return message(self.chat, text, user=self.user, **extra)

    def say(self, text: str, until: str | None = None, timeout: float = 30) -> None:
        """Write a text and wait for the answer."""
        self.send({"message": self.message(text)}, until, timeout)

    def press(self, action: str, until: str | None = None) -> None:
        """Press a button and wait for the answer."""
        self.send(button_update(self.chat, action, user=self.user), until)


def operator_says(api: FakeBotApi, text: str, thread: int) -> None:
    """An operator writes in a case's topic."""
    api.push_update({"message": message(OPERATORS, text, user=OPERATOR,
                                        chat_type="supergroup", thread_id=thread)})


def relayed_to_operators(api: FakeBotApi, fragment: str) -> bool:
    """True once something containing `fragment` reached the operators' chat."""
    return any(fragment in json.dumps(c.params, ensure_ascii=False, default=str)
               for c in api.calls if str(c.params.get("chat_id")) == str(OPERATORS))


def to_operators(api: FakeBotApi) -> str:
    """Everything the bot sent to the operators' chat, uploaded files included, as text."""
    parts = []
    for call in api.calls:
        if str(call.params.get("chat_id")) != str(OPERATORS):
            continue
        for value in call.params.values():
            if isinstance(value, dict) and "content" in value:
                parts.append(str(value.get("filename")))
                parts.append(value["content"].decode(errors="replace"))
            else:
                parts.append(json.dumps(value, ensure_ascii=False, default=str))
    return "\n".join(parts)


def hand_off_and_talk(api: FakeBotApi, aigul: Conversation) -> int:
    """Aigul names her region and talks with an operator: texts, a forwarded message, a photo
    with a caption, a document, her contact and location, an edit. Return the case's topic.

    (Before the hand-off she sends few updates: the flood guard allows 12 at once.)"""
    aigul.press("flow:find", "find:region:")
    aigul.press("find:region:osh", "find:svc:")
    aigul.say("/human", "handoff:region")
    aigul.press("handoff:region")
    api.wait_for(lambda c: any(x.method == "createForumTopic" for x in c), 30)
    api.wait_for(lambda c: bool(topic_threads(api)), 30)
    thread = topic_threads(api)[0]  # the id the fake really returned
    first = aigul.message("работодатель в Казани забрал мой паспорт")
    api.push_update({"message": first})
    api.push_update({"message": aigul.message(
        "он написал мне вот это", forward_origin={"type": "user", "sender_user": SOURCE,
                                                  "date": int(time.time())},
        forward_from=SOURCE)})
    api.push_update({"message": aigul.message(None, caption="мой номер +996700123456", photo=[
        {"file_id": "ph1", "file_unique_id": "ph1u", "width": 90, "height": 90}])})
    api.push_update({"message": aigul.message(None, document={
        "file_id": "doc1", "file_unique_id": "doc1u",
        "file_name": "Aigul_Bekmuratova_passport.pdf",
        "mime_type": "application/pdf"})})
    api.wait_for(lambda c: bool(file_buttons(c, aigul.chat)), 60)
    api.push_update(button_update(aigul.chat, file_buttons(api.calls, aigul.chat)[0],
                                  user=aigul.user))
    api.push_update({"message": aigul.message(None, contact={
        "phone_number": "+996700123456", "first_name": "Aigul", "last_name": "Bekmuratova",
        "user_id": AIGUL["id"]})})
    api.push_update({"message": aigul.message(None, location={
        "latitude": float(PLACE[0]), "longitude": float(PLACE[1])})})
    api.push_update({"edited_message": {**first, "text": "работодатель в Казани забрал "
                                        "мой паспорт и не платит", "edit_date": int(time.time())}})
    api.wait_for(lambda c: relayed_to_operators(api, "и не платит") and any(
        x.method == "sendDocument" for x in c) and any(x.method == "sendPhoto" for x in c), 60)
    operator_says(api, "/claim", thread)
    operator_says(api, "Где вы сейчас? Вы в безопасности?", thread)
    operator_says(api, "/note просит помощи с паспортом", thread)
    operator_says(api, "/transcript", thread)
    api.wait_for(lambda c: any("Вы в безопасности?" in t for t in texts_to(c, aigul.chat))
                 and sum(x.method == "sendDocument" for x in c) >= 2, 60)
    return thread


@pytest.mark.slow
def test_no_id_username_name_phone_or_place_in_the_database_log_or_operators_chat(
        tmp_path: Path, start_bot: Any) -> None:
    data_dir = tmp_path / "data"
    entry = max(date.today() - timedelta(days=12), date(date.today().year, 1, 1))
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        bot = start_bot(api)
        aigul, nurlan = Conversation(api, AIGUL), Conversation(api, NURLAN)
        aigul.say("/start ru", "topic:", timeout=90)
        aigul.say("сколько дней можно находиться в России?")
        aigul.press("flow:stay", "menu")
        aigul.say(entry.strftime("%d.%m.%Y"), "stay:")
        aigul.press("stay:prev:no", "stay:contract:")
        aigul.press("stay:contract:no", "flow:stay")
        nurlan.say("/start ky", "topic:")
        nurlan.say("меня зовут Нурлан Жапаров, мой номер +996555987654, я из Оша. "
                   "сколько дней можно быть в России?")
        nurlan.send({"message": nurlan.message(None, contact={
            "phone_number": "+996555987654", "first_name": "Нурлан", "user_id": NURLAN["id"]})})
        nurlan.press("flow:check", "check:0:")
        nurlan.press("check:0:yes", "check:1:")
        nurlan.press("check:1:no", "check:2:")
        # reminders and alert subscriptions hold a pseudonym and an encrypted chat id only
        nurlan.press(f"remind:yes:stay:{date.today() + timedelta(days=30)}", "remind:list")
        nurlan.press("alerts:on:ru_stay", "alerts:off:ru_stay")
        with sqlite3.connect(data_dir / "sapar.db") as db:
            assert [db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    for table in ("reminders", "subscriptions")] == [1, 1]
        hand_off_and_talk(api, aigul)

        running = database_files(data_dir)
        assert "sapar.db-wal" in running, "expected a live WAL file to inspect"
        assert leaks_in_files(running) == []
        assert leaks_in_text(to_operators(api)) == []
        assert not api.calls_of("forwardMessage"), "relays must copy, never forward"
        bot.stop()
    assert leaks_in_files(database_files(data_dir)) == []
    log = bot.log.read_text(errors="replace")
    assert "DEBUG" in log or "INFO" in log, "the bot logged nothing: is the log captured?"
    assert leaks_in_text(log) == []


@pytest.mark.slow
def test_forget_leaves_none_of_the_persons_words_in_the_database_files(
        tmp_path: Path, start_bot: Any) -> None:
    data_dir = tmp_path / "data"
    words = ["забрал мой паспорт", "и не платит", "Где вы сейчас?"]
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        bot = start_bot(api)
        aigul = Conversation(api, AIGUL)
        aigul.say("/start ru", "topic:", timeout=90)
        hand_off_and_talk(api, aigul)
        assert all(any(w.encode() in raw for raw in database_files(data_dir).values())
                   for w in words[:2]), "the hand-off's transcript should be stored until then"
        aigul.say("/forget", "forget:yes")
        aigul.press("forget:yes")
        api.wait_for(lambda c: relayed_to_operators(api, "deleted their data"), 30)
        aigul.say("/start ru", "topic:")  # her updates are handled in order: forgetting is done
        running = database_files(data_dir)
        bot.stop()
    for files in (running, database_files(data_dir)):
        left = [f"{w!r} in {name}" for name, raw in files.items() for w in words
                if w.encode() in raw]
        assert left == [], "deleted words can still be read from the database files"
