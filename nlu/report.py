"""Markdown report and confusion-matrix picture of an evaluation run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlu.evaluate import (
    Outcome,
    Results,
    calibration_table,
    confusion_pairs,
    entity_scores,
    per_intent,
    script_group,
    summary,
)
from nlu.intents import INTENTS

TARGETS = {
    "accuracy": 0.90,
    "accuracy per language": 0.85,
    "urgent_danger recall": 0.97,
    "language-ID (plain script)": 0.97,
}


def _pct(value: float) -> str:
    """Format a share as a percentage ("-" for nan)."""
    return (
        "-"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{100 * value:.1f}%")
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _target_lines(name: str, stats: dict[str, Any]) -> list[str]:
    """Pass/fail lines against the project targets."""
    checks = [
        ("accuracy", stats["accuracy"], TARGETS["accuracy"]),
        *[
            (f"accuracy {lang}", value, TARGETS["accuracy per language"])
            for lang, value in stats["accuracy_by_language"].items()
        ],
        ("urgent_danger recall", stats["urgent"]["recall"], TARGETS["urgent_danger recall"]),
        (
            "language-ID (plain script)",
            stats["language_id"]["plain-script"],
            TARGETS["language-ID (plain script)"],
        ),
    ]
    lines = [f"**{name}**", ""]
    for label, value, target in checks:
        ok = not math.isnan(value) and value >= target
        lines.append(
            f"- {'PASS' if ok else 'FAIL'} {label}: {_pct(value)} (target {_pct(target)})"
        )
    return [*lines, ""]


def _summary_rows(runs: Sequence[tuple[str, dict[str, Any], Results]]) -> list[list[str]]:
    """Headline rows, one column per run."""

    def row(label: str, getter: Any) -> list[str]:
        return [label, *[getter(stats, results) for _, stats, results in runs]]

    rows = [
        row("examples", lambda s, r: str(s["examples"])),
        row("intent accuracy", lambda s, r: _pct(s["accuracy"])),
        row("macro F1", lambda s, r: _pct(s["macro_f1"])),
    ]
    for lang in ("ky", "ru", "en"):
        rows.append(
            row(f"accuracy {lang}", lambda s, r, lang=lang: _pct(s["accuracy_by_language"][lang]))
        )
    for group in ("plain", "latin", "mixed"):
        rows.append(
            row(
                f"accuracy, {group} script",
                lambda s, r, group=group: (
                    f"{_pct(s['accuracy_by_script'][group])} "
                    f"(n={sum(script_group(o.example) == group for o in r.outcomes)})"
                ),
            )
        )
    rows += [
        row("n-gram only (fall-back) accuracy", lambda s, r: _pct(s["ngram_only_accuracy"])),
        row("urgent_danger recall", lambda s, r: _pct(s["urgent"]["recall"])),
        row(
            "urgent_danger recall without safety net",
            lambda s, r: _pct(s["urgent"]["recall without safety net"]),
        ),
        row("urgent_danger precision", lambda s, r: _pct(s["urgent"]["precision"])),
        row(
            "safety-net decisions (right)",
            lambda s, r: (
                f"{s['urgent']['safety-net decisions']:.0f} "
                f"({s['urgent']['safety-net decisions that were right']:.0f})"
            ),
        ),
        row("language-ID, plain script", lambda s, r: _pct(s["language_id"]["plain-script"])),
        row(
            "language-ID, all (folder label)",
            lambda s, r: _pct(s["language_id"]["all (folder label)"]),
        ),
        row(
            "embedding used (cascade)",
            lambda s, r: _pct(
                float(np.mean([o.used_embedding for o in r.outcomes])) if r.outcomes else math.nan
            ),
        ),
        row(
            f"clarify below {runs[0][1]['clarify']['threshold']}: share asked",
            lambda s, r: _pct(s["clarify"]["share clarified"]),
        ),
        row("accuracy when answered", lambda s, r: _pct(s["clarify"]["accuracy when answered"])),
        row("accuracy of clarified", lambda s, r: _pct(s["clarify"]["accuracy of clarified"])),
    ]
    return rows


def confusion_png(results: Results, path: Path) -> None:
    """Draw the row-normalised confusion matrix of one run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [
        i for i in INTENTS if any(o.example.intent == i or o.intent == i for o in results.outcomes)
    ]
    index = {name: i for i, name in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)))
    for outcome in results.outcomes:
        if outcome.example.intent in index and outcome.intent in index:
            matrix[index[outcome.example.intent], index[outcome.intent]] += 1
    rows = matrix.sum(axis=1, keepdims=True)
    normalised = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    figure, axes = plt.subplots(figsize=(13, 11))
    image = axes.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title(f"{results.name}: confusion matrix (row-normalised)")
    for i, j in zip(*np.nonzero(matrix), strict=True):
        if i != j:
            axes.text(
                j, i, f"{int(matrix[i, j])}", ha="center", va="center", fontsize=6, color="darkred"
            )
    figure.colorbar(image, ax=axes, fraction=0.04)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _mistakes(outcomes: Sequence[Outcome], limit: int = 60) -> list[list[str]]:
    """Rows of misclassified examples."""
    rows = []
    for o in outcomes:
        if o.intent != o.example.intent:
            text = o.example.text.replace("|", "/")[:90]
            rows.append(
                [o.example.language, o.example.intent, o.intent, f"{o.confidence:.2f}", text]
            )
    return rows[:limit]


