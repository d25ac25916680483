"""`python -m bot web`: alone on 127.0.0.1 without a token; with one, Telegram in the same
process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.telegram import sent_to, settings_env, text_update

pytestmark = pytest.mark.slow  # see pyproject.toml: `pytest -m 'not slow'`

PROJECT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_page(port: int, process: subprocess.Popen, timeout: float = 60) -> httpx.Response:
    """Wait until the web chat answers (or the process died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode(errors="replace")[-2000:]
        try:
            return httpx.get(f"http://127.0.0.1:{port}/?lang=en", timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the web chat did not start")


def start(env: dict[str, str], port: int) -> subprocess.Popen:
    """Start `python -m bot web --port PORT`."""
    return subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)],
                            cwd=PROJECT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def stop(process: subprocess.Popen) -> bytes:
    """Stop the process as a service manager would; return what it wrote to stderr."""
    process.terminate()
    _out, errors = process.communicate(timeout=30)
    return errors


def test_python_m_bot_web_serves_the_chat_without_a_token(tmp_path: Path) -> None:
    port = free_port()
    env = {"SAPAR_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": ""}
    process = start(env, port)
    try:
        page = wait_for_page(port, process)
        assert page.status_code == 200 and "Salam" in page.text
        assert "content-security-policy" in page.headers
    finally:
        errors = stop(process)
    assert b"Traceback" not in errors, errors.decode(errors="replace")[-2000:]
    assert b"GET /" not in errors, "no access log: it would hold addresses"


def test_with_a_token_one_process_serves_telegram_and_the_web_chat(tmp_path: Path) -> None:
    port = free_port()
    with FakeBotApi() as api:
        process = start(settings_env(api, tmp_path), port)
        try:
            page = wait_for_page(port, process)
            assert page.status_code == 200
            api.push_update(text_update(9700, "/start en"))
            api.wait_for(lambda c: len(sent_to(c, 9700)) >= 2, timeout=30)
        finally:
            errors = stop(process)
    assert b"Traceback" not in errors, errors.decode(errors="replace")[-2000:]
