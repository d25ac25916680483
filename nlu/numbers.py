"""Numbers written as words (ky/ru/en, also Latin-typed), for day counts and "N days ago"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlu.normalize import skeleton
from nlu.tokens import Token

_UNITS = {
    # Russian
    "один": 1,
    "одна": 1,
    "одну": 1,
    "одного": 1,
    "два": 2,
    "две": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "тринадцать": 13,
    "четырнадцать": 14,
    "пятнадцать": 15,
    "шестнадцать": 16,
    "семнадцать": 17,
    "восемнадцать": 18,
    "девятнадцать": 19,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
    "девяносто": 90,
    "сто": 100,
    "двести": 200,
    "триста": 300,
    "четыреста": 400,
    "пятьсот": 500,
    # Kyrgyz ("он" = 10 is handled apart: in Latin letters it is the English "on")
    "бир": 1,
    "эки": 2,
    "үч": 3,
    "төрт": 4,
    "беш": 5,
    "алты": 6,
    "жети": 7,
    "сегиз": 8,
    "тогуз": 9,
    "жыйырма": 20,
    "отуз": 30,
    "кырк": 40,
    "элүү": 50,
    "алтымыш": 60,
    "жетимиш": 70,
    "сексен": 80,
    "токсон": 90,
    # English
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_HUNDRED = {"hundred", "жүз", "жуз", "juz", "jüz"}
_JOINERS = {"and", "и"}

WORD_VALUES: dict[str, int] = {}
for _word, _value in _UNITS.items():
    WORD_VALUES[_word] = _value
    WORD_VALUES.setdefault(skeleton(_word), _value)
WORD_VALUES["он"] = 10
WORD_VALUES.pop("on", None)


_KY_UNITS = frozenset({"бир", "эки", "үч", "төрт", "беш", "алты", "жети", "сегиз", "тогуз"})
_KY_UNIT_SKELETONS = frozenset(skeleton(word) for word in _KY_UNITS)
_KY_AFTER_ON = re.compile(r"kun\w*|ai(dan|ga|da)?|jil\w*|juma\w*|saat\w*")


def _latin_on(tokens: Sequence[Token], index: int) -> bool:
    """True when Latin "on" is the Kyrgyz ten: "on kun", "on bir ai" (not English "on")."""
    if tokens[index].raw != "on" or index + 1 >= len(tokens):
        return False
    after = tokens[index + 1]
    return after.skel in _KY_UNIT_SKELETONS or _KY_AFTER_ON.fullmatch(after.skel) is not None


def _value(token: Token) -> int | None:
    """Return the value of one number token (digits or a number word)."""
    if token.raw.isdecimal():
        return int(token.raw) if len(token.raw) <= 6 else None
    return WORD_VALUES.get(token.raw, WORD_VALUES.get(token.skel))


def read_number(tokens: Sequence[Token], index: int) -> tuple[int, int] | None:
    """Read a number at `tokens[index]`: (value, tokens used), or None if there is none.

    Digits are one token; words combine ("сто восемьдесят", "жүз сексен", "one hundred and
    eighty").
    """
    if index >= len(tokens):
        return None
    first = tokens[index]
    if first.raw.isdecimal():
        value = _value(first)
        return (value, 1) if value is not None else None
    total = 0
    used = 0
    seen_number = False
    while index + used < len(tokens):
        token = tokens[index + used]
        if token.raw in _HUNDRED or token.skel in _HUNDRED:
            total = max(total, 1) * 100
            seen_number = True
        elif seen_number and token.raw in _JOINERS:
            pass
        elif token.raw == "on" and _latin_on(tokens, index + used):
            total += 10
            seen_number = True
        else:
            value = None if token.raw.isdecimal() else _value(token)
            if value is None:
                break
            total += value
            seen_number = True
        used += 1
    while used and (tokens[index + used - 1].raw in _JOINERS):
        used -= 1
    return (total, used) if seen_number else None
