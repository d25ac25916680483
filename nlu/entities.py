"""Entity extraction: date, number_of_days, duration, region, city, country, money (ky/ru/en).

Values are normalised: dates as ISO "YYYY-MM-DD", day counts as int, durations as
{"count": 5, "unit": "month", "days": 152} (unit "week" | "month" | "year" | "day"), regions as
keys of `gazetteer.REGIONS`, cities as keys of `gazetteer.CITIES` (each city also gives a
`country` entity over the same span, flagged "from_city"), countries as ISO-2 codes, money as
{"amount": 800, "currency": "USD"} (currency None when only "тысяч"/"миң" says it is money).
A bare number is never read as a date.

Date flags (`Entity.flags`): "no_year" (the year was inferred: the latest such date not after
today, or the next one in a clause about the future), "traditional_month" (a traditional Kyrgyz
month name, whose mapping is disputed: confirm it), "month_only" (no day: the 1st is given),
"relative" (вчера, 3 months ago, since January), and at most one role from cue words in the
same clause: "entry", "exit", "contract_end", "contract_start".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from nlu.gazetteer import (
    CITY_CUE_AFTER,
    CITY_CUE_BEFORE,
    CITY_CUED_PATTERNS,
    CITY_NAMED_PATTERNS,
    CITY_PATTERNS,
    COUNTRY_PATTERNS,
    REGION_PATTERNS,
    Gazetteer,
    city_country,
)
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
    1: r"(i|j)anvar\w*|january|jan",
    2: r"fevral\w*|february|feb",
    3: r"mart\w*|march|mar",
    4: r"aprel\w*|april|apr",
    5: r"mai|maia|mae|maiu|maiga|maida|maidan|maidin|maiin|maiinda|mainin|mainda|mai(n)?dagi|may",
    6: r"iun\w*|june|jun",
    7: r"iul\w*|july|jul",
    8: r"avgust\w*|august|aug",
    9: r"sent(i)?abr\w*|september|sept?",
    10: r"okt(i)?abr\w*|october|oct",
    11: r"no(i)?abr\w*|november|nov",
    12: r"dekabr\w*|december|dec",
}
_MONTH_PATTERNS = {number: re.compile(pattern) for number, pattern in _MONTHS.items()}
_ANY_MONTH = re.compile("|".join(f"(?:{pattern})" for pattern in _MONTHS.values()))
_AI = r"ai\w*"
_TRADITIONAL_MONTHS: tuple[tuple[int, tuple[str, ...]], ...] = (
    # shared/domain/facts.md 11.9: the most common match; sources disagree, so it is flagged.
    (1, (r"uchtun", _AI)),
    (2, (r"birdin", _AI)),
    (3, (r"jalgan", r"kuran\w*")),
    (4, (r"chin", r"kuran\w*")),
    (5, (r"bugu", _AI)),
    (6, (r"kulja", _AI)),
    (7, (r"teke", _AI)),
    (8, (r"bash", r"o?ona\w*")),
    (8, (r"bashoona\w*|bashona\w*",)),
    (9, (r"aiak", r"o?ona\w*")),
    (9, (r"aiakoona\w*|aiakona\w*",)),
    (10, (r"toguzdun", _AI)),
    (11, (r"jetinin", _AI)),
    (12, (r"beshtin", _AI)),
)
_TRADITIONAL = tuple((month, compile_sequence(parts)) for month, parts in _TRADITIONAL_MONTHS)
_TRADITIONAL_FIRST = re.compile("|".join(f"(?:{parts[0]})" for _, parts in _TRADITIONAL_MONTHS))
_ENGLISH_MONTH = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_ENGLISH_ABBREVIATION = re.compile(r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")
_ORDINAL = re.compile(r"go|e|i|th|st|nd|rd|chi|inchi|unchu|nchi|ichi|uchu")
# After the day when the month comes first: "ноябрдын 25инде", "мартын 5-күнү", "March 5th".
_DAY_SUFFIX = re.compile(
    r"go|e|i|u|th|st|nd|rd|inde|nde|unde|inda|nda|unda|sinde|sinda|sunda|ne|na|in|un|si|su|"
    r"indegi|ndegi|kunu|kuni|chi|inchi|nchi|unchu"
)
_OF = re.compile(r"of")
_YEAR_WORD = re.compile(r"g|god\w*|jil\w*|jl|j|year")
_AGO = re.compile(r"nazad|murun|murda|ilgeri|ago")
_SINCE_BEFORE = re.compile(r"since|from|s|so|c")
_SINCE_AFTER = re.compile(r"beri|bashtap")
_UNIT_DAYS = re.compile(r"kun\w*|den|dnia|dnei|day|days|dais|sutok|sutki")
_UNIT_WEEKS = re.compile(r"jum(a|ada|a?dan|aga)?|nedel\w*|week|weeks|veek|veeks")
_UNIT_MONTHS = re.compile(r"ai(dan|ga|da|din|dai)?|mesiac\w*|mes|month|months")
_UNIT_YEARS = re.compile(r"jil(dan|ga|da|din|dai)?|god|goda|let|year|years|iear|iears")
_HALF_YEAR = (
    compile_sequence((r"polgoda",)),
    compile_sequence((r"pol", r"goda")),
    compile_sequence((r"jarim", r"jil\w*")),
    compile_sequence((r"half", r"a", r"year")),
    compile_sequence((r"half", r"year")),
)
_YEAR_AND_HALF = (
    compile_sequence((r"poltora", r"goda|god")),
    compile_sequence((r"bir", r"jarim", r"jil\w*")),
)
_ENGLISH_UNIT = re.compile(r"weeks?|months?|years?")
_HALF_FIRST = re.compile(r"polgoda|pol|jarim|half|poltora|bir")
_ONE = re.compile(r"a|an|одну|один|одна")
_BARE_UNIT_CUE = re.compile(r"uje|already|for|pochti|almost|okolo|about|celii|celiu")
_AGE_BEFORE = re.compile(r"mne|emu|ei|im|nam|sin(u|a)|doch\w*|brat\w*|sestr\w*|rebenk\w*|vnuk\w*")
_UNIT_NOUN_AFTER = re.compile(
    r"kun\w*|den|dnia|dnei|day|days|jum\w*|nedel\w*|week\w*|ai|mesiac\w*|month\w*|jil\w*|god\w*|"
    r"let|year\w*|chas\w*|saat\w*|hour\w*|minut\w*|chelov\w*|kishi\w*|people|persons?|sht|"
    r"litr\w*|kg|kilo\w*|tonn\w*|metr\w*|raz|jolu|times?"
)

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
_RELATIVE_FIRST = re.compile("|".join(f"(?:{parts[0]})" for parts, _ in _RELATIVE_WORDS))
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_DMY = re.compile(
    r"(?<![\d.,/])(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)?\d{2})"
    r"(?![\d]|[.,/]\d)"
)
_DM = re.compile(r"(?<![\d.,/])(?P<d>\d{1,2})\.(?P<m>\d{2})(?![\d]|[.,/-]\d)")

# ------------------------------------------------ date cue words (role, tense) per clause

_ROLE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern))
    for role, pattern in (
        (
            "entry",
            r"zaeh\w*|zaezd\w*|prieh\w*|priezd\w*|prilet\w*|pribil\w*|peresek\w*|veh(a|e)\w*|"
            r"vezd\w*|въех\w*|въезд\w*|keldi\w*|kelgem\w*|kelgen\w*|kelip|kirdi\w*|kirgem\w*|"
            r"kirgen\w*|kirip\w*|arrived?|arrival|entered|enter|entry|came|come|landed|crossed",
        ),
        (
            "exit",
            r"выех\w*|выезд\w*|ueh(a|e)\w*|ulet\w*|pokinul\w*|vilet\w*|chiktim|chikti\w*|"
            r"chikkam|chikkan\w*|chigip|kettim|ketti\w*|ketken\w*|kaitti\w*|uezja\w*|uedu|ketem\w*|"
            r"chigam\w*|left|leave|leaving|exited|exit|"
            r"departed|departure|flew",
        ),
    )
)
_CONTRACT = re.compile(r"dogovor\w*|kontrakt\w*|contract\w*|kelishim\w*|trudov\w*")
_CONTRACT_END = re.compile(
    r"zakonch\w*|konchil\w*|konchaet\w*|konchic\w*|istek\w*|istech\w*|okonch\w*|"
    r"rastorg\w*|prekrat\w*|end|ended|ends|ending|expired?|expires|finished|over|terminated|"
    r"but(u|i|ot|kon|ken|up|tu|ti)\w*|aiakta\w*"
)
_CONTRACT_START = re.compile(
    r"podpisal\w*|podpisan\w*|zakliuch\w*|nachal\w*|signed|sign|started|start|starts|began|"
    r"begins?|tuzdu\w*|tuzgom|tuzgon\w*|tuzul\w*|koidum|koiduk|bashtal\w*"
)
_FUTURE = re.compile(
    r"budu|budet|uedu|uezjaiu|uezjaem|poedu|poedem|polechu|vernus\w*|sobiraius\w*|"
    r"planiru\w*|zakonchic\w*|konchic\w*|istekaet|istechet|zakanchivaet\w*|deistvuet|"
    r"deistvitelen|will|ll|going|plan\w*|planning|expires|ends|until|till|valid|next|ketem\w*|"
    r"baram\w*|chigam\w*|kelem\w*|butot|butet|aiaktait|chein|kelerki|kelesi|can|could|want\w*|"
    r"hochu|hotim|hoch\w*|mojno|kelsem|kirsem|barsam|ketsem|chiksam|kaalaim"
)
# Past tense in ru (-л, -ла, -лся), ky (-дым, -ды, -ган, -гем) and en (-ed): the nearest verb
# decides whether a year-less date is read back or ahead.
_PAST = re.compile(
    r"\w{2,}(al|il|el|ol|ul|la|lo|li|lsia|las|lis)|\w{2,}(dim|dum|tim|tum|dik|duk|tik|tuk)|"
    r"\w{2,}(gem|gom|kem|kom|gan|gen|kan|ken|gon|kon|di|du|ti|tu)|\w{2,}ed|was|were|came|left|got|had"
)
_CONJUNCTIONS = frozenset(
    {"и", "а", "но", "или", "потом", "затем", "жана", "анан", "and", "but", "then", "or", "jana"}
    | {"anan", "potom", "zatem"}
)
_SENTENCE_GAP = re.compile(r"[!?;\n]|\.(?!\d)")
_CLAUSE_GAP = re.compile(r"[,:()\u2014\u2013]|\s-\s")


class _Clauses:
    """Clause and sentence of each token, and the cue words of each clause (for dates)."""

    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.clause: list[int] = []
        self.sentence: list[int] = []
        clause = sentence = 0
        for index, token in enumerate(tokens):
            if index:
                gap = text[tokens[index - 1].end : token.start]
                digits = tokens[index - 1].raw.isdigit() and token.raw.isdigit()
                if _SENTENCE_GAP.search(gap) and not digits:
                    sentence += 1
                    clause += 1
                elif (_CLAUSE_GAP.search(gap) and not digits) or token.raw in _CONJUNCTIONS:
                    clause += 1
            self.clause.append(clause)
            self.sentence.append(sentence)
        self._starts = [token.start for token in tokens]
        self._tenses: dict[int, str | None] = {}
        self._cue_cache: dict[tuple[int, int], list[tuple[int, str]]] = {}

    def token_at(self, position: int) -> int:
        """Index of the token that holds character `position` (or the one before it)."""
        return max(0, bisect_right(self._starts, position) - 1)

    def _members(self, ids: list[int], index: int) -> range:
        """The token indexes sharing ids[index] (clause or sentence); ids only grow."""
        return range(bisect_left(ids, ids[index]), bisect_right(ids, ids[index]))

    def _tense(self, index: int) -> str | None:
        """ "future", "past" or None for one token (cached)."""
        if index not in self._tenses:
            token = self.tokens[index]
            if token_matches(_FUTURE, token):
                tense: str | None = "future"
            elif token_matches(_PAST, token) and not token_matches(_ANY_MONTH, token):
                tense = "past"
            else:
                tense = None
            self._tenses[index] = tense
        return self._tenses[index]

    def future(self, start: int, end: int) -> bool:
        """True when the verb nearest to the date at start..end in its clause is in the future
        ("уезжаю 10 апреля", "will end", "кетем"); "5-майда кирдим, качан чыгам" stays past."""
        if not self.tokens:
            return False
        first, last = self.token_at(start), self.token_at(max(start, end - 1))
        best: tuple[int, int] | None = None
        for i in self._members(self.clause, first):
            if first <= i <= last:
                continue
            tense = self._tense(i)
            if tense is None:
                continue
            distance = min(abs(i - first), abs(i - last))
            rank = (distance, 0 if tense == "past" else 1)
            if best is None or rank < best:
                best = rank
        return best is not None and best[1] == 1

    def _cues(self, members: range) -> list[tuple[int, str]]:
        """(token index, role) of every role cue word among `members` (cached)."""
        key = (members.start, members.stop)
        if key not in self._cue_cache:
            self._cue_cache[key] = self._find_cues(members)
        return self._cue_cache[key]

    def _find_cues(self, members: range) -> list[tuple[int, str]]:
        """(token index, role) of every role cue word among `members`."""
        tokens = self.tokens
        contract = any(token_matches(_CONTRACT, tokens[i]) for i in members)
        found: list[tuple[int, str]] = []
        for i in members:
            if contract and token_matches(_CONTRACT_END, tokens[i]):
                found.append((i, "contract_end"))
            elif contract and token_matches(_CONTRACT_START, tokens[i]):
                found.append((i, "contract_start"))
            else:
                role = next((r for r, p in _ROLE_CUES if token_matches(p, tokens[i])), None)
                if role:
                    found.append((i, role))
        return found

    def role(self, start: int, end: int, dates_in_sentence: int) -> str | None:
        """The role of a date at start..end: the nearest cue word in its clause, else in its
        sentence when that holds no other date."""
        if not self.tokens:
            return None
        first, last = self.token_at(start), self.token_at(max(start, end - 1))
        cues = self._cues(self._members(self.clause, first))
        if not cues and dates_in_sentence == 1:
            cues = self._cues(self._members(self.sentence, first))
        cues = [(i, r) for i, r in cues if not first <= i <= last]
        if not cues:
            return None
        return min(cues, key=lambda cue: min(abs(cue[0] - first), abs(cue[0] - last)))[1]


def _resolve_year(month: int, day: int, today: date, future: bool = False) -> date | None:
    """Pick the year for a day and month given without one.

    People mostly give past dates (entry, a contract's end): the latest such date not after
    today (for 29 February, the latest one that existed). In a clause about the future
    ("уезжаю 10 апреля", "will end on 5 May") the next such date from today.
    """
    years = range(today.year, today.year + 2) if future else range(today.year, today.year - 9, -1)
    for year in years:
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if (candidate >= today) if future else (candidate <= today):
            return candidate
    return None


def _make_date(
    year: int | None, month: int, day: int, today: date, future: bool = False
) -> date | None:
    """Build a date; a missing year is resolved relative to `today`."""
    if year is None:
        return _resolve_year(month, day, today, future)
    if year < 100:
        year += 2000 if year <= today.year % 100 + 1 else 1900
    if not 1950 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_dates(text: str, today: date, clauses: _Clauses) -> Iterator[Entity]:
    """Yield dates written with digits: 2025-03-15, 15.03.2025, 15/03/25, 15.03."""
    for pattern in (_ISO_DATE, _DMY, _DM):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            year = int(groups["y"]) if groups.get("y") else None
            future = year is None and clauses.future(match.start(), match.end())
            value = _make_date(year, int(groups["m"]), int(groups["d"]), today, future)
            if value is not None:
                flags = ("no_year",) if year is None else ()
                yield Entity(
                    "date", value.isoformat(), match.group(), match.start(), match.end(), flags
                )


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
    if not token_matches(_ANY_MONTH, token):
        return None
    if _ENGLISH_ABBREVIATION.fullmatch(token.skel) and not _ENGLISH_MONTH.fullmatch(token.raw):
        return None  # "жан" (soul) has the skeleton of "jan", "now" that of "nov"
    return next((m for m, p in _MONTH_PATTERNS.items() if token_matches(p, token)), None)


def _is_day(token: Token) -> bool:
    """Return True if a token is a day-of-month number."""
    return token.raw.isdecimal() and len(token.raw) <= 2 and 1 <= int(token.raw) <= 31


def _is_year(token: Token) -> bool:
    """Return True if a token is a four-digit year."""
    return token.raw.isdecimal() and len(token.raw) == 4 and token.raw[:2] in ("19", "20")


class _DateScanner:
    """Finds month-name dates and relative dates over the tokens of one message."""

    def __init__(
        self,
        text: str,
        tokens: Sequence[Token],
        language: str,
        today: date,
        clauses: _Clauses,
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.language = language
        self.today = today
        self.clauses = clauses

    def _next(self, index: int, pattern: re.Pattern[str]) -> bool:
        """Return True if tokens[index] exists, follows its neighbour and matches `pattern`."""
        tokens = self.tokens
        return (
            0 < index < len(tokens)
            and adjacent(self.text, tokens[index - 1], tokens[index])
            and token_matches(pattern, tokens[index])
        )

    def _prev(self, index: int, pattern: re.Pattern[str]) -> bool:
        """Return True if tokens[index - 1] exists, touches tokens[index] and matches."""
        tokens = self.tokens
        return (
            0 < index < len(tokens)
            and adjacent(self.text, tokens[index - 1], tokens[index])
            and token_matches(pattern, tokens[index - 1])
        )

    def _emit(self, first: int, last: int, value: date, flags: tuple[str, ...] = ()) -> Entity:
        """Build a date entity spanning tokens first..last (inclusive)."""
        start, end = self.tokens[first].start, self.tokens[last].end
        return Entity("date", value.isoformat(), self.text[start:end], start, end, flags)

    def _date(self, year: int | None, month: int, day: int, first: int, last: int) -> date | None:
        """Make a date; without a year, the tense of the nearest verb picks past or future."""
        start, end = self.tokens[first].start, self.tokens[last].end
        future = year is None and self.clauses.future(start, end)
        return _make_date(year, month, day, self.today, future)

    def _value(self, first: int, last: int, own: date | None) -> date | None:
        """Our own reading; dateparser (ru/en) only for a phrase we could not read ourselves.

        (Where both read a phrase they agree, and dateparser costs about a millisecond a call.)
        """
        if own is None and self.language in ("ru", "en"):
            start, end = self.tokens[first].start, self.tokens[last].end
            return _dateparser_value(self.text[start:end], self.language, self.today)
        return own

    def _traditional_at(self, index: int) -> tuple[int, int] | None:
        """(month, tokens used) when a traditional Kyrgyz month name starts at `index`."""
        if index >= len(self.tokens) or not token_matches(_TRADITIONAL_FIRST, self.tokens[index]):
            return None
        for month, pattern in _TRADITIONAL:
            used = match_sequence(self.text, self.tokens, index, pattern)
            if used:
                return month, used
        return None

    def _unit_follows(self, index: int) -> bool:
        """True when tokens[index] is a unit or counted noun ("5 күн", "5 people")."""
        return self._next(index, _UNIT_NOUN_AFTER)

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
        flags: tuple[str, ...] = ()
        month = _month_at(tokens[index])
        last = index
        if month is None:
            traditional = self._traditional_at(index)
            if traditional is None:
                return None
            month, used = traditional
            last = index + used - 1
            flags = ("traditional_month",)
        year = lead_year
        if (
            year is None
            and last + 1 < len(tokens)
            and _is_year(tokens[last + 1])
            and adjacent(self.text, tokens[last], tokens[last + 1])
        ):
            year = int(tokens[last + 1].raw)
            last += 1
            if self._next(last + 1, _YEAR_WORD):
                last += 1
        own = self._date(year, month, day, first, last)
        value = own if flags else self._value(first, last, own)
        if year is None:
            flags = ("no_year", *flags)
        return (self._emit(first, last, value, flags), last + 1) if value else None

    def month_day(self, index: int) -> tuple[Entity, int] | None:
        """Match month-first dates: "March 5", "Mar 5th, 2025", "ноябрдын 25инде", "martta 5",
        "бештин айынын 5инде" (a traditional name), and a bare traditional month."""
        tokens = self.tokens
        flags: tuple[str, ...] = ()
        month = _month_at(tokens[index])
        used = 1
        if month is None:
            traditional = self._traditional_at(index)
            if traditional is None:
                return None
            month, used = traditional
            flags = ("traditional_month",)
        day_index = index + used
        if not (
            day_index < len(tokens)
            and _is_day(tokens[day_index])
            and adjacent(self.text, tokens[day_index - 1], tokens[day_index])
        ):
            if flags:
                return self._month_only(index, day_index - 1, month, flags)
            return self.since_month(index)
        day = int(tokens[day_index].raw)
        last = day_index
        if self._next(last + 1, _DAY_SUFFIX):
            last += 1
        if self._unit_follows(last + 1):
            return None
        year = None
        if self._next(last + 1, re.compile(r"(19|20)\d\d")):
            last += 1
            year = int(tokens[last].raw)
        own = self._date(year, month, day, index, last)
        english = _ENGLISH_MONTH.fullmatch(tokens[index].raw) is not None
        value = self._value(index, last, own) if english else own
        if year is None:
            flags = ("no_year", *flags)
        return (self._emit(index, last, value, flags), last + 1) if value else None

    def _month_only(
        self, first: int, last: int, month: int, flags: tuple[str, ...]
    ) -> tuple[Entity, int] | None:
        """A month without a day: its first day, flagged "month_only"."""
        year: int | None = None
        if self._next(last + 1, re.compile(r"(19|20)\d\d")):
            last += 1
            year = int(self.tokens[last].raw)
            if self._next(last + 1, _YEAR_WORD):
                last += 1
        value = self._date(year, month, 1, first, last)
        if value is None:
            return None
        flags = (*flags, "month_only") if year else ("no_year", *flags, "month_only")
        return self._emit(first, last, value, flags), last + 1

    def since_month(self, index: int) -> tuple[Entity, int] | None:
        """Match "since January", "с января", "январдан бери": the month's first day."""
        month = _month_at(self.tokens[index])
        if month is None:
            return None
        if self._prev(index, _SINCE_BEFORE):
            found = self._month_only(index - 1, index, month, ("relative",))
        elif self._next(index + 1, _SINCE_AFTER) and re.search(
            r"(d|t)(a|e)n$", self.tokens[index].skel
        ):
            found = self._month_only(index, index, month, ("relative",))
            if found:
                entity, after = found
                last = self.tokens[index + 1]
                entity = replace(entity, text=self.text[entity.start : last.end], end=last.end)
                found = entity, max(after, index + 2)
        else:
            return None
        return found

    def relative_word(self, index: int) -> tuple[Entity, int] | None:
        """Match "кечээ", "вчера", "yesterday", "бүгүн", "позавчера", "эртең"."""
        if not token_matches(_RELATIVE_FIRST, self.tokens[index]):
            return None
        for pattern, days in _RELATIVE:
            used = match_sequence(self.text, self.tokens, index, pattern)
            if used:
                value = self.today + timedelta(days=days)
                return self._emit(index, index + used - 1, value, ("relative",)), index + used
        return None

    def ago(self, index: int) -> tuple[Entity, int] | None:
        """Match "3 күн мурун", "3 дня назад", "a week ago", "неделю назад", "полгода назад"."""
        tokens = self.tokens
        half = _half_at(self.text, tokens, index)
        if half is not None:
            months, used = half
            if not self._next(index + used, _AGO):
                return None
            last = index + used
            value = self.today - relativedelta(months=months)
            return self._emit(index, last, value, ("relative",)), last + 1
        number = read_number(tokens, index)
        if number is not None:
            count, used = number
        elif token_matches(_ONE, tokens[index]):
            count, used = 1, 1
        elif index and tokens[index - 1].raw.isdecimal():
            return None  # the number before was refused ("2025 лет назад")
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
            delta, limit = relativedelta(days=count), 3650
        elif token_matches(_UNIT_WEEKS, unit):
            delta, limit = relativedelta(weeks=count), _LIMITS["week"]
        elif token_matches(_UNIT_MONTHS, unit):
            delta, limit = relativedelta(months=count), _LIMITS["month"]
        elif token_matches(_UNIT_YEARS, unit):
            delta, limit = relativedelta(years=count), _LIMITS["year"]
        else:
            return None
        if count > limit:
            return None  # "2025 лет назад" is no date
        value = self.today - delta
        return self._emit(index, unit_index + 1, value, ("relative",)), unit_index + 2

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


def _with_roles(dates: Sequence[Entity], clauses: _Clauses) -> list[Entity]:
    """Add the role flag (entry / exit / contract_end / contract_start) to each date."""
    per_sentence: dict[int, int] = {}
    for entity in dates:
        sentence = clauses.sentence[clauses.token_at(entity.start)] if clauses.tokens else 0
        per_sentence[sentence] = per_sentence.get(sentence, 0) + 1
    out = []
    for entity in dates:
        sentence = clauses.sentence[clauses.token_at(entity.start)] if clauses.tokens else 0
        role = clauses.role(entity.start, entity.end, per_sentence[sentence])
        out.append(replace(entity, flags=(*entity.flags, role)) if role else entity)
    return out


# ---------------------------------------------------------------- durations and day counts

_DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}


