"""Character and word n-gram features over two views of a message: folded text and skeleton."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.normalize import fold, skeleton


class NgramFeaturizer:
    """TF-IDF of char n-grams (folded text and Latin skeleton) plus skeleton word n-grams."""

    def __init__(self, min_df: int = 1) -> None:
        self.folded = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True,
                                      min_df=min_df, dtype=np.float32)
        self.skeleton = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                        min_df=min_df, dtype=np.float32)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=r"\S+", min_df=min_df, dtype=np.float32)

    @staticmethod
    def views(texts: Sequence[str]) -> tuple[list[str], list[str]]:
        """Return the folded and skeleton views of each text."""
        return [fold(t) for t in texts], [skeleton(t) for t in texts]

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        """Learn the vocabularies and return the feature matrix."""
        folded, skel = self.views(texts)
        return hstack([self.folded.fit_transform(folded), self.skeleton.fit_transform(skel),
                       self.words.fit_transform(skel)], format="csr")

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """Return the feature matrix of new texts."""
        folded, skel = self.views(texts)
        return hstack([self.folded.transform(folded), self.skeleton.transform(skel),
                       self.words.transform(skel)], format="csr")

    @property
    def size(self) -> int:
        """Number of features."""
        return sum(len(v.vocabulary_) for v in (self.folded, self.skeleton, self.words))
