"""The person's side of the desk as values (hotline/desk.py): the desk decides what to tell
the person about their own messages and returns it; only the Telegram layer sends.

On a real migrated database, with Telegram Message objects as the bot receives them; nothing
is sent anywhere (the desk has no bot here), so what is checked is what it returns and queues.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlite_utils import Database
from telegram import Chat, Contact, Document, Location, Message

from bot.dialogue import ConversationState
from bot.settings import Settings
from bot.telegram.desk import NoOperatorDesk
from hotline.desk import OperatorDesk
from hotline.notices import Notice, Taken
from hotline.service import CaseOpened, Unavailable

CHAT = 5550002
OPERATORS = -1001234567890


def _desk(settings: Settings, db: Database) -> OperatorDesk:
    settings = dataclasses.replace(settings, operator_chat_id=OPERATORS,
                                   office_days=(1, 2, 3, 4, 5, 6, 7),
                                   office_hours=(datetime.min.time(), datetime.max.time()))
    return OperatorDesk(SimpleNamespace(settings=settings, db=db))


def _message(message_id: int, **content: object) -> Message:
    return Message(message_id, datetime.now(UTC), Chat(CHAT, "private"), **content)


def _held(db: Database) -> list[str]:
    return [row["kind"] for row in db.query("SELECT kind FROM outbox WHERE status = 'held'")]


def test_a_case_is_opened_with_the_code_to_tell_and_nothing_sent(settings: Settings,
                                                                  db: Database) -> None:
    desk = _desk(settings, db)
    state = ConversationState(language="ru")
    opened = desk.open_case(CHAT, "u-1", state, {"topic": "unpaid_wages"})
    assert isinstance(opened, CaseOpened) and opened.new
    assert opened.case_code in opened.text and state.handoff == "waiting"
    again = desk.open_case(CHAT, "u-1", state, {})
    assert again == CaseOpened(opened.case_code, again.text, new=False)


def test_without_operators_the_person_gets_the_numbers_to_send(settings: Settings) -> None:
    state = ConversationState(language="en", handoff="waiting")
    result = NoOperatorDesk().open_case(CHAT, "u-1", state, {})
    assert isinstance(result, Unavailable)
    assert "No hotline operator is connected" in result.text
    assert state.handoff is None


def test_a_document_is_held_and_the_person_is_asked_with_two_buttons(settings: Settings,
                                                                      db: Database) -> None:
    desk = _desk(settings, db)
    state = ConversationState(language="en")
    desk.open_case(CHAT, "u-1", state, {})
    taken = desk.relay_from_user(_message(10, document=Document(
        "file-1", "uniq-1", mime_type="application/pdf", file_name="Aigul_passport.pdf")),
        "u-1", state)
    assert taken is not None and taken.notice is not None
    assert "may contain your name" in taken.notice.text
    labels = [label for label, _data in taken.notice.buttons]
    assert labels == ["Send the file", "Do not send"]
    assert _held(db) == ["user_document"]
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%Aigul%'"
                      ).fetchone()[0] == 0  # the file's name never travels
    row = int(taken.notice.buttons[0][1].rsplit(":", 1)[1])
    assert desk.file_choice("u-1", "en", row, send=True) == Notice(
        "The file is on its way to the operator.")
    assert _held(db) == []
    assert desk.file_choice("u-1", "en", row, send=True) == Notice(
        "That button is no longer valid.")  # pressed twice: once only


def test_a_location_waits_for_the_button_and_a_contact_card_never_goes(settings: Settings,
                                                                       db: Database) -> None:
    desk = _desk(settings, db)
    state = ConversationState(language="ru")
    desk.open_case(CHAT, "u-1", state, {})
    taken = desk.relay_from_user(_message(11, location=Location(37.6, 55.7)), "u-1", state)
    assert taken is not None and taken.notice is not None and len(taken.notice.buttons) == 2
    row = int(taken.notice.buttons[1][1].rsplit(":", 1)[1])
    assert _held(db) == ["user_media"]
    assert desk.file_choice("u-1", "ru", row, send=False) == Notice("Геопозиция не отправлена.")
    assert _held(db) == []  # dropped: it never reaches the operators
    refused = desk.relay_from_user(_message(12, contact=Contact("+79990001122", "Aigul")),
                                   "u-1", state)
    assert refused is not None and refused.notice is not None
    assert "+79990001122" not in refused.notice.text
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%79990001122%'"
                      ).fetchone()[0] == 0


def test_a_text_is_queued_silently_and_without_a_case_the_dialogue_answers(
        settings: Settings, db: Database) -> None:
    desk = _desk(settings, db)
    state = ConversationState(language="en", handoff="waiting")
    assert desk.relay_from_user(_message(13, text="hello"), "u-2", state) is None
    assert state.handoff is None  # no case: the flag of the turn is put right
    desk.open_case(CHAT, "u-2", state, {})
    assert desk.relay_from_user(_message(14, text="hello"), "u-2", state) == Taken()
    assert desk.relay_from_user(_message(14, text="hello"), "u-2", state) == Taken()  # again
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'user_text'").fetchone()[0] == 1
