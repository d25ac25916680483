"""Language identification for ky / ru / en, including Latin-typed Kyrgyz and Russian.

Rules settle what the letters settle: ң ө ү mean Kyrgyz, Cyrillic rules out English. What is
left (Kyrgyz typed with Russian letters, Latin-typed Kyrgyz/Russian vs English) is decided by a
small linear classifier over character n-grams of the Latin skeleton and of the folded text,
trained on the training messages (`python -m nlu train` saves it with the intent model).
The user's chosen language (`hint`) only decides messages too short to tell ("ok", "112", 👍).
"""

from __future__ import annotations

import math
import pickle
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.compact import CompactFeatures, CompactTfidf, LinearHead, softmax
from nlu.intents import LANGUAGES
from nlu.normalize import has_cyrillic, letter_count, normalize, skeleton, views

DEFAULT_LANGUAGE = "ky"
"""The answer when nothing in the message or the hint says otherwise (the bot's default)."""

MODEL_PATH = Path(__file__).resolve().parent / "model" / "langid.pkl"

_KYRGYZ_LETTERS = frozenset("ңөүҢӨҮ")
_MIN_LETTERS = 4
_MARKER_WEIGHT = 1.0
_SURE = 0.75

LANGUAGE_SAMPLE_CHARS = 400
"""Language is told from the first 400 characters: plenty for a verdict, and the cost of the
letter and n-gram counts grows with length (4 ms for 1,000 characters)."""


def _words(text: str) -> tuple[str, ...]:
    """Split a block of words written one after another."""
    return tuple(text.split())


# Words that are signs of one language in any script (compared as skeletons); they relabel
# code-switched training lines, and vote when there is no trained model.
_KY_WORDS = _words("""
рахмат саламатсызбы жок ооба макул кантип канча менин мага эмне барбы болобу болот керек
керекпи жардам жумуш кыргызча кайда эмес сиз сизге сизде мен биз абдан жакшы кош деген
жатат жатышат бербей үчүн жана бул дагы качан мени аны уулум кызым байке эже досум акча
айлык айлыгым кантем кылам билем текшерем текшерсе кандай менен жаткан болуп барам
келдим кетти калды чыкпай бериңиз бериңизчи айтып ыракмат ырас туура ошол дейт деп дешти
болсо эле алып койду экен сурап эмнеге бергиле жатам жатабыз
""")
_RU_WORDS = _words("""
спасибо здравствуйте привет нет как что где меня мне можно нужно пожалуйста помогите
работа работу хорошо ладно почему когда есть это не я вы ты по русски пока если или
чтобы сколько делать который мой моя забрали нас они
""")
# Kyrgyz question particle glued to a word ("керекпи", "законнобу", "барбы").
_KY_QUESTION = re.compile(r"^[а-яёңөү]{3,}(бы|би|бу|бү|пы|пи|пу|пү)$")
_RU_BY_WORDS = frozenset(("чтобы", "чтоб", "либо", "хотя", "кабы", "дабы", "голуби", "клубы"))
# Russian prepositions and particles, counted only in Cyrillic (in Latin "i" is English).
_RU_SHORT_WORDS = frozenset(("в", "и", "с", "у", "к", "о", "за", "от", "из", "на", "по", "ли"))
_MARKERS: dict[str, frozenset[str]] = {
    "ky": frozenset(skeleton(w) for w in _KY_WORDS),
    "ru": frozenset(skeleton(w) for w in _RU_WORDS),
}
_ENGLISH_WORDS = frozenset(
    _words("""
    the a an is are am was were i im ive my me you your how what where when who why which
    can could do does did dont cant wont didnt to of in for on with and or not no yes please
    thanks thank hello hi hey it this that he she they we our have has will would should
    there here from at be bye if about want need know get got after before any some all him
    her his them their just now help job work bot human person good bad again
    """)
)


def looks_english(text: str) -> bool:
    """Return True for Latin-letter text with at least one common English word.

    Used to keep Latin-typed Kyrgyz/Russian that sits in the English data files out of the
    English class when training and evaluating language identification.
    """
    if has_cyrillic(text):
        return False
    words = normalize(text).split()
    return any(w in _ENGLISH_WORDS for w in words)


