"""CaseStore on a real migrated database, and the chat-id cipher."""

from __future__ import annotations

import random
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.storage import open_database
from hotline.cases import CODE_ALPHABET, Case, CaseStore
from hotline.crypto import ChatIdCipher

CODE = re.compile(rf"^[{CODE_ALPHABET}]{{2}}-[{CODE_ALPHABET}]{{4}}$")
KEY = b"k" * 32


def open_case(store: CaseStore, user_key: str = "u-alice", **changes: object) -> Case:
    """Open a case with ordinary values; keyword arguments override them."""
    values: dict = {"user_key": user_key, "chat_enc": f"enc-{user_key}", "priority": "normal",
                    "language": "ky", "topic": "unpaid_wages", "region": None,
                    "consent": "anon", "summary": None, "desk_chat_id": -1001}
    values.update(changes)
    return store.create(**values)


def test_case_codes_are_short_opaque_and_unique(db: Database) -> None:
    store = CaseStore(db)
    codes = []
    for number in range(300):
        case = open_case(store, f"user-{number}")
        store.close(case.case_code, "user", "ended by the person")
        codes.append(case.case_code)
    assert all(CODE.match(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert not set("0O1I5S8B") & set("".join(codes))


def test_case_codes_do_not_follow_the_user_or_a_seeded_random(db: Database) -> None:
    store = CaseStore(db)
    first = open_case(store, "u-same")
    store.close(first.case_code, "user", None)
    second = open_case(store, "u-same")
    assert first.case_code != second.case_code
    random.seed(7)
    store.close(second.case_code, "user", None)
    third = open_case(store, "u-same")
    random.seed(7)
    store.close(third.case_code, "user", None)
    fourth = open_case(store, "u-same")
    assert third.case_code != fourth.case_code
    assert len({case.case_code for case in (first, second, third, fourth)}) == 4


def test_create_then_find_by_user_and_by_thread(db: Database) -> None:
    store = CaseStore(db)
    case = open_case(store, "u-alice", priority="urgent", language="ru", topic="passport_taken",
                     region="osh", consent="region")
    assert case.status == "waiting"
    assert case.urgent
    assert store.open_for_user("u-alice") == case
    assert store.open_for_user("u-bob") is None
    assert store.by_thread(-1001, 77) is None
    store.set_thread(case.case_code, 77)
    found = store.by_thread(-1001, 77)
    assert found is not None
    assert found.case_code == case.case_code
    assert found.region == "osh"
    assert store.by_thread(-1002, 77) is None


def test_closed_case_is_no_longer_open_for_the_user(db: Database) -> None:
    store = CaseStore(db)
    case = open_case(store)
    store.close(case.case_code, "user", "ended by the person")
    assert store.open_for_user("u-alice") is None
    again = open_case(store)
    assert store.open_for_user("u-alice").case_code == again.case_code


def test_second_claim_loses(db: Database) -> None:
    store = CaseStore(db)
    case = open_case(store)
    assert store.claim(case.case_code, "op-1") is True
    assert store.claim(case.case_code, "op-2") is False
    claimed = store.get(case.case_code)
    assert claimed.status == "active"
    assert claimed.operator_key == "op-1"
    assert claimed.claimed_at is not None


def test_simultaneous_claims_from_two_connections_have_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "sapar.db"
    main = open_database(path)
    codes = [open_case(CaseStore(main), f"u-{n}").case_code for n in range(20)]
    main.close()
    results: dict[str, list[bool]] = {code: [] for code in codes}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)
    lock = threading.Lock()

    def operator(name: str) -> None:
        db = open_database(path)  # each thread its own sqlite connection
        store = CaseStore(db)
        try:
            for code in codes:
                barrier.wait(timeout=10)
                won = store.claim(code, name)
                with lock:
                    results[code].append(won)
        except BaseException as error:  # surfaced below: a lost claim must not crash
            errors.append(error)
            barrier.abort()
        finally:
            db.close()

    threads = [threading.Thread(target=operator, args=(f"op-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(sorted(won) == [False, True] for won in results.values()), results
    check = open_database(path)
    rows = list(check["cases"].rows_where("status = 'active'"))
    check.close()
    assert len(rows) == len(codes)
    assert {row["operator_key"] for row in rows} <= {"op-1", "op-2"}


def test_close_twice_second_returns_false(db: Database) -> None:
    store = CaseStore(db)
    case = open_case(store)
    store.claim(case.case_code, "op-1")
    assert store.close(case.case_code, "operator", "resolved") is True
    assert store.close(case.case_code, "user", "ended by the person") is False
    row = db["cases"].get(case.case_code)
    assert (row["status"], row["closed_by"], row["close_reason"]) == (
        "closed", "operator", "resolved")
    assert store.claim(case.case_code, "op-2") is False


def test_transcript_is_in_order_and_per_case(db: Database) -> None:
    store = CaseStore(db)
    case = open_case(store, "u-alice")
    other = open_case(store, "u-bob")
    store.add_transcript(case.case_code, "user", "they keep my passport")
    store.add_transcript(other.case_code, "user", "not this case")
    store.add_transcript(case.case_code, "operator", "where are you now?")
    store.add_transcript(case.case_code, "note", "call back tomorrow")
    lines = store.transcript(case.case_code)
    assert [(line["author"], line["text"]) for line in lines] == [
        ("user", "they keep my passport"), ("operator", "where are you now?"),
        ("note", "call back tomorrow")]


def test_message_links_work_both_ways_within_a_case(db: Database) -> None:
    store = CaseStore(db)
    case = open_case(store, "u-alice")
    other = open_case(store, "u-bob")
    store.link(case.case_code, 10, 500, "to_desk")
    store.link(case.case_code, 11, 501, "to_user")
    assert store.desk_message_for(case.case_code, 10) == 500
    assert store.user_message_for(case.case_code, 501) == 11
    assert store.desk_message_for(case.case_code, 99) is None
    assert store.user_message_for(other.case_code, 500) is None


def fill(db: Database, store: CaseStore, user_key: str) -> list[str]:
    """Give a user one closed and one open case, each with transcript, links and outbox rows."""
    old = open_case(store, user_key)
    store.close(old.case_code, "user", "ended by the person")
    new = open_case(store, user_key)
    for n, case in enumerate((old, new)):
        store.add_transcript(case.case_code, "user", f"text of {user_key}")
        store.link(case.case_code, n, 100 + n, "to_desk")
        db["outbox"].insert({"case_code": case.case_code, "side": "desk", "kind": "user_text",
                             "payload": "{}", "priority": 1, "status": "pending",
                             "created_at": "2025-01-01T00:00:00+00:00"})
    return [old.case_code, new.case_code]


def rows_of(db: Database, codes: list[str]) -> dict[str, int]:
    """Count each hotline table's rows that belong to these cases."""
    marks = ", ".join("?" for _ in codes)
    return {table: db[table].count_where(f"case_code IN ({marks})", codes)
            for table in ("cases", "transcripts", "message_links", "outbox")}


def test_forget_user_deletes_only_that_users_rows(db: Database) -> None:
    store = CaseStore(db)
    alice = fill(db, store, "u-alice")
    bob = fill(db, store, "u-bob")
    store.block("u-alice", "abuse")
    still_open = store.forget_user("u-alice")
    assert [case.case_code for case in still_open] == [alice[1]]
    assert rows_of(db, alice) == {"cases": 0, "transcripts": 0, "message_links": 0, "outbox": 0}
    assert rows_of(db, bob) == {"cases": 2, "transcripts": 2, "message_links": 2, "outbox": 2}
    assert store.open_for_user("u-alice") is None
    assert store.open_for_user("u-bob").case_code == bob[1]
    assert store.is_blocked("u-alice")  # forgetting must not lift an abuse block
    assert store.forget_user("u-nobody") == []


def test_purge_removes_texts_and_identity_after_retention_but_keeps_the_case(db: Database
                                                                             ) -> None:
    store = CaseStore(db)
    expired, bobs = fill(db, store, "u-alice")[0], open_case(store, "u-bob").case_code
    db["cases"].update(expired, {"summary": "consented summary", "region": "osh"})
    store.add_transcript(bobs, "user", "bob text")
    store.close(bobs, "user", "ended by the person")
    closed_at = datetime.fromisoformat(db["cases"].get(expired)["closed_at"])

    assert store.purge_expired(30, at=closed_at + timedelta(days=29)) == 0
    assert len(store.transcript(expired)) == 1

    later = datetime.now(UTC) + timedelta(days=31)
    assert store.purge_expired(30, at=later) == 2  # both closed cases are past retention now
    row = db["cases"].get(expired)
    assert (row["user_key"], row["chat_enc"], row["summary"], row["purged"]) == (
        None, None, None, 1)
    assert (row["status"], row["topic"], row["language"], row["region"]) == (
        "closed", "unpaid_wages", "ky", "osh")
    assert store.transcript(expired) == []
    assert store.desk_message_for(expired, 0) is None
    assert db["outbox"].count_where("case_code = ?", [expired]) == 0
    open_code = store.open_for_user("u-alice").case_code
    assert len(store.transcript(open_code)) == 1  # the open case keeps its messages
    assert store.get(open_code).user_key == "u-alice"
    assert store.purge_expired(30, at=later) == 0


def test_block_and_is_blocked(db: Database) -> None:
    store = CaseStore(db)
    assert not store.is_blocked("u-alice")
    store.block("u-alice", None)
    store.block("u-alice", "spam")  # blocking again is harmless
    assert store.is_blocked("u-alice")
    assert not store.is_blocked("u-bob")
    assert db["blocked"].get("u-alice")["reason"] == "spam"


def test_chat_id_cipher_round_trip_and_opaque_tokens() -> None:
    cipher = ChatIdCipher(KEY)
    chat_id = 5_123_456_789
    token = cipher.encrypt(chat_id)
    assert cipher.decrypt(token) == chat_id
    assert str(chat_id) not in token
    assert "123456" not in token
    assert cipher.encrypt(chat_id) != token  # the same chat is not linkable by its token
    assert ChatIdCipher(KEY).decrypt(token) == chat_id  # same key after a restart


def test_token_from_another_key_or_garbage_raises_value_error() -> None:
    token = ChatIdCipher(b"another-secret-key-of-32-characters!").encrypt(42)
    cipher = ChatIdCipher(KEY)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        cipher.decrypt(token)
    with pytest.raises(ValueError):
        cipher.decrypt("not a token")
