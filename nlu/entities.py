"""Entity extraction: date, number_of_days, region, country, money (ky/ru/en, any script).

Values are normalised: dates as ISO "YYYY-MM-DD", day counts as int, regions as keys of
`gazetteer.REGIONS`, countries as ISO-2 codes, money as {"amount": 800, "currency": "USD"}
(currency None when only "тысяч"/"миң" says it is money). A bare number is never read as a date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from nlu.gazetteer import COUNTRY_PATTERNS, REGION_PATTERNS, Gazetteer
from nlu.normalize import clip
from nlu.numbers import read_number
from nlu.tokens import Token, adjacent, compile_sequence, match_sequence, token_matches, tokenize
from nlu.types import Entity

# ---------------------------------------------------------------- money

_NUMBER = r"(?P<num>\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
_MULT = (
    r"(?P<mult>k|к|тыс\w*|tys\w*|tis\w*|thousand|thousands|миң\w*|мин|ming|min|млн|mln|"
    r"миллион\w*|million\w*|millon\w*)"
)
_CURRENCIES: dict[str, str] = {
    "USD": r"\$|usd|доллар\w*|долар\w*|долл\w*|дол|бакс\w*|dollar\w*|dolar\w*|doll|bucks?|baks\w*",
    "RUB": r"₽|руб\w*|rub\w*|rur|р\.?",
    "KGS": r"kgs|сом(?:ов|а|у|дон|го|ду|дук|дан|га|ко)?|som(?:ov|a|u|don|go|du|duk|dan|ga)?",
    "EUR": r"€|eur|евро|euro\w*|evro|yevro",
    "KZT": r"₸|тенге|tenge|kzt",
    "GBP": r"£|gbp|фунт\w*|funt\w*|pounds?",
}
_CUR = "|".join(f"(?P<{code}>{pattern})" for code, pattern in _CURRENCIES.items())
_END = r"(?![\w$€₽₸£])"
_MONEY_AFTER = re.compile(
    rf"(?<![\w.,]){_NUMBER}\s*(?:{_MULT}\.?\s*)?(?:{_CUR}){_END}", re.IGNORECASE
)
_MONEY_BEFORE = re.compile(rf"(?P<sign>[$€₽₸£])\s*{_NUMBER}(?:\s*{_MULT}{_END})?", re.IGNORECASE)
_MONEY_MULT_ONLY = re.compile(rf"(?<![\w.,]){_NUMBER}\s*{_MULT}{_END}", re.IGNORECASE)
_SIGNS = {"$": "USD", "€": "EUR", "₽": "RUB", "₸": "KZT", "£": "GBP"}
_MULTIPLIERS: tuple[tuple[str, int], ...] = (
    ("млн", 1_000_000),
    ("mln", 1_000_000),
    ("миллион", 1_000_000),
    ("million", 1_000_000),
    ("millon", 1_000_000),
)
_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+")


def _amount(number: str, mult: str | None) -> int | float:
    """Turn "40 000", "45,000", "1.5" (+ "k"/"тыс"/"миң"/"млн") into a number."""
    if _THOUSANDS.fullmatch(number):
        value: float = float(re.sub(r"\D", "", number))
    else:
        value = float(number.replace(",", "."))
    if mult:
        lowered = mult.lower()
        factor = next((f for prefix, f in _MULTIPLIERS if lowered.startswith(prefix)), 1000)
        value *= factor
    return int(value) if value == int(value) else round(value, 2)


def _money(text: str) -> Iterator[Entity]:
    """Yield money amounts with a currency word/sign, or with "тысяч"/"миң" alone."""
    for match in _MONEY_AFTER.finditer(text):
        currency = next(code for code in _CURRENCIES if match.group(code))
        amount = _amount(match.group("num"), match.group("mult"))
        if currency == "RUB" and match.group("RUB").lower().startswith("р") and amount < 10:
            continue
        yield Entity(
            "money",
            {"amount": amount, "currency": currency},
            match.group(),
            match.start(),
            match.end(),
        )
    for match in _MONEY_BEFORE.finditer(text):
        amount = _amount(match.group("num"), match.group("mult"))
        yield Entity(
            "money",
            {"amount": amount, "currency": _SIGNS[match.group("sign")]},
            match.group(),
            match.start(),
            match.end(),
        )
    for match in _MONEY_MULT_ONLY.finditer(text):
        mult = match.group("mult").lower()
        if mult in ("k", "к", "мин", "min"):
            continue
        amount = _amount(match.group("num"), match.group("mult"))
        yield Entity(
            "money",
            {"amount": amount, "currency": None},
            match.group(),
            match.start(),
            match.end(),
        )


# ---------------------------------------------------------------- dates

_MONTHS: dict[int, str] = {
    1: r"ianvar\w*|january|jan",
    2: r"fevral\w*|february|feb",
    3: r"mart\w*|march|mar",
    4: r"aprel\w*|april|apr",
    5: r"mai|maia|mae|maiu|maiga|maida|maidan|maidin|maiin|maiinda|may",
    6: r"iun\w*|june|jun",
    7: r"iul\w*|july|jul",
    8: r"avgust\w*|august|aug",
    9: r"sentiabr\w*|september|sept?",
    10: r"oktiabr\w*|october|oct",
    11: r"noiabr\w*|november|nov",
    12: r"dekabr\w*|december|dec",
}
_MONTH_PATTERNS = {number: re.compile(pattern) for number, pattern in _MONTHS.items()}
_ENGLISH_MONTH = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_ORDINAL = re.compile(r"go|e|i|th|st|nd|rd|chi|inchi|unchu|nchi|ichi|uchu")
_OF = re.compile(r"of")
_YEAR_WORD = re.compile(r"g|god\w*|jil\w*|jl|j|year")
_AGO = re.compile(r"nazad|murun|murda|ilgeri|ago")
_UNIT_DAYS = re.compile(r"kun\w*|den|dnia|dnei|day|days|dais|sutok|sutki")
_UNIT_WEEKS = re.compile(r"jum(a|ada|a?dan)?|nedel\w*|week|weeks|veek|veeks")
_UNIT_MONTHS = re.compile(r"ai|mesiac\w*|month|months")
_UNIT_YEARS = re.compile(r"jil\w*|god|goda|let|year|years|iear|iears")
_ONE = re.compile(r"a|an|одну|один|одна")

_RELATIVE_WORDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("day", "before", "iesterdai|yesterday"), -2),
    (("day", "after", "tomorov|tomorrow"), 2),
    (("murdagi", r"kun\w*"), -2),
    ((r"bugun\w*|segodnia|today|sevodnia|sigodnia",), 0),
    ((r"keche\w*|vchera|vchira|yesterday|iesterdai",), -1),
    (("pozavchera|burugunu|murdagi",), -2),
    ((r"erten\w*|zavtra|tomorrow|tomorov",), 1),
    (("poslezavtra|bursugunu",), 2),
)
_RELATIVE = sorted(
    ((compile_sequence(parts), days) for parts, days in _RELATIVE_WORDS),
    key=lambda entry: -len(entry[0]),
)
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_DMY = re.compile(
    r"(?<![\d.,/])(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)?\d{2})"
    r"(?![\d]|[.,/]\d)"
)
_DM = re.compile(r"(?<![\d.,/])(?P<d>\d{1,2})\.(?P<m>\d{2})(?![\d]|[.,/-]\d)")


NEAR_FUTURE_DAYS = 31
"""A date given without a year is the latest one not later than this many days from today."""


def _resolve_year(month: int, day: int, today: date) -> date | None:
    """Pick the year for day/month: the latest such date at most NEAR_FUTURE_DAYS ahead.

    People mostly give past dates (entry into Russia), sometimes a date in the coming weeks.
    """
    limit = today + timedelta(days=NEAR_FUTURE_DAYS)
    for year in (today.year + 1, today.year, today.year - 1, today.year - 2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def _make_date(year: int | None, month: int, day: int, today: date) -> date | None:
    """Build a date; a missing year is resolved relative to `today`."""
    if year is None:
        return _resolve_year(month, day, today)
    if year < 100:
        year += 2000 if year <= today.year % 100 + 1 else 1900
    if not 1950 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_dates(text: str, today: date) -> Iterator[Entity]:
    """Yield dates written with digits: 2025-03-15, 15.03.2025, 15/03/25, 15.03."""
    for pattern in (_ISO_DATE, _DMY, _DM):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            year = int(groups["y"]) if groups.get("y") else None
            value = _make_date(year, int(groups["m"]), int(groups["d"]), today)
            if value is not None:
                yield Entity("date", value.isoformat(), match.group(), match.start(), match.end())


def _dateparser_value(span: str, language: str, today: date) -> date | None:
    """Ask dateparser (for ru/en) what a date phrase means; None if it does not know."""
    import dateparser

    settings: Any = {
        "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
        "PREFER_DATES_FROM": "past",
        "STRICT_PARSING": False,
    }
    parsed = dateparser.parse(span, languages=[language], settings=settings)
    return parsed.date() if parsed else None


def _month_at(token: Token) -> int | None:
    """Return the month a token names, or None."""
    return next((m for m, p in _MONTH_PATTERNS.items() if token_matches(p, token)), None)


def _is_day(token: Token) -> bool:
    """Return True if a token is a day-of-month number."""
    return token.raw.isdecimal() and len(token.raw) <= 2 and 1 <= int(token.raw) <= 31


def _is_year(token: Token) -> bool:
    """Return True if a token is a four-digit year."""
    return token.raw.isdecimal() and len(token.raw) == 4 and token.raw[:2] in ("19", "20")


class _DateScanner:
    """Finds month-name dates and relative dates over the tokens of one message."""

    def __init__(self, text: str, tokens: Sequence[Token], language: str, today: date) -> None:
        self.text = text
        self.tokens = tokens
        self.language = language
        self.today = today

    def _next(self, index: int, pattern: re.Pattern[str]) -> bool:
        """Return True if tokens[index] exists, follows its neighbour and matches `pattern`."""
        tokens = self.tokens
        return (
            0 < index < len(tokens)
            and adjacent(self.text, tokens[index - 1], tokens[index])
            and token_matches(pattern, tokens[index])
        )

    def _emit(self, first: int, last: int, value: date) -> Entity:
        """Build a date entity spanning tokens first..last (inclusive)."""
        start, end = self.tokens[first].start, self.tokens[last].end
        return Entity("date", value.isoformat(), self.text[start:end], start, end)

    def _value(self, first: int, last: int, own: date | None, has_year: bool) -> date | None:
        """Prefer dateparser's reading for ru/en; keep our own year rule when none was given."""
        if self.language in ("ru", "en"):
            start, end = self.tokens[first].start, self.tokens[last].end
            parsed = _dateparser_value(self.text[start:end], self.language, self.today)
            if (
                parsed is not None
                and own is not None
                and (parsed.month, parsed.day) == (own.month, own.day)
            ):
                return parsed if has_year else own
            if parsed is not None and own is None:
                return parsed
        return own

    def day_month(self, index: int) -> tuple[Entity, int] | None:
        """Match "3 марта", "3-мартта", "2025-жылдын 3-марты", "the 5th of May 2024"."""
        tokens = self.tokens
        first = index
        lead_year: int | None = None
        if _is_year(tokens[index]):
            lead_year = int(tokens[index].raw)
            index += 1
            if self._next(index, _YEAR_WORD):
                index += 1
            if index >= len(tokens) or not adjacent(self.text, tokens[index - 1], tokens[index]):
                return None
        if not _is_day(tokens[index]):
            return None
        day = int(tokens[index].raw)
        index += 1
        if self._next(index, _ORDINAL):
            index += 1
        if self._next(index, _OF):
            index += 1
        if not (index < len(tokens) and adjacent(self.text, tokens[index - 1], tokens[index])):
            return None
        month = _month_at(tokens[index])
        if month is None:
            return None
        last = index
        year = lead_year
        if (
            year is None
            and index + 1 < len(tokens)
            and _is_year(tokens[index + 1])
            and adjacent(self.text, tokens[index], tokens[index + 1])
        ):
            year = int(tokens[index + 1].raw)
            last = index + 1
            if self._next(last + 1, _YEAR_WORD):
                last += 1
        own = _make_date(year, month, day, self.today)
        value = self._value(first, last, own, year is not None)
        return (self._emit(first, last, value), last + 1) if value else None

    def month_day(self, index: int) -> tuple[Entity, int] | None:
        """Match English order: "March 5", "Mar 5th, 2025"."""
        tokens = self.tokens
        if not _ENGLISH_MONTH.fullmatch(tokens[index].raw):
            return None
        month = _month_at(tokens[index])
        if month is None or not (index + 1 < len(tokens) and _is_day(tokens[index + 1])):
            return None
        if not adjacent(self.text, tokens[index], tokens[index + 1]):
            return None
        day = int(tokens[index + 1].raw)
        last = index + 1
        if self._next(last + 1, _ORDINAL):
            last += 1
        year = None
        if self._next(last + 1, re.compile(r"(19|20)\d\d")):
            last += 1
            year = int(tokens[last].raw)
        own = _make_date(year, month, day, self.today)
        value = self._value(index, last, own, year is not None)
        return (self._emit(index, last, value), last + 1) if value else None

    def relative_word(self, index: int) -> tuple[Entity, int] | None:
        """Match "кечээ", "вчера", "yesterday", "бүгүн", "позавчера", "эртең"."""
        for pattern, days in _RELATIVE:
            used = match_sequence(self.text, self.tokens, index, pattern)
            if used:
                own = self.today + timedelta(days=days)
                value = self._value(index, index + used - 1, own, True)
                return self._emit(index, index + used - 1, value or own), index + used
        return None

    def ago(self, index: int) -> tuple[Entity, int] | None:
        """Match "3 күн мурун", "3 дня назад", "a week ago", "неделю назад", "бир ай мурун"."""
        tokens = self.tokens
        number = read_number(tokens, index)
        if number is not None:
            count, used = number
        elif token_matches(_ONE, tokens[index]):
            count, used = 1, 1
        else:
            count, used = 1, 0
        unit_index = index + used
        if unit_index >= len(tokens) or (
            used and not adjacent(self.text, tokens[unit_index - 1], tokens[unit_index])
        ):
            return None
        if not self._next(unit_index + 1, _AGO):
            return None
        unit = tokens[unit_index]
        if token_matches(_UNIT_DAYS, unit):
            delta = relativedelta(days=count)
        elif token_matches(_UNIT_WEEKS, unit):
            delta = relativedelta(weeks=count)
        elif token_matches(_UNIT_MONTHS, unit):
            delta = relativedelta(months=count)
        elif token_matches(_UNIT_YEARS, unit):
            delta = relativedelta(years=count)
        else:
            return None
        if count > 3650:
            return None
        own = self.today - delta
        value = self._value(index, unit_index + 1, own, True)
        return self._emit(index, unit_index + 1, value or own), unit_index + 2

    def scan(self) -> Iterator[Entity]:
        """Yield every date found, left to right, without overlaps."""
        index = 0
        finders: tuple[Callable[[int], tuple[Entity, int] | None], ...] = (
            self.ago,
            self.day_month,
            self.month_day,
            self.relative_word,
        )
        while index < len(self.tokens):
            found = next((r for r in (f(index) for f in finders) if r is not None), None)
            if found is None:
                index += 1
                continue
            entity, index = found
            yield entity


