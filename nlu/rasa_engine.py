"""Intent parsing by a Rasa server over its HTTP API (Rasa lives in .rasa-venv, never in ours).

Rasa is only the ranking step of the shared pipeline (`nlu.pipeline`): its intent ranking for the
message, and for each sentence of a long one. Clipping, language, entities, the safety layer
and the decision are our own, the same as for the embedded engine. When the server is down,
slow or answers nonsense, the fallback parser answers instead, so the bot keeps working.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date
from typing import Any

import httpx
import numpy as np

from nlu.intents import INTENTS
from nlu.langid import identify
from nlu.pipeline import understand
from nlu.types import Parse, Parser

logger = logging.getLogger(__name__)

_KNOWN_INTENTS = frozenset(INTENTS)
_INDEX = {name: i for i, name in enumerate(INTENTS)}


class _RasaRanker:
    """The ranking step by Rasa: its confidences over the intent contract (0 where unranked)."""

    classes = INTENTS

    def __init__(self, parser: RasaParser) -> None:
        self._parser = parser

    def probabilities(self, text: str, whole: bool, cheap: bool = False) -> np.ndarray:
        """Rasa's ranking of `text` as a vector over `classes` (one request either way)."""
        intent, confidence, ranking = self._parser._ask_rasa(text)
        vector = np.zeros(len(INTENTS), dtype=np.float64)
        for name, score in ranking:
            vector[_INDEX[name]] = max(vector[_INDEX[name]], score)
        if not vector[_INDEX[intent]]:
            vector[_INDEX[intent]] = confidence
        return vector


class RasaReplyError(ValueError):
    """The server answered, but not with a usable Rasa parse result."""


class RasaParser:
    """Parse messages with `POST {url}/model/parse`, falling back to another parser.

    The first failure logs one warning and later failures stay quiet until the server answers
    again, which logs one info line. After a failure the server is left alone for
    `retry_after` seconds, so that a hung server does not add `timeout` to every message.
    Message text is never logged.
    """

    def __init__(
        self,
        url: str,
        fallback: Parser,
        timeout: float = 2.0,
        *,
        retry_after: float = 10.0,
    ) -> None:
        self._parse_url = url.rstrip("/") + "/model/parse"
        self._fallback = fallback
        self._retry_after = retry_after
        self._client = httpx.Client(timeout=timeout)
        self._lock = threading.Lock()
        self._down = False
        self._next_try = 0.0

    def parse(self, text: str, language_hint: str | None = None, today: date | None = None
              ) -> Parse:
        """Understand one message; `language_hint` is the user's chosen language, if any;
        `today` anchors relative and year-less dates."""
        if self._down and time.monotonic() < self._next_try:
            return self._fallback.parse(text, language_hint, today)
        try:
            parse, _ = understand(text, _RasaRanker(self), identify, language_hint, today)
        except (httpx.HTTPError, RasaReplyError) as error:
            self._mark_down(error)
            return self._fallback.parse(text, language_hint, today)
        self._mark_up()
        return parse

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def _ask_rasa(self, text: str) -> tuple[str, float, tuple[tuple[str, float], ...]]:
        response = self._client.post(self._parse_url, json={"text": text})
        response.raise_for_status()
        try:
            reply = response.json()
        except ValueError as error:
            raise RasaReplyError("reply is not JSON") from error
        return _read_reply(reply)

    def _mark_down(self, error: Exception) -> None:
        with self._lock:
            self._next_try = time.monotonic() + self._retry_after
            if self._down:
                return
            self._down = True
        # The reason names the URL and the failure, never the message.
        logger.warning(
            "Rasa server at %s is not usable (%s: %s); using the fallback parser until it is back",
            self._parse_url,
            type(error).__name__,
            error,
        )

    def _mark_up(self) -> None:
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.info("Rasa server at %s answers again; using it", self._parse_url)


def _read_reply(reply: Any) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """Return (intent, confidence, ranking) from a Rasa `/model/parse` reply."""
    if not isinstance(reply, dict) or not isinstance(reply.get("intent"), dict):
        raise RasaReplyError("reply has no intent object")
    intent = reply["intent"].get("name")
    if intent not in _KNOWN_INTENTS:
        raise RasaReplyError(f"intent {intent!r} is not in the intent contract")
    confidence = _as_confidence(reply["intent"].get("confidence"))
    ranking: list[tuple[str, float]] = []
    for item in reply.get("intent_ranking") or ():
        if isinstance(item, dict) and item.get("name") in _KNOWN_INTENTS:
            ranking.append((item["name"], _as_confidence(item.get("confidence"))))
    if not ranking:
        ranking.append((intent, confidence))
    return intent, confidence, tuple(ranking)


def _as_confidence(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RasaReplyError("confidence is not a number")
    return min(max(float(value), 0.0), 1.0)