def _duration(count: int | float, unit: str) -> dict[str, Any]:
    """The value of a duration entity."""
    return {"count": count, "unit": unit, "days": round(count * _DAYS_PER_UNIT[unit])}


def _half_at(text: str, tokens: Sequence[Token], index: int) -> tuple[int, int] | None:
    """(months, tokens used) for "полгода", "жарым жыл", "полтора года", "бир жарым жыл"."""
    if not token_matches(_HALF_FIRST, tokens[index]):
        return None
    for pattern in _YEAR_AND_HALF:
        used = match_sequence(text, tokens, index, pattern)
        if used:
            return 18, used
    for pattern in _HALF_YEAR:
        used = match_sequence(text, tokens, index, pattern)
        if used:
            return 6, used
    return None


def _unit_of(token: Token) -> str | None:
    """The duration unit a token names (not days: those are `number_of_days`)."""
    if token_matches(_UNIT_WEEKS, token):
        return "week"
    if token_matches(_UNIT_MONTHS, token):
        return "month"
    if token_matches(_UNIT_YEARS, token):
        return "year"
    return None


_LIMITS = {"week": 520, "month": 240, "year": 60}


def _durations(text: str, tokens: Sequence[Token]) -> Iterator[Entity]:
    """Yield durations: "5 месяцев", "беш ай", "5 ai", "3 weeks", "полгода", "жарым жыл"."""
    for index in range(len(tokens)):
        half = _half_at(text, tokens, index)
        if half is not None:
            months, used = half
            start, end = tokens[index].start, tokens[index + used - 1].end
            yield Entity("duration", _duration(months, "month"), text[start:end], start, end)
            continue
        number = read_number(tokens, index)
        if number is not None:
            count: int | float = number[0]
            used = number[1]
            if _is_year(tokens[index]):
                continue
        elif token_matches(_ONE, tokens[index]):
            count, used = 1, 1
        elif index and token_matches(_BARE_UNIT_CUE, tokens[index - 1]):
            count, used = 1, 0
        else:
            continue
        unit_index = index + used
        if unit_index >= len(tokens):
            continue
        if used:
            gap = text[tokens[unit_index - 1].end : tokens[unit_index].start]
            if not adjacent(text, tokens[unit_index - 1], tokens[unit_index]):
                continue
        else:
            gap = ""
        unit = _unit_of(tokens[unit_index])
        if unit is None or count <= 0 or count > _LIMITS[unit]:
            continue
        if tokens[index].raw in ("a", "an") and not _ENGLISH_UNIT.fullmatch(
            tokens[unit_index].raw
        ):
            continue  # "a good offer": "good" has the skeleton of "год"
        if used == 0 and tokens[unit_index].raw not in _BARE_UNITS:
            continue
        if unit == "month" and "-" in gap and tokens[unit_index].skel.startswith("ai"):
            continue  # "5-айда" is "in May" (the 5th month), not five months
        if unit == "year" and (
            (index and token_matches(_AGE_BEFORE, tokens[index - 1]))
            or (unit_index + 1 < len(tokens) and tokens[unit_index + 1].raw == "old")
        ):
            continue
        first = index if used else unit_index
        start, end = tokens[first].start, tokens[unit_index].end
        yield Entity("duration", _duration(count, unit), text[start:end], start, end)


