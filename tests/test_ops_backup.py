"""Backups taken while the bot writes, sealed or not, restored with checks into a working bot."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.dialogue import Incoming
from bot.ops.backup import BackupError, backup, restore
from bot.ops.lock import RunLock
from bot.ops.sealed import MAGIC
from bot.runtime import build_runtime
from bot.settings import Settings, load_settings
from bot.storage import open_database
from bot.users import UserStore
from hotline.cases import CaseStore
from hotline.crypto import ChatIdCipher
from hotline.outbox import DESK, Outbox

KEY = "k" * 40
PERSON = 4_400_001


def settings_in(directory: Path, key: str = KEY) -> Settings:
    """Return settings for a data directory with a fixed key."""
    return load_settings({"SAPAR_DATA_DIR": str(directory), "SAPAR_SECRET_KEY": key},
                         env_file=None)


def traffic(path: Path, started: threading.Event, stop: threading.Event, counts: list[int]
            ) -> None:
    """Write as the bot does, through the real storage layer, on its own connection."""
    db = open_database(path)
    users, cases, outbox = UserStore(db), CaseStore(db), Outbox(db)
    n = 0
    while not stop.is_set() or n < 50:
        key = f"traffic{n:05d}"
        users.touch(key, "ru")
        users.save_state(key, {"language": "ru", "flow": "stay", "data": {"n": n}})
        if n % 5 == 0:
            case = cases.create(user_key=key, chat_enc="x", priority="normal", language="ru",
                                topic="unpaid_wages", region=None, consent="anon", summary=None,
                                desk_chat_id=-100)
            outbox.put(case.case_code, DESK, "user_text", {"text": f"message {n}",
                                                          "user_message_id": n})
            cases.add_transcript(case.case_code, "user", f"message {n}")
        n += 1
        if n == 20:
            started.set()
    counts.append(n)
    db.close()


def test_backup_during_traffic_restores_into_a_working_bot(tmp_path: Path, parser) -> None:
    live = settings_in(tmp_path / "live")
    runtime = build_runtime(live, parser=parser)
    runtime.service.handle(PERSON, Incoming.from_text("/start en"))
    user_key = runtime.pseudonymizer.user_key(PERSON)
    case = CaseStore(runtime.db).create(
        user_key=user_key, chat_enc=ChatIdCipher(live.secret_key).encrypt(PERSON),
        priority="urgent", language="en", topic="passport_taken", region=None,
        consent="anon", summary=None, desk_chat_id=-100)
    started, stop, counts = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=traffic, args=(live.database_path, started, stop, counts))
    writer.start()
    try:
        assert started.wait(30)
        reports = [backup(live, tmp_path / "backups" / f"b{i}.db") for i in range(3)]
    finally:
        stop.set()
        writer.join()
    assert all(report.schema.current for report in reports)
    with sqlite3.connect(reports[-1].path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        copied = copy.execute("SELECT count(*) FROM users").fetchone()[0]
    assert 20 <= copied <= counts[0] + 1  # taken while the writer ran

    fresh = settings_in(tmp_path / "restored")
    report = restore(fresh, reports[-1].path)
    assert report.key_matches is True
    restored = build_runtime(fresh, parser=parser)
    key, state = restored.service.state_for(PERSON)
    assert key == user_key and state.language == "en" and state.language_chosen
    answer = restored.service.handle(PERSON, Incoming(text="how do I check a Russian entry ban"))
    assert answer.outcome.replies and all(r.language == "en" for r in answer.outcome.replies)
    back = CaseStore(restored.db).open_for_user(user_key)
    assert back is not None and back.case_code == case.case_code
    assert ChatIdCipher(fresh.secret_key).decrypt(back.chat_enc or "") == PERSON
    restored.db.close()
    runtime.db.close()


@pytest.fixture
def live(tmp_path: Path) -> Settings:
    """Return settings whose database holds one person."""
    settings = settings_in(tmp_path / "live")
    db = open_database(settings.database_path)
    UserStore(db).touch("someone", "ky")
    db.close()
    return settings


def test_sealed_backup_needs_its_passphrase_and_detects_tampering(tmp_path: Path,
                                                                  live: Settings) -> None:
    dest = tmp_path / "off-site" / "nightly.sapar"
    report = backup(live, dest, "correct horse battery staple")
    raw = dest.read_bytes()
    assert report.sealed and raw.startswith(MAGIC)
    assert b"SQLite format 3" not in raw and b"someone" not in raw
    assert dest.stat().st_mode & 0o777 == 0o600
    target = settings_in(tmp_path / "new")
    with pytest.raises(BackupError, match="encrypted"):
        restore(target, dest)
    with pytest.raises(BackupError, match="wrong passphrase"):
        restore(target, dest, "wrong horse")
    tampered = tmp_path / "tampered.sapar"
    tampered.write_bytes(raw[:100] + bytes([raw[100] ^ 1]) + raw[101:])
    with pytest.raises(BackupError, match="altered"):
        restore(target, tampered, "correct horse battery staple")
    truncated = tmp_path / "truncated.sapar"
    truncated.write_bytes(raw[:-10])
    with pytest.raises(BackupError, match="truncated"):
        restore(target, truncated, "correct horse battery staple")
    assert not target.database_path.exists()
    restore(target, dest, "correct horse battery staple")
    db = open_database(target.database_path)
    assert UserStore(db).get("someone") is not None
    db.close()


def test_restore_refuses_over_a_database_or_a_running_bot_unless_forced(
        tmp_path: Path, live: Settings) -> None:
    copy = backup(live, tmp_path / "copy.db").path
    with pytest.raises(BackupError, match="--force"):
        restore(live, copy)
    with RunLock(live.data_dir), pytest.raises(BackupError, match="running"):
        restore(live, copy)
    db = open_database(live.database_path)
    UserStore(db).touch("after the backup", "ru")
    db.close()
    restore(live, copy, force=True)
    db = open_database(live.database_path)
    assert UserStore(db).get("after the backup") is None
    assert UserStore(db).get("someone") is not None
    db.close()


def test_restore_refuses_damaged_foreign_and_newer_files(tmp_path: Path,
                                                         live: Settings) -> None:
    target = settings_in(tmp_path / "new")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a backup" * 100)
    with pytest.raises(BackupError, match="neither"):
        restore(target, junk)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(BackupError, match="not a Sapar database"):
        restore(target, other)
    newer = backup(live, tmp_path / "newer.db").path
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                   "VALUES ('sapar', 'm099_later', 'x')")
    with pytest.raises(BackupError, match="newer Sapar"):
        restore(target, newer)
    damaged = backup(live, tmp_path / "damaged.db").path
    data = bytearray(damaged.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096] = 0x07  # not a valid b-tree page type
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"integrity|not a readable"):
        restore(target, damaged)
    assert not target.database_path.exists()


def test_backup_is_refused_beside_the_key(live: Settings) -> None:
    with pytest.raises(BackupError, match="beside"):
        backup(live, live.data_dir / "backup.db")


def test_cli_backup_and_restore_with_a_passphrase_file(tmp_path: Path, live: Settings,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAPAR_DATA_DIR", str(live.data_dir))
    monkeypatch.setenv("SAPAR_SECRET_KEY", KEY)
    phrase = tmp_path / "phrase"
    phrase.write_text("a long passphrase\n")
    dest = tmp_path / "out" / "b.sapar"
    assert main(["backup", str(dest), "--passphrase-file", str(phrase)]) == 0
    assert "encrypted" in capsys.readouterr().out
    assert main(["restore", str(dest), "--passphrase-file", str(phrase)]) == 65
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(dest), "--passphrase-file", str(phrase), "--force"]) == 0
    assert "restored" in capsys.readouterr().out


def test_restore_warns_when_the_key_does_not_match(tmp_path: Path, live: Settings,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(live.database_path)
    CaseStore(db).create(user_key="someone", chat_enc=ChatIdCipher(live.secret_key).encrypt(7),
                         priority="normal", language="ky", topic="t", region=None,
                         consent="anon", summary=None, desk_chat_id=-100)
    db.close()
    copy = backup(live, tmp_path / "copy.db").path
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAPAR_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("SAPAR_SECRET_KEY", "a different key, long enough to pass")
    assert main(["restore", str(copy)]) == 78
    assert "cannot decrypt the restored chat ids" in capsys.readouterr().err
