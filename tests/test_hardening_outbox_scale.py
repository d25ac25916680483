"""The next-relay lookup uses indexes only (O(log n)); a figure at 20,000 pending rows is
printed (run with -s to see it), never asserted on time."""

from __future__ import annotations

import time

import pytest
from sqlite_utils import Database

from hotline.outbox import DESK, USER, Outbox

OLD_LOOKUP = (  # the lookup before the round-robin table: a scan with a correlated sub-query
    "SELECT * FROM outbox WHERE side = ? AND status = 'pending' "
    "ORDER BY (SELECT MAX(priority) FROM outbox o2 WHERE o2.case_code = outbox.case_code "
    "AND o2.status = 'pending' AND o2.side = outbox.side) DESC, id LIMIT 1")


def fill(outbox: Outbox, rows: int, cases: int) -> None:
    """Queue `rows` relays spread over `cases` cases on both sides."""
    for n in range(rows):
        outbox.put(f"C{n % cases:05d}", DESK if n % 2 else USER, "notice", {"text": f"r{n}"},
                   "urgent" if n % 97 == 0 else "normal")


def plans(db: Database) -> list[str]:
    """Return the query plans of every statement a lookup runs."""
    statements = [
        ("SELECT case_code FROM outbox_turns WHERE side = ? AND ready_at <= ? "
         "ORDER BY priority DESC, turn LIMIT 1", ["desk", "9"]),
        ("SELECT * FROM outbox WHERE case_code = ? AND side = ? AND status = 'pending' "
         "ORDER BY id LIMIT 1", ["C00001", "desk"]),
        ("SELECT COALESCE(MAX(turn), 0) + 1 FROM outbox_turns", []),
    ]
    return [row[3] for sql, args in statements
            for row in db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()]


def test_the_next_relay_lookup_uses_indexes_only(db: Database) -> None:
    fill(Outbox(db), 2_000, 200)
    for line in plans(db):
        assert line.startswith("SEARCH"), line
        assert "TEMP B-TREE" not in line, line


@pytest.mark.slow
def test_next_relay_lookup_at_20000_pending_rows(db: Database) -> None:
    outbox = Outbox(db)
    fill(outbox, 20_000, 2_000)
    assert outbox.pending_count() == 20_000
    started = time.perf_counter()
    for _ in range(500):
        batch = outbox.next_batch(DESK)
        outbox.mark_sent(batch)
    per_relay = (time.perf_counter() - started) / 500 * 1000
    started = time.perf_counter()
    db.execute(OLD_LOOKUP, [DESK]).fetchall()
    old = (time.perf_counter() - started) * 1000
    print(f"\nnext relay at 20,000 pending rows: {per_relay:.2f} ms per lookup + mark sent "
          f"(the old lookup alone: {old:.0f} ms)")
    assert outbox.pending_count() == 19_500
