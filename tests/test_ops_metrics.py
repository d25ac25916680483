"""Metrics after a real conversation and hand-off: the figures move, no identity leaks out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.fake_bot_api import FakeBotApi
from bot.__main__ import main
from bot.ops import metrics
from hotline.cases import CaseStore
from tests.auxil.operators import OPERATOR, OPERATORS, open_case
from tests.auxil.telegram import (
    button_update,
    message,
    person,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

CHAT = 7_654_321
PHONE = "+996555123456"


def sample(name: str, **labels: str) -> float:
    """Return a metric's current value in this process (0 when never counted)."""
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def values(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse Prometheus text into {(sample name, labels): value}."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_count_the_traffic_and_carry_no_identity(tmp_path: Path, parser) -> None:
    user = person(CHAT, username="aibek_tokonov_kg")
    before = {kind: sample("sapar_updates_total", kind=kind)
              for kind in ("text", "command", "button", "operators")}
    parses = sample("sapar_parse_seconds_count")
    throttled = sample("sapar_bot_api_throttled_total", method="sendMessage")
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)) as (
                _app, runtime):
            api.push_update(text_update(CHAT, "/start ru", user=user))
            await wait_for(api, lambda c: len(sent_to(c, CHAT)) >= 2)
            api.fail("sendMessage", "429")
            api.push_update(text_update(CHAT, "как проверить запрет на въезд", user=user))
            await wait_for(api, lambda c: len(sent_to(c, CHAT)) >= 3, timeout=30)
            api.push_update(button_update(CHAT, "menu", user=user))
            await wait_for(api, lambda c: len(sent_to(c, CHAT)) >= 4)
            thread = await open_case(api, CHAT, "ru")
            api.push_update({"message": message(CHAT, None, user=user, contact={
                "phone_number": PHONE, "first_name": "Aibek", "user_id": CHAT})})
            api.push_update(text_update(CHAT, "меня зовут Айбек, паспорт забрали", user=user))
            await wait_for(api, lambda c: any("паспорт" in t for t in texts_to(c, OPERATORS)))
            api.push_update({"message": message(OPERATORS, "/claim", user=OPERATOR,
                                                chat_type="supergroup", thread_id=thread)})
            await wait_for(api, lambda c: any("Claimed" in t for t in texts_to(c, OPERATORS)))
            text = metrics.render(runtime.settings.database_path).decode()
            case = CaseStore(runtime.db).open_for_user(runtime.pseudonymizer.user_key(CHAT))
            assert case is not None

    identities = {str(CHAT), user["username"], user["first_name"], user["last_name"], PHONE,
                  PHONE.lstrip("+"), "Айбек", str(OPERATOR["id"]), OPERATOR["username"],
                  OPERATOR["first_name"], case.case_code, runtime.pseudonymizer.user_key(CHAT),
                  str(OPERATORS), str(OPERATORS).lstrip("-"), "паспорт", "запрет"}
    tokens = set(re.findall(r"[+\w-]+", text))
    assert not identities & tokens, f"{identities & tokens} in the metrics"
    for family in text_string_to_metric_families(text):
        for point in family.samples:
            assert point.value not in (CHAT, OPERATOR["id"], OPERATORS)
            for name, label in point.labels.items():
                pattern = r"[0-9.]+|\+Inf" if name == "le" else r"[A-Za-z_]+"
                assert re.fullmatch(pattern, label), f"{point.name} {name}={label!r}"

    seen = values(text)
    assert sample("sapar_updates_total", kind="command") - before["command"] >= 2
    assert sample("sapar_updates_total", kind="text") - before["text"] >= 2
    assert sample("sapar_updates_total", kind="button") - before["button"] >= 2
    assert sample("sapar_updates_total", kind="operators") - before["operators"] >= 1
    assert sample("sapar_parse_seconds_count") - parses >= 1  # relayed texts are not parsed
    assert sample("sapar_bot_api_throttled_total", method="sendMessage") - throttled == 1
    assert seen[("sapar_bot_api_requests_total", (("method", "sendMessage"), ("to", "user")))] > 0
    assert seen[("sapar_bot_api_requests_total",
                 (("method", "createForumTopic"), ("to", "operators")))] >= 1
    assert seen[("sapar_cases", (("priority", "normal"), ("status", "active")))] == 1
    assert ("sapar_relay_queue_depth", (("to", "operators"),)) in seen
    assert ("sapar_relay_queue_oldest_seconds", (("to", "user"),)) in seen


def test_metrics_command_writes_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAPAR_DATA_DIR", str(tmp_path / "data"))
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["metrics"]) == 0
    printed = capsys.readouterr().out
    assert "sapar_relay_queue_depth{to=\"operators\"} 0.0" in printed
    target = tmp_path / "node" / "sapar.prom"
    target.parent.mkdir()
    assert main(["metrics", "--file", str(target)]) == 0
    assert "sapar_cases{" in target.read_text()


def test_file_writer_rewrites_the_file_until_stopped(tmp_path: Path) -> None:
    target = tmp_path / "sapar.prom"
    writer = metrics.FileWriter(target, tmp_path / "missing.db", interval=3600).start()
    writer.stop()
    assert "sapar_updates_total" in target.read_text() or "sapar_parse_seconds" in \
        target.read_text()
