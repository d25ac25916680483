"""Storage: migrations from empty and from the previous version, pseudonyms, forgetting."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from bot.pseudonym import Pseudonymizer
from bot.storage import core_migrations, open_database
from bot.users import UserStore


def test_empty_database_gets_every_table_in_wal_mode(tmp_path: Path) -> None:
    db = open_database(tmp_path / "sapar.db")
    assert {"users", "conversations", "campaign_counts"} <= set(db.table_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [m.name for m in core_migrations.pending(db)] == []


def test_upgrade_from_previous_schema_keeps_users(tmp_path: Path) -> None:
    path = tmp_path / "sapar.db"
    old = Database(path)
    core_migrations.apply(old, stop_before="m002_preferences_and_state")
    old["users"].insert({"user_key": "abc", "language": "ru", "created_at": "2026-01-01",
                         "last_seen": "2026-01-02"})
    old.close()

    db = open_database(path)
    store = UserStore(db)
    user = store.get("abc")
    assert user is not None and user.language == "ru" and user.preferences == {}
    store.save_state("abc", {"flow": "stay"})
    assert store.load_state("abc") == {"flow": "stay"}


def test_pseudonyms_are_keyed_and_hide_the_id() -> None:
    first = Pseudonymizer(b"k" * 32).user_key(123456789)
    assert first == Pseudonymizer(b"k" * 32).user_key(123456789)
    assert first != Pseudonymizer(b"x" * 32).user_key(123456789)
    assert "123456789" not in first


def test_forget_deletes_every_row_of_the_user_only(db: Database) -> None:
    store = UserStore(db)
    store.touch("me", "ky")
    store.save_state("me", {"language": "ky"})
    store.touch("other", "ru")
    store.save_state("other", {"language": "ru"})
    assert store.forget("me") == 2
    assert store.get("me") is None and store.load_state("me") is None
    assert store.get("other") is not None


def test_campaign_counts_hold_no_person(db: Database) -> None:
    store = UserStore(db)
    store.count_campaign("osh_poster")
    store.count_campaign("osh_poster")
    rows = list(db["campaign_counts"].rows)
    assert len(rows) == 1 and rows[0]["count"] == 2
    assert set(rows[0]) == {"tag", "day", "count"}
    assert rows[0]["tag"] == "osh_poster"
