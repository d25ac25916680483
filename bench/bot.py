"""`python -m bench bot`: Sapar's throughput, latency, memory and cold start, against a baseline.

Each bot runs as its own process against the fake Bot API (bench/fake_bot_api.py) in this one,
so its memory and start-up can be read with psutil and the fake server's CPU is not its own:
- a bare python-telegram-bot echo bot (bench/echo_bot.py), the baseline;
- Sapar with the embedded parser: cold start through `python -m bot telegram` as deployed,
  everything else through bench/sapar_bot.py (the same Application without AIORateLimiter);
- Sapar with the Rasa engine, when a Rasa server answers at RASA_URL.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from bench.driver import BenchBotApi, Driver, RunStats
from bench.process import BotProcess
from bench.rasa_server import listening_process, rasa_running, rasa_url
from bench.report import NOT_RUNNING, RESULTS_CSV, Row, Target, Value, append_csv, render_table
from bench.traffic import Traffic

STEADY_RATE = 30.0  # updates/s: Telegram's limit for one bot's messages
REPEATS = 3  # throughput runs per traffic kind; the median is reported
BUSY_MACHINE = 25.0  # % of a core used by other processes above which a warning is printed
KINDS = {"text": "free text", "button": "button", "stay": "stay calculator",
         "handoff": "hand-off", "relay": "relay to operators"}
COLUMNS = {"sapar": "Sapar", "echo": "echo bot", "rasa": "Sapar + Rasa"}
TELEGRAM_LIMITS = ("Telegram's limits: 30 messages/s per bot, about 1 message/s per chat, "
                   "20 messages/min per group")
PER_BOT = "30 messages/s per bot"
PER_GROUP = "20 messages/min per group"


@dataclass(frozen=True)
class Plan:
    """How much traffic each part gets."""

    updates: int  # per throughput run
    warmup: int
    parallel: int  # chats in flight during throughput runs
    steady_seconds: float
    users: int  # memory run
    cold_starts: int
    probe_seconds: float


FULL = Plan(updates=3000, warmup=300, parallel=64, steady_seconds=60, users=10_000,
            cold_starts=3, probe_seconds=3)
QUICK = Plan(updates=150, warmup=20, parallel=16, steady_seconds=3, users=60, cold_starts=1,
             probe_seconds=0.5)

Measured = dict[str, Value]


class CpuMeter:
    """CPU used during a block by the bot, by this process (fake API + driver), by the bot's
    NLU server if it has one, and by every other process.

    Figures are percent of one core; the machine has `psutil.cpu_count()` of them.
    """

    def __init__(self, bot: BotProcess, server: psutil.Process | None = None) -> None:
        self.bot = bot
        self.server = server
        self.me = psutil.Process()
        self.bot_pct = self.bench_pct = self.server_pct = self.other_pct = 0.0
        self.bot_seconds = 0.0

    @staticmethod
    def _busy() -> float:
        times = psutil.cpu_times()
        return sum(times) - times.idle - getattr(times, "iowait", 0.0)

    def _mine(self) -> float:
        times = self.me.cpu_times()
        return times.user + times.system

    def _server(self) -> float:
        if self.server is None:
            return 0.0
        times = self.server.cpu_times()
        return times.user + times.system + times.children_user + times.children_system

    def __enter__(self) -> CpuMeter:
        self._start = (time.monotonic(), self.bot.cpu_seconds(), self._mine(), self._server(),
                       self._busy())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, bot, mine, server, busy = self._start
        elapsed = max(time.monotonic() - wall, 1e-9)
        bot_used = self.bot_seconds = self.bot.cpu_seconds() - bot
        mine_used = self._mine() - mine
        server_used = self._server() - server
        self.bot_pct = 100 * bot_used / elapsed
        self.bench_pct = 100 * mine_used / elapsed
        self.server_pct = 100 * server_used / elapsed
        self.other_pct = max(0.0, 100 * (self._busy() - busy - bot_used - mine_used
                                         - server_used) / elapsed)


def _count_unanswered(measured: Measured, stats: RunStats) -> None:
    measured["unanswered"] = float(measured.get("unanswered") or 0) + stats.timeouts


def _note_other_load(measured: Measured, cpu: CpuMeter) -> None:
    measured["cpu_other"] = max(float(measured.get("cpu_other") or 0), cpu.other_pct)


def _throughput(measured: Measured, name: str, driver: Driver, bot: BotProcess,
                traffic: Traffic, plan: Plan, server: psutil.Process | None = None) -> None:
    """Run one traffic kind flat out; the rate is the median of REPEATS consecutive runs."""
    runs = []
    with CpuMeter(bot, server) as cpu:
        for _ in range(REPEATS):
            runs.append(driver.closed_loop(traffic.scripts(name), parallel=plan.parallel,
                                           updates=max(1, plan.updates // REPEATS)))
    pooled = RunStats.pooled(runs)
    measured[f"throughput_{name}"] = statistics.median(run.throughput for run in runs)
    measured[f"p50_{name}"] = pooled.percentile(50)
    measured[f"p99_{name}"] = pooled.percentile(99)
    if name == "mixed":
        measured["p99_mixed_relay"] = pooled.percentile(99, "relay")
    measured[f"cpu_bot_{name}"] = cpu.bot_pct
    measured[f"cpu_bench_{name}"] = cpu.bench_pct
    measured[f"cpu_ms_{name}"] = 1000 * cpu.bot_seconds / max(1, len(pooled.samples))
    if server is not None:
        measured[f"cpu_server_{name}"] = cpu.server_pct
    _count_unanswered(measured, pooled)
    _note_other_load(measured, cpu)


def _steady(measured: Measured, driver: Driver, bot: BotProcess, traffic: Traffic, mix: str,
            plan: Plan, server: psutil.Process | None = None) -> None:
    with CpuMeter(bot, server) as cpu:
        stats = driver.open_loop(traffic.scripts(mix), rate=STEADY_RATE,
                                 duration=plan.steady_seconds)
    measured["steady_rate"] = stats.throughput
    measured["steady_p50"] = stats.percentile(50)
    measured["steady_p99"] = stats.percentile(99)
    measured["cpu_bot_steady"] = cpu.bot_pct
    _count_unanswered(measured, stats)
    _note_other_load(measured, cpu)
    for kind in KINDS:
        measured[f"steady_p99_{kind}"] = stats.percentile(99, kind)


def _cold_start(command: str, work: Path, extra_env: dict[str, str] | None = None
                ) -> tuple[float, float]:
    """Return (seconds to the first reply, RSS in MB just after it) of a fresh process."""
    with BenchBotApi() as api, BotProcess(api, command, work, extra_env) as bot:
        seconds = bot.cold_start()
        return seconds, bot.rss_mb()


def bench_echo(plan: Plan, work: Path, log: Callable[[str], None]) -> Measured:
    """Measure the echo baseline: free text only (it answers nothing else)."""
    measured: Measured = {}
    traffic = Traffic()
    colds = []
    with BenchBotApi() as api, BotProcess(api, "echo", work / "echo") as bot:
        colds.append(bot.cold_start())
        measured["rss_start"] = bot.rss_mb()
        driver = Driver(api)
        driver.closed_loop(traffic.scripts("text"), parallel=plan.parallel, updates=plan.warmup)
        log("echo bot: free text")
        _throughput(measured, "text", driver, bot, traffic, plan)
        log(f"echo bot: steady {STEADY_RATE:g}/s")
        _steady(measured, driver, bot, traffic, "text", plan)
    for index in range(1, plan.cold_starts):
        colds.append(_cold_start("echo", work / f"echo-cold-{index}")[0])
    measured["cold_start"] = statistics.median(colds)
    return measured


def bench_sapar(plan: Plan, work: Path, log: Callable[[str], None],
                extra_env: dict[str, str] | None = None, memory: bool = True,
                server: psutil.Process | None = None) -> Measured:
    """Measure Sapar: cold start as deployed, then throughput, steady latency and memory.

    `server` is the NLU server the bot calls (Rasa), whose CPU and memory are reported apart.
    """
    measured: Measured = {}
    traffic = Traffic()
    tag = "rasa" if extra_env else "sapar"
    colds, rss = [], []
    for index in range(plan.cold_starts):
        log(f"{tag}: cold start {index + 1}/{plan.cold_starts} (python -m bot telegram)")
        seconds, megabytes = _cold_start("sapar", work / f"{tag}-cold-{index}", extra_env)
        colds.append(seconds)
        rss.append(megabytes)
    measured["cold_start"] = statistics.median(colds)
    measured["rss_start"] = statistics.median(rss)

    with BenchBotApi() as api, BotProcess(api, "sapar-unthrottled", work / tag,
                                          extra_env) as bot:
        bot.cold_start()
        driver = Driver(api)
        driver.closed_loop(traffic.scripts("mixed"), parallel=plan.parallel,
                           updates=plan.warmup)
        for name in (("mixed",) if extra_env else ("text", "buttons", "mixed")):
            log(f"{tag}: throughput, {name}")
            _throughput(measured, name, driver, bot, traffic, plan, server)
        log(f"{tag}: steady {STEADY_RATE:g}/s, mixed")
        _steady(measured, driver, bot, traffic, "mixed", plan, server)
        if server is not None:
            measured["server_rss"] = server.memory_info().rss / 2**20

    if memory:
        log(f"{tag}: memory, {plan.users} users (fresh process)")
        with BenchBotApi() as api, BotProcess(api, "sapar-unthrottled", work / f"{tag}-memory",
                                              extra_env) as bot:
            bot.cold_start()
            with CpuMeter(bot) as cpu:
                stats = Driver(api).closed_loop(traffic.scripts("mixed"),
                                                parallel=plan.parallel, users=plan.users)
            measured["peak_rss"] = bot.peak_rss_mb()
            _count_unanswered(measured, stats)
            _note_other_load(measured, cpu)
    return measured


def fake_capacity(seconds: float) -> Measured:
    """Measure the fake Bot API alone, with the client in another process."""
    with BenchBotApi() as api:
        result = subprocess.run(
            [sys.executable, "-m", "bench.fake_capacity", api.base_url, str(seconds), "8"],
            capture_output=True, text=True, check=True, timeout=60 + 4 * seconds,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    rates = json.loads(result.stdout)
    return {"fake_send": rates["sendMessage"], "fake_updates": rates["getUpdates"]}


def build_rows(sapar: Measured, echo: Measured, rasa: Measured | str, fake: Measured,
               users: int) -> list[Row]:
    """Lay out every measured figure as table rows; `rasa` may say why it was not measured."""
    missing: Value = rasa if isinstance(rasa, str) else None
    rasa = rasa if isinstance(rasa, dict) else {}

    def row(key: str, label: str, unit: str, target: Target | None = None, digits: int = 1,
            echo_key: str | None = None, note: str = "") -> Row:
        values = {"sapar": sapar.get(key), "echo": echo.get(echo_key or key),
                  "rasa": rasa.get(key, missing)}
        return Row(key, label, unit, values, target, digits, note)

    def ratio(name: str) -> float | None:
        ours, base = sapar.get(f"throughput_{name}"), echo.get("throughput_text")
        if isinstance(ours, float) and isinstance(base, float) and base:
            return ours / base
        return None

    rows = [
        row("throughput_text", "throughput, free text", "updates/s", note=PER_BOT),
        row("p50_text", "  p50 arrival to reply, free text", "ms"),
        row("p99_text", "  p99 arrival to reply, free text", "ms"),
        row("throughput_buttons", "throughput, buttons", "updates/s", note=PER_BOT),
        row("p50_buttons", "  p50 arrival to reply, buttons", "ms"),
        row("p99_buttons", "  p99 arrival to reply, buttons", "ms"),
        row("throughput_mixed", "throughput, mixed", "updates/s", Target(">=", 100),
            note=PER_BOT),
        row("p50_mixed", "  p50 arrival to reply, mixed", "ms"),
        row("p99_mixed", "  p99 arrival to reply, mixed", "ms"),
        row("p99_mixed_relay", "    p99, mixed, relay to operators", "ms", note=PER_GROUP),
        Row("ratio_text", "free text, share of the echo bot's rate", "ratio",
            {"sapar": ratio("text")}, digits=2),
        Row("ratio_mixed", "mixed, share of the echo bot's rate (same run)", "ratio",
            {"sapar": ratio("mixed")}, Target(">=", 0.35), digits=2),
        row("steady_rate", f"steady load (mixed; echo: text), sent at {STEADY_RATE:g}/s",
            "updates/s", note=f"{PER_BOT}, about 1/s per chat"),
        row("steady_p50", f"  p50 arrival to reply at {STEADY_RATE:g}/s", "ms"),
        row("steady_p99", f"  p99 arrival to reply at {STEADY_RATE:g}/s", "ms",
            Target("<=", 30)),
    ]
    for kind, label in KINDS.items():
        rows.append(row(f"steady_p99_{kind}", f"    p99 at {STEADY_RATE:g}/s, {label}", "ms",
                        note=PER_GROUP if kind == "relay" else ""))
    rows += [
        row("cpu_bot_steady", f"  bot CPU at {STEADY_RATE:g}/s", "% of a core", digits=0),
        row("peak_rss", f"peak RSS after {users:,} users".replace(",", " "), "MB",
            Target("<", 300)),
        row("rss_start", "RSS after the first reply", "MB"),
        row("cold_start", "cold start: process start to first reply", "s", Target("<", 3),
            digits=2),
        row("cpu_ms_text", "bot CPU time per update, free text", "ms"),
        row("cpu_ms_buttons", "bot CPU time per update, buttons", "ms"),
        row("cpu_ms_mixed", "bot CPU time per update, mixed", "ms"),
        row("cpu_bot_mixed", "bot CPU, throughput run (echo: text)", "% of a core", digits=0,
            echo_key="cpu_bot_text"),
        row("cpu_bench_mixed", "fake API + driver CPU, same run", "% of a core", digits=0,
            echo_key="cpu_bench_text"),
        row("cpu_server_mixed", "NLU server (Rasa) CPU, same run", "% of a core", digits=0),
        row("server_rss", "NLU server (Rasa) RSS", "MB"),
        Row("fake_send", "fake API alone: sendMessage round trips", "per s",
            {"sapar": fake.get("fake_send")}, digits=0),
        Row("fake_updates", "fake API alone: getUpdates round trips", "per s",
            {"sapar": fake.get("fake_updates")}, digits=0),
        row("cpu_other", "other processes' CPU during the runs (max)", "% of a core",
            digits=0),
        row("unanswered", "updates left unanswered (30 s timeout)", "count", digits=0),
    ]
    return rows


def run(quick: bool = False, csv_path: Path | None = RESULTS_CSV, with_rasa: bool = True,
        log: Callable[[str], None] | None = None) -> list[Row]:
    """Run every bot benchmark, print the table, append the numbers to `csv_path`."""
    plan = QUICK if quick else FULL
    say = log or (lambda line: print(f"· {line}", file=sys.stderr, flush=True))
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="sapar-bench-") as tmp:
        work = Path(tmp)
        say("fake Bot API alone")
        fake = fake_capacity(plan.probe_seconds)
        echo = bench_echo(plan, work, say)
        sapar = bench_sapar(plan, work, say)
        rasa: Measured | str = "skipped"
        url = rasa_url()
        if with_rasa and rasa_running(url):
            rasa = bench_sapar(plan, work, say, {"NLU_ENGINE": "rasa", "RASA_URL": url},
                               memory=False, server=listening_process(url))
        elif with_rasa:
            say(f"no Rasa server answers at {url}: Rasa column '{NOT_RUNNING}'")
            rasa = NOT_RUNNING
    rows = build_rows(sapar, echo, rasa, fake, plan.users)
    title = (f"Sapar bot benchmark, {started:%Y-%m-%d %H:%M} UTC, {psutil.cpu_count()} CPUs"
             f"{', quick mode' if quick else ''}")
    print(f"\n{title}\n")
    print(render_table(rows, COLUMNS, notes="Telegram's limit"))
    print(f"\nThroughput: median of {REPEATS} runs of {plan.updates // REPEATS} updates with "
          f"{plan.parallel} chats in flight; latency: from getUpdates handing an update out to "
          "the bot's first request to that chat.\n" + TELEGRAM_LIMITS + ".")
    busy = max(float(m.get("cpu_other") or 0) for m in (sapar, echo))
    if busy > BUSY_MACHINE:
        print(f"Warning: other processes used up to {busy:.0f}% of a core during the runs; "
              "these figures understate a quiet machine.")
    if csv_path is not None:
        count = append_csv(rows, csv_path, started)
        print(f"{count} figures appended to {csv_path}")
    return rows
