"""Drive a bot through the fake Bot API and time every answer.

Each chat sends its next update only once its previous one is fully answered, so a measured
latency never includes waiting behind the same person's earlier update; many chats run at once.
An update's latency runs from the moment getUpdates first handed it to the bot to the bot's first
request to that chat (for a hand-off relay: until the text appears in the operators' chat).
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.fake_bot_api import Call, FakeBotApi
from bench.traffic import OPERATORS_CHAT_ID, RELAY_MARK, Step

REPLY_METHODS = frozenset({"sendMessage", "editMessageText", "sendDocument", "sendPhoto",
                           "copyMessage"})
RELAY_PATTERN = re.compile(re.escape(RELAY_MARK) + r"(\d+)")
FIRST_CHAT_ID = 10_000_000


class BenchBotApi(FakeBotApi):
    """The fake Bot API, also noting when getUpdates first handed out each update."""

    def __init__(self) -> None:
        super().__init__()
        self.handed_out: dict[int, float] = {}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        updates = super()._get_updates(params)
        now = time.monotonic()
        for update in updates:
            self.handed_out.setdefault(update["update_id"], now)
        return updates

    def calls_since(self, index: int, timeout: float) -> list[Call]:
        """Return the calls recorded after the first `index` ones, waiting up to `timeout`."""
        with self._lock:
            if len(self.calls) <= index and timeout > 0:
                self._lock.wait(timeout)
            return self.calls[index:]


@dataclass
class Sample:
    """One answered update."""

    kind: str
    pushed_at: float
    handed_out_at: float
    replied_at: float

    @property
    def latency(self) -> float:
        """Seconds from hand-out (or push, if never seen handed out) to the first reply."""
        return self.replied_at - self.handed_out_at


@dataclass
class RunStats:
    """What one driven run measured."""

    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    pushed: int = 0
    users: int = 0
    unanswered: Counter[str] = field(default_factory=Counter)  # by kind, after `timeout` s
    unanswered_chats: list[int] = field(default_factory=list)
    replies: int = 0

    @property
    def timeouts(self) -> int:
        """Return how many updates got no (complete) answer in time."""
        return sum(self.unanswered.values())

    @property
    def wall(self) -> float:
        """Seconds from the first push to the last answer."""
        return max(self.finished - self.started, 1e-9)

    @property
    def throughput(self) -> float:
        """Answered updates per second of wall time."""
        return len(self.samples) / self.wall

    def percentile(self, q: float, kind: str | None = None) -> float | None:
        """Return a latency percentile in milliseconds (None without samples)."""
        values = sorted(s.latency for s in self.samples if kind is None or s.kind == kind)
        if not values:
            return None
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 10) - 1] * 1000

    def kinds(self) -> Counter[str]:
        """Count the answered updates by kind."""
        return Counter(s.kind for s in self.samples)

    @classmethod
    def pooled(cls, runs: list[RunStats]) -> RunStats:
        """Return every sample of consecutive runs as one run (first start to last answer)."""
        pooled = cls(started=min(r.started for r in runs), finished=max(r.finished for r in runs))
        for run in runs:
            pooled.samples += run.samples
            pooled.pushed += run.pushed
            pooled.users += run.users
            pooled.unanswered += run.unanswered
            pooled.unanswered_chats += run.unanswered_chats
            pooled.replies += run.replies
        return pooled


@dataclass
class _Chat:
    chat_id: int
    steps: list[Step]
    position: int = 0
    update_id: int = 0
    pushed_at: float = 0.0
    first_reply_at: float | None = None
    messages: int = 0

    @property
    def step(self) -> Step:
        return self.steps[self.position]


class Driver:
    """Feed scripted chats to the bot under test and collect latencies."""

    def __init__(self, api: BenchBotApi, timeout: float = 30.0) -> None:
        self.api = api
        self.timeout = timeout
        self._seen = len(api.calls)
        self._next_chat = FIRST_CHAT_ID

    def closed_loop(self, scripts: Iterator[list[Step]], *, parallel: int,
                    updates: int | None = None, users: int | None = None) -> RunStats:
        """Keep `parallel` chats busy until `updates` updates or `users` new chats were sent."""
        return self._run(scripts, parallel=parallel, rate=None, updates=updates, users=users)

    def open_loop(self, scripts: Iterator[list[Step]], *, rate: float, duration: float
                  ) -> RunStats:
        """Send updates at a steady `rate` per second for `duration` seconds."""
        return self._run(scripts, parallel=None, rate=rate, updates=round(rate * duration),
                         users=None)

    # ----- the loop -------------------------------------------------------------------------

    def _run(self, scripts: Iterator[list[Step]], *, parallel: int | None, rate: float | None,
             updates: int | None, users: int | None) -> RunStats:
        stats = RunStats(started=time.monotonic())
        waiting: dict[int, _Chat] = {}  # chat id -> chat whose update awaits its answer
        ready: deque[_Chat] = deque()  # answered chats with steps left (steady rate only)
        next_push = stats.started

        def budget_left() -> bool:
            return ((updates is None or stats.pushed < updates)
                    and (users is None or stats.users < users or bool(ready)))

        def new_chat() -> _Chat:
            self._next_chat += 1
            stats.users += 1
            return _Chat(self._next_chat, next(scripts))

        def push(chat: _Chat) -> None:
            chat.messages = 0
            chat.first_reply_at = None
            chat.pushed_at = time.monotonic()
            chat.update_id = self.api.push_update(chat.step.build(chat.chat_id))
            waiting[chat.chat_id] = chat
            stats.pushed += 1

        def answered(chat: _Chat, at: float) -> None:
            del waiting[chat.chat_id]
            handed_out = self.api.handed_out.get(chat.update_id, chat.pushed_at)
            first = chat.first_reply_at or at
            stats.samples.append(Sample(chat.step.kind, chat.pushed_at, handed_out, first))
            stats.finished = max(stats.finished, at)
            chat.position += 1
            if chat.position < len(chat.steps):
                ready.append(chat)

        while True:
            now = time.monotonic()
            if rate is None:
                assert parallel is not None
                while ready and budget_left():
                    push(ready.popleft())
                while (len(waiting) < parallel and budget_left()
                       and (users is None or stats.users < users)):
                    push(new_chat())
            else:
                while now >= next_push and budget_left():
                    push(ready.popleft() if ready else new_chat())
                    next_push += 1 / rate
            if not waiting and not budget_left():
                break
            for chat in [c for c in waiting.values() if now - c.pushed_at > self.timeout]:
                del waiting[chat.chat_id]
                stats.unanswered[chat.step.kind] += 1
                stats.unanswered_chats.append(chat.chat_id)
            wait = 0.05 if rate is None else max(0.0, min(0.05, next_push - now))
            calls = self.api.calls_since(self._seen, wait)
            self._seen += len(calls)
            for call in calls:
                if call.method not in REPLY_METHODS:
                    continue
                stats.replies += 1
                self._observe(call, waiting, answered)
        stats.finished = stats.finished or time.monotonic()
        return stats

    @staticmethod
    def _observe(call: Call, waiting: dict[int, _Chat], answered: Any) -> None:
        try:
            chat_id = int(call.params.get("chat_id", 0))
        except (TypeError, ValueError):
            return
        if chat_id == OPERATORS_CHAT_ID:
            for match in RELAY_PATTERN.finditer(str(call.params.get("text", ""))):
                chat = waiting.get(int(match.group(1)))
                if chat is not None and chat.step.relay:
                    answered(chat, call.at)
            return
        chat = waiting.get(chat_id)
        if chat is None or chat.step.relay or call.at < chat.pushed_at:
            return
        chat.messages += 1
        if chat.first_reply_at is None:
            chat.first_reply_at = call.at
        last = chat.position == len(chat.steps) - 1
        if last or chat.step.complete(chat.messages, call.params):
            answered(chat, call.at)
