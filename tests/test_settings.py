"""Settings: defaults, the generated secret key, and errors that name the variable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.settings import DEFAULT_API_BASE_URL, SettingsError, load_settings


def test_defaults_and_generated_secret_key(data_dir: Path) -> None:
    settings = load_settings({"SAPAR_DATA_DIR": str(data_dir)}, env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == DEFAULT_API_BASE_URL
    assert settings.nlu_engine == "embedded"
    key_file = data_dir / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = load_settings({"SAPAR_DATA_DIR": str(data_dir)}, env_file=None)
    assert again.secret_key == settings.secret_key, "the key must survive a restart"


def test_env_file_is_read_and_environment_wins(data_dir: Path, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("NLU_ENGINE=rasa\nRASA_URL=http://127.0.0.1:9999\n")
    settings = load_settings({"SAPAR_DATA_DIR": str(data_dir), "RASA_URL": "http://[::1]:1"},
                             env_file=env_file)
    assert settings.nlu_engine == "rasa"
    assert settings.rasa_url == "http://[::1]:1"


@pytest.mark.parametrize(("variable", "value"), [
    ("NLU_ENGINE", "spacy"),
    ("OPERATOR_CHAT_ID", "12345"),
    ("OPERATOR_CHAT_ID", "operators"),
    ("TELEGRAM_BOT_TOKEN", "not-a-token"),
    ("TELEGRAM_API_BASE_URL", "ftp://example.org"),
    ("RASA_URL", "localhost:5005"),
    ("SAPAR_SECRET_KEY", "short"),
    ("SAPAR_OFFICE_HOURS", "nine to five"),
    ("SAPAR_RETENTION_DAYS", "0"),
    ("SAPAR_WEBHOOK_URL", "http://insecure.example.org"),
    # the attack run: a weak key, plain http to a remote API
    ("SAPAR_SECRET_KEY", "a" * 32),
    ("SAPAR_SECRET_KEY", "abcabcabcabcabcabcabcabcabcabcabc"),
    ("SAPAR_SECRET_KEY", "password-password-password-passw"),
    ("TELEGRAM_API_BASE_URL", "http://api.telegram.org/bot"),
    ("TELEGRAM_API_BASE_URL", "http://10.0.0.5:8081/bot"),
    ("RASA_URL", "http://rasa.internal:5005"),
])
def test_bad_values_fail_with_the_variable_name(data_dir: Path, variable: str, value: str
                                                ) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({"SAPAR_DATA_DIR": str(data_dir), variable: value}, env_file=None)


def test_start_reports_a_bad_setting_and_exits_2(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    monkeypatch.chdir(data_dir)
    monkeypatch.setenv("SAPAR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("NLU_ENGINE", "bert")
    assert main(["migrate"]) == 78
    assert "NLU_ENGINE" in capsys.readouterr().err


@pytest.mark.parametrize("secret", [None, "x", "a" * 40, "hook-Secret_42"])
def test_webhook_mode_refuses_a_missing_or_weak_secret(data_dir: Path, secret: str | None
                                                       ) -> None:
    env = {"SAPAR_DATA_DIR": str(data_dir), "SAPAR_WEBHOOK_URL": "https://bot.example.org/hook"}
    if secret is not None:
        env["SAPAR_WEBHOOK_SECRET"] = secret
    with pytest.raises(SettingsError, match="SAPAR_WEBHOOK_SECRET"):
        load_settings(env, env_file=None)


def test_strong_secrets_and_loopback_http_are_accepted(data_dir: Path) -> None:
    import secrets

    settings = load_settings({
        "SAPAR_DATA_DIR": str(data_dir), "SAPAR_SECRET_KEY": secrets.token_hex(16),
        "SAPAR_WEBHOOK_URL": "https://bot.example.org/hook",
        "SAPAR_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "RASA_URL": "http://localhost:5005"}, env_file=None)
    assert settings.webhook_secret is not None and len(settings.webhook_secret) >= 32
