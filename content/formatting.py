"""Dates and numbers written the way each language writes them (Babel/CLDR)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal


def format_date(value: date, language: str) -> str:
    """Return a long, human date: '5 March 2026', '5 марта 2026 г.', '2026-ж., 5-март'."""
    return babel_format_date(value, format="long", locale=language)


def format_number(value: int | float, language: str) -> str:
    """Return a number with the language's grouping: '12,345' / '12 345'."""
    return format_decimal(value, locale=language)