_BARE_UNITS = frozenset(
    {"месяц", "неделю", "год", "month", "week", "year", "ай", "жыл", "жума", "ai", "jyl", "jil"}
)


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


# ---------------------------------------------------------------- places


def _place_at(
    text: str, tokens: Sequence[Token], index: int, places: Gazetteer
) -> tuple[str, int] | None:
    """(value, tokens used) of the gazetteer entry that starts at tokens[index], or None."""
    if not places.may_start(tokens[index]):
        return None
    for value, pattern in places.entries:
        used = match_sequence(text, tokens, index, pattern)
        if used:
            return value, used
    return None


def _places(
    text: str,
    tokens: Sequence[Token],
    places: Gazetteer,
    name: str,
) -> Iterator[Entity]:
    """Yield gazetteer matches (regions or countries) over the tokens."""
    index = 0
    while index < len(tokens):
        found = _place_at(text, tokens, index, places)
        if found is None:
            index += 1
            continue
        value, used = found
        start, end = tokens[index].start, tokens[index + used - 1].end
        yield Entity(name, value, text[start:end], start, end)
        index += used


def _cued(text: str, tokens: Sequence[Token], index: int, used: int, named_only: bool) -> bool:
    """True when an ambiguous place word is written as a name or stands by a place word."""
    first, last = tokens[index], tokens[index + used - 1]
    if text[first.start].isupper():
        return True
    if named_only:
        return False
    if index and token_matches(CITY_CUE_BEFORE, tokens[index - 1]):
        return True
    after = index + used
    return (
        after < len(tokens)
        and adjacent(text, last, tokens[after])
        and token_matches(CITY_CUE_AFTER, tokens[after])
    )