# ---------------------------------------------------------------- day counts and places


def _day_counts(text: str, tokens: Sequence[Token]) -> Iterator[Entity]:
    """Yield day counts: "90 дней", "90 күн", "90-day", "девяносто дней", "toksan kun"."""
    index = 0
    while index < len(tokens):
        number = read_number(tokens, index)
        if number is None:
            index += 1
            continue
        value, used = number
        unit = index + used
        if (
            unit < len(tokens)
            and adjacent(text, tokens[unit - 1], tokens[unit])
            and token_matches(_UNIT_DAYS, tokens[unit])
            and not (unit + 1 < len(tokens) and token_matches(_AGO, tokens[unit + 1]))
            and 0 < value <= 3650
        ):
            start, end = tokens[index].start, tokens[unit].end
            yield Entity("number_of_days", value, text[start:end], start, end)
            index = unit + 1
        else:
            index += used


def _places(
    text: str,
    tokens: Sequence[Token],
    places: Gazetteer,
    name: str,
) -> Iterator[Entity]:
    """Yield gazetteer matches (regions or countries) over the tokens."""
    index = 0
    while index < len(tokens):
        if not places.may_start(tokens[index]):
            index += 1
            continue
        for value, pattern in places.entries:
            used = match_sequence(text, tokens, index, pattern)
            if used:
                start, end = tokens[index].start, tokens[index + used - 1].end
                yield Entity(name, value, text[start:end], start, end)
                index += used
                break
        else:
            index += 1


