"""Disk faults: a relay Telegram accepted is never sent again while the database cannot be
written; a read-only database at start is one clear error and exit code 3."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from bot.storage import EXIT_STORAGE, open_database
from tests.auxil.launch import PROJECT
from tests.auxil.operators import OPERATORS, open_case
from tests.auxil.telegram import running_bot, settings_env, text_update, texts_to, wait_for
from tests.test_faults import hold_exclusive_lock


@pytest.mark.slow
async def test_a_sent_relay_is_not_sent_again_when_recording_it_fails(tmp_path: Path,
                                                                      parser) -> None:
    chat = 9800
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser,
                               OPERATOR_CHAT_ID=str(OPERATORS)) as (_app, runtime):
            await open_case(api, chat, "en")
            locked: list[threading.Thread] = []

            def send_message(params: dict) -> dict:
                # Telegram accepts the relay; at that moment the database stops taking writes
                if "only once please" in params.get("text", "") and not locked:
                    locked.append(hold_exclusive_lock(runtime.settings.database_path, 8))
                return api._message(params, text=params.get("text", ""))

            api.handlers["sendMessage"] = send_message
            api.push_update(text_update(chat, "only once please"))
            await wait_for(api, lambda c: bool(locked))
            locked[0].join()
            api.push_update(text_update(chat, "and a second message"))
            calls = await wait_for(api, lambda c: any("a second message" in t
                                                      for t in texts_to(c, OPERATORS)), 30)
    assert sum("only once please" in t for t in texts_to(calls, OPERATORS)) == 1


def make_read_only(path: Path) -> None:
    """Make a file unwritable, even for root (immutable), or skip where that is impossible."""
    if os.geteuid() != 0:
        os.chmod(path, 0o400)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot make a file read-only for root here (chattr needs "
                    "CAP_LINUX_IMMUTABLE)")


@pytest.mark.slow
def test_a_read_only_database_at_start_is_one_clear_error_and_exit_3(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with FakeBotApi() as api:
        env = settings_env(api, data_dir)
        open_database(data_dir / "sapar.db").close()
        database = data_dir / "sapar.db"
        make_read_only(database)
        try:
            done = subprocess.run([sys.executable, "-m", "bot", "telegram"], cwd=PROJECT,
                                  env={**os.environ, **env}, capture_output=True, text=True,
                                  timeout=120)
        finally:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(database)], capture_output=True)
    assert done.returncode == EXIT_STORAGE == 3
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr
    assert [line for line in errors if line.startswith("database error:")], done.stderr
    assert "read-only" in done.stderr and str(database) in done.stderr


@pytest.mark.slow
def test_a_second_instance_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    from bot.ops.exitcodes import LOCKED as EXIT_LOCKED
    from tests.test_faults import MENU, PATIENCE, BotProcess, count

    chat = 9810
    with FakeBotApi() as api:
        env = settings_env(api, tmp_path / "data")
        first = BotProcess(env, tmp_path / "first.log")
        try:
            api.push_update(text_update(chat, "/start en"))
            api.wait_for(lambda c: count(c, chat, MENU) >= 1, timeout=PATIENCE)
            second = subprocess.run([sys.executable, "-m", "bot", "telegram"], cwd=PROJECT,
                                    env={**os.environ, **env}, capture_output=True, text=True,
                                    timeout=120)
            api.push_update(text_update(chat, "/start en"))
            calls = api.wait_for(lambda c: count(c, chat, MENU) >= 2, timeout=PATIENCE)
            assert first.process.poll() is None, "the first instance must keep running"
        finally:
            first.stop()
    assert second.returncode == EXIT_LOCKED == 4
    assert "another Sapar bot is already running" in second.stderr
    assert "Traceback" not in second.stderr
    assert count(calls, chat, MENU) == 2, "each update answered once, by one instance"
