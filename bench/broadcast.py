"""`python -m bench broadcast`: an alert to thousands of subscribers through the real bot.

`python -m bot telegram` (with its rate limiter, as in production) runs against the local fake
Bot API; the subscribers are written into its database first and the alert is queued as the
operators' Send button or `python -m hotline broadcast` queue it. While it goes out, a new
person writes a question every half second. Measured from the fake API's clock: the
broadcast's rate, the most messages in any 1-second window (Telegram allows about 30 a second),
and how long the questions waited for their answers. With `kill_after`, the bot is killed
with SIGKILL part-way and started again: every subscriber must get the alert, and only the
sends in flight at the kill may be repeated.
"""

from __future__ import annotations

import bisect
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from bench.fake_bot_api import Call, FakeBotApi
from bench.report import PROJECT, RESULTS_CSV, Row, Target, append_csv, render_table

TOKEN = "123456:BENCH-token"
SECRET_KEY = "q7Vx2LmR9tKc4WzP8nHb3YdF6sJg1AeU"
FIRST_CHAT = 30_000_000
PROBE_FIRST_CHAT = 40_000_000
TOPIC = "kz"
ALERT = PROJECT / "content" / "alerts" / "kz-registration-online.yml"
ALERT_MARK = "🔔"
QUESTION = "how many days can I stay in Russia"


@dataclass
class BroadcastRun:
    """What the fake Bot API saw during one broadcast."""

    subscribers: int
    alert_times: list[float] = field(default_factory=list)  # accepted alert sends, by time
    all_send_times: list[float] = field(default_factory=list)  # every sendMessage
    per_chat: Counter[int] = field(default_factory=Counter)  # alert sends per subscriber
    latencies: list[float] = field(default_factory=list)  # question -> first reply, seconds
    sent_before_kill: int = 0

    @property
    def missed(self) -> int:
        """Return how many subscribers never got the alert."""
        return sum(1 for n in range(self.subscribers) if self.per_chat[FIRST_CHAT + n] == 0)

    @property
    def repeats(self) -> int:
        """Return how many alert sends were repeats (a subscriber's second copy or more)."""
        return sum(n - 1 for n in self.per_chat.values() if n > 1)

    @property
    def rate(self) -> float:
        """Return the broadcast's average rate, messages per second, first to last send."""
        if len(self.alert_times) < 2:
            return 0.0
        return (len(self.alert_times) - 1) / (self.alert_times[-1] - self.alert_times[0])

    def busiest_second(self) -> int:
        """Return the most sendMessage calls (alerts and replies) in any 1-second window."""
        times = self.all_send_times
        return max((bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)),
                   default=0)


def bot_env(api: FakeBotApi, data_dir: Path) -> dict[str, str]:
    """Return the environment of `python -m bot telegram` against the fake API."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TELEGRAM_", "SAPAR_", "OPERATOR_", "NLU_"))}
    env.update({"PYTHONPATH": str(PROJECT), "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": api.base_url, "SAPAR_DATA_DIR": str(data_dir),
                "SAPAR_SECRET_KEY": SECRET_KEY, "SAPAR_LOG_LEVEL": "WARNING"})
    return env


def seed(data_dir: Path, subscribers: int, today: date | None = None) -> Path:
    """Subscribe `subscribers` chats to the topic and queue the alert; return the alert file."""
    from bot.pseudonym import Pseudonymizer
    from bot.reminders.broadcast import BroadcastStore
    from bot.reminders.store import SubscriptionStore
    from bot.storage import open_database
    from content.alerts import load_alert
    from hotline.crypto import ChatIdCipher

    raw = yaml.safe_load(ALERT.read_text(encoding="utf-8"))
    raw["last_verified"] = today or date.today()
    data_dir.mkdir(parents=True, exist_ok=True)
    alert_path = data_dir.parent / ALERT.name
    alert_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    data_dir.mkdir(parents=True, exist_ok=True)
    db = open_database(data_dir / "sapar.db")
    try:
        key = SECRET_KEY.encode()
        pseudonyms, cipher, store = Pseudonymizer(key), ChatIdCipher(key), SubscriptionStore(db)
        for n in range(subscribers):
            chat = FIRST_CHAT + n
            store.subscribe(pseudonyms.user_key(chat), TOPIC, ("ky", "ru", "en")[n % 3],
                            cipher.encrypt(chat))
        broadcasts = BroadcastStore(db)
        broadcasts.confirm(broadcasts.create(load_alert(alert_path), origin="bench"))
    finally:
        db.close()
    return alert_path


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python -m bot telegram` (rate limiter on, as in production)."""
    with log.open("ab") as handle:
        return subprocess.Popen([sys.executable, "-m", "bot", "telegram"], cwd=log.parent,
                                env=env, stdout=handle, stderr=subprocess.STDOUT)


def _alerts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage"
            and ALERT_MARK in str(c.params.get("text", ""))]


