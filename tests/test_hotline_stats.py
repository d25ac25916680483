"""Weekly hotline statistics: right counts, small cells suppressed, nothing about a person."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
from itertools import count
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.storage import open_database
from hotline.stats import CHART_NAME, CSV_NAME, suppress, weekly_counts, write_report

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = PROJECT / ".venv" / "bin" / "python"
SECRET_REASON = "paid after call, his name is Bakyt"
W1, W2, W3 = "2025-03-03", "2025-03-10", "2025-03-17"  # Mondays

# (week, dimension, value) -> what the CSV must say
EXPECTED = {
    (W1, "topic", "unpaid_wages"): "6", (W1, "topic", "entry_ban"): "<5",
    (W1, "language", "ky"): "6", (W1, "language", "ru"): "<5",
    (W1, "region", "osh"): "6", (W1, "region", "not_shared"): "<5",
    (W1, "outcome", "closed:operator"): "6", (W1, "outcome", "open"): "<5",
    (W2, "topic", "passport_taken"): "5", (W2, "topic", "unpaid_wages"): "7",
    (W2, "language", "ru"): "12",
    (W2, "region", "bishkek"): "12",
    (W2, "outcome", "fallback"): "5", (W2, "outcome", "closed:person"): "7",
    (W3, "topic", "out_of_scope"): "5", (W3, "topic", "talk_to_human"): "<5",
    (W3, "language", "ky"): "6",
    (W3, "region", "not_shared"): "6",
    (W3, "outcome", "closed:blocked"): "5", (W3, "outcome", "closed:operator"): "<5",
    (W1, "delivery", "delivered"): "8", (W2, "delivery", "delivered"): "12",
    (W3, "delivery", "delivered"): "6",
}


def add(db: Database, serial: count, times: list[str], **fields: object) -> None:
    """Insert one case per timestamp, each with its own person, chat token and summary."""
    for created_at in times:
        n = next(serial)
        row = {"case_code": f"QX-{n:04d}", "user_key": f"person-{n}", "chat_enc": f"gAAAA{n}xyz",
               "status": "waiting", "priority": "normal", "language": "ky",
               "topic": "talk_to_human", "region": None, "consent": "anon",
               "summary": f"summary of person {n}", "desk_chat_id": -1001, "thread_id": n,
               "created_at": created_at, "fallback_sent": 0, "purged": 0}
        row.update(fields)
        db["cases"].insert(row)


def build_cases(db: Database) -> None:
    """Fill three weeks of cases; week boundaries are tested with Sunday night and Monday."""
    serial = count(1)
    closed_by_operator = {"status": "closed", "claimed_at": "2025-03-20T09:00:00+00:00",
                          "closed_by": "operator", "closed_at": "2025-03-20T10:00:00+00:00",
                          "operator_key": "op-1"}
    add(db, serial, [f"2025-03-0{d}T10:00:00+00:00" for d in (3, 4, 5, 6, 7)]
        + ["2025-03-09T23:30:00+00:00"], topic="unpaid_wages", region="osh",
        close_reason=SECRET_REASON, **closed_by_operator)
    add(db, serial, ["2025-03-04T08:00:00+00:00"] * 2, topic="entry_ban", language="ru")
    add(db, serial, ["2025-03-10T00:10:00+00:00"] + ["2025-03-12T09:00:00+00:00"] * 4,
        topic="passport_taken", language="ru", region="bishkek", fallback_sent=1)
    add(db, serial, ["2025-03-14T09:00:00+00:00"] * 7, topic="unpaid_wages", language="ru",
        region="bishkek", status="closed", closed_by="user", close_reason="ended by the person",
        claimed_at="2025-03-14T09:05:00+00:00")
    add(db, serial, ["2025-03-18T09:00:00+00:00"] * 5, topic="out_of_scope",
        close_reason="blocked by operator", **closed_by_operator)
    add(db, serial, ["2025-03-23T23:59:00+00:00"], user_key=None, chat_enc=None, summary=None,
        purged=1, close_reason=None, **closed_by_operator)  # purged cases still count
    db["transcripts"].insert({"case_code": "QX-0001", "at": "2025-03-03T10:01:00+00:00",
                              "author": "user", "text": "my boss took my passport"})
    db.conn.commit()


def published(cells: list) -> dict[tuple[str, str, str], str]:
    """Return the cells as the CSV would show them."""
    return {(c.week, c.dimension, c.value): c.shown_count(5) for c in cells}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Return the CSV rows as dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def private_strings(db: Database) -> set[str]:
    """Return every value that could point to a person."""
    values: set[str] = {SECRET_REASON, "my boss took my passport", "op-1"}
    for row in db.execute("SELECT case_code, user_key, chat_enc, summary FROM cases"):
        values.update(v for v in row if v)
    return values


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """Return a migrated database file with three weeks of cases."""
    path = tmp_path / "data" / "sapar.db"
    database = open_database(path)
    build_cases(database)
    database.close()
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m hotline` in the project directory."""
    return subprocess.run([str(PYTHON), "-m", "hotline", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_counts_per_iso_week_and_dimension_with_small_cells_suppressed(db: Database) -> None:
    build_cases(db)
    raw = {(c.week, c.dimension, c.value): c.count for c in weekly_counts(db)}
    assert raw[(W1, "topic", "entry_ban")] == 2
    assert raw[(W3, "outcome", "closed:operator")] == 1
    assert published(suppress(weekly_counts(db))) == EXPECTED
    for cell in suppress(weekly_counts(db)):
        if cell.suppressed:
            assert cell.count == 0  # the true small count does not travel further


def test_a_higher_threshold_suppresses_more(db: Database) -> None:
    build_cases(db)
    cells = {(c.week, c.dimension, c.value): c.shown_count(6)
             for c in suppress(weekly_counts(db), 6)}
    assert cells[(W2, "topic", "passport_taken")] == "<6"
    assert cells[(W2, "topic", "unpaid_wages")] == "7"


def test_the_queries_never_read_identity_or_texts(db: Database) -> None:
    build_cases(db)
    forbidden = {("cases", "user_key"), ("cases", "chat_enc"), ("cases", "summary"),
                 ("cases", "case_code")}
    seen: list[tuple[str, str]] = []

    def authorizer(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ:
            seen.append((arg1 or "", arg2 or ""))
            if (arg1, arg2) in forbidden or arg1 in ("transcripts", "message_links", "outbox"):
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    db.conn.set_authorizer(authorizer)
    try:
        cells = weekly_counts(db)
    finally:
        db.conn.set_authorizer(None)
    assert published(suppress(cells)) == EXPECTED
    assert ("cases", "created_at") in seen


def test_report_files_have_only_aggregates(db: Database, tmp_path: Path) -> None:
    build_cases(db)
    out = tmp_path / "out"
    cells, csv_path, chart_path = write_report(db, out)
    assert csv_path == out / CSV_NAME
    rows = read_csv(csv_path)
    assert list(rows[0]) == ["week", "dimension", "value", "count"]
    assert {(r["week"], r["dimension"], r["value"]): r["count"] for r in rows} == EXPECTED
    text = csv_path.read_text(encoding="utf-8")
    assert not [value for value in private_strings(db) if value in text]
    assert chart_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(cells) == len(EXPECTED)


def test_empty_database_still_writes_a_header_and_a_chart(db: Database, tmp_path: Path
                                                          ) -> None:
    cells, csv_path, chart_path = write_report(db, tmp_path)
    assert cells == []
    assert csv_path.read_text(encoding="utf-8").strip() == "week,dimension,value,count"
    assert chart_path.stat().st_size > 0


@pytest.mark.slow
def test_cli_writes_csv_and_png_and_prints_a_table(db_file: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(db_file.read_bytes()).hexdigest()
    out = tmp_path / "report"
    result = run_cli("stats", "--db", str(db_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = read_csv(out / CSV_NAME)
    assert {(r["week"], r["dimension"], r["value"]): r["count"] for r in rows} == EXPECTED
    png = (out / CHART_NAME).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1000
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["week", "dimension", "value", "cases"]
    assert [W2, "outcome", "fallback", "5"] in [line.split() for line in lines]
    assert [W1, "topic", "entry_ban", "<5"] in [line.split() for line in lines]
    assert str(out / CSV_NAME) in result.stdout
    written = result.stdout + (out / CSV_NAME).read_text(encoding="utf-8")
    reader = Database(db_file)
    assert not [value for value in private_strings(reader) if value in written]
    reader.close()
    assert hashlib.sha256(db_file.read_bytes()).hexdigest() == before  # opened read-only


@pytest.mark.slow
def test_cli_reads_the_settings_database_when_no_db_is_given(db_file: Path, tmp_path: Path
                                                             ) -> None:
    env = {**os.environ, "SAPAR_DATA_DIR": str(db_file.parent)}
    env.pop("SAPAR_SECRET_KEY", None)
    result = run_cli("stats", "--out", str(tmp_path / "r"), env=env)
    assert result.returncode == 0, result.stderr
    assert len(read_csv(tmp_path / "r" / CSV_NAME)) == len(EXPECTED)


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line's main() in this process: (exit code, stdout, stderr). The slow
    tests above run it as `python -m hotline`."""
    from hotline.__main__ import main

    try:
        code = main(list(args))
    except SystemExit as stop:  # argparse: --help, or an argument it refuses
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_explains_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = in_process(capsys, "stats", "--db", str(tmp_path / "nope.db"),
                                 "--out", str(tmp_path))
    assert code == 2
    assert "no database" in err
    code, _out, err = in_process(capsys, "stats", "--db", str(tmp_path / "nope.db"),
                                 "--min-cell", "2")
    assert code == 2
    assert "at least 5" in err
    code, out, _err = in_process(capsys, "stats", "--help")
    assert code == 0
    assert "ISO week" in out and "--min-cell" in out
