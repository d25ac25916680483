"""Fitting of the n-gram features: TF-IDF over the folded text and over the Latin skeleton.

Used at training time (scikit-learn); the parser uses the `CompactFeatures` copy it makes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.compact import CompactFeatures, CompactTfidf
from nlu.normalize import views


class NgramFeaturizer:
    """Char n-grams of the folded text and of the skeleton, plus skeleton word n-grams."""

    def __init__(self, min_df: int = 1) -> None:
        def tfidf(analyzer: str, ngrams: tuple[int, int]) -> TfidfVectorizer:
            pattern = r"\S+" if analyzer == "word" else None
            return TfidfVectorizer(
                analyzer=analyzer,
                ngram_range=ngrams,
                sublinear_tf=True,
                min_df=min_df,
                token_pattern=pattern,
                dtype=np.float32,
            )

        self.blocks: list[tuple[str, TfidfVectorizer]] = [
            ("folded", tfidf("char_wb", (1, 5))),
            ("skeleton", tfidf("char_wb", (2, 5))),
            ("skeleton", tfidf("word", (1, 2))),
        ]

    @staticmethod
    def _views(texts: Sequence[str]) -> dict[str, list[str]]:
        """Each view of every text."""
        all_views = [views(t) for t in texts]
        return {name: [v[name] for v in all_views] for name in ("folded", "skeleton")}

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        """Learn the vocabularies and return the feature matrix."""
        by_view = self._views(texts)
        return hstack(
            [vec.fit_transform(by_view[view]) for view, vec in self.blocks], format="csr"
        )

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Return the feature matrix of new texts."""
        by_view = self._views(texts)
        return hstack([vec.transform(by_view[view]) for view, vec in self.blocks], format="csr")

    def compact(self) -> CompactFeatures:
        """The numpy-only copy used at inference."""
        return CompactFeatures(
            [(view, CompactTfidf.from_sklearn(vec)) for view, vec in self.blocks]
        )
