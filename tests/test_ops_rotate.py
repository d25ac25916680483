"""Key rotation: chat ids re-encrypted, pseudonyms re-keyed where a case holds the chat id."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.dialogue import Incoming
from bot.ops.lock import RunLock
from bot.ops.rotate import RotationError, rotate
from bot.runtime import build_runtime
from bot.settings import SECRET_KEY_FILE, load_settings
from bot.storage import open_database
from hotline.cases import CaseStore
from hotline.crypto import ChatIdCipher

OLD, NEW = "o" * 40, "n" * 40
WITH_CASE, WITHOUT_CASE = 6_600_001, 6_600_002


def populate(data_dir: Path, parser, key: str) -> dict[str, str]:
    """Two people: one with an open case (and blocked), one who only chatted."""
    settings = load_settings({"SAPAR_DATA_DIR": str(data_dir), "SAPAR_SECRET_KEY": key},
                             env_file=None)
    runtime = build_runtime(settings, parser=parser)
    for chat in (WITH_CASE, WITHOUT_CASE):
        runtime.service.handle(chat, Incoming.from_text("/start ru"))
    cases = CaseStore(runtime.db)
    key_with = runtime.pseudonymizer.user_key(WITH_CASE)
    case = cases.create(user_key=key_with, chat_enc=ChatIdCipher(key.encode()).encrypt(WITH_CASE),
                        priority="normal", language="ru", topic="unpaid_wages", region=None,
                        consent="anon", summary=None, desk_chat_id=-100)
    cases.block(key_with, None)
    cases.block(runtime.pseudonymizer.user_key(WITHOUT_CASE), None)
    runtime.db.close()
    return {"case": case.case_code, "old_key_with": key_with}


def test_rotation_keeps_people_with_a_case_and_forgets_the_rest(tmp_path: Path, parser) -> None:
    data = tmp_path / "data"
    before = populate(data, parser, OLD)
    db = open_database(data / "sapar.db")
    report = rotate(db, OLD.encode(), NEW.encode())
    db.close()
    assert (report.chat_ids, report.people_rekeyed, report.people_dropped,
            report.blocks_dropped) == (1, 1, 1, 1)

    settings = load_settings({"SAPAR_DATA_DIR": str(data), "SAPAR_SECRET_KEY": NEW},
                             env_file=None)
    runtime = build_runtime(settings, parser=parser)
    key_with, state = runtime.service.state_for(WITH_CASE)
    assert key_with != before["old_key_with"]
    assert state.language == "ru" and state.language_chosen, "the person's state moved over"
    cases = CaseStore(runtime.db)
    case = cases.open_for_user(key_with)
    assert case is not None and case.case_code == before["case"]
    assert ChatIdCipher(NEW.encode()).decrypt(case.chat_enc or "") == WITH_CASE
    with pytest.raises(ValueError):
        ChatIdCipher(OLD.encode()).decrypt(case.chat_enc or "")
    assert cases.is_blocked(key_with), "a block moves with the case"
    key_without, fresh = runtime.service.state_for(WITHOUT_CASE)
    assert not fresh.language_chosen, "without a case the person starts afresh"
    assert not cases.is_blocked(key_without)
    assert runtime.db["users"].count == 1
    assert runtime.db.execute("PRAGMA foreign_key_check").fetchall() == []
    runtime.db.close()


def test_rotation_refuses_a_short_or_unchanged_key(db) -> None:
    with pytest.raises(RotationError, match="at least"):
        rotate(db, OLD.encode(), b"short")
    with pytest.raises(RotationError, match="current key"):
        rotate(db, OLD.encode(), OLD.encode())


def test_cli_rotates_the_generated_key_file(tmp_path: Path, parser,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAPAR_SECRET_KEY", raising=False)
    monkeypatch.delenv("SAPAR_NEW_SECRET_KEY", raising=False)
    monkeypatch.setenv("SAPAR_DATA_DIR", str(data))
    assert main(["migrate"]) == 0
    old = (data / SECRET_KEY_FILE).read_text().strip()
    populate(data, parser, old)
    with RunLock(data):
        assert main(["rotate-key"]) == 1
        assert "stop it first" in capsys.readouterr().err
    assert (data / SECRET_KEY_FILE).read_text().strip() == old
    assert main(["rotate-key"]) == 0
    out = capsys.readouterr().out
    assert "1 chat id(s) re-encrypted" in out
    new = (data / SECRET_KEY_FILE).read_text().strip()
    assert new != old and len(new) >= 32
    assert (data / SECRET_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert not (data / (SECRET_KEY_FILE + ".new")).exists()
    settings = load_settings({"SAPAR_DATA_DIR": str(data)}, env_file=None)
    runtime = build_runtime(settings, parser=parser)
    key, state = runtime.service.state_for(WITH_CASE)
    assert state.language == "ru" and CaseStore(runtime.db).open_for_user(key) is not None
    runtime.db.close()


def test_cli_needs_the_new_key_when_the_key_comes_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAPAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAPAR_SECRET_KEY", OLD)
    monkeypatch.delenv("SAPAR_NEW_SECRET_KEY", raising=False)
    assert main(["rotate-key"]) == 64
    assert "--new-key-file" in capsys.readouterr().err
    new_key = tmp_path / "new.key"
    new_key.write_text(NEW)
    assert main(["rotate-key", "--new-key-file", str(new_key)]) == 0
    assert "now set SAPAR_SECRET_KEY" in capsys.readouterr().out


def test_without_any_case_everyone_is_forgotten(tmp_path: Path, parser) -> None:
    data = tmp_path / "data"
    settings = load_settings({"SAPAR_DATA_DIR": str(data), "SAPAR_SECRET_KEY": OLD},
                             env_file=None)
    runtime = build_runtime(settings, parser=parser)
    runtime.service.handle(WITHOUT_CASE, Incoming.from_text("/start en"))
    report = rotate(runtime.db, OLD.encode(), NEW.encode())
    assert (report.people_rekeyed, report.people_dropped) == (0, 1)
    assert runtime.db["users"].count == 0 and runtime.db["conversations"].count == 0
    runtime.db.close()
