"""Numbers in answer texts: the digit groups a reader sees, and what looks like a phone."""

from __future__ import annotations

import re

_HREF = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_ENUMERATOR = re.compile(r"(?m)^\s*\d{1,2}[.)]\s")
_GROUP = re.compile(r"\d+")
# +7 925 115 50 47 · 08000 121 700 · 1577-0071 · 66-01-07 · 116 16 · 1577-1366
_PHONE = re.compile(r"(?<![\d.,:])(\+?\d{1,5}(?:[ -]\d{1,5})+|\+\d{3,15})(?!\d|[.,:]\d)")
_YEAR = re.compile(r"^(19|20)\d\d$")


def visible_text(text: str) -> str:
    """Return a text without link targets and bare URLs (their digits are not read)."""
    return _URL.sub(" ", _HREF.sub(" ", text))


_ROUND_THE_CLOCK = re.compile(r"\b24/7\b|\b24 (?:hours|саат)\b")


def digit_groups(text: str) -> set[str]:
    """Return the digit groups a reader sees, leaving out list numbers ("1. ", "2) ") and
    "24/7" (Russian writes it as a word, «круглосуточно»)."""
    text = _ROUND_THE_CLOCK.sub(" ", _ENUMERATOR.sub(" ", visible_text(text)))
    return set(_GROUP.findall(text))


def _is_thousands(groups: list[str]) -> bool:
    return len(groups) >= 2 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def phone_numbers(text: str) -> list[str]:
    """Return the numbers in a text that read as phone numbers, as digits only.

    A phone is an international number (+...) or several digit groups joined by spaces or
    dashes that are neither a thousands-grouped amount (30 000) nor a span of years.
    Single short codes (112, 1345) cannot be told from other numbers and are not returned.
    """
    found = []
    for match in _PHONE.finditer(visible_text(text)):
        raw = match.group(1).strip()
        groups = re.split(r"[ -]", raw.lstrip("+"))
        if not raw.startswith("+"):
            if len(groups) == 2 and all(len(g) <= 2 for g in groups):
                continue  # a range: 2-3 days, 12-18 months
            if _is_thousands(groups) and not raw.startswith("0"):
                continue
            if all(_YEAR.match(g) for g in groups) or (
                    "-" not in raw and any(_YEAR.match(g) for g in groups)):
                continue
            if "-" not in raw and not raw.startswith("0") and len(groups[-1]) > 2:
                continue  # "4 315", "225 contracts": words between numbers, not a phone
        found.append(re.sub(r"\D", "", raw))
    return found


def known_number(digits: str, known: set[str]) -> bool:
    """Return True when a phone's digits match a known number, in national or E.164 form."""
    if digits in known:
        return True
    national = digits.lstrip("0")
    return len(national) >= 7 and any(k.endswith(national) for k in known)