def has_kyrgyz_letters(text: str) -> bool:
    """Return True if `text` has a letter only Kyrgyz uses (ң ө ү)."""
    return any(ch in _KYRGYZ_LETTERS for ch in text)


def is_plain_script(text: str, language: str) -> bool:
    """Return True if `text` is plainly `language` in its usual script.

    Kyrgyz and Russian: Cyrillic with no Latin letters, with ң ө ү only in Kyrgyz, and not
    with more marker words of the other language (code-switched lines are measured apart);
    English: Latin letters with a common English word. The data files also hold Latin-typed
    and code-switched messages; those are measured apart.
    """
    if language == "en":
        return looks_english(text)
    latin = any(ch.isascii() and ch.isalpha() for ch in text)
    if not has_cyrillic(text) or latin:
        return False
    if has_kyrgyz_letters(text):
        return language == "ky"
    votes = marker_votes(text)
    if language == "ky":
        return votes["ky"] >= votes["ru"]
    return votes["ky"] <= votes["ru"]


def training_labels(texts: Sequence[str], languages: Sequence[str]) -> list[tuple[int, str]]:
    """(index, language) pairs whose language can be trusted as the message's language.

    The English files also hold Latin-typed Russian and Kyrgyz ("spasibo bolshoe", "ukam
    Moskvada"); those are left out so the English class stays English. Messages with ң ө ү are
    Kyrgyz whichever file they sit in; code-switched lines go to the language whose marker
    words dominate; English lines in the ky/ru files ("english please") are English.
    """
    pairs: list[tuple[int, str]] = []
    for i, (text, lang) in enumerate(zip(texts, languages, strict=True)):
        votes = marker_votes(text)
        cyrillic = has_cyrillic(text)
        if has_kyrgyz_letters(text) or (lang == "ru" and votes["ky"] > votes["ru"]):
            pairs.append((i, "ky"))
        elif lang == "ky" and cyrillic and votes["ru"] > votes["ky"]:
            pairs.append((i, "ru"))
        elif lang != "en" and not cyrillic and votes["en"] and not votes["ky"] + votes["ru"]:
            pairs.append((i, "en"))
        elif lang != "en" or looks_english(text):
            pairs.append((i, lang))
    return pairs


