"""Reading dates the person types, and telling apart 'no date' from 'a date that cannot exist'."""

from __future__ import annotations

import re
from datetime import date

from nlu.entities import extract
from nlu.types import Parse

NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")


def impossible_date(text: str) -> bool:
    """Return True when the text holds a numeric date that does not exist (31.02.2026)."""
    for day, month, year in NUMERIC_DATE.findall(text):
        full_year = int(year) + (2000 if len(year) == 2 else 0)
        try:
            date(full_year, int(month), int(day))
        except ValueError:
            return True
    return False


def dates_in(text: str, language: str, today: date, parse: Parse | None = None) -> list[date]:
    """Return the dates in a message, in the order written (the parser's, when it has run)."""
    entities = parse.entities if parse is not None else extract(text, language, today=today)
    found = []
    for entity in entities:
        if entity.entity == "date":
            try:
                found.append(date.fromisoformat(str(entity.value)))
            except ValueError:
                continue
    return found
