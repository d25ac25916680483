"""Voice notes, video notes, audio and stickers both ways during a hand-off (copies by file id,
never forwards), a location only after a button, never a contact card; the operator's
signature in the person's language."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.hotline import OPERATORS, in_topic, open_case
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

SIGNATURE = {"ky": "Ишеним телефонунун оператору", "ru": "Оператор горячей линии",
             "en": "Hotline operator"}


def voice(file_id: str, seconds: int) -> dict:
    """Return a voice note as the Bot API describes it."""
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": seconds,
            "mime_type": "audio/ogg"}


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_voice_video_notes_and_audio_go_both_ways_as_copies(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9900 + ["ky", "ru"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, language)
            api.push_update({"message": message(chat, None, voice=voice("uservoice", 42))})
            api.push_update({"message": message(chat, None, video_note={
                "file_id": "usernote", "file_unique_id": "un", "length": 240, "duration": 7})})
            api.push_update({"message": message(chat, None, audio={
                "file_id": "useraudio", "file_unique_id": "ua", "duration": 125,
                "title": "Aibek Tokonov recording", "performer": "Aibek"})})
            api.push_update({"message": message(chat, None, sticker={
                "file_id": "usersticker", "file_unique_id": "us", "type": "regular",
                "width": 512, "height": 512, "is_animated": False, "is_video": False})})
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendVoice"))
                                   and bool(sent_to(c, OPERATORS, "sendVideoNote"))
                                   and bool(sent_to(c, OPERATORS, "sendAudio"))
                                   and bool(sent_to(c, OPERATORS, "sendSticker")))
            relayed = sent_to(calls, OPERATORS, "sendVoice")[0].params
            assert relayed["voice"] == "uservoice" and int(relayed["message_thread_id"]) == thread
            audio = sent_to(calls, OPERATORS, "sendAudio")[0].params
            assert "Aibek" not in str(audio), "an audio file's own title can name the person"
            assert not api.calls_of("forwardMessage")
            assert not any("cannot listen" in t for t in texts_to(calls, chat))
            # the operator answers with a voice note: signed in the person's language
            api.push_update(in_topic(thread, None, voice=voice("opvoice", 15)))
            calls = await wait_for(api, lambda c: bool(sent_to(c, chat, "sendVoice")))
            back = sent_to(calls, chat, "sendVoice")[0].params
            assert back["voice"] == "opvoice" and SIGNATURE[language] in back["caption"]
            api.push_update(in_topic(thread, "/transcript"))
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendDocument")))
        transcript = sent_to(calls, OPERATORS, "sendDocument")[0].params["document"]["content"]
        text = transcript.decode()
        assert "[voice, 0:42]" in text and "[video note, 0:07]" in text
        assert "[audio, 2:05]" in text and "operator: [voice, 0:15]" in text
        assert "user: [sticker]" in text


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_operator_text_is_signed_in_the_persons_language(tmp_path: Path, parser,
                                                                language: str) -> None:
    chat = 9910 + ["ru", "en"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, language)
            api.push_update(in_topic(thread, "Where are you now?"))
            calls = await wait_for(api, lambda c: any("Where are you now?" in t
                                                      for t in texts_to(c, chat)))
        reply = next(t for t in texts_to(calls, chat) if "Where are you now?" in t)
        assert reply.startswith(f"<b>{SIGNATURE[language]}:</b>")
        assert "Nurgul" not in reply


LOCATION_ASK = {"ky": "кайда экениңизди көрсөтөт", "ru": "Геопозиция показывает"}
CONTACT_REFUSED = {"ky": "Байланыш карточкасын", "ru": "карточку контакта"}


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_location_needs_a_button_and_a_contact_card_never_goes(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9920 + ["ky", "ru"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, chat, language)
            api.push_update({"message": message(chat, None, contact={
                "phone_number": "+996555123456", "first_name": "Aibek", "user_id": chat})})
            await wait_for(api, lambda c: any(CONTACT_REFUSED[language] in t
                                              for t in texts_to(c, chat)))
            api.push_update({"message": message(chat, None, location={
                "latitude": 55.4312, "longitude": 37.5458})})
            calls = await wait_for(api, lambda c: any(LOCATION_ASK[language] in t
                                                      for t in texts_to(c, chat)))
            ask = next(c for c in sent_to(calls, chat) if LOCATION_ASK[language] in
                       c.params.get("text", ""))
            send = str(ask.params["reply_markup"]).split("hlfile:send:")[1].split("'")[0]
            send = send.split('"')[0]
            api.push_update(text_update(chat, "жду"))
            await wait_for(api, lambda c: any("жду" in t for t in texts_to(c, OPERATORS)))
            assert not api.calls_of("sendLocation"), "no location before the button"
            api.push_update(button_update(chat, f"hlfile:send:{send}"))
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendLocation")))
            assert float(sent_to(calls, OPERATORS, "sendLocation")[0].params["latitude"]) == \
                55.4312
            api.push_update({"message": message(chat, None, location={
                "latitude": 56.0, "longitude": 38.0})})
            calls = await wait_for(api, lambda c: sum(LOCATION_ASK[language] in t
                                                      for t in texts_to(c, chat)) == 2)
            ask = [c for c in sent_to(calls, chat) if LOCATION_ASK[language] in
                   c.params.get("text", "")][-1]
            drop = str(ask.params["reply_markup"]).split("hlfile:drop:")[1]
            drop = drop.split("'")[0].split('"')[0]
            api.push_update(button_update(chat, f"hlfile:drop:{drop}"))
            api.push_update(text_update(chat, "всё"))
            await wait_for(api, lambda c: any("всё" in t for t in texts_to(c, OPERATORS)))
            assert len(api.calls_of("sendLocation")) == 1
            blob = str([c.params for c in api.calls
                        if str(c.params.get("chat_id")) == str(OPERATORS)])
            assert "+996555123456" not in blob and "Aibek" not in blob
        with sqlite3.connect(tmp_path / "sapar.db") as db:
            assert "56.0" not in str(db.execute("SELECT payload FROM outbox").fetchall())


OFFER = {"ky": "оператору уга алат", "ru": "оператор горячей линии может"}


@pytest.mark.parametrize("language", ["ky", "ru"])
async def test_a_voice_note_outside_a_hand_off_offers_an_operator(tmp_path: Path, parser,
                                                                   language: str) -> None:
    chat = 9930 + ["ky", "ru"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            api.push_update(text_update(chat, f"/start {language}"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update({"message": message(chat, None, voice=voice("lonely", 30))})
            calls = await wait_for(api, lambda c: any(OFFER[language] in t
                                                      for t in texts_to(c, chat)))
        offer = next(c for c in sent_to(calls, chat) if OFFER[language] in
                     c.params.get("text", ""))
        assert "human" in str(offer.params["reply_markup"])
        assert not sent_to(calls, OPERATORS, "sendVoice"), "no case: nothing is relayed"
