"""`python -m bot check` against the fake Bot API: passes when all is well, names each failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.fake_bot_api import BOT_USER, FakeBotApi
from bot.__main__ import main
from bot.storage import open_database
from tests.auxil.operators import OPERATORS
from tests.auxil.telegram import settings_env


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Return a function that puts a bot's environment in place (no .env file is read)."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "OPERATOR_CHAT_ID", "SAPAR_SECRET_KEY", "NLU_ENGINE"):
        monkeypatch.delenv(name, raising=False)

    def put(api: FakeBotApi, **extra: str) -> Path:
        data = tmp_path / "data"
        extra = {"OPERATOR_CHAT_ID": str(OPERATORS), **extra}
        for name, value in settings_env(api, data, **extra).items():
            monkeypatch.setenv(name, value)
        return data

    return put


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str]]:
    """Run the check; return its exit code and each check's line by name."""
    code = main(["check", *args])
    lines = capsys.readouterr().out.splitlines()
    return code, {line[5:].split(":", 1)[0]: line for line in lines}


def test_check_passes_on_a_ready_installation(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api)
        open_database(data / "sapar.db").close()
        code, lines = run_check(capsys)
    assert code == 0, lines
    assert set(lines) == {"configuration", "database", "disk", "model", "bot API",
                          "operators' chat"}
    assert all(line.startswith("ok") for line in lines.values())
    assert "@sapar_test_bot" in lines["bot API"]
    assert "long polling" in lines["configuration"]


def test_bad_configuration_exits_78_naming_the_variable(env, capsys) -> None:
    with FakeBotApi() as api:
        env(api, OPERATOR_CHAT_ID="12345")
        code, lines = run_check(capsys)
    assert code == 78
    assert list(lines) == ["configuration"]
    assert lines["configuration"].startswith("FAIL") and "OPERATOR_CHAT_ID" in lines[
        "configuration"]


def test_missing_database_says_to_migrate(env, capsys) -> None:
    with FakeBotApi() as api:
        env(api)
        code, lines = run_check(capsys, "--no-telegram")
    assert code == 1
    assert lines["database"].startswith("FAIL") and "python -m bot migrate" in lines["database"]


def test_pending_and_unknown_migrations_are_named(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api)
        open_database(data / "sapar.db").close()
        with sqlite3.connect(data / "sapar.db") as db:
            db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_blocked_pseudonyms'")
        code, lines = run_check(capsys, "--no-telegram")
        assert code == 1 and "hotline/m002_blocked_pseudonyms" in lines["database"]
        assert "pending" in lines["database"]
        with sqlite3.connect(data / "sapar.db") as db:
            db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                       "VALUES ('hotline', 'm002_blocked_pseudonyms', 'x'), "
                       "('sapar', 'm099_from_the_future', 'x')")
        code, lines = run_check(capsys, "--no-telegram")
    assert code == 1 and "newer Sapar" in lines["database"]


def test_damaged_database_file_fails_clearly(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api)
        data.mkdir(parents=True, exist_ok=True)
        (data / "sapar.db").write_bytes(b"this is not a database at all" * 200)
        code, lines = run_check(capsys, "--no-telegram")
    assert code == 1
    assert lines["database"].startswith("FAIL") and "cannot be read" in lines["database"]


def test_rasa_engine_without_a_server_fails_the_model_check(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api, NLU_ENGINE="rasa", RASA_URL="http://127.0.0.1:9")
        open_database(data / "sapar.db").close()
        code, lines = run_check(capsys, "--no-telegram")
    assert code == 1
    assert lines["model"].startswith("FAIL") and "does not answer" in lines["model"]


def test_unreachable_bot_api_fails(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api, TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
        open_database(data / "sapar.db").close()
        code, lines = run_check(capsys)
    assert code == 1
    assert lines["bot API"].startswith("FAIL") and "cannot be reached" in lines["bot API"]


def test_refused_token_fails(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api)
        open_database(data / "sapar.db").close()
        api.fail("getMe", "401")
        code, lines = run_check(capsys)
    assert code == 1
    assert lines["bot API"].startswith("FAIL") and "refused the token" in lines["bot API"]


def test_operators_chat_without_topics_fails(env, capsys) -> None:
    with FakeBotApi(operator_chat={"id": OPERATORS, "type": "supergroup", "title": "Ops",
                                   "is_forum": False}) as api:
        data = env(api)
        open_database(data / "sapar.db").close()
        code, lines = run_check(capsys)
    assert code == 1
    assert lines["operators' chat"].startswith("FAIL") and "forum" in lines["operators' chat"]


def test_bot_that_is_not_an_administrator_fails(env, capsys) -> None:
    with FakeBotApi() as api:
        api.handlers["getChatMember"] = lambda params: {
            "status": "member", "until_date": None,
            "user": {"id": BOT_USER["id"], "is_bot": True, "first_name": "Sapar"}}
        data = env(api)
        open_database(data / "sapar.db").close()
        code, lines = run_check(capsys)
    assert code == 1
    assert "administrator" in lines["operators' chat"]


def test_liveness_probe_skips_the_model_and_telegram(env, capsys) -> None:
    with FakeBotApi() as api:
        data = env(api)
        open_database(data / "sapar.db").close()
        code, lines = run_check(capsys, "--live")
    assert code == 0 and set(lines) == {"configuration", "database", "disk"}
