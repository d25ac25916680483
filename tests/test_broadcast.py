"""Alerts at scale through `python -m bot telegram` and the fake Bot API (bench/broadcast.py).

The rate bound is counted from the fake API's arrival times of every sendMessage (alerts and
replies together), per 1-second window; reply latency is printed, and bounded generously.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.broadcast import percentile, run_broadcast
from bot.reminders.broadcast import CONCURRENCY


@pytest.mark.slow
def test_5000_subscribers_get_the_alert_within_30_a_second_and_people_are_answered(
        tmp_path: Path) -> None:
    run = run_broadcast(tmp_path, 5000, probe_every=0.5)
    print(f"\nbroadcast to 5000: {run.rate:.1f} msg/s, busiest second "
          f"{run.busiest_second()} messages, reply latency p50 "
          f"{percentile(run.latencies, 0.5):.3f} s, p95 {percentile(run.latencies, 0.95):.3f} "
          f"s, max {max(run.latencies):.3f} s over {len(run.latencies)} questions")
    assert run.missed == 0
    assert run.repeats == 0
    assert run.busiest_second() <= 30
    assert len(run.latencies) >= 100, "people kept writing during the broadcast"
    assert max(run.latencies) < 5.0, "a question waited for the broadcast"


@pytest.mark.slow
def test_sigkill_mid_broadcast_then_restart_misses_nobody_and_repeats_only_in_flight(
        tmp_path: Path) -> None:
    run = run_broadcast(tmp_path, 400, kill_after=0.4, probe_every=None)
    print(f"\nSIGKILL after {run.sent_before_kill} of 400 alerts: {run.repeats} repeated "
          f"after the restart (at most {CONCURRENCY} in flight)")
    assert run.sent_before_kill < 400, "the kill came too late to test anything"
    assert run.missed == 0
    assert run.repeats <= CONCURRENCY
