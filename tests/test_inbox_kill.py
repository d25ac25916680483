"""The durable inbox under SIGKILL: `python -m bot` killed at random points loses no update.

300 button presses from 60 people go to the real process over the fake Bot API; the process
is killed (SIGKILL, no clean-up) at random moments KILLS times and started again each time.
A press is answered when the bot calls answerCallbackQuery with its id: every press must be
answered; a press may be answered twice only if it was in flight at a kill, at most one per
person per kill. The repeats are counted and printed.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bench.fake_bot_api import Call, FakeBotApi
from tests.auxil.launch import BotProcess
from tests.auxil.telegram import button_update, settings_env

pytestmark = pytest.mark.slow
UPDATES = 300
PEOPLE = 60  # 5 presses each: inside the flood guard's burst
KILLS = int(os.environ.get("SAPAR_KILL_RUNS", "20"))
ON_THE_WIRE = 0.5  # s: a request the killed process had sent may be recorded this much later


def _answered(calls: list[Call]) -> list[str]:
    # a request cut off by the kill reaches the fake without its body: not an answer
    return [str(c.params["callback_query_id"]) for c in calls
            if c.method == "answerCallbackQuery" and c.params.get("callback_query_id")]


def test_sigkill_at_random_points_loses_no_update(tmp_path: Path) -> None:
    chance = random.Random(16)
    presses = [button_update(7200000 + n % PEOPLE, "menu") for n in range(UPDATES)]
    person_of = {p["callback_query"]["id"]: p["callback_query"]["from"]["id"] for p in presses}
    per_kill = UPDATES // (KILLS + 1)
    kill_times: list[float] = []  # when each kill happened
    with FakeBotApi() as api:
        env = settings_env(api, tmp_path / "data")
        process = BotProcess(env, tmp_path / "bot.log")
        try:
            sent = 0
            for _kill in range(KILLS):
                for press in presses[sent:sent + per_kill]:
                    api.push_update(press)
                sent += per_kill
                # a random point: while starting, while polling, or in the middle of a batch
                time.sleep(chance.uniform(0.0, 2.5))
                process.kill()
                kill_times.append(time.monotonic())
                process = BotProcess(env, tmp_path / "bot.log")
            for press in presses[sent:]:
                api.push_update(press)
            with contextlib.suppress(TimeoutError):  # what is missing is reported below
                api.wait_for(lambda c: set(person_of) <= set(_answered(c)), timeout=180)
        finally:
            process.stop()
        calls = list(api.calls)
    answers = _answered(calls)
    lost = sorted(set(person_of) - set(answers))
    counts = Counter(answers)
    repeats = {press: n - 1 for press, n in counts.items() if n > 1}
    # which kill each repeat straddles: the first answer before it, the next one after it
    per_kill_person: Counter[tuple[int, int]] = Counter()
    # (an answer the killed process had already sent can reach the fake just after the kill:
    # it is the one in flight, so it counts as before the kill)
    moments: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        if call.method == "answerCallbackQuery":
            moments[str(call.params.get("callback_query_id"))].append(call.at)
    for press in repeats:
        for first, second in zip(moments[press], moments[press][1:], strict=False):
            kill = next((k for k, at in enumerate(kill_times)
                         if first <= at + ON_THE_WIRE and at < second), -1)
            per_kill_person[(kill, person_of[press])] += 1
    print(f"\ninbox under SIGKILL: {UPDATES} updates, {KILLS} kills, {len(lost)} lost, "
          f"{sum(repeats.values())} answered twice (in flight at a kill), "
          f"{len(set(answers) & set(person_of))} answered")
    with sqlite3.connect(tmp_path / "data" / "sapar.db") as db:
        pending = db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]
    assert lost == [], f"{len(lost)} updates lost"
    assert all(n <= 1 for n in per_kill_person.values()), per_kill_person
    assert -1 not in {kill for kill, _person in per_kill_person}, "a repeat without a kill"
    assert pending == 0
