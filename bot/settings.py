"""All configuration, read once from the environment (and an optional `.env`)."""

from __future__ import annotations

import ipaddress
import math
import os
import re
import secrets
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values

from nlu.intents import LANGUAGES

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
SECRET_KEY_FILE = "secret.key"
MIN_SECRET_LENGTH = 32
ENGINES = ("embedded", "rasa")


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Every setting Sapar reads; build it with `load_settings()`."""

    telegram_bot_token: str | None
    telegram_api_base_url: str
    operator_chat_id: int | None
    data_dir: Path
    secret_key: bytes = field(repr=False)
    nlu_engine: str
    rasa_url: str
    default_language: str
    webhook_url: str | None
    webhook_listen: str
    webhook_port: int
    webhook_secret: str | None = field(repr=False)
    office_hours: tuple[time, time]
    office_days: tuple[int, ...]
    claim_timeout_minutes: int
    retention_days: int
    situation_days: int
    log_level: str
    group_messages_per_minute: int = 20
    handoff_messages_per_minute: int = 20
    cases_per_hour: int = 3
    campaign_tags: frozenset[str] = frozenset()
    idle_close_days: int = 14
    log_format: str = "text"
    metrics_file: Path | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    desk_unclaimed_minutes: int = 10  # the desk is reminded of a case nobody claimed
    desk_unanswered_minutes: int = 15  # ... and of a person's message nobody answered
    desk_supervisors: tuple[str, ...] = ()  # @usernames mentioned for an unclaimed urgent case

    @property
    def database_path(self) -> Path:
        """Return the SQLite file inside the data directory."""
        return self.data_dir / "sapar.db"


def _read_env(environ: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return {k: v.strip() for k, v in values.items()}


def _int(env: dict[str, str], name: str, default: int | None, *, minimum: int | None = None
         ) -> int | None:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _port(env: dict[str, str], name: str, default: int) -> int:
    value = _int(env, name, default, minimum=1) or default
    if value > 65535:
        raise SettingsError(f"{name} must be a port number (1-65535), got {value}")
    return value


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "") or default
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def is_loopback(host: str | None) -> bool:
    """Return True for a host name or address that never leaves this machine."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(env: dict[str, str], name: str, default: str | None, schemes: tuple[str, ...]
         ) -> str | None:
    value = env.get(name, "") or default
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise SettingsError(
            f"{name} must be a {' or '.join(schemes)} URL with a host, got {value!r}")
    if parsed.scheme == "http" and not is_loopback(parsed.hostname):
        # texts, the token and chat ids would cross the network unencrypted
        raise SettingsError(f"{name} may use http:// only on this machine (127.0.0.1, ::1, "
                            f"localhost); use https:// for {parsed.hostname!r}")
    return value


def weakness(secret: str) -> str | None:
    """Return why a secret is too easy to guess (short, repetitive, few distinct characters)."""
    if len(secret) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if len(set(secret)) < 10:
        return "uses fewer than 10 different characters"
    if re.search(r"(.)\1{5}", secret):
        return "repeats a character 6 times in a row"
    counts = Counter(secret)
    bits = -sum(n * math.log2(n / len(secret)) for n in counts.values())
    if bits < 100:  # a character-frequency estimate: 32 random hex digits give about 120
        return f"is too predictable (about {bits:.0f} bits by its letters; 100 are needed)"
    return None


def _office_hours(env: dict[str, str]) -> tuple[time, time]:
    raw = env.get("SAPAR_OFFICE_HOURS", "") or "09:00-18:00"
    try:
        start_text, end_text = raw.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise SettingsError(
            f"SAPAR_OFFICE_HOURS must look like 09:00-18:00, got {raw!r}") from None
    return start, end


