"""Files a person sends during a hand-off reach the operators without identifying metadata."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bench.fake_bot_api import FakeBotApi
from hotline.files import sniff
from tests.auxil.files import OWNER, PHONE, PLACE, jpeg_with_exif, pdf_with_author
from tests.auxil.operators import OPERATORS, file_buttons, open_case
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    sent_to,
    texts_to,
    wait_for,
)


def document(file_id: str, name: str, mime: str) -> dict:
    """Return a Telegram document object."""
    return {"file_id": file_id, "file_unique_id": file_id + "u", "file_name": name,
            "mime_type": mime}


async def test_a_photo_sent_as_a_file_reaches_operators_without_exif(tmp_path: Path,
                                                                      parser) -> None:
    chat = 9100
    raw = jpeg_with_exif()
    assert OWNER.encode() in raw and PLACE.encode() in raw
    with FakeBotApi() as api:
        api.files["exif1"] = raw
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, chat, "en")
            api.push_update({"message": message(chat, None, document=document(
                "exif1", "Aibek.Tokonov", "image/jpeg"))})
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendDocument")))
    sent = sent_to(calls, OPERATORS, "sendDocument")[0].params["document"]
    assert "Tokonov" not in sent["filename"] and sent["filename"] == "image.jpg"
    content = sent["content"]
    for secret in (OWNER, PHONE, PLACE):
        assert secret.encode() not in content, f"{secret!r} reached the operators"
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (64, 48)
        assert not dict(image.getexif()), "EXIF (GPS, owner) must be gone"
        assert "exif" not in image.info
    assert not file_buttons(calls, chat), "a cleaned image needs no confirmation"


async def test_a_pdf_goes_only_after_the_person_confirms(tmp_path: Path, parser) -> None:
    chat = 9101
    with FakeBotApi() as api:
        api.files["pdf1"] = pdf_with_author()
        api.files["pdf2"] = pdf_with_author()
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            await open_case(api, chat, "ru")
            api.push_update({"message": message(chat, None, document=document(
                "pdf1", "Aibek.Tokonov", "application/pdf"))})
            calls = await wait_for(api, lambda c: len(file_buttons(c, chat)) == 2)
            question = next(c for c in sent_to(calls, chat)
                            if "hlfile:" in str(c.params.get("reply_markup")))
            assert "файл" in question.params["text"].lower(), "asked in the person's language"
            assert not sent_to(calls, OPERATORS, "sendDocument"), "nothing before the answer"
            send = next(b for b in file_buttons(calls, chat) if b.startswith("hlfile:send:"))

            api.push_update({"message": message(chat, None, document=document(
                "pdf2", "second.pdf", "application/pdf"))})
            calls = await wait_for(api, lambda c: len(file_buttons(c, chat)) == 4)
            drop = [b for b in file_buttons(calls, chat) if b.startswith("hlfile:drop:")][-1]
            api.push_update(button_update(chat, drop))
            api.push_update(button_update(chat, send))
            calls = await wait_for(api, lambda c: bool(sent_to(c, OPERATORS, "sendDocument"))
                                   and len(sent_to(c, chat)) >= 7)
            # the same button again does nothing twice
            api.push_update(button_update(chat, send))
            calls = await wait_for(api, lambda c: any("больше не работает" in t
                                                      for t in texts_to(c, chat)))
    documents = sent_to(calls, OPERATORS, "sendDocument")
    assert len(documents) == 1, "the dropped file must not be sent, the confirmed one once"
    assert documents[0].params["document"]["filename"] == "document.pdf"


def test_the_extension_comes_from_the_content_not_the_name() -> None:
    assert sniff(jpeg_with_exif()) == "jpeg"
    assert sniff(pdf_with_author()) == "pdf"
    assert sniff(b"MZ\x90\x00binary") == "other"
    assert sniff("обычный текст\n".encode()) == "text"
