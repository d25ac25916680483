"""On-disk cache of message embeddings, so training and evaluation embed each text once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nlu.embedder import DIM, Embedder

CACHE_PATH = Path(__file__).resolve().parent / "model" / "embeddings.npz"


def _key(text: str) -> str:
    """Stable key of one text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A text -> vector store backed by an .npz file.

    Keys are the texts as the embedder sees them (`Embedder.fit`), so a change of the token
    budget never reuses a vector of a differently cut text."""

    def __init__(self, embedder: Embedder, path: Path = CACHE_PATH) -> None:
        self.embedder = embedder
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self._dirty = False

    def embed(self, texts: Sequence[str], batch: int = 128) -> np.ndarray:
        """Return embeddings for `texts`, computing only those not cached yet."""
        texts = [self.embedder.fit(t) for t in texts]
        missing = sorted({t for t in texts if _key(t) not in self._vectors})
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            for text, vector in zip(chunk, self.embedder.embed_fitted(chunk), strict=True):
                self._vectors[_key(text)] = vector
            self._dirty = True
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._vectors[_key(t)] for t in texts]).astype(np.float32)

    def save(self) -> None:
        """Write the cache back if anything was added."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U40")
        vectors = np.stack(list(self._vectors.values())).astype(np.float32)
        temporary = self.path.with_name(self.path.name + ".tmp.npz")
        np.savez(temporary, keys=keys, vectors=vectors)
        temporary.replace(self.path)
        self._dirty = False
