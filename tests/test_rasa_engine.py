"""RasaParser against a real local HTTP server that answers like Rasa's `/model/parse`."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from nlu.entities import extract
from nlu.rasa_engine import RasaParser
from nlu.types import Parse

ENTRY_BAN_RU = "Как проверить запрет на въезд в Россию?"

RASA_REPLY: dict[str, Any] = {
    "text": ENTRY_BAN_RU,
    "intent": {"name": "entry_ban", "confidence": 0.91},
    "entities": [],
    "intent_ranking": [
        {"name": "entry_ban", "confidence": 0.91},
        {"name": "control_list", "confidence": 0.06},
        {"name": "deportation", "confidence": 0.03},
    ],
}


class FakeRasa:
    """A real HTTP server on 127.0.0.1 that plays the Rasa server; its behaviour can change."""

    def __init__(self) -> None:
        self.reply: bytes = json.dumps(RASA_REPLY).encode()
        self.status = 200
        self.delay = 0.0
        self.received: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                fake.received.append(
                    {"path": self.path, "body": json.loads(self.rfile.read(length))}
                )
                time.sleep(fake.delay)
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(fake.reply)))
                    self.end_headers()
                    self.wfile.write(fake.reply)
                except OSError:
                    pass  # the client gave up waiting (timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def answer_json(self, reply: Any) -> None:
        self.reply = json.dumps(reply).encode()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FixedParser:
    """The embedded parser's stand-in: always the same answer, counting its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def parse(self, text: str, language_hint: str | None = None,
              today: date | None = None) -> Parse:
        self.calls.append((text, language_hint))
        return Parse(intent="help", confidence=0.4, language=language_hint or "ru")


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    server = FakeRasa()
    yield server
    server.stop()


@pytest.fixture
def fallback() -> FixedParser:
    return FixedParser()


@pytest.fixture
def engine_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="nlu.rasa_engine")
    return caplog


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def warnings_in(log: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in log.records if r.levelno == logging.WARNING]


def test_rasa_intent_confidence_and_ranking_reach_the_parse(
    rasa: FakeRasa, fallback: FixedParser
) -> None:
    parser = RasaParser(rasa.url + "/", fallback)

    parse = parser.parse(ENTRY_BAN_RU, language_hint="ru")

    assert rasa.received == [{"path": "/model/parse", "body": {"text": ENTRY_BAN_RU}}]
    assert parse.intent == "entry_ban"
    assert parse.confidence == pytest.approx(0.91)
    assert parse.ranking == (("entry_ban", 0.91), ("control_list", 0.06), ("deportation", 0.03))
    assert parse.language == "ru"
    assert parse.entities == extract(ENTRY_BAN_RU, "ru")
    assert fallback.calls == []


def test_entities_come_from_our_extractor_not_from_rasa(
    rasa: FakeRasa, fallback: FixedParser
) -> None:
    text = "I stayed 120 days in Russia, am I banned?"
    rasa.answer_json(
        {**RASA_REPLY, "text": text, "entities": [{"entity": "country", "value": "Narnia"}]}
    )

    parse = RasaParser(rasa.url, fallback).parse(text, language_hint="en")

    assert parse.entities == extract(text, "en")
    assert "Narnia" not in parse.entity_values("country")


def test_ranking_drops_intents_outside_the_contract(rasa: FakeRasa, fallback: FixedParser) -> None:
    rasa.answer_json(
        {
            **RASA_REPLY,
            "intent_ranking": [
                {"name": "entry_ban", "confidence": 0.7},
                {"name": "nlu_fallback", "confidence": 0.2},
                {"name": "stay_rule", "confidence": 0.1},
            ],
        }
    )

    parse = RasaParser(rasa.url, fallback).parse(ENTRY_BAN_RU, "ru")

    assert parse.ranking == (("entry_ban", 0.7), ("stay_rule", 0.1))


def test_server_down_uses_fallback_and_warns_once(
    fallback: FixedParser, engine_log: pytest.LogCaptureFixture
) -> None:
    parser = RasaParser(closed_port_url(), fallback, retry_after=0)

    parses = [parser.parse(f"{ENTRY_BAN_RU} {n}", "ru") for n in range(20)]

    assert {p.intent for p in parses} == {"help"}
    assert len(fallback.calls) == 20
    assert len(warnings_in(engine_log)) == 1
    assert not any(ENTRY_BAN_RU in r.getMessage() for r in engine_log.records)