# ---------------------------------------------------------------- assembly


def _lower_same_length(text: str) -> str:
    """Lower-case `text` without changing its length (so offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _non_overlapping(groups: Sequence[Sequence[Entity]]) -> tuple[Entity, ...]:
    """Keep entities in priority order (earlier groups first), dropping overlapping ones."""
    kept: list[Entity] = []
    for group in groups:
        for entity in sorted(group, key=lambda e: (e.start, -(e.end - e.start))):
            if all(entity.end <= k.start or entity.start >= k.end for k in kept):
                kept.append(entity)
    return tuple(sorted(kept, key=lambda e: e.start))


def extract(text: str, language: str, today: date | None = None) -> tuple[Entity, ...]:
    """Extract every entity from a message; `today` anchors relative dates (default: today)."""
    text = clip(text)
    today = today or date.today()
    lowered = _lower_same_length(text)
    tokens = tokenize(text)
    money = list(_money(lowered))
    dates = [*_numeric_dates(lowered, today), *_DateScanner(text, tokens, language, today).scan()]
    days = list(_day_counts(text, tokens))
    regions = list(_places(text, tokens, REGION_PATTERNS, "region"))
    countries = list(_places(text, tokens, COUNTRY_PATTERNS, "country"))
    return _non_overlapping([money, dates, days, regions, countries])
