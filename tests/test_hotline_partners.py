"""Partner NGO desks (defect A): one list of operators' chats feeds the gate, the handlers and
the routing; a partner's operators claim, reply, close and transfer cases."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from content import CONTENT_DIR, directory
from sapar_core.yamlfile import safe_dump, safe_load
from tests.auxil.hotline import (
    OPERATOR,
    OPERATORS,
    PARTNER,
    case_code_of,
    in_topic,
    open_case,
    topics_created,
)
from tests.auxil.telegram import (
    button_update,
    person,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

PARTNER_OPERATOR = {**OPERATOR, "id": 4545, "first_name": "Cholpon", "username": "cholpon_ngo"}


@pytest.fixture
def partner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A directory in which one regional NGO runs its own operators' chat (PARTNER)."""
    root = tmp_path / "content"
    root.mkdir()
    shutil.copytree(CONTENT_DIR, root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = safe_load((root / "directory.yml").read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["kind"] == "ngo" and e.get("regions"))
    entry["operator_chat_id"] = PARTNER
    (root / "directory.yml").write_text(safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    monkeypatch.setattr(directory, "CONTENT_DIR", root)
    directory.load_directory.cache_clear()
    yield entry["key"], entry["regions"][0]
    directory.load_directory.cache_clear()


def in_chat(api: FakeBotApi, chat: int, thread: int) -> list[str]:
    """Return the texts the bot posted into one topic of one chat."""
    return [c.params.get("text", "") for c in sent_to(api.calls, chat)
            if int(c.params.get("message_thread_id") or 0) == thread]


async def open_regional_case(api: FakeBotApi, chat: int, language: str, region: str) -> int:
    """Pick a region in the find-help flow, then ask for a person sharing it."""
    api.push_update(text_update(chat, f"/start {language}"))
    await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
    api.push_update(button_update(chat, f"find:region:{region}"))
    await wait_for(api, lambda c: len(sent_to(c, chat)) >= 3)
    api.push_update(text_update(chat, "/human"))
    await wait_for(api, lambda c: any("handoff:region" in str(x.params.get("reply_markup"))
                                      for x in sent_to(c, chat)))
    api.push_update(button_update(chat, "handoff:region"))
    await wait_for(api, lambda c: bool(topics_created(api, PARTNER)))
    thread = topics_created(api, PARTNER)[-1]
    # the case is linked to its topic once the card is in it: a /claim before that finds no
    # case (an operator cannot claim a topic whose card they have not seen either)
    await wait_for(api, lambda c: bool(in_chat(api, PARTNER, thread)))
    return thread


TOLD = {"ru": "передан", "ky": "өткөрүлдү", "en": "passed to"}


@pytest.mark.parametrize("language", ["ru", "ky"])
async def test_partner_desk_claims_replies_transfers_back_and_the_hotline_closes(
        tmp_path: Path, parser, partner: tuple[str, str], language: str) -> None:
    _key, region = partner
    chat = 9800 + ["ru", "ky"].index(language)
    with FakeBotApi() as api:
        api.add_group(PARTNER)
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_regional_case(api, chat, language, region)
            assert not topics_created(api, OPERATORS), "the region's partner gets the case"
            api.push_update(in_topic(thread, "/claim", chat=PARTNER, user=PARTNER_OPERATOR))
            await wait_for(api, lambda c: any("Claimed" in t for t in in_chat(api, PARTNER,
                                                                              thread)))
            api.push_update(in_topic(thread, "Где вы работаете?", chat=PARTNER,
                                     user=PARTNER_OPERATOR))
            await wait_for(api, lambda c: any("Где вы работаете?" in t
                                              for t in texts_to(c, chat)))
            api.push_update(text_update(chat, "на стройке, паспорт у бригадира"))
            await wait_for(api, lambda c: any("бригадира" in t
                                              for t in in_chat(api, PARTNER, thread)))
            api.push_update(in_topic(thread, "/transfer hotline needs the embassy",
                                     chat=PARTNER, user=PARTNER_OPERATOR))
            await wait_for(api, lambda c: bool(topics_created(api, OPERATORS)))
            new = topics_created(api, OPERATORS)[0]
            await wait_for(api, lambda c: any(TOLD[language] in t for t in texts_to(c, chat))
                           and bool(in_chat(api, OPERATORS, new)))
            card = in_chat(api, OPERATORS, new)[0]
            assert "Transferred from" in card and "needs the embassy" in card
            assert case_code_of(api, chat) in card
            await wait_for(api, lambda c: any(  # the partner's topic is closed
                x.method == "closeForumTopic" and int(x.params["chat_id"]) == PARTNER
                for x in c))
            api.push_update(in_topic(new, "/claim"))
            await wait_for(api, lambda c: any("Claimed" in t for t in in_chat(api, OPERATORS,
                                                                              new)))
            api.push_update(in_topic(new, "Мы свяжемся с посольством"))
            await wait_for(api, lambda c: any("посольством" in t for t in texts_to(c, chat)))
            api.push_update(text_update(chat, "спасибо"))
            await wait_for(api, lambda c: any("спасибо" in t for t in in_chat(api, OPERATORS,
                                                                              new)))
            assert not any("спасибо" in t for t in in_chat(api, PARTNER, thread))
            api.push_update(in_topic(new, "/transcript"))
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendDocument")))
            transcript = sent_to(calls, OPERATORS, "sendDocument")[0].params["document"]
            assert "бригадира" not in transcript["content"].decode(), \
                "the earlier desk's conversation does not move"
            api.push_update(in_topic(new, "/close resolved"))
            await wait_for(api, lambda c: any("/human" in t for t in texts_to(c, chat)))
        user = person(chat)
        blob = json.dumps([c.params for c in api.calls if int(c.params.get("chat_id") or 0) in
                           (OPERATORS, PARTNER)], ensure_ascii=False, default=str)
        for value in (str(chat), user["username"], user["first_name"], user["last_name"]):
            assert value not in blob


async def test_the_gate_lets_a_partners_buttons_through_and_hotline_can_transfer_to_it(
        tmp_path: Path, parser, partner: tuple[str, str]) -> None:
    key, _region = partner
    chat = 9810
    with FakeBotApi() as api:
        api.add_group(PARTNER)
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            api.push_update(in_topic(thread, "/transfer"))
            await wait_for(api, lambda c: any(f"/transfer {key}" in t
                                              for t in in_chat(api, OPERATORS, thread)))
            code = case_code_of(api, chat)
            api.push_update(button_update(OPERATORS, f"hl:transfer:{code}", user=OPERATOR,
                                          chat_type="supergroup"))
            await wait_for(api, lambda c: any(f"hl:to:{code}:{key}" in str(
                x.params.get("reply_markup")) for x in sent_to(c, OPERATORS)))
            api.push_update(button_update(OPERATORS, f"hl:to:{code}:{key}", user=OPERATOR,
                                          chat_type="supergroup"))
            await wait_for(api, lambda c: bool(topics_created(api, PARTNER)))
            new = topics_created(api, PARTNER)[0]
            await wait_for(api, lambda c: any(TOLD["en"] in t for t in texts_to(c, chat)))
            api.push_update(button_update(PARTNER, f"hl:claim:{code}", user=PARTNER_OPERATOR,
                                          chat_type="supergroup"))
            await wait_for(api, lambda c: any(x.method == "answerCallbackQuery" and "Claimed"
                                              in x.params.get("text", "") for x in c))
            api.push_update(in_topic(new, "/close", chat=PARTNER, user=PARTNER_OPERATOR))
            await wait_for(api, lambda c: any("/human" in t for t in texts_to(c, chat)))


async def test_a_partner_chat_that_fails_its_check_sends_its_cases_to_the_hotline(
        tmp_path: Path, parser, partner: tuple[str, str]) -> None:
    _key, region = partner
    chat = 9820
    with FakeBotApi() as api:  # the partner's group is not a forum the bot administers
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            api.push_update(text_update(chat, "/start ru"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(button_update(chat, f"find:region:{region}"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 3)
            api.push_update(text_update(chat, "/human"))
            await wait_for(api, lambda c: any("handoff:region" in str(x.params.get(
                "reply_markup")) for x in sent_to(c, chat)))
            api.push_update(button_update(chat, "handoff:region"))
            await wait_for(api, lambda c: bool(topics_created(api, OPERATORS)))
        assert not topics_created(api, PARTNER)