def test_recovery_is_logged_once_and_a_new_outage_warns_again(
    rasa: FakeRasa, fallback: FixedParser, engine_log: pytest.LogCaptureFixture
) -> None:
    parser = RasaParser(rasa.url, fallback, retry_after=0)

    rasa.status = 500
    assert [parser.parse(ENTRY_BAN_RU, "ru").intent for _ in range(5)] == ["help"] * 5
    rasa.status = 200
    assert [parser.parse(ENTRY_BAN_RU, "ru").intent for _ in range(5)] == ["entry_ban"] * 5
    rasa.status = 503
    assert parser.parse(ENTRY_BAN_RU, "ru").intent == "help"

    levels = [r.levelname for r in engine_log.records]
    assert levels == ["WARNING", "INFO", "WARNING"]
    assert not any(ENTRY_BAN_RU in r.getMessage() for r in engine_log.records)


def test_slow_server_times_out_to_fallback_and_is_left_alone_for_a_while(
    rasa: FakeRasa, fallback: FixedParser, engine_log: pytest.LogCaptureFixture
) -> None:
    rasa.delay = 1.5
    parser = RasaParser(rasa.url, fallback, timeout=0.2, retry_after=60)

    started = time.monotonic()
    first = parser.parse(ENTRY_BAN_RU, "ru")
    second = parser.parse(ENTRY_BAN_RU, "ru")
    elapsed = time.monotonic() - started

    assert (first.intent, second.intent) == ("help", "help")
    assert elapsed < 1.0
    assert len(rasa.received) == 1
    assert len(warnings_in(engine_log)) == 1


def test_server_is_tried_again_after_retry_after(rasa: FakeRasa, fallback: FixedParser) -> None:
    rasa.status = 500
    parser = RasaParser(rasa.url, fallback, retry_after=0.3)
    assert parser.parse(ENTRY_BAN_RU, "ru").intent == "help"
    rasa.status = 200

    assert parser.parse(ENTRY_BAN_RU, "ru").intent == "help"
    time.sleep(0.4)
    assert parser.parse(ENTRY_BAN_RU, "ru").intent == "entry_ban"
    assert len(rasa.received) == 2


@pytest.mark.parametrize(
    "reply",
    [
        b"{not json",
        b"",
        json.dumps({"intent": None}).encode(),
        json.dumps({"intent": {"name": "entry_ban", "confidence": "high"}}).encode(),
        json.dumps({"intent": {"name": "book_flight", "confidence": 0.9}}).encode(),
        json.dumps(["entry_ban"]).encode(),
    ],
)
def test_malformed_reply_uses_fallback(
    rasa: FakeRasa, fallback: FixedParser, engine_log: pytest.LogCaptureFixture, reply: bytes
) -> None:
    rasa.reply = reply

    parse = RasaParser(rasa.url, fallback).parse(ENTRY_BAN_RU, "ru")

    assert parse.intent == "help"
    assert fallback.calls == [(ENTRY_BAN_RU, "ru")]
    assert len(warnings_in(engine_log)) == 1


def test_rasa_goes_through_our_safety_layer(rasa: FakeRasa, fallback: FixedParser) -> None:
    text = "помогите меня заперли и бьют, не выпускают, паспорт забрали"
    rasa.answer_json(
        {
            "text": text,
            "intent": {"name": "passport_taken", "confidence": 0.8},
            "intent_ranking": [
                {"name": "passport_taken", "confidence": 0.8},
                {"name": "urgent_danger", "confidence": 0.15},
                {"name": "unpaid_wages", "confidence": 0.05},
            ],
        }
    )

    parse = RasaParser(rasa.url, fallback).parse(text, "ru")

    assert parse.intent == "urgent_danger"
    assert parse.urgency == "now"
    assert parse.ranking[1][0] == "passport_taken"
    assert fallback.calls == []


def test_rasa_reads_a_long_message_part_by_part(rasa: FakeRasa, fallback: FixedParser) -> None:
    text = (
        "Здравствуйте. Я работаю на складе в Подмосковье с весны. Бригадир забрал паспорт и не "
        "отдаёт. Зарплату три месяца не платят. Как вернуть паспорт?"
    )

    parse = RasaParser(rasa.url, fallback).parse(text, "ru")

    asked = [r["body"]["text"] for r in rasa.received]
    assert asked[0] == text
    assert len(asked) > 2 and all(part in text for part in asked[1:])
    assert parse.intent == "entry_ban"  # what this fake Rasa says of every part
    assert fallback.calls == []
