"""The durable inbox's batches: a getUpdates batch in one commit, and "done" marks that share a
commit without one failing entry keeping the others pending (they would be answered again
after a restart)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.storage import open_database
from bot.telegram.inbox import Inbox

KEY = b"k" * 32


def _update(update_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0,
                                                "chat": {"id": 5, "type": "private"},
                                                "text": text}}


def test_a_batch_is_stored_once_and_a_repeat_delivery_is_recognised(tmp_path: Path) -> None:
    inbox = Inbox(open_database(tmp_path / "sapar.db"), KEY)
    assert inbox.put_many([(1, _update(1, "салам")), (2, _update(2, "привет"))]) == {
        1: True, 2: True}
    assert inbox.put_many([(2, _update(2, "привет")), (3, _update(3, "hi"))]) == {
        2: False, 3: True}
    assert [u["message"]["text"] for u in inbox.pending()] == ["салам", "привет", "hi"]
    raw = inbox.db.execute("SELECT group_concat(payload_enc) FROM inbox").fetchone()[0]
    assert "салам" not in raw and "привет" not in raw  # encrypted at rest


def test_one_failing_done_entry_leaves_only_itself_pending(tmp_path: Path) -> None:
    inbox = Inbox(open_database(tmp_path / "sapar.db"), KEY)
    inbox.put_many([(uid, _update(uid, f"m{uid}")) for uid in (1, 2, 3)])

    def broken(db: Database) -> None:
        raise sqlite3.IntegrityError("a row the handlers left could not be stored")

    inbox.done_many([(1, None), (2, broken), (3, None)])
    assert [u["update_id"] for u in inbox.pending()] == [2]
    blanked = inbox.db.execute("SELECT count(*) FROM inbox WHERE payload_enc IS NULL").fetchone()
    assert blanked[0] == 2


def test_a_lone_done_entry_that_fails_stays_pending(tmp_path: Path) -> None:
    inbox = Inbox(open_database(tmp_path / "sapar.db"), KEY)
    inbox.put_many([(7, _update(7, "m7"))])

    def broken(db: Database) -> None:
        raise sqlite3.IntegrityError("a row the handlers left could not be stored")

    with pytest.raises(sqlite3.IntegrityError):  # the queue logs it; the update stays pending
        inbox.done_many([(7, broken)])
    assert [u["update_id"] for u in inbox.pending()] == [7]
