"""Telling apart 'no date' from 'a date that cannot exist' in what the person typed."""

from __future__ import annotations

import re
from datetime import date

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
