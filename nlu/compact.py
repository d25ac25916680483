"""Inference-time copies of fitted TF-IDF vectorizers and linear models, needing only numpy.

scikit-learn is used to fit; the saved artefact holds these plain objects instead, so loading
the parser does not import scikit-learn (about a second) and one message is featurised with a
few dictionary look-ups. `CompactTfidf` reproduces `TfidfVectorizer` (analyzer "char_wb" or
"word", lowercase, sublinear tf, l2 norm) exactly; tests compare the two.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SparseRow = tuple[np.ndarray, np.ndarray]
"""(feature indices, values) of one featurised text."""

_WHITE_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Character n-grams inside word boundaries, padded with spaces (as scikit-learn does)."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:
                break
    return grams


def word_ngrams(text: str, pattern: re.Pattern[str], min_n: int, max_n: int) -> list[str]:
    """Word n-grams joined by spaces (as scikit-learn does)."""
    tokens = pattern.findall(text)
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class GramIndex:
    """n-gram -> feature index, held as two numpy arrays: the n-grams' hashes, sorted, and
    their feature indices. A dict of 100,000 short strings held about 10 MB; these hold 1.2.

    The hashes are Python's own (salted per process), so the index is built when the model is
    read. Two n-grams of the vocabulary with one 64-bit hash would share a feature; that chance
    (about 1e-10 a start) falls back to a dict. An n-gram outside the vocabulary is taken for a
    known one with a chance of about 1e-14.
    """

    def __init__(self, grams: Sequence[str], hasher: Callable[[str], int] = hash) -> None:
        self._hash = hasher
        hashes = np.fromiter(map(hasher, grams), dtype=np.int64, count=len(grams))
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._features = order.astype(np.int32)
        self._fallback: dict[str, int] | None = None
        if len(grams) > 1 and bool((np.diff(self._hashes) == 0).any()):
            self._fallback = {gram: index for index, gram in enumerate(grams)}

    def __len__(self) -> int:
        return len(self._hashes)

    def features(self, grams: Sequence[str]) -> np.ndarray:
        """The feature index of each of `grams` that is in the vocabulary (repeats kept)."""
        if self._fallback is not None:
            found = [self._fallback[g] for g in grams if g in self._fallback]
            return np.asarray(found, dtype=np.int32)
        if not grams or not len(self._hashes):
            return np.zeros(0, dtype=np.int32)
        wanted = np.fromiter(map(self._hash, grams), dtype=np.int64, count=len(grams))
        at = np.searchsorted(self._hashes, wanted)
        at[at == len(self._hashes)] = 0
        return self._features[at[self._hashes[at] == wanted]]


GRAM_SEPARATOR = "\x00"  # in no training text (`from_sklearn` checks)


@dataclass
class CompactTfidf:
    """The vocabulary, idf weights and analyzer settings of one fitted TfidfVectorizer.

    `grams` lists the vocabulary in feature order, joined by GRAM_SEPARATOR (one string, not
    100,000 small ones); the look-ups go through a `GramIndex` built from it."""

    analyzer: str
    ngram_range: tuple[int, int]
    grams: str
    idf: np.ndarray
    token_pattern: str = r"(?u)\b\w\w+\b"
    sublinear_tf: bool = True

    @classmethod
    def from_sklearn(cls, vectorizer: Any) -> CompactTfidf:
        """Copy a fitted scikit-learn TfidfVectorizer."""
        if vectorizer.analyzer not in ("char_wb", "word") or vectorizer.norm != "l2":
            raise ValueError("only char_wb/word analyzers with l2 norm are supported")
        in_order = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
        if any(GRAM_SEPARATOR in str(gram) for gram, _ in in_order):
            raise ValueError("an n-gram holds the separator character")
        return cls(
            analyzer=vectorizer.analyzer,
            ngram_range=tuple(vectorizer.ngram_range),
            grams=GRAM_SEPARATOR.join(str(gram) for gram, _ in in_order),
            idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            token_pattern=vectorizer.token_pattern or r"\S+",
            sublinear_tf=bool(vectorizer.sublinear_tf),
        )

    def __post_init__(self) -> None:
        self._prepare()

    def _prepare(self) -> None:
        self._pattern = re.compile(self.token_pattern)
        self._index = GramIndex(self.grams.split(GRAM_SEPARATOR) if self.grams else [])
        if len(self._index) != len(self.idf):
            raise ValueError("the vocabulary and the idf weights differ in length")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_pattern", None)
        state.pop("_index", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prepare()

    @property
    def size(self) -> int:
        """Number of features."""
        return len(self.idf)

    def grams_of(self, text: str) -> list[str]:
        """The n-grams scikit-learn would count for `text`."""
        text = text.lower()
        low, high = self.ngram_range
        if self.analyzer == "char_wb":
            return char_wb_ngrams(text, low, high)
        return word_ngrams(text, self._pattern, low, high)

    def transform_one(self, text: str) -> SparseRow:
        """TF-IDF of one text as (indices, values), l2-normalised."""
        found = self._index.features(self.grams_of(text))
        if not len(found):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        indices, counts = np.unique(found, return_counts=True)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = 1.0 + np.log(tf)
        values = tf * self.idf[indices]
        norm = float(np.sqrt(values @ values))
        return indices.astype(np.int64), values / norm if norm else values


@dataclass
class CompactFeatures:
    """Several TF-IDF blocks side by side, each over one view of the text."""

    blocks: list[tuple[str, CompactTfidf]]

    @property
    def size(self) -> int:
        """Total number of features."""
        return sum(block.size for _, block in self.blocks)

    def transform_one(self, views: dict[str, str]) -> SparseRow:
        """Featurise one text given its views (view name -> text)."""
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0
        for view, block in self.blocks:
            idx, val = block.transform_one(views[view])
            indices.append(idx + offset)
            values.append(val)
            offset += block.size
        return np.concatenate(indices), np.concatenate(values)


@dataclass
class LinearHead:
    """A linear scorer, weights stored feature-major (features x classes), with a temperature."""

    weights: np.ndarray
    bias: np.ndarray
    temperature: float = 1.0

    @classmethod
    def from_estimator(cls, estimator: Any, temperature: float = 1.0,
                       dtype: type[np.floating[Any]] = np.float32) -> LinearHead:
        """Copy the weights of a fitted scikit-learn linear model (`dtype`: how they are
        kept; the scores are float32 whichever it is)."""
        weights = np.ascontiguousarray(np.asarray(estimator.coef_, dtype=dtype).T)
        return cls(weights, np.asarray(estimator.intercept_, dtype=np.float32), temperature)

    def score_row(self, row: SparseRow) -> np.ndarray:
        """Class scores of one sparse feature row."""
        indices, values = row
        return values.astype(np.float32) @ self.weights[indices] + self.bias

    def score_rows(self, rows: Sequence[SparseRow]) -> np.ndarray:
        """Class scores of many sparse rows."""
        return (
            np.stack([self.score_row(row) for row in rows])
            if rows
            else np.zeros((0, len(self.bias)), dtype=np.float32)
        )

    def score_dense(self, matrix: np.ndarray) -> np.ndarray:
        """Class scores of dense rows (e.g. sentence embeddings)."""
        return np.asarray(matrix, dtype=np.float32) @ self.weights + self.bias


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax (works on one row or a batch)."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)