@dataclass
class LanguageModel:
    """A trained ky/ru/en classifier over skeleton and folded character n-grams."""

    features: CompactFeatures
    head: LinearHead
    classes: tuple[str, ...]

    @classmethod
    def train(cls, texts: Sequence[str], languages: Sequence[str]) -> LanguageModel:
        """Fit the classifier on messages labelled with their language (see training_labels)."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        pairs = training_labels(texts, languages)
        labels = [lang for _, lang in pairs]
        all_views = [views(texts[i]) for i, _ in pairs]
        blocks = [
            (
                "skeleton",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 4),
                    sublinear_tf=True,
                    min_df=2,
                    dtype=np.float32,
                ),
            ),
            (
                "folded",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 3),
                    sublinear_tf=True,
                    min_df=2,
                    dtype=np.float32,
                ),
            ),
        ]
        matrix = hstack(
            [vec.fit_transform([v[view] for v in all_views]) for view, vec in blocks], format="csr"
        )
        classifier = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
        classifier.fit(matrix, labels)
        features = CompactFeatures(
            [(view, CompactTfidf.from_sklearn(vec)) for view, vec in blocks]
        )
        classes = tuple(str(c) for c in classifier.classes_)
        if len(classes) < len(LANGUAGES):
            raise ValueError("language identification needs examples of all three languages")
        return cls(features, LinearHead.from_estimator(classifier), classes)

    def probabilities(self, text: str) -> dict[str, float]:
        """Return P(language | text) for every language the model knows."""
        row = softmax(self.head.score_row(self.features.transform_one(views(text))))
        return {lang: float(p) for lang, p in zip(self.classes, row, strict=True)}


def marker_votes(text: str) -> dict[str, int]:
    """Count the marker words of each language in `text`."""
    words = skeleton(text).split()
    votes = {lang: sum(w in markers for w in words) for lang, markers in _MARKERS.items()}
    plain_words = normalize(text).split()
    votes["ru"] += sum(w in _RU_SHORT_WORDS for w in plain_words)
    votes["ky"] += sum(bool(_KY_QUESTION.search(w)) and w not in _RU_BY_WORDS for w in plain_words)
    votes["en"] = (
        0 if has_cyrillic(text) else sum(w in _ENGLISH_WORDS for w in normalize(text).split())
    )
    return votes


def _marker_probabilities(text: str) -> dict[str, float]:
    """Vote with marker words when there is no trained model."""
    votes = marker_votes(text)
    total = sum(votes.values())
    if not total:
        return {lang: 1 / len(LANGUAGES) for lang in LANGUAGES}
    return {lang: votes[lang] / total for lang in LANGUAGES}


class LanguageIdentifier:
    """Rules plus (when trained) the n-gram classifier."""

    def __init__(self, model: LanguageModel | None = None) -> None:
        self.model = model

    def scores(self, text: str) -> dict[str, float]:
        """Return a probability per language, after the script rules."""
        probs = self.model.probabilities(text) if self.model else _marker_probabilities(text)
        if has_cyrillic(text):
            probs["en"] = 0.0
            if self.model:
                votes = marker_votes(text)
                for lang in ("ky", "ru"):
                    probs[lang] = probs.get(lang, 0.0) * math.exp(_MARKER_WEIGHT * votes[lang])
            if has_kyrgyz_letters(text):
                probs = {"ky": 1.0, "ru": 0.0, "en": 0.0}
        elif letter_count(text) and not any(ch.isascii() for ch in text if ch.isalpha()):
            probs = dict.fromkeys(LANGUAGES, 1 / len(LANGUAGES))
        total = sum(probs.values()) or 1.0
        return {lang: probs.get(lang, 0.0) / total for lang in LANGUAGES}

    def identify(self, text: str, hint: str | None = None) -> str:
        """Return "ky", "ru" or "en" for a message; `hint` decides only what text cannot."""
        hint = hint if hint in LANGUAGES else None
        text = text[:LANGUAGE_SAMPLE_CHARS]
        scores = self.scores(text)
        best = max(scores, key=lambda lang: scores[lang])
        letters = letter_count(normalize(text))
        if letters == 0:
            return hint or DEFAULT_LANGUAGE
        if hint is not None and scores[best] < _SURE:
            short = letters < _MIN_LETTERS or len(normalize(text).split()) <= 2
            if short and scores[hint] > 0.0:
                return hint
        return best


_default: LanguageIdentifier | None = None
_lock = threading.Lock()


def save(model: LanguageModel, path: Path = MODEL_PATH) -> None:
    """Write a trained language model to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path = MODEL_PATH) -> LanguageModel | None:
    """Read the trained language model, or None if there is none."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        model = pickle.load(handle)
    return model if isinstance(model, LanguageModel) else None


def train_from_data() -> LanguageModel | None:
    """Train a language model on nlu/data (None when there is no training data)."""
    from nlu.data import load_training

    examples = [e for e in load_training() if e.language in LANGUAGES]
    if len({e.language for e in examples}) < len(LANGUAGES):
        return None
    return LanguageModel.train([e.text for e in examples], [e.language for e in examples])


def default_identifier() -> LanguageIdentifier:
    """Return the process-wide identifier: saved model, else trained now, else rules only."""
    global _default
    with _lock:
        if _default is None:
            _default = LanguageIdentifier(load() or train_from_data())
        return _default


def set_default(identifier: LanguageIdentifier) -> None:
    """Use `identifier` for `identify` from now on (the parser installs its own)."""
    global _default
    with _lock:
        _default = identifier


def identify(text: str, hint: str | None = None) -> str:
    """Return "ky" | "ru" | "en" for `text`; `hint` is used only for very short/unclear text."""
    return default_identifier().identify(text, hint)
