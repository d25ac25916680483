"""Prometheus metrics without personal data: counts, latencies and queue sizes only.

Labels are fixed vocabularies (update kinds, Bot API method names, "user"/"operators", case
statuses): never an id, a name, a text or a case code. Counters are per process since it
started; Prometheus' rate() turns them into per-minute figures. The gauges of the relay queue and
the cases are read from the database at each scrape, so they survive restarts.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.ops.schema import open_read_only
from bot.telegram.ratelimit import PerChatRateLimiter

REGISTRY = CollectorRegistry()
UPDATES = Counter("sapar_updates", "Updates received, by kind", ["kind"], registry=REGISTRY)
REQUESTS = Counter("sapar_bot_api_requests", "Bot API requests that succeeded, by method and "
                   "by whom they went to (user, operators, none)", ["method", "to"],
                   registry=REGISTRY)
THROTTLED = Counter("sapar_bot_api_throttled", "Bot API answers 429 Too Many Requests, by method",
                    ["method"], registry=REGISTRY)
API_ERRORS = Counter("sapar_bot_api_errors", "Bot API requests that failed, by method and error",
                     ["method", "error"], registry=REGISTRY)
PARSE_SECONDS = Histogram("sapar_parse_seconds", "Time to understand one message (NLU)",
                          buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                                   2.5), registry=REGISTRY)
SENDING = ("sendMessage", "sendPhoto", "sendDocument", "copyMessage", "editMessageText")


def update_kind(update: Update) -> str:
    """Name the kind of an update (a fixed vocabulary, nothing from its content)."""
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        return "operators"
    if update.callback_query is not None:
        return "button"
    if update.edited_message is not None:
        return "edited"
    message = update.message
    if message is None:
        return "other"
    if message.text:
        return "command" if message.text.startswith("/") else "text"
    return "media"


async def count_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A TypeHandler callback that counts every update by kind (registered before the gate)."""
    UPDATES.labels(update_kind(update) if isinstance(update, Update) else "other").inc()


def _recipient(chat_id: Any) -> str:
    try:
        return "operators" if int(chat_id) < 0 else "user"
    except (TypeError, ValueError):
        return "none"


class CountingRateLimiter(PerChatRateLimiter):
    """The per-chat rate limiter, counting each request's outcome (a 429 is counted on every
    try)."""

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]],
                              args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> Any:
        """Count the request's outcome, then apply the rate limits as the base class does."""
        to = _recipient(data.get("chat_id"))

        async def counted(*a: Any, **k: Any) -> Any:
            try:
                result = await callback(*a, **k)
            except RetryAfter:
                THROTTLED.labels(endpoint).inc()
                raise
            except TelegramError as error:
                API_ERRORS.labels(endpoint, type(error).__name__).inc()
                raise
            REQUESTS.labels(endpoint, to).inc()
            return result

        return await super().process_request(counted, args, kwargs, endpoint, data,
                                             rate_limit_args)


class DatabaseCollector(Collector):
    """Relay queue depth and age, failed relays and cases by status, read at each scrape."""

    def __init__(self, database_path: Path) -> None:
        self.database_path = database_path

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges (none when the database cannot be read: the scrape still works)."""
        depth = GaugeMetricFamily("sapar_relay_queue_depth", "Relays waiting to be sent",
                                  labels=["to"])
        age = GaugeMetricFamily("sapar_relay_queue_oldest_seconds",
                                "Age of the oldest relay waiting to be sent", labels=["to"])
        failed = GaugeMetricFamily("sapar_relays_failed", "Relays Telegram refused for good, "
                                   "kept until retention", labels=["to"])
        cases = GaugeMetricFamily("sapar_cases", "Hand-off cases by status and priority",
                                  labels=["status", "priority"])
        try:
            connection = open_read_only(self.database_path)
        except sqlite3.Error:
            return
        try:
            now = datetime.now(UTC)
            for side in ("desk", "user"):
                to = "operators" if side == "desk" else "user"
                count, oldest = connection.execute(
                    "SELECT count(*), min(created_at) FROM outbox "
                    "WHERE side = ? AND status = 'pending'", [side]).fetchone()
                depth.add_metric([to], count)
                age.add_metric([to], (now - datetime.fromisoformat(oldest)).total_seconds()
                               if oldest else 0.0)
                failed.add_metric([to], connection.execute(
                    "SELECT count(*) FROM outbox WHERE side = ? AND status = 'failed'",
                    [side]).fetchone()[0])
            for status in ("waiting", "active", "closed"):
                for priority in ("urgent", "normal"):
                    cases.add_metric([status, priority], connection.execute(
                        "SELECT count(*) FROM cases WHERE status = ? AND priority = ?",
                        [status, priority]).fetchone()[0])
        except sqlite3.Error:
            return  # tables not there yet (a fresh database): the counters still go out
        finally:
            connection.close()
        yield from (depth, age, failed, cases)


def render(database_path: Path | None) -> bytes:
    """Return every metric in the Prometheus text format."""
    registry = CollectorRegistry()
    registry.register(_Forward(REGISTRY))
    if database_path is not None:
        registry.register(DatabaseCollector(database_path))
    return generate_latest(registry)


class _Forward(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()


def write_file(path: Path, database_path: Path | None) -> None:
    """Write the metrics to a file atomically (for node_exporter's textfile collector)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(render(database_path))
    partial.replace(path)


class FileWriter:
    """Rewrite the metrics file every `interval` seconds in a background thread."""

    def __init__(self, path: Path, database_path: Path, interval: float = 15.0) -> None:
        self.path, self.database_path, self.interval = path, database_path, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metrics-file", daemon=True)

    def start(self) -> FileWriter:
        """Start writing."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop writing (one last write first)."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        stopping = False
        while True:
            started = time.monotonic()
            try:
                write_file(self.path, self.database_path)
            except OSError as error:  # a full disk must not stop the bot
                logging.getLogger(__name__).warning("metrics file not written: %s", error)
            if stopping:
                return
            stopping = self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