def write_report(
    runs: Sequence[Results], out_dir: Path, engine: str, extra: dict[str, Any] | None = None
) -> Path:
    """Write report.md and one confusion-matrix PNG per run into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = [(r.name, summary(r), r) for r in runs]
    lines = [f"# NLU evaluation: {engine} engine", ""]
    for key, value in (extra or {}).items():
        lines.append(f"- {key}: {value}")
    lines += ["", "## Summary", ""]
    lines += _table(["", *[name for name, _, _ in stats]], _summary_rows(stats))
    lines += ["## Targets", ""]
    for name, s, _ in stats:
        lines += _target_lines(name, s)
    for name, s, results in stats:
        slug = name.lower().replace(" ", "-")
        picture = out_dir / f"confusion-{slug}.png"
        confusion_png(results, picture)
        lines += [
            f"## {name}",
            "",
            f"Notes: {results.notes}",
            "",
            f"![confusion]({picture.name})",
            "",
            "### Per intent",
            "",
        ]
        lines += _table(
            ["intent", "precision", "recall", "F1", "support"],
            [
                [
                    intent,
                    _pct(row["precision"]),
                    _pct(row["recall"]),
                    _pct(row["f1"]),
                    int(row["support"]),
                ]
                for intent, row in per_intent(results.outcomes).items()
            ],
        )
        lines += ["### Most frequent confusions", ""]
        lines += _table(["gold", "predicted", "count"], confusion_pairs(results.outcomes))
        lines += ["### Language identification", ""]
        lines += _table(
            ["subset", "accuracy"], [[k, _pct(v)] for k, v in s["language_id"].items()]
        )
        lines += ["### Entities (type and overlapping span vs. the markup)", ""]
        lines += _table(
            ["entity", "precision", "recall", "F1", "gold", "found"],
            [
                [
                    name,
                    _pct(row["precision"]),
                    _pct(row["recall"]),
                    _pct(row["f1"]),
                    int(row["gold"]),
                    int(row["found"]),
                ]
                for name, row in entity_scores(results.outcomes).items()
            ],
        )
        lines += ["### Calibration", ""]
        lines += _table(
            ["confidence", "messages", "accuracy", "mean confidence"],
            [
                [band, n, _pct(acc), f"{conf:.2f}"]
                for band, n, acc, conf in calibration_table(results.outcomes)
            ],
        )
        lines += ["### Mistakes (first 60)", ""]
        lines += _table(["lang", "gold", "predicted", "conf", "text"], _mistakes(results.outcomes))
    path = out_dir / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
