"""Text normalisation for matching: one comparable form for Cyrillic, Latin-typed and mixed text.

Three views of a message are used by the classifier, the language identifier and the safety
lexicon:

- `normalize`: lower-case, NFKC, no zero-width/control characters, apostrophes dropped
  ("b'yut" -> "byut", "won't" -> "wont"), other punctuation turned into spaces, letters
  repeated three or more times collapsed ("помогитеее" -> "помогите").
- `fold`: `normalize` plus Kyrgyz-specific letters mapped to the Russian letters people type
  instead (ң->н, ө->о, ү->у, ё->е), so Kyrgyz typed on a Russian keyboard matches.
- `skeleton`: a Latin consonant-and-vowel skeleton reached from both Cyrillic and Latin typing
  ("россияга кирүүгө тыюу" and "rossiyaga kiruugo tyiuu" both give "rosiiaga kirugo tiu").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_CHARS = 1000
"""Only the first MAX_CHARS characters of a message are parsed."""

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)
_KY_FOLD = str.maketrans({"ң": "н", "ө": "о", "ү": "у", "ё": "е", "һ": "х", "қ": "к", "ғ": "г"})
_APOSTROPHES = frozenset("'’ʼ`´")
_REPEATS = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s+")

_CYR_TO_LAT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "қ": "k",
    "ғ": "g",
    "һ": "h",
    "ә": "a",
    "і": "i",
}
_CYR_TABLE = str.maketrans(_CYR_TO_LAT)
# Latin letters with diacritics that carry a digraph in the skeleton (Turkish-style typing).
_LAT_SPECIAL = str.maketrans({"ş": "sh", "ç": "ch", "ı": "i", "ñ": "n", "ə": "a"})
# Ordered rewrites that bring the many Latin spellings of one sound together.
_LAT_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch|sch", "sh"),
        (r"zh|dzh|dj", "j"),
        (r"kh", "h"),
        (r"ts", "c"),
        (r"x", "h"),
        (r"q", "k"),
        (r"w", "v"),
        (r"ng\b|ng(?=[^aeiouy])", "n"),
        (r"y(?=[aeiou])", "i"),
        (r"y", "i"),
        (r"(.)\1+", r"\1"),
    )
)


def clip(text: str) -> str:
    """Return the part of `text` that is parsed (the first MAX_CHARS characters)."""
    return text[:MAX_CHARS]


def _keep(ch: str) -> str:
    """Map one character to itself if it carries meaning for matching, else to a space."""
    if ch in _APOSTROPHES:
        return ""
    category = unicodedata.category(ch)
    if category[0] in "LN" or category == "So" or ch in "$€₽₸+":
        return ch
    if category[0] == "C":
        return ""
    return " "


def normalize(text: str) -> str:
    """Lower-case, NFKC, drop invisible characters, punctuation to spaces, squeeze repeats."""
    text = unicodedata.normalize("NFKC", clip(text)).translate(_ZERO_WIDTH).lower()
    text = "".join(_keep(ch) for ch in text)
    text = _REPEATS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Return `normalize(text)` with Kyrgyz letters folded to the Russian letters typed instead."""
    return normalize(text).translate(_KY_FOLD)


@lru_cache(maxsize=8192)
def _latin_skeleton(word: str) -> str:
    """Reduce one Latin-letter word to its skeleton (cached: words come back, whole texts are
    not kept)."""
    word = word.translate(_LAT_SPECIAL)
    word = "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )
    for pattern, replacement in _LAT_REWRITES:
        word = pattern.sub(replacement, word)
    return word


def skeleton(text: str) -> str:
    """Return the Latin skeleton of `text`, the same for Cyrillic and Latin-typed spellings."""
    words = normalize(text).translate(_CYR_TABLE).split(" ")
    return " ".join(w for w in (_latin_skeleton(word) for word in words) if w)


def has_cyrillic(text: str) -> bool:
    """Return True if `text` contains at least one Cyrillic letter."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def letter_count(text: str) -> int:
    """Count the letters in `text`."""
    return sum(1 for ch in text if ch.isalpha())


def views(text: str) -> dict[str, str]:
    """The views the n-gram features are computed over: folded text and skeleton."""
    return {"folded": fold(text), "skeleton": skeleton(text)}
