"""Benchmark results: a printed table with targets, and lines appended to bench/results.csv."""

from __future__ import annotations

import csv
import operator
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
RESULTS_CSV = PROJECT / "bench" / "results.csv"
CSV_COLUMNS = ("date", "commit", "metric", "value", "unit")
NOT_RUNNING = "not running"
_OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}

Value = float | str | None  # a number, a reason it is missing ("not running"), or not measured


@dataclass(frozen=True)
class Target:
    """A goal for one column of a row, such as '>= 100'."""

    op: str
    bound: float
    column: str = "sapar"

    def verdict(self, value: Value) -> str:
        """Return PASS or MISS (or '-' when there is no number to judge)."""
        if not isinstance(value, int | float):
            return "-"
        return "PASS" if _OPERATORS[self.op](value, self.bound) else "MISS"

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


@dataclass
class Row:
    """One metric, measured for one or more subjects (columns)."""

    key: str
    label: str
    unit: str
    values: dict[str, Value] = field(default_factory=dict)
    target: Target | None = None
    digits: int = 1
    note: str = ""  # shown in the optional notes column (render_table's `notes`)


def fmt(value: Value, digits: int = 1) -> str:
    """Format a value for the table."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}".replace(",", " ")


def render_table(rows: Iterable[Row], columns: dict[str, str], notes: str | None = None
                 ) -> str:
    """Return a Markdown table: metric, one column per subject, unit, target, verdict, and a
    column of the rows' notes when `notes` names it."""
    header = ["metric", *columns.values(), "unit", "target", ""] + ([notes] if notes else [])
    lines = [header]
    for row in rows:
        verdict = row.target.verdict(row.values.get(row.target.column)) if row.target else ""
        lines.append([row.label, *(fmt(row.values.get(c), row.digits) for c in columns),
                      row.unit, str(row.target or ""), verdict] + ([row.note] if notes else []))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    left = {0, len(header) - 1} if notes else {0}  # text columns; numbers align right
    out = []
    for index, line in enumerate(lines):
        cells = [cell.ljust(w) if i in left else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(line, widths, strict=True))]
        out.append("| " + " | ".join(cells) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 1) + ("-" if i in left else ":")
                                      for i, w in enumerate(widths)) + "|")
    return "\n".join(out)


def current_commit() -> str:
    """Return `git rev-parse --short HEAD`, or 'unknown' outside a git checkout."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT,
                                capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else (
        "unknown")


def append_csv(rows: Iterable[Row], path: Path = RESULTS_CSV, when: datetime | None = None
               ) -> int:
    """Append one line per measured number ('<column>.<key>' as metric); return how many."""
    when = when or datetime.now(UTC)
    date = when.isoformat(timespec="seconds")
    commit = current_commit()
    lines = [(date, commit, f"{column}.{row.key}", f"{value:.4g}", row.unit)
             for row in rows for column, value in row.values.items()
             if isinstance(value, int | float)]
    new_file = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new_file:
            writer.writerow(CSV_COLUMNS)
        writer.writerows(lines)
    return len(lines)
