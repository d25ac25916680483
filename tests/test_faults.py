"""Faults: the Bot API throttles, fails, stalls or garbles; the database is locked; Rasa dies;
the process is killed. The bot must keep answering, lose nothing and send nothing twice."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.fake_bot_api import Call, FakeBotApi
from content.answers import get_answer
from content.i18n import gettext_for
from tests.auxil import launch
from tests.auxil.operators import OPERATOR, OPERATORS, last_topic
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    sent_to,
    settings_env,
    text_update,
    texts_to,
    wait_for,
)

PATIENCE = 90  # seconds before a wait gives up
WELCOME = "I am Sapar, a safe-migration assistant"
MENU = "Choose a topic, or just write your question."
STAY_QUESTION = "how many days may I stay in Russia?"
BAN_QUESTION = "how do I check a Russian entry ban"
APOLOGIES = {gettext_for(language)(
    "Sorry, something went wrong on my side. Please try again, or use /human.")
    for language in ("ky", "ru", "en")}


async def until(api: FakeBotApi, predicate: Callable[[list[Call]], bool]) -> list[Call]:
    """Wait, patiently, for the bot (a loaded machine answers slowly; nothing here is timed)."""
    return await wait_for(api, predicate, timeout=PATIENCE)


def first_line(intent: str, language: str = "en") -> str:
    """Return the first line of an answer (enough to recognise it in a reply)."""
    answer = get_answer(intent, language)
    assert answer is not None
    return answer.short.strip().splitlines()[0]


def count(calls: list[Call], chat: int, fragment: str) -> int:
    """Return how many messages to a chat contain a fragment."""
    return sum(fragment in text for text in texts_to(calls, chat))


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the 'error while handling update' lines of the application's error handler."""
    return [r.getMessage() for r in caplog.records
            if r.getMessage().startswith("error while handling update")]


# ----- the Bot API misbehaves ---------------------------------------------------------------