def _office_days(env: dict[str, str]) -> tuple[int, ...]:
    raw = env.get("SAPAR_OFFICE_DAYS", "") or "1-5"
    days: set[int] = set()
    try:
        for part in raw.split(","):
            first, _, last = part.strip().partition("-")
            days.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise SettingsError(
            f"SAPAR_OFFICE_DAYS must look like 1-5 or 1,3,5 (1 = Monday), got {raw!r}") from None
    if not days or not days <= set(range(1, 8)):
        raise SettingsError(f"SAPAR_OFFICE_DAYS must use days 1 (Monday) to 7, got {raw!r}")
    return tuple(sorted(days))


def _secret_key(env: dict[str, str], data_dir: Path) -> bytes:
    raw = env.get("SAPAR_SECRET_KEY", "")
    if raw:
        problem = weakness(raw)
        if problem:
            raise SettingsError(f"SAPAR_SECRET_KEY {problem}; generate one with "
                                "`python -c 'import secrets; print(secrets.token_hex(32))'`")
        return raw.encode()
    key_file = data_dir / SECRET_KEY_FILE
    if key_file.exists():
        key = key_file.read_text().strip()
        if len(key) < MIN_SECRET_LENGTH:  # written by us from secrets.token_hex
            raise SettingsError(f"SAPAR_SECRET_KEY file {key_file} is shorter than "
                                f"{MIN_SECRET_LENGTH} characters")
        return key.encode()
    key = secrets.token_hex(32)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
    except OSError as error:
        raise SettingsError(f"SAPAR_SECRET_KEY is unset and {key_file} cannot be written "
                            f"({error.strerror}); set the key or make SAPAR_DATA_DIR "
                            "writable") from None
    return key.encode()


def _campaign_tags(env: dict[str, str]) -> frozenset[str]:
    tags = {tag.strip() for tag in env.get("SAPAR_CAMPAIGN_TAGS", "").split(",") if tag.strip()}
    bad = [tag for tag in tags if not re.fullmatch(r"[A-Za-z0-9_.-]{1,24}", tag)]
    if bad:
        raise SettingsError("SAPAR_CAMPAIGN_TAGS must be comma-separated tags of A-Z a-z 0-9 "
                            f"_ . - (at most 24 characters), got {bad[0]!r}")
    return frozenset(tags)


