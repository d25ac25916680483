"""Every flow over the real Application and the fake Bot API, in ky, ru and en."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from content.answers import get_answer
from content.directory import find
from content.formatting import format_date
from tests.auxil.telegram import button_update, running_bot, sent_to, text_update, wait_for

LANGUAGES = ["ky", "ru", "en"]
DANGER = {
    "ky": "жардам бергиле, кожоюн мени үйгө камап коюп урат",
    "ru": "помогите меня заперли и бьют, не выпускают",
    "en": "help me, my boss locked me in and beats me",
}


def markup(call) -> str:
    """Return a sent message's buttons as text."""
    return str(call.params.get("reply_markup") or "")


async def step(api: FakeBotApi, chat: int, update: dict, until: str) -> list:
    """Send one update and wait for a reply to this chat whose text or buttons contain `until`."""
    before = len(sent_to(api.calls, chat))
    api.push_update(update)
    calls = await wait_for(api, lambda c: any(
        until in x.params.get("text", "") or until in markup(x)
        for x in sent_to(c, chat)[before:]))
    return sent_to(calls, chat)[before:]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_stay_calculator_survives_a_restart(tmp_path: Path, parser, language: str
                                                  ) -> None:
    chat = 8100 + LANGUAGES.index(language)
    entry = date.today() - timedelta(days=20)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            await step(api, chat, text_update(chat, f"/start {language}"), "topic:")
            await step(api, chat, button_update(chat, "flow:stay"), "menu")
            await step(api, chat, text_update(chat, "31.02.2026"), "menu")
            replies = await step(api, chat, text_update(chat, entry.strftime("%d.%m.%Y")),
                                 "stay:")
        # the process restarts: the conversation continues where it was
        async with running_bot(api, tmp_path, parser):
            if entry > date(date.today().year, 1, 1):
                assert "stay:prev:" in markup(replies[-1])
                await step(api, chat, button_update(chat, "stay:prev:no"), "stay:contract:")
            result = await step(api, chat, button_update(chat, "stay:contract:no"), "flow:stay")
    text = result[0].params["text"]
    assert re.search(r"(?<![\d.,])21(?![\d.,])", text), \
        "20 days ago to today, both days counted, is 21 days"
    last = entry + timedelta(days=89)
    assert format_date(last, language) in text, "the last allowed day (day 90), written out"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_screening_one_question_at_a_time_then_a_person(tmp_path: Path, parser,
                                                                language: str) -> None:
    chat = 8200 + LANGUAGES.index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            await step(api, chat, text_update(chat, f"/start {language}"), "topic:")
            await step(api, chat, button_update(chat, "flow:check"), "check:0:yes")
            for index in range(9):
                answer = "yes" if index in (1, 3) else "no"
                until = f"check:{index + 1}:yes" if index < 8 else "human"
                replies = await step(api, chat, button_update(chat, f"check:{index}:{answer}"),
                                     until)
            result = replies[-1]
            assert "victim" not in result.params["text"].lower()
            assert "жертв" not in result.params["text"].lower()
            await step(api, chat, button_update(chat, "human"), "handoff:summary")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_urgent_danger_numbers_first_then_country_and_person(tmp_path: Path, parser,
                                                                   language: str) -> None:
    chat = 8300 + LANGUAGES.index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            await step(api, chat, text_update(chat, f"/start {language}"), "topic:")
            await step(api, chat, button_update(chat, "flow:stay"), "menu")
            replies = await step(api, chat, text_update(chat, DANGER[language]),
                                 "urgent:country:RU")
            first = replies[0]
            assert "urgent:human" in markup(first)
            assert "112" in first.params["text"]
            replies = await step(api, chat, button_update(chat, "urgent:country:KZ"),
                                 "urgent:human")
            assert "111" in replies[0].params["text"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_find_help_near_me_lists_directory_contacts(tmp_path: Path, parser,
                                                          language: str) -> None:
    chat = 8400 + LANGUAGES.index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            await step(api, chat, text_update(chat, f"/start {language}"), "topic:")
            await step(api, chat, button_update(chat, "flow:find"), "find:region:osh")
            await step(api, chat, button_update(chat, "find:region:osh"), "find:svc:")
            replies = await step(api, chat, button_update(chat, "find:svc:all"), "human")
            assert "<b>" in replies[0].params["text"]
            replies = await step(api, chat, button_update(chat, "flow:find"), "find:svc:")
            replies = await step(api, chat, button_update(chat, "find:svc:legal_aid"), "human")
    shown = html.unescape(" ".join(r.params["text"] for r in replies))
    legal = [c for c in find(country="KG", service="legal_aid")
             if c.kind in ("ngo", "government", "hotline")
             and (not c.regions or "osh" in c.regions)]
    assert legal and all(c.name.get(language, c.name["en"]) in shown for c in legal), \
        "every legal-aid contact for Osh is listed"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_family_mode_words_answers_for_a_relative(tmp_path: Path, parser,
                                                        language: str) -> None:
    chat = 8500 + LANGUAGES.index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            await step(api, chat, text_update(chat, f"/start {language}"), "topic:")
            await step(api, chat, button_update(chat, "family:on"), "topic:")
            replies = await step(api, chat, button_update(chat, "topic:entry_ban"),
                                 "more:entry_ban")
    family = get_answer("entry_ban", language).family
    assert family is not None
    assert family.splitlines()[0] in replies[0].params["text"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_privacy_and_forget_with_confirmation(tmp_path: Path, parser, language: str
                                                    ) -> None:
    chat = 8600 + LANGUAGES.index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (_app, runtime):
            await step(api, chat, text_update(chat, f"/start {language}"), "topic:")
            privacy = get_answer("privacy", language)
            await step(api, chat, text_update(chat, "/privacy"), privacy.more.splitlines()[0])
            await step(api, chat, text_update(chat, "/forget"), "forget:yes")
            key = runtime.pseudonymizer.user_key(chat)
            assert runtime.service.users.get(key) is not None
            await step(api, chat, button_update(chat, "forget:yes"), "menu")
            assert runtime.service.users.get(key) is None
            assert runtime.service.users.load_state(key) is None


async def test_writing_in_another_language_offers_a_switch(tmp_path: Path, parser) -> None:
    chat = 8700
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            await step(api, chat, text_update(chat, "/start ky"), "topic:")
            question = text_update(chat, "how do I check a Russian entry ban")
            replies = await step(api, chat, question, "lang:en")
            answer = get_answer("entry_ban", "en").short.splitlines()[0]
            assert any(answer in r.params["text"] for r in replies)
