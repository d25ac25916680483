"""Poison updates: one update the library cannot parse is quarantined and skipped; everyone
else is served; no log line carries an update's payload."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken

from bench.fake_bot_api import FakeBotApi
from bot.logfilter import NoPayloads
from tests.auxil.telegram import person, settings_env, text_update
from tests.test_faults import MENU, PATIENCE, BotProcess, count


def poisoned_update(chat: int) -> dict:
    """A message with a poll in a shape python-telegram-bot cannot parse (API version skew)."""
    update = text_update(chat, "look at this poll")
    update["message"]["poll"] = {"id": "poll-1", "question_v2": "?"}
    return update


@pytest.mark.slow
def test_a_poison_update_is_quarantined_and_nobody_else_waits(tmp_path: Path) -> None:
    victim, other = 9200, 9201
    sender = person(victim)
    with FakeBotApi() as api:
        env = settings_env(api, tmp_path / "data", SAPAR_LOG_LEVEL="DEBUG")
        bot = BotProcess(env, tmp_path / "bot.log")
        try:
            poison_id = api.push_update(poisoned_update(victim))
            api.push_update(text_update(other, "/start en"))
            api.wait_for(lambda c: count(c, other, MENU) >= 1, timeout=PATIENCE)
            api.push_update(text_update(victim, "/start en"))
            api.wait_for(lambda c: count(c, victim, MENU) >= 1, timeout=PATIENCE)
            assert bot.process.poll() is None
        finally:
            bot.stop()
        log = bot.text()
    assert f"update {poison_id} could not be parsed" in log
    for secret in (str(victim), sender["username"], sender["first_name"], sender["last_name"],
                   "look at this poll", "poll-1"):
        assert secret not in log, f"{secret!r} reached the log"
    with sqlite3.connect(tmp_path / "data" / "sapar.db") as db:
        rows = db.execute("SELECT update_id, error, payload_enc FROM quarantine").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(poison_id, "TypeError")]
    assert "Aibek" not in rows[0][2] and str(victim) not in rows[0][2], "stored encrypted"


def test_the_quarantined_update_can_be_read_back_with_the_key(tmp_path: Path) -> None:
    from bot.quarantine import Quarantine
    from bot.storage import open_database

    db = open_database(tmp_path / "q.db")
    store = Quarantine(db, b"k" * 40)
    store.put(17, {"update_id": 17, "message": {"text": "secret words"}}, TypeError("x"))
    assert store.read()[0]["update"]["message"]["text"] == "secret words"
    with pytest.raises(InvalidToken):  # another deployment's key cannot read it
        Quarantine(db, b"j" * 40).read()
    db.close()


def test_the_log_filter_withholds_any_librarys_payload_line(caplog) -> None:
    record = logging.LogRecord("telegram.ext.Updater", logging.CRITICAL, __file__, 1,
                               "Error while parsing updates! Received data was %r",
                               ([{"update_id": 5, "message": {"from": {"username": "aibek_t"}}}],),
                               None)
    NoPayloads().filter(record)
    assert "aibek_t" not in record.getMessage()
    assert "withheld" in record.getMessage() and "telegram.ext.Updater" in record.getMessage()
    plain = logging.LogRecord("bot", logging.INFO, __file__, 1, "relay for case %s", ("K7",),
                              None)
    NoPayloads().filter(plain)
    assert plain.getMessage() == "relay for case K7"
