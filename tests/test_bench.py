"""The bot benchmark end to end in quick mode: every metric gets a number (speed is not judged)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # see pyproject.toml: `pytest -m 'not slow'`

PROJECT = Path(__file__).resolve().parents[1]
METRICS = (
    "throughput, free text", "throughput, buttons", "throughput, mixed",
    "p50 arrival to reply, mixed", "p99 arrival to reply, mixed",
    "free text, share of the echo bot's rate", "mixed, share of the echo bot's rate",
    "p99 arrival to reply at 30/s", "p99 at 30/s, relay to operators", "peak RSS after",
    "cold start: process start to first reply", "fake API alone: sendMessage round trips",
)


def number(cell: str) -> float:
    """Parse a table cell such as '1 234.5'."""
    return float(cell.replace(" ", ""))


def table_rows(output: str) -> dict[str, dict[str, str]]:
    """Return the printed Markdown table as {metric: {column header: cell}}."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in output.splitlines() if line.startswith("| ")]
    header, body = rows[0], rows[1:]
    assert header[:4] == ["metric", "Sapar", "echo bot", "Sapar + Rasa"], header
    header[header.index("target") + 1] = "verdict"
    return {cells[0]: dict(zip(header, cells, strict=True)) for cells in body}


def test_quick_bot_benchmark_reports_every_metric(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "bot", "--quick", "--no-rasa", "--csv", str(results)],
        cwd=PROJECT, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-4000:]

    rows = table_rows(run.stdout)
    for metric in METRICS:
        assert any(label.startswith(metric) for label in rows), (
            f"{metric!r} missing from the table:\n{run.stdout}")
    for label, cells in rows.items():
        if not label.startswith("NLU server (Rasa)"):
            number(cells["Sapar"])  # every metric has a figure for Sapar
        assert cells["Sapar + Rasa"] in ("skipped", "-"), cells  # --no-rasa
        if cells["target"]:  # a row with a target says whether it was met
            assert cells["verdict"] in ("PASS", "MISS"), cells
    assert number(rows["throughput, free text"]["echo bot"]) > 0, "the echo baseline ran"
    assert rows["throughput, mixed"]["Telegram's limit"] == "30 messages/s per bot"
    assert number(rows["updates left unanswered (30 s timeout)"]["Sapar"]) == 0

    with results.open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert set(lines[0]) == {"date", "commit", "metric", "value", "unit"}
    metrics = {line["metric"] for line in lines}
    assert {"sapar.throughput_mixed", "sapar.steady_p99", "sapar.peak_rss",
            "sapar.cold_start", "echo.throughput_text"} <= metrics
    assert all(float(line["value"]) >= 0 for line in lines)
