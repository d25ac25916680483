"""A case topic deleted or closed by operators: re-created, card posted again, relays replayed in
order and once; also across a SIGKILL in the middle of the replay."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from tests.auxil.hotline import OPERATORS, in_topic, open_case, topics_created
from tests.auxil.telegram import (
    button_update,
    running_bot,
    sent_to,
    settings_env,
    text_update,
    texts_to,
    wait_for,
)

PROJECT = Path(__file__).resolve().parents[1]


def in_thread(api: FakeBotApi, thread: int) -> list[str]:
    """Return the texts the bot posted into one topic, oldest first."""
    return [c.params.get("text", "") for c in sent_to(api.calls, OPERATORS)
            if int(c.params.get("message_thread_id") or 0) == thread]


@pytest.mark.parametrize(("language", "how"), [("ru", "deleted"), ("ky", "closed")])
async def test_a_lost_topic_is_recreated_with_the_card_and_the_messages_in_order(
        tmp_path: Path, parser, language: str, how: str) -> None:
    chat = 9700 + ["ru", "ky"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            old = await open_case(api, chat, language)
            first = text_update(chat, "первое сообщение")
            api.push_update(first)
            await wait_for(api, lambda c: any("первое" in t for t in texts_to(c, OPERATORS)))
            api.delete_topic(old) if how == "deleted" else api.close_topic(old)
            for n in range(3):
                api.push_update(text_update(chat, f"после удаления {n} " + "ж" * 1900))
            await wait_for(api, lambda c: len(topics_created(api)) == 2 and all(
                any(f"после удаления {n} " in t for t in in_thread(api, topics_created(api)[1]))
                for n in range(3)))
            new = topics_created(api)[1]
            texts = in_thread(api, new)
            # three relays, or fewer when the relay merged a burst into one message
            assert "Topic re-created" in texts[0]
            assert re.search(r"\b[123] message\(s\)", texts[0]), texts[0]
            card = next(c for c in sent_to(api.calls, OPERATORS)
                        if "Topic re-created" in c.params.get("text", ""))
            assert "hl:claim:" in str(card.params["reply_markup"])
            order = [next(i for i, t in enumerate(texts) if f"после удаления {n} " in t)
                     for n in range(3)]
            assert order == sorted(order)
            for n in range(3):
                assert sum(f"после удаления {n} " in t for t in texts) == 1
            assert not [t for t in texts_to(api.calls, chat) if "could not be passed" in t]
            # an edit of a message whose copy went with the old topic: a new message here
            api.push_update({"edited_message": {**first["message"], "text": "первое, исправлено",
                                                "edit_date": 1}})
            await wait_for(api, lambda c: any("исправлено" in t for t in in_thread(api, new)))
            assert not api.calls_of("editMessageText")
            # the operators work in the new topic as before
            api.push_update(in_topic(new, "/claim"))
            await wait_for(api, lambda c: any("Claimed" in t for t in in_thread(api, new)))
            api.push_update(in_topic(new, "Вы в безопасности?"))
            await wait_for(api, lambda c: any("безопасности" in t for t in texts_to(c, chat)))
        with sqlite3.connect(tmp_path / "sapar.db") as db:
            assert db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'failed'"
                              ).fetchone()[0] == 0


def _queued_relays(database: Path) -> int:
    """The person's messages written to the outbox for the desk so far."""
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'user_text'").fetchone()[0]


def start_bot_process(env: dict[str, str]) -> subprocess.Popen:
    """Start `python -m bot telegram` as its own process."""
    return subprocess.Popen([sys.executable, "-m", "bot", "telegram"], cwd=PROJECT,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.slow  # a bot process killed and started again; the replay itself is tested above
def test_sigkill_during_the_replay_loses_nothing_and_creates_no_second_topic(
        tmp_path: Path) -> None:
    chat = 9750
    with FakeBotApi() as api:
        env = settings_env(api, tmp_path, OPERATOR_CHAT_ID=str(OPERATORS))
        process = start_bot_process(env)
        try:
            api.push_update(text_update(chat, "/start ru"))
            api.wait_for(lambda c: len(sent_to(c, chat)) >= 2, timeout=60)
            api.push_update(text_update(chat, "/human"))
            api.wait_for(lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                       for x in sent_to(c, chat)), timeout=20)
            api.push_update(button_update(chat, "handoff:anon"))
            api.wait_for(lambda c: len(sent_to(c, OPERATORS)) >= 1, timeout=20)
            api.delete_topic(topics_created(api)[0])
            # the refused relay, the card again, two replayed relays; the third hangs: killed
            api.fail_chat("sendMessage", OPERATORS, "pass", "pass", "pass", "pass", "slow:20")
            for n in range(6):  # long: each one is its own relay (no merging)
                api.push_update(text_update(chat, f"срочно {n} точка " + "ж" * 1900))
            api.wait_for(lambda c: any(x.method == "sendMessage~slow" for x in c), timeout=60)
            assert len(in_thread_calls(api)) == 3, "the card and two replayed relays"
            # the hung relay holds the case's lane; the person's later messages still reach
            # the outbox meanwhile (how soon is the machine's business): kill once all are in
            deadline = time.monotonic() + 15
            while _queued_relays(tmp_path / "sapar.db") < 6 and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            with sqlite3.connect(tmp_path / "sapar.db") as db:
                pending = db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending' "
                                     "AND side = 'desk'").fetchone()[0]
            assert pending >= 2, "the kill must come in the middle of the replay"
            process = start_bot_process(env)
            api.wait_for(lambda c: all(any(f"срочно {n} точка" in t for t in
                                           in_thread(api, topics_created(api)[-1]))
                                       for n in range(6)), timeout=150)
        finally:
            process.kill()
            process.wait(10)
        assert len(topics_created(api)) == 2, "one new topic for the case, not two"
        texts = in_thread(api, topics_created(api)[1])
        counts = [sum(f"срочно {n} точка" in t for t in texts) for n in range(6)]
        assert all(count >= 1 for count in counts), "a message was lost"
        assert sum(count - 1 for count in counts) <= 1, "more than the relay in flight repeated"
        first = [next(i for i, t in enumerate(texts) if f"срочно {n} точка" in t)
                 for n in range(6)]
        assert first == sorted(first), "the replay changed the order"
        assert "Topic re-created" in texts[0]


def in_thread_calls(api: FakeBotApi) -> list:
    """Return the relays the bot made into the re-created topic so far."""
    topics = topics_created(api)
    if len(topics) < 2:
        return []
    return [c for c in sent_to(api.calls, OPERATORS)
            if int(c.params.get("message_thread_id") or 0) == topics[1]]