def load_settings(environ: Mapping[str, str] | None = None,
                  env_file: Path | None = Path(".env")) -> Settings:
    """Read and validate every setting; raise SettingsError naming the bad variable."""
    env = _read_env(environ, env_file)
    data_dir = Path(env.get("SAPAR_DATA_DIR", "") or "./data")
    os.umask(0o077)  # at start: everything Sapar creates is readable by its own user only
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SettingsError(f"SAPAR_DATA_DIR {str(data_dir)!r} cannot be created: {error}"
                            ) from None
    token = env.get("TELEGRAM_BOT_TOKEN", "") or None
    if token is not None and (":" not in token or not token.split(":", 1)[0].isdigit()):
        raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:secret)")
    operator_chat_id = _int(env, "OPERATOR_CHAT_ID", None)
    if operator_chat_id is not None and operator_chat_id >= 0:
        raise SettingsError(
            "OPERATOR_CHAT_ID must be a supergroup id (negative, like -1001234567890), "
            f"got {operator_chat_id}")
    webhook_secret = env.get("SAPAR_WEBHOOK_SECRET", "") or None
    if webhook_secret is not None and not all(
            c.isascii() and (c.isalnum() or c in "_-") for c in webhook_secret):
        raise SettingsError("SAPAR_WEBHOOK_SECRET may contain only A-Z, a-z, 0-9, _ and -")
    webhook_url = _url(env, "SAPAR_WEBHOOK_URL", None, ("https",))
    if webhook_url:
        # without it anyone who finds the URL can post forged updates (a fake operator message)
        problem = "is not set" if webhook_secret is None else weakness(webhook_secret)
        if problem:
            raise SettingsError(
                f"SAPAR_WEBHOOK_SECRET {problem}: webhook mode needs at least "
                f"{MIN_SECRET_LENGTH} random characters (A-Z a-z 0-9 _ -), e.g. `python -c "
                "'import secrets; print(secrets.token_urlsafe(32))'`")
    log_level = (env.get("SAPAR_LOG_LEVEL", "") or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"SAPAR_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got "
                            f"{log_level!r}")
    return Settings(
        telegram_bot_token=token,
        telegram_api_base_url=_url(env, "TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL,
                                   ("http", "https")) or DEFAULT_API_BASE_URL,
        operator_chat_id=operator_chat_id,
        data_dir=data_dir,
        secret_key=_secret_key(env, data_dir),
        nlu_engine=_choice(env, "NLU_ENGINE", ENGINES, "embedded"),
        rasa_url=_url(env, "RASA_URL", "http://127.0.0.1:5005", ("http", "https"))
        or "http://127.0.0.1:5005",
        default_language=_choice(env, "SAPAR_DEFAULT_LANGUAGE", LANGUAGES, "ky"),
        webhook_url=webhook_url,
        webhook_listen=env.get("SAPAR_WEBHOOK_LISTEN", "") or "127.0.0.1",
        webhook_port=_int(env, "SAPAR_WEBHOOK_PORT", 8443, minimum=1) or 8443,
        webhook_secret=webhook_secret,
        office_hours=_office_hours(env),
        office_days=_office_days(env),
        claim_timeout_minutes=_int(env, "SAPAR_CLAIM_TIMEOUT_MINUTES", 15, minimum=1) or 15,
        retention_days=_int(env, "SAPAR_RETENTION_DAYS", 30, minimum=1) or 30,
        situation_days=_int(env, "SAPAR_SITUATION_DAYS", 7, minimum=1) or 7,
        log_level=log_level,
        group_messages_per_minute=_int(env, "SAPAR_GROUP_MESSAGES_PER_MINUTE", 20,
                                       minimum=1) or 20,
        handoff_messages_per_minute=_int(env, "SAPAR_HANDOFF_MESSAGES_PER_MINUTE", 20,
                                         minimum=1) or 20,
        cases_per_hour=_int(env, "SAPAR_CASES_PER_HOUR", 3, minimum=1) or 3,
        campaign_tags=_campaign_tags(env),
        idle_close_days=_int(env, "SAPAR_IDLE_CLOSE_DAYS", 14, minimum=1) or 14,
        log_format=_choice(env, "SAPAR_LOG_FORMAT", ("text", "json"), "text"),
        metrics_file=Path(env["SAPAR_METRICS_FILE"]) if env.get("SAPAR_METRICS_FILE") else None,
        web_host=env.get("SAPAR_WEB_HOST", "") or "127.0.0.1",
        web_port=_port(env, "SAPAR_WEB_PORT", 8080),
        desk_unclaimed_minutes=_int(env, "SAPAR_DESK_UNCLAIMED_MINUTES", 10, minimum=1) or 10,
        desk_unanswered_minutes=_int(env, "SAPAR_DESK_UNANSWERED_MINUTES", 15,
                                     minimum=1) or 15,
        desk_supervisors=_supervisors(env),
    )


def _supervisors(env: dict[str, str]) -> tuple[str, ...]:
    """Read SAPAR_DESK_SUPERVISORS: Telegram @usernames separated by spaces or commas."""
    raw = env.get("SAPAR_DESK_SUPERVISORS", "").replace(",", " ").split()
    names = tuple(name if name.startswith("@") else f"@{name}" for name in raw)
    for name in names:
        if not re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{4,31}", name):
            raise SettingsError(f"SAPAR_DESK_SUPERVISORS: {name!r} is not a Telegram username")
    return names


def settings_for_command() -> Settings | None:
    """Load settings for a command-line entry point; print the problem and return None on error."""
    try:
        return load_settings()
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return None


def database_for_command(given: Path | None) -> Path | None:
    """The database a command-line entry point works on: `--db` if given, else the settings'
    (None, with the problem printed, when the settings cannot be loaded)."""
    if given is not None:
        return given
    settings = settings_for_command()
    return settings.database_path if settings is not None else None