def _city_at(text: str, tokens: Sequence[Token], index: int) -> tuple[Entity, int] | None:
    """The city starting at tokens[index] and the tokens it covers, or None."""
    for places, needs_cue, named_only in (
        (CITY_PATTERNS, False, False),
        (CITY_CUED_PATTERNS, True, False),
        (CITY_NAMED_PATTERNS, True, True),
    ):
        found = _place_at(text, tokens, index, places)
        if found is None:
            continue
        value, used = found
        if not needs_cue or _cued(text, tokens, index, used, named_only):
            start, end = tokens[index].start, tokens[index + used - 1].end
            return Entity("city", value, text[start:end], start, end), used
    return None


def _cities(text: str, tokens: Sequence[Token]) -> Iterator[Entity]:
    """Yield cities abroad; words that are also common words need a cue (see `City`)."""
    index = 0
    while index < len(tokens):
        found = _city_at(text, tokens, index)
        if found is None:
            index += 1
            continue
        yield found[0]
        index += found[1]


# ---------------------------------------------------------------- assembly


def _lower_same_length(text: str) -> str:
    """Lower-case `text` without changing its length (so offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _non_overlapping(groups: Sequence[Sequence[Entity]]) -> list[Entity]:
    """Keep entities in priority order (earlier groups first), dropping overlapping ones."""
    kept: list[Entity] = []
    for group in groups:
        for entity in sorted(group, key=lambda e: (e.start, -(e.end - e.start))):
            if all(entity.end <= k.start or entity.start >= k.end for k in kept):
                kept.append(entity)
    return kept


def extract(text: str, language: str, today: date | None = None) -> tuple[Entity, ...]:
    """Extract every entity from a message; `today` anchors relative dates (default: today).

    A city also yields a `country` entity over the same span (flag "from_city").
    """
    text = clip(text)
    today = today or date.today()
    lowered = _lower_same_length(text)
    tokens = tokenize(text)
    clauses = _Clauses(text, tokens)
    money = list(_money(lowered))
    dates = [
        *_numeric_dates(lowered, today, clauses),
        *_DateScanner(text, tokens, language, today, clauses).scan(),
    ]
    days = list(_day_counts(text, tokens))
    durations = list(_durations(text, tokens))
    regions = list(_places(text, tokens, REGION_PATTERNS, "region"))
    cities = list(_cities(text, tokens))
    countries = list(_places(text, tokens, COUNTRY_PATTERNS, "country"))
    kept = _non_overlapping([money, dates, days, durations, regions, cities, countries])
    kept_dates = sorted((e for e in kept if e.entity == "date"), key=lambda e: e.start)
    roled = iter(_with_roles(kept_dates, clauses))
    out = [next(roled) if e.entity == "date" else e for e in sorted(kept, key=lambda e: e.start)]
    for city in [e for e in out if e.entity == "city"]:
        country = city_country(city.value)
        out.append(Entity("country", country, city.text, city.start, city.end, ("from_city",)))
    return tuple(sorted(out, key=lambda e: (e.start, e.entity != "city")))
