"""The numpy-only n-gram features (nlu/compact.py): the vocabulary is looked up by hash, built
afresh in each process (Python salts its string hashes per process), and gives scikit-learn's
features exactly."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.compact import CompactTfidf, GramIndex

PROJECT = Path(__file__).resolve().parents[1]
TEXTS = ["паспорт забрали на стройке", "pasportumdu alyp koyushtu", "kara tizme tekshirüü",
         "how do I check an entry ban", "паспорт жок, акча жок", "ban ban ban"]


def _fitted() -> CompactTfidf:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)
    vectorizer.fit(TEXTS)
    return CompactTfidf.from_sklearn(vectorizer)


def _row(compact: CompactTfidf, text: str) -> list[tuple[int, float]]:
    indices, values = compact.transform_one(text)
    return sorted(zip(indices.tolist(), np.round(values, 9).tolist(), strict=True))


def test_a_model_read_in_another_process_finds_the_same_features(tmp_path: Path) -> None:
    """The hashes differ between processes; the features may not."""
    compact = _fitted()
    saved = tmp_path / "tfidf.pkl"
    saved.write_bytes(pickle.dumps(compact))
    probe = ("import pickle, sys, numpy as np; c = pickle.load(open(sys.argv[1], 'rb')); "
             "i, v = c.transform_one(sys.argv[2]); "
             "print(sorted(zip(i.tolist(), np.round(v, 9).tolist())))")
    text = "менин паспортум kara tizmede, ban?"
    for seed in ("1", "2024"):
        run = subprocess.run([sys.executable, "-c", probe, str(saved), text], cwd=PROJECT,
                             capture_output=True, text=True, check=True,
                             env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        assert run.stdout.strip() == str(_row(compact, text))
    assert _row(compact, text)  # the text shares n-grams with the vocabulary


def test_n_grams_outside_the_vocabulary_count_for_nothing() -> None:
    compact = _fitted()
    assert len(compact.transform_one("ǂǂǂßßß")[0]) == 1  # the padding space alone
    assert set(compact.transform_one("ǂǂǂ ban")[0]) == set(compact.transform_one("ban")[0])


def test_a_hash_shared_by_two_n_grams_falls_back_to_exact_look_ups() -> None:
    grams = ["ab", "cd", "efg", "h"]
    by_length = GramIndex(grams, hasher=len)  # "ab" and "cd" collide
    assert by_length.features(["cd", "ab", "cd", "zz", "h", "xyz"]).tolist() == [1, 0, 1, 3]
    assert GramIndex(grams).features(["cd", "ab", "cd", "zz", "h"]).tolist() == [1, 0, 1, 3]
