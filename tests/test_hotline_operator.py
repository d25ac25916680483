"""The operators' tools: notes, canned replies, transcripts, edits, files, hours, races."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)
from tests.test_hardening_files import file_buttons
from tests.test_hotline_e2e import OPERATOR, OPERATORS, open_case

SECOND_OPERATOR = {**OPERATOR, "id": 4343, "first_name": "Azamat", "username": "azamat_op"}


def in_topic(thread: int, text: str | None, user: dict = OPERATOR, **extra) -> dict:
    """Return an update for a message an operator writes in a case topic."""
    return {"message": message(OPERATORS, text, user=user, chat_type="supergroup",
                               thread_id=thread, **extra)}


async def test_notes_stay_internal_and_transcript_is_a_file(tmp_path: Path, parser) -> None:
    chat = 7500
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            api.push_update(text_update(chat, "my boss keeps my passport"))
            await wait_for(api, lambda c: any("keeps my passport" in t
                                              for t in texts_to(c, OPERATORS)))
            api.push_update(in_topic(thread, "/note sounds like document retention"))
            await wait_for(api, lambda c: any("Note saved" in t for t in texts_to(c, OPERATORS)))
            api.push_update(in_topic(thread, "/transcript"))
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendDocument")))
            document = sent_to(calls, OPERATORS, "sendDocument")[0].params["document"]
            content = document["content"].decode()
            assert "keeps my passport" in content and "document retention" in content
            assert not any("document retention" in t for t in texts_to(calls, chat))


async def test_canned_reply_goes_out_in_the_users_language(tmp_path: Path, parser) -> None:
    chat = 7510
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "ru")
            api.push_update(in_topic(thread, "/canned"))
            calls = await wait_for(api, lambda c: any(
                "hl:send:" in str(x.params.get("reply_markup")) for x in sent_to(c, OPERATORS)))
            markup = next(str(x.params["reply_markup"]) for x in sent_to(calls, OPERATORS)
                          if "hl:send:" in str(x.params.get("reply_markup")))
            code = markup.split("hl:send:")[1].split(":")[0]
            api.push_update(button_update(OPERATORS, f"hl:send:{code}:1", user=OPERATOR,
                                          chat_type="supergroup"))
            calls = await wait_for(api, lambda c: any("Вы сейчас в безопасности" in t
                                                      or "безопас" in t
                                                      for t in texts_to(c, chat)))


async def test_edits_and_replies_map_to_the_other_side(tmp_path: Path, parser) -> None:
    chat = 7520
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            first = text_update(chat, "I am in Kazan")
            api.push_update(first)
            calls = await wait_for(api, lambda c: any("Kazan" in t
                                                      for t in texts_to(c, OPERATORS)))
            copy_id = next(c for c in calls if c.method == "sendMessage"
                           and "Kazan" in c.params.get("text", ""))
            edited = dict(first["message"], text="I am in Samara", edit_date=1)
            api.push_update({"edited_message": edited})
            calls = await wait_for(api, lambda c: any(
                x.method == "editMessageText" and "Samara" in x.params.get("text", "")
                for x in c))
            assert copy_id is not None
            operator_message = in_topic(thread, "Which street?")
            api.push_update(operator_message)
            await wait_for(api, lambda c: any("Which street?" in t for t in texts_to(c, chat)))
            changed = dict(operator_message["message"], text="Which district?", edit_date=1)
            api.push_update({"edited_message": changed})
            await wait_for(api, lambda c: any(
                x.method == "editMessageText" and "Which district?" in x.params.get("text", "")
                and str(x.params.get("chat_id")) == str(chat) for x in c))


async def test_documents_are_renamed_and_photos_lose_captions(tmp_path: Path, parser) -> None:
    chat = 7530
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, chat, "ky")
            api.push_update({"message": message(chat, None, document={
                "file_id": "doc1", "file_unique_id": "doc1u",
                "file_name": "Aibek_Tokonov_passport.pdf", "mime_type": "application/pdf"},
                caption="my passport, Aibek Tokonov")})
            calls = await wait_for(api, lambda c: bool(file_buttons(c, chat)))
            api.push_update(button_update(chat, file_buttons(calls, chat)[0]))  # "send it"
            api.push_update({"message": message(chat, None, photo=[{
                "file_id": "ph1", "file_unique_id": "ph1u", "width": 90, "height": 90}],
                caption="this is me Aibek")})
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendDocument"))
                                   and bool(sent_to(c, OPERATORS, "sendPhoto")))
            document = sent_to(calls, OPERATORS, "sendDocument")[0].params["document"]
            assert document["filename"] == "document.pdf"
            photo = sent_to(calls, OPERATORS, "sendPhoto")[0].params
            assert "caption" not in photo or "Aibek" not in str(photo.get("caption"))
            assert "Aibek" not in str([c.params for c in sent_to(calls, OPERATORS)])


async def test_two_operators_claim_at_once_one_wins(tmp_path: Path, parser) -> None:
    chat = 7540
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, chat, "en")
            card = sent_to(api.calls, OPERATORS)[0]
            code = str(card.params["reply_markup"]).split("hl:claim:")[1][:7]
            for who in (OPERATOR, SECOND_OPERATOR):
                api.push_update(button_update(OPERATORS, f"hl:claim:{code}", user=who,
                                              chat_type="supergroup"))
            calls = await wait_for(api, lambda c: len(api.calls_of("answerCallbackQuery")) >= 3)
            answers = [c.params.get("text", "") for c in api.calls_of("answerCallbackQuery")]
            assert sum("Claimed" in a for a in answers) == 1
            assert sum("Someone else" in a for a in answers) == 1
            assert calls


async def test_outside_office_hours_the_user_gets_numbers_and_the_case_stays_open(
        tmp_path: Path, parser) -> None:
    chat = 7550
    today = datetime.now(UTC).isoweekday()
    other_day = today % 7 + 1
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS),
                               SAPAR_OFFICE_DAYS=str(other_day),
                               SAPAR_OFFICE_HOURS="10:00-10:01"):
            await open_case(api, chat, "en")
            calls = await wait_for(api, lambda c: any("not available right now" in t
                                                      for t in texts_to(c, chat)))
            text = next(t for t in texts_to(calls, chat) if "not available right now" in t)
            assert "1966" in text or "+7 925" in text or "+79251155047" in text
            api.push_update(text_update(chat, "still here"))
            await wait_for(api, lambda c: any("still here" in t for t in texts_to(c, OPERATORS)))