async def test_429_makes_the_bot_wait_and_the_reply_arrives_once(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = 8100
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.fail("sendMessage", "429")
            api.push_update(text_update(chat, "/start en"))
            calls = await until(api, lambda c: count(c, chat, MENU) >= 1)
            assert api.calls_of("sendMessage!429"), "the fault was not injected"
            assert count(calls, chat, WELCOME) == 1
            assert count(calls, chat, MENU) == 1
            assert any("Rate limit hit" in r.getMessage() for r in caplog.records)
            assert not errors_logged(caplog)


@pytest.mark.parametrize("kind", ["500", "malformed"])
async def test_a_failed_send_is_logged_apologised_for_and_the_bot_goes_on(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture, kind: str) -> None:
    caplog.set_level(logging.INFO)
    chat = 8200
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.fail("sendMessage", kind)
            api.push_update(text_update(chat, "/start en"))
            await until(api, lambda c: any(t in APOLOGIES for t in texts_to(c, chat)))
            api.push_update(text_update(chat, BAN_QUESTION))
            expected = first_line("entry_ban")
            calls = await until(api, lambda c: count(c, chat, expected) >= 1)
            assert api.calls_of(f"sendMessage!{kind}"), "the fault was not injected"
            assert len(errors_logged(caplog)) == 1, "one clear log line per failed update"
            assert count(calls, chat, expected) == 1
            texts = texts_to(calls, chat)
            assert len(texts) == len(set(texts)), "nothing may be sent twice"


@pytest.mark.slow
async def test_polling_survives_a_failing_get_updates(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = 8300
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.fail("getUpdates", "500", "malformed", "429")
            api.push_update(text_update(chat, "/start en"))
            calls = await until(api, lambda c: count(c, chat, MENU) >= 1)
            assert {c.method for c in api.calls_of(
                "getUpdates!500", "getUpdates!malformed", "getUpdates!429")} == {
                "getUpdates!500", "getUpdates!malformed", "getUpdates!429"}
            assert count(calls, chat, WELCOME) == 1, "the update must be handled exactly once"
            assert any(r.levelno >= logging.WARNING and r.name.startswith("telegram.ext")
                       for r in caplog.records), "polling errors must be logged"


@pytest.mark.slow
async def test_a_slow_api_delays_one_chat_only_and_keeps_its_order(tmp_path: Path,
                                                                    parser) -> None:
    slow_chat, other_chat = 8400, 8401
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.fail("sendMessage", "slow")  # the next answer takes 3 s to come back
            api.push_update(text_update(slow_chat, "/start en"))
            api.push_update(text_update(slow_chat, "/privacy"))
            await asyncio.sleep(1)
            api.push_update(text_update(other_chat, "/start en"))
            calls = await until(api, lambda c: len(sent_to(c, slow_chat)) >= 3
                                   and count(c, other_chat, MENU) >= 1)
            order = [(int(c.params["chat_id"]), c.params["text"]) for c in calls
                     if c.method == "sendMessage"]
            first_slow = next(i for i, (chat, _t) in enumerate(order) if chat == slow_chat)
            first_other = next(i for i, (chat, _t) in enumerate(order) if chat == other_chat)
            assert first_other < first_slow, "another person waited for a stalled request"
            slow_texts = [text for chat, text in order if chat == slow_chat]
            assert WELCOME in slow_texts[0] and MENU in slow_texts[1], "replies out of order"
            assert count(calls, slow_chat, WELCOME) == 1


# ----- the database is locked by another process --------------------------------------------


def hold_exclusive_lock(database: Path, seconds: float) -> threading.Thread:
    """Hold `BEGIN EXCLUSIVE` on the database from another connection, in another thread."""
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(database, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(seconds)
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert locked.wait(5), "could not lock the database"
    return thread


class LoopWatch:
    """Tick every 10 ms on the event loop; remember the longest gap (the loop was blocked)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.ticks = 0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            self.longest = max(self.longest, now - last)
            self.ticks += 1
            last = now

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


@pytest.mark.slow
async def test_a_short_database_lock_delays_the_answer_but_loses_nothing(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = 8500
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (_app, runtime):
            with LoopWatch() as watch:
                holder = hold_exclusive_lock(runtime.settings.database_path, 2)
                api.push_update(text_update(chat, "/start en"))
                calls = await until(api, lambda c: count(c, chat, MENU) >= 1)
                holder.join()
            # a figure, not a test: the turn waits in the database thread, not on the loop
            print(f"\n2 s database lock: the event loop's longest stall {watch.longest * 1000:.0f}"
                  f" ms ({watch.ticks} ticks of 10 ms)")
            assert count(calls, chat, WELCOME) == 1
            assert not errors_logged(caplog)
            api.push_update(text_update(chat, BAN_QUESTION))
            await until(api, lambda c: count(c, chat, first_line("entry_ban")) >= 1)


@pytest.mark.slow
async def test_a_long_database_lock_gets_an_apology_and_the_bot_recovers(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = 8600
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (_app, runtime):
            holder = hold_exclusive_lock(runtime.settings.database_path, 7)
            api.push_update(text_update(chat, "/start en"))
            calls = await until(api, lambda c: any(
                t in APOLOGIES or MENU in t for t in texts_to(c, chat)))
            holder.join()
            if any(t in APOLOGIES for t in texts_to(calls, chat)):
                assert len(errors_logged(caplog)) == 1, "a clear log line for the failure"
            api.push_update(text_update(chat, "/start en"))
            calls = await until(api, lambda c: count(c, chat, MENU) >= 1)
            api.push_update(text_update(chat, BAN_QUESTION))
            calls = await until(api, lambda c: count(c, chat, first_line("entry_ban")) >= 1)
            assert sum(t in APOLOGIES for t in texts_to(calls, chat)) <= 1, "no error loop"


# ----- the Rasa server goes away -------------------------------------------------------------


class FakeRasa:
    """A local HTTP server answering like Rasa's `/model/parse`: always 'entry_ban'."""

    def __init__(self) -> None:
        reply = json.dumps({"intent": {"name": "entry_ban", "confidence": 0.97},
                            "entities": [], "intent_ranking": [
                                {"name": "entry_ban", "confidence": 0.97}]}).encode()
        self.requests = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Disappear: stop answering and close the port."""
        self._server.shutdown()
        self._server.server_close()


async def test_rasa_disappearing_falls_back_to_the_embedded_parser_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = 8700
    rasa = FakeRasa()
    try:
        with FakeBotApi() as api:
            async with running_bot(api, tmp_path, None, NLU_ENGINE="rasa",
                                   RASA_URL=rasa.url):
                api.push_update(text_update(chat, "/start en"))
                await until(api, lambda c: count(c, chat, MENU) >= 1)
                # Rasa (which says 'entry_ban' to everything) is in charge...
                api.push_update(text_update(chat, STAY_QUESTION))
                await until(api, lambda c: count(c, chat, first_line("entry_ban")) >= 1)
                assert rasa.requests >= 1
                rasa.stop()
                # ...then it is gone: the embedded parser answers, the bot goes on.
                api.push_update(text_update(chat, STAY_QUESTION))
                await until(api, lambda c: count(c, chat, first_line("stay_rule")) >= 1)
                api.push_update(text_update(chat, BAN_QUESTION))
                await until(api, lambda c: count(c, chat, first_line("entry_ban")) >= 2)
                api.push_update(text_update(chat, STAY_QUESTION))
                calls = await until(
                    api, lambda c: count(c, chat, first_line("stay_rule")) >= 2)
        assert not any(t in APOLOGIES for t in texts_to(calls, chat))
        warnings = [r for r in caplog.records
                    if r.name == "nlu.rasa_engine" and r.levelno >= logging.WARNING]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert "Rasa" in warnings[0].getMessage()
        assert not errors_logged(caplog)
    finally:
        rasa.stop()


# ----- the process is killed (SIGKILL) --------------------------------------------------------


class BotProcess(launch.BotProcess):
    """`python -m bot telegram` as its own process, its log in a file, and its ERROR lines."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        super().__init__(env, log)

    def text(self) -> str:
        """Return everything the process logged."""
        return self.output()

    def errors(self) -> list[str]:
        """Return the ERROR lines of the log, except python-telegram-bot's 'rate limit hit
        after maximum of retries' (the relay worker then waits and tries again itself)."""
        return [line for line in self.text().splitlines()
                if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", line)
                and "Rate limit hit after maximum" not in line]


@pytest.fixture
def bot_processes() -> Iterator[list[BotProcess]]:
    """Collect the started bot processes; stop whichever is still running at the end."""
    processes: list[BotProcess] = []
    yield processes
    for process in processes:
        process.stop()


def entry_date() -> tuple[date, bool]:
    """Return an entry date ten days ago (or today early in January), and whether the
    calculator will ask about earlier trips this year (it does after 1 January)."""
    today = date.today()
    entry = max(today - timedelta(days=9), date(today.year, 1, 1))
    return entry, entry > date(today.year, 1, 1)


@pytest.mark.slow
def test_sigkill_mid_conversation_keeps_the_stay_calculator_state(
        tmp_path: Path, bot_processes: list[BotProcess]) -> None:
    chat = 8800
    today = date.today()
    entry, asks_earlier = entry_date()
    with FakeBotApi() as api:
        env = settings_env(api, tmp_path / "data")
        bot_processes.append(BotProcess(env, tmp_path / "first.log"))
        api.push_update(text_update(chat, "/start en"))
        api.wait_for(lambda c: count(c, chat, MENU) >= 1, timeout=PATIENCE)
        api.push_update(button_update(chat, "flow:stay"))
        api.wait_for(lambda c: count(c, chat, "When did you enter Russia") >= 1, timeout=PATIENCE)
        api.push_update(text_update(chat, entry.strftime("%d.%m.%Y")))
        question = ("Were you in Russia earlier this year" if asks_earlier
                    else "Do you have an employment")
        api.wait_for(lambda c: count(c, chat, question) >= 1, timeout=PATIENCE)

        bot_processes[0].kill()
        bot_processes.append(BotProcess(env, tmp_path / "second.log"))

        if asks_earlier:
            api.push_update(button_update(chat, "stay:prev:no"))
            api.wait_for(lambda c: count(c, chat, "Do you have an employment") >= 1,
                         timeout=PATIENCE)
        api.push_update(button_update(chat, "stay:contract:no"))
        used = (today - entry).days + 1
        calls = api.wait_for(lambda c: count(c, chat, "Days used this year") >= 1,
                             timeout=PATIENCE)
        result = next(t for t in texts_to(calls, chat) if "Days used this year" in t)
        assert f"Days used this year: {used} day" in result
        texts = texts_to(calls, chat)
        assert not any("no longer valid" in t for t in texts), "the flow's state was lost"
        assert count(calls, chat, "When did you enter Russia") == 1, "the flow restarted"
        assert bot_processes[1].process.poll() is None, "the restarted bot is not running"
        bot_processes[1].stop()
    assert bot_processes[1].errors() == []


def pending_relays_to_users(database: Path) -> int:
    """Count the operator-to-user relays waiting in the outbox (read-only peek)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return connection.execute("SELECT COUNT(*) FROM outbox WHERE side = 'user' "
                                  "AND status = 'pending' AND kind = 'op_text'").fetchone()[0]


@pytest.mark.slow
def test_sigkill_with_operator_replies_pending_delivers_each_once_in_order(
        tmp_path: Path, bot_processes: list[BotProcess]) -> None:
    chat = 8900
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        env = settings_env(api, tmp_path / "data", OPERATOR_CHAT_ID=str(OPERATORS))
        bot_processes.append(BotProcess(env, tmp_path / "first.log"))
        api.push_update(text_update(chat, "/start ru"))
        api.wait_for(lambda c: len(sent_to(c, chat)) >= 2, timeout=PATIENCE)
        api.push_update(text_update(chat, "/human"))
        api.wait_for(lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                   for x in sent_to(c, chat)), timeout=PATIENCE)
        api.push_update(button_update(chat, "handoff:anon"))
        api.wait_for(lambda c: len(sent_to(c, OPERATORS)) >= 1, timeout=PATIENCE)
        thread = last_topic(api)  # the id the fake really returned
        before = len(sent_to(api.calls, chat))
        api.push_update({"message": message(OPERATORS, "/claim", user=OPERATOR,
                                            chat_type="supergroup", thread_id=thread)})
        api.wait_for(lambda c: len(sent_to(c, chat)) > before, timeout=PATIENCE)  # "I am reading"

        # Telegram throttles the bot (until we say so): the operator's answers pile up.
        api.fail("sendMessage", *["429"] * 1000)
        answers = [f"ответ оператора {n} конец" for n in range(5)]
        for answer in answers:
            api.push_update({"message": message(OPERATORS, answer, user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
        database = tmp_path / "data" / "sapar.db"
        deadline = time.monotonic() + PATIENCE
        while pending_relays_to_users(database) < len(answers):
            assert time.monotonic() < deadline, "the operator's answers were not queued"
            time.sleep(0.1)
        assert not any(a in t for a in answers for t in texts_to(api.calls, chat))

        bot_processes[0].kill()
        throttled = len(api.calls_of("sendMessage!429"))
        bot_processes.append(BotProcess(env, tmp_path / "second.log"))
        api.wait_for(lambda c: len(api.calls_of("sendMessage!429")) > throttled,
                     timeout=PATIENCE)  # the restarted bot resumes the relays...
        api.failures.pop("sendMessage")  # ...and then the throttling ends

        calls = api.wait_for(lambda c: all(count(c, chat, a) >= 1 for a in answers),
                             timeout=PATIENCE)
        texts = texts_to(calls, chat)
        for answer in answers:
            assert count(calls, chat, answer) == 1, f"{answer!r} relayed twice"
        positions = [next(i for i, t in enumerate(texts) if a in t) for a in answers]
        assert positions == sorted(positions), "the operator's answers arrived out of order"
        assert bot_processes[1].process.poll() is None, "the restarted bot is not running"
        bot_processes[1].stop()
    logs = bot_processes[0].text() + bot_processes[1].text()
    assert "Rate limit hit" in logs or "rate-limited" in logs
    assert bot_processes[1].errors() == []