class Prober(threading.Thread):
    """A new person asks a question every `every` seconds; the wait for the answer is kept."""

    def __init__(self, api: FakeBotApi, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.api, self.every = api, every
        self.latencies: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        """Ask, wait for the first reply, pause, repeat until stopped."""
        chat = PROBE_FIRST_CHAT
        while not self.stopped.is_set():
            chat += 1
            user = {"id": chat, "is_bot": False, "first_name": "Probe", "language_code": "en"}
            pushed = time.monotonic()
            self.api.push_update({"message": {
                "message_id": 1, "date": int(time.time()), "text": QUESTION, "from": user,
                "chat": {"id": chat, "type": "private", "first_name": "Probe"}}})
            try:
                calls = self.api.wait_for(lambda c, x=chat: any(
                    k.method == "sendMessage" and str(k.params.get("chat_id")) == str(x)
                    for k in c[-200:]), timeout=30)
            except TimeoutError:
                self.latencies.append(30.0)
                continue
            first = next(k for k in calls if k.method == "sendMessage"
                         and str(k.params.get("chat_id")) == str(chat))
            self.latencies.append(first.at - pushed)
            self.stopped.wait(self.every)


def run_broadcast(work: Path, subscribers: int, kill_after: float | None = None,
                  probe_every: float | None = 0.5, timeout: float = 900.0) -> BroadcastRun:
    """Run one broadcast (optionally killing the bot after a share of it); return the figures."""
    data_dir = work / "data"
    seed(data_dir, subscribers)
    result = BroadcastRun(subscribers)
    with FakeBotApi() as api:
        env = bot_env(api, data_dir)
        process = start_bot(env, work / "bot.log")
        prober = Prober(api, probe_every) if probe_every else None
        try:
            api.wait_for(lambda c: any(x.method == "setMyCommands" for x in c), timeout=120)
            if prober is not None:
                prober.start()
            if kill_after is not None:
                api.wait_for(lambda c: len(_alerts(c)) >= subscribers * kill_after,
                             timeout=timeout)
                process.send_signal(signal.SIGKILL)
                process.wait(10)
                result.sent_before_kill = len(_alerts(api.calls))
                process = start_bot(env, work / "bot.log")
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                seen = {int(c.params["chat_id"]) for c in _alerts(api.calls)}
                if len(seen) >= subscribers:
                    break
                time.sleep(0.5)
        finally:
            if prober is not None:
                prober.stopped.set()
                prober.join(35)
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        calls = list(api.calls)
    alerts = _alerts(calls)
    result.alert_times = sorted(c.at for c in alerts)
    result.all_send_times = sorted(c.at for c in calls if c.method == "sendMessage")
    result.per_chat = Counter(int(c.params["chat_id"]) for c in alerts)
    result.latencies = prober.latencies if prober is not None else []
    return result


def percentile(values: list[float], share: float) -> float | None:
    """Return a percentile of the values (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build_rows(run: BroadcastRun, killed: BroadcastRun | None) -> list[Row]:
    """Return the table rows for one broadcast and, if run, the kill-and-restart one."""
    latencies = run.latencies
    rows = [
        Row("subscribers", "subscribers", "people", {"sapar": run.subscribers}, digits=0),
        Row("rate", "broadcast rate (first to last alert)", "msg/s", {"sapar": run.rate}),
        Row("busiest_second", "most messages in any 1 s (alerts + replies)", "msg",
            {"sapar": run.busiest_second()}, Target("<=", 30), digits=0),
        Row("missed", "subscribers without the alert", "people", {"sapar": run.missed},
            Target("<=", 0), digits=0),
        Row("reply_p50", "reply latency during the broadcast, p50", "s",
            {"sapar": percentile(latencies, 0.5)}, digits=3),
        Row("reply_p95", "reply latency during the broadcast, p95", "s",
            {"sapar": percentile(latencies, 0.95)}, Target("<=", 1.0), digits=3),
        Row("reply_max", "reply latency during the broadcast, max", "s",
            {"sapar": max(latencies) if latencies else None}, digits=3),
        Row("questions", "questions asked during the broadcast", "messages",
            {"sapar": len(latencies)}, digits=0),
    ]
    if killed is not None:
        rows += [
            Row("kill_subscribers", "SIGKILL test: subscribers", "people",
                {"sapar": killed.subscribers}, digits=0),
            Row("kill_sent_before", "SIGKILL test: alerts sent before the kill", "msg",
                {"sapar": killed.sent_before_kill}, digits=0),
            Row("kill_missed", "SIGKILL test: subscribers without the alert", "people",
                {"sapar": killed.missed}, Target("<=", 0), digits=0),
            Row("kill_repeats", "SIGKILL test: repeated sends (in flight at the kill)", "msg",
                {"sapar": killed.repeats}, Target("<=", 8), digits=0),
        ]
    return rows


def run(quick: bool = False, csv_path: Path | None = RESULTS_CSV, kill: bool = True) -> None:
    """Run the broadcast benchmark (and the kill test), print the table, append to the CSV."""
    subscribers = 600 if quick else 5000
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="sapar-broadcast-") as tmp:
        print(f"· broadcast to {subscribers} subscribers", file=sys.stderr, flush=True)
        first = run_broadcast(Path(tmp) / "a", subscribers)
        killed = None
        if kill:
            print("· broadcast killed with SIGKILL part-way, then restarted", file=sys.stderr,
                  flush=True)
            killed = run_broadcast(Path(tmp) / "b", 300 if quick else 1000, kill_after=0.4,
                                   probe_every=None)
    rows = build_rows(first, killed)
    print(f"\nSapar broadcast benchmark, {started:%Y-%m-%d %H:%M} UTC"
          f"{', quick mode' if quick else ''}\n")
    print(render_table(rows, {"sapar": "sapar"}))
    print("\nThe bot runs as `python -m bot telegram` with its rate limiter against the local "
          "fake Bot API; a new person asks a question every 0.5 s during the broadcast. "
          "Times are the fake API's arrival times.")
    if csv_path is not None:
        print(f"{append_csv(rows, csv_path, started)} figures appended to {csv_path}")
