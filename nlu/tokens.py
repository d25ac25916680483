"""Word tokens with character offsets and their skeletons, and matching of token sequences.

Gazetteers (regions, countries, month names, relative-date words) are written as sequences of
regular expressions over token skeletons, so "Россияга", "Rossiyaga" and "росии" all meet one
pattern, and inflected forms are covered by the suffix part of each expression.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlu.normalize import skeleton

_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_GAP = re.compile(r"[\s\-–—,.'’/]{0,3}")


@dataclass(frozen=True)
class Token:
    """One word or number of a message: its span, its lower-case text and its skeleton."""

    start: int
    end: int
    raw: str
    skel: str


@lru_cache(maxsize=4096)
def _skel(word: str) -> str:
    """Return the skeleton of one word (cached: the same words come back often)."""
    return skeleton(word)


def tokenize(text: str) -> list[Token]:
    """Split `text` into word and number tokens with offsets into `text`."""
    out: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group().lower()
        out.append(Token(match.start(), match.end(), raw, raw if raw.isdigit() else _skel(raw)))
    return out


def compile_sequence(parts: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """Compile one token-sequence pattern (one expression per token)."""
    return tuple(re.compile(part) for part in parts)


def token_matches(pattern: re.Pattern[str], token: Token) -> bool:
    """Return True if the token's skeleton or its raw lower-case text matches `pattern`."""
    return bool(pattern.fullmatch(token.skel) or pattern.fullmatch(token.raw))


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Return True if only a short run of spaces/hyphens/punctuation separates two tokens."""
    return _GAP.fullmatch(text, left.end, right.start) is not None


def match_sequence(
    text: str, tokens: Sequence[Token], index: int, pattern: Sequence[re.Pattern[str]]
) -> int:
    """Return how many tokens `pattern` covers starting at `index` (0 if it does not match)."""
    if index + len(pattern) > len(tokens):
        return 0
    for offset, part in enumerate(pattern):
        token = tokens[index + offset]
        if offset and not adjacent(text, tokens[index + offset - 1], token):
            return 0
        if not token_matches(part, token):
            return 0
    return len(pattern)
