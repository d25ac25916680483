"""The bot under test as its own process: start it, time its first reply, read its memory."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bench.driver import REPLY_METHODS, BenchBotApi
from bench.traffic import OPERATORS_CHAT_ID, text_update

PROJECT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token"
COLD_START_CHAT = 9_000_001
COLD_START_TEXT = "how do I check a Russian entry ban"

# `python -m bot telegram` is Sapar as deployed (with the AIORateLimiter, which would hold
# replies to Telegram's real 30 messages/s); bench.sapar_bot is the same Application without it.
COMMANDS = {
    "sapar": ("-m", "bot", "telegram"),
    "sapar-unthrottled": ("-m", "bench.sapar_bot"),
    "echo": ("-m", "bench.echo_bot"),
}


class BotProcess:
    """A bot started as `python -m ...` against the fake Bot API, with a fresh data dir."""

    def __init__(self, api: BenchBotApi, command: str, work_dir: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        self.api = api
        self.command = command
        self.work_dir = work_dir
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.log_path = work_dir / f"{command}.log"

    def env(self) -> dict[str, str]:
        """Return the environment: the token, the fake API, a temp data dir, hotline on duty."""
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "SAPAR_", "OPERATOR_", "NLU_"))}
        env.update({
            "PYTHONPATH": str(PROJECT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.api.base_url,
            "SAPAR_DATA_DIR": str(self.work_dir / "data"),
            "SAPAR_SECRET_KEY": secrets.token_hex(24),
            "OPERATOR_CHAT_ID": str(OPERATORS_CHAT_ID),
            "SAPAR_OFFICE_HOURS": "00:00-23:59",
            "SAPAR_OFFICE_DAYS": "1-7",
            # the fake API has no group limit: measure the bot, not Telegram's 20 a minute
            "SAPAR_GROUP_MESSAGES_PER_MINUTE": "1000000",
            **self.extra_env,
        })
        return env

    def start(self) -> None:
        """Start the process (in the work dir, so no developer's .env is read)."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen([sys.executable, *COMMANDS[self.command]],
                                        cwd=self.work_dir, env=self.env(),
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def cold_start(self, timeout: float = 120.0) -> float:
        """Start with a question already waiting; return seconds until its first reply."""
        self.api.push_update(text_update(COLD_START_CHAT, COLD_START_TEXT))
        seen = len(self.api.calls)
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            calls = self.api.calls_since(seen, 0.05)
            seen += len(calls)
            for call in calls:
                if (call.method in REPLY_METHODS
                        and str(call.params.get("chat_id")) == str(COLD_START_CHAT)):
                    return call.at - self.started_at
        raise TimeoutError(f"{self.command} gave no reply within {timeout:.0f} s; its log "
                           f"ends:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        """Return the end of the bot's log (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def check_alive(self) -> None:
        """Raise with the end of the log when the process has exited."""
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"{self.command} exited with {self.process.returncode}; its log "
                               f"ends:\n{self.log_tail()}")

    @property
    def ps(self) -> psutil.Process:
        """Return the psutil handle of the running bot."""
        assert self.process is not None
        return psutil.Process(self.process.pid)

    def rss_mb(self) -> float:
        """Return the current resident set size in MB."""
        return self.ps.memory_info().rss / 2**20

    def peak_rss_mb(self) -> float:
        """Return the peak resident set size in MB (VmHWM; the current RSS elsewhere)."""
        status = Path(f"/proc/{self.ps.pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return self.rss_mb()

    def cpu_seconds(self) -> float:
        """Return the CPU time used so far (user + system, all threads)."""
        times = self.ps.cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        """Stop the bot (SIGTERM, then SIGKILL after 15 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
