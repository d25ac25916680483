"""The operators' side as values (hotline/service.py): what reaches the person, what is refused.

On a real migrated database; the relay worker is replaced by a list of the sides it was woken
for (the service's only outward call), so what is checked is the outbox the worker would send.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from hotline.cases import Case, CaseStore
from hotline.outbox import DESK, USER, Outbox
from hotline.service import CaseDesk, Outgoing, Refused, Relayed, signed_room

KEY = b"k" * 32


def _desk(db: Database) -> tuple[CaseDesk, list[str]]:
    woken: list[str] = []
    return CaseDesk(CaseStore(db), Outbox(db), KEY, woken.append), woken


def _case(desk: CaseDesk, channel: str = "telegram") -> Case:
    return desk.cases.create(user_key="u-1", chat_enc="enc", priority="normal", language="ru",
                             topic="unpaid_wages", region=None, consent="anon", summary=None,
                             desk_chat_id=-1001, channel=channel)


def _to_person(db: Database, code: str) -> list[tuple[str, dict]]:
    return [(row["kind"], json.loads(row["payload"])) for row in db.query(
        "SELECT kind, payload FROM outbox WHERE case_code = ? AND side = ? ORDER BY id",
        [code, USER])]


def test_an_operator_text_claims_the_case_and_reaches_the_person_signed(db: Database) -> None:
    desk, woken = _desk(db)
    case = _case(desk)
    outgoing = desk.text_rows(case, "Здравствуйте, я вас слушаю", {"desk_message_id": 7})
    assert desk.relay_to_user(case, 987654321, outgoing) == Relayed(1)
    rows = _to_person(db, case.case_code)
    assert [kind for kind, _payload in rows] == ["notice", "op_text"]  # "an operator is here"
    assert "Здравствуйте, я вас слушаю" in rows[1][1]["text"]
    assert "987654321" not in json.dumps(rows)  # the operator's Telegram id never travels
    claimed = desk.cases.get(case.case_code)
    assert claimed.status == "active"
    assert "987654321" not in str(db.execute("SELECT * FROM cases").fetchall())
    assert USER in woken


def test_a_long_text_goes_in_parts_and_only_the_first_replies(db: Database) -> None:
    desk, _woken = _desk(db)
    case = _case(desk)
    text = "слово " * (signed_room("ru") // 3)
    outgoing = desk.text_rows(case, text, {"desk_message_id": 7, "reply_to_desk_message_id": 3})
    assert desk.relay_to_user(case, 1, outgoing) == Relayed(2)
    parts = [payload for kind, payload in _to_person(db, case.case_code) if kind == "op_text"]
    assert [part["reply_to_desk_message_id"] for part in parts] == [3, None]


def test_nothing_reaches_the_person_of_a_closed_case(db: Database) -> None:
    desk, _woken = _desk(db)
    case = _case(desk)
    assert desk.close(case, None)
    before = _to_person(db, case.case_code)
    closed = desk.cases.get(case.case_code)
    result = desk.relay_to_user(closed, 1, Outgoing([("op_text", {"text": "x"})], "x"))
    assert isinstance(result, Refused)
    assert isinstance(desk.send_canned(closed, 0, 1), Refused)
    assert _to_person(db, case.case_code) == before
    assert not desk.close(closed, None)  # closing twice tells the person once


def test_a_refused_message_still_claims_a_waiting_case(db: Database) -> None:
    desk, _woken = _desk(db)
    case = _case(desk, channel="web")
    refused = Refused("cannot reach the web chat")
    assert desk.relay_to_user(case, 1, refused) is refused
    assert desk.cases.get(case.case_code).status == "active"


def test_block_closes_the_case_and_keeps_the_person_out(db: Database) -> None:
    desk, woken = _desk(db)
    case = _case(desk)
    desk.block(case, "abuse")
    assert desk.cases.get(case.case_code).status == "closed"
    assert desk.cases.is_blocked("u-1")
    kinds = [kind for kind, _payload in _to_person(db, case.case_code)]
    assert "rating" not in kinds  # a blocked person is not asked "did this help?"
    assert DESK in woken
