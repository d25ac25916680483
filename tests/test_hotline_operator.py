"""The operators' tools: notes, canned replies, transcripts, edits, files, hours, races."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from content.i18n import gettext_for
from hotline.canned import CANNED
from tests.auxil.operators import (
    OPERATOR,
    OPERATORS,
    SECOND_OPERATOR,
    file_buttons,
    in_topic,
    open_case,
)
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)


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
            before = len(texts_to(api.calls, chat))
            api.push_update(button_update(OPERATORS, f"hl:send:{code}:1", user=OPERATOR,
                                          chat_type="supergroup"))
            russian = gettext_for("ru")(CANNED[1])
            assert russian != CANNED[1], "the catalog has a Russian text for it"
            calls = await wait_for(api, lambda c: any(russian in t
                                                      for t in texts_to(c, chat)[before:]))
            assert not any(CANNED[1] in t for t in texts_to(calls, chat)), "not in English"


async def test_edits_and_replies_map_to_the_other_side(tmp_path: Path, parser) -> None:
    chat = 7520
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, "en")
            first = text_update(chat, "I am in Kazan")
            api.push_update(first)
            calls = await wait_for(api, lambda c: any("Kazan" in t
                                                      for t in texts_to(c, OPERATORS)))
            copy = next(c for c in calls if c.method == "sendMessage"
                        and "Kazan" in c.params.get("text", ""))
            edited = dict(first["message"], text="I am in Samara", edit_date=1)
            api.push_update({"edited_message": edited})
            calls = await wait_for(api, lambda c: any(
                x.method == "editMessageText" and "Samara" in x.params.get("text", "")
                for x in c))
            edit = next(x for x in calls if x.method == "editMessageText"
                        and "Samara" in x.params.get("text", ""))
            # the operators' copy of that very message is edited, nothing else
            assert str(edit.params["chat_id"]) == str(OPERATORS)
            assert int(edit.params["message_id"]) == copy.result["message_id"]
            operator_message = in_topic(thread, "Which street?")
            api.push_update(operator_message)
            calls = await wait_for(api, lambda c: any("Which street?" in t
                                                      for t in texts_to(c, chat)))
            relayed = next(c for c in sent_to(calls, chat) if "Which street?" in c.params["text"])
            changed = dict(operator_message["message"], text="Which district?", edit_date=1)
            api.push_update({"edited_message": changed})
            calls = await wait_for(api, lambda c: any(
                x.method == "editMessageText" and "Which district?" in x.params.get("text", "")
                and str(x.params.get("chat_id")) == str(chat) for x in c))
            edit = next(x for x in calls if x.method == "editMessageText"
                        and "Which district?" in x.params.get("text", ""))
            assert int(edit.params["message_id"]) == relayed.result["message_id"]
            # a reply to the relayed copy reaches the operators as a reply to the original
            api.push_update(text_update(chat, "Lenin street", reply_to={
                **relayed.result, "chat": {"id": chat, "type": "private"}}))
            calls = await wait_for(api, lambda c: any("Lenin street" in t
                                                      for t in texts_to(c, OPERATORS)))
            answer = next(c for c in sent_to(calls, OPERATORS) if "Lenin street"
                          in c.params["text"])
            assert str(answer.params.get("reply_to_message_id") or json.loads(
                answer.params.get("reply_parameters") or "{}").get("message_id")) == str(
                operator_message["message"]["message_id"])


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
            assert not photo.get("caption"), "the caption (it may name the person) is dropped"
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
            await wait_for(api, lambda c: len(api.calls_of("answerCallbackQuery")) >= 3)
            answers = [c.params.get("text", "") for c in api.calls_of("answerCallbackQuery")]
            assert sum("Claimed" in a for a in answers) == 1
            assert sum("Someone else" in a for a in answers) == 1


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
