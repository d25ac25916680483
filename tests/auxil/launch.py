"""`python -m bot` as its own process, for the tests that need a real process (kill, webhook)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


class BotProcess:
    """`python -m bot [command]` with its output in a log file (or discarded)."""

    def __init__(self, env: dict[str, str], log: Path | None = None,
                 command: tuple[str, ...] = ("telegram",)) -> None:
        self.log = log
        output = log.open("ab") if log is not None else None
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", *command], cwd=PROJECT,
                env={**os.environ, **env}, stdout=output or subprocess.DEVNULL,
                stderr=subprocess.STDOUT if output else subprocess.DEVNULL)
        finally:
            if output is not None:
                output.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 20) -> None:
        """Stop the process as a service manager would (SIGTERM, then SIGKILL if it hangs)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        """Return what the process logged so far."""
        return self.log.read_text(errors="replace") if self.log is not None else ""
