"""Load the long answers: one `answers.yml` per language, keyed by intent or subtopic.

An answer may be written for some countries (`countries: [RU]`) and carry `variants:` for
others, keyed by ISO code; `get_answer(intent, language, country)` picks the variant for the
person's country when one exists. Keys that are not intents are subtopics (`parent:`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml

from content import CONTENT_DIR
from nlu.intents import INTENTS, LANGUAGES
from sapar_core.yamlfile import safe_load

# The countries a variant may be written for (GB = the United Kingdom; KG = at home).
COUNTRIES = ("RU", "KZ", "TR", "KR", "GB", "KG")


@dataclass(frozen=True)
class Source:
    """Where an answer's facts come from (the name is in the answer's language)."""

    name: str
    year: int | str
    url: str | None = None


@dataclass(frozen=True)
class Answer:
    """One intent's (or subtopic's) answer in one language (texts are Telegram HTML).

    `country` is the variant's country (None for the base text); `countries` are the
    countries the text is written for (empty = country-neutral).
    """

    intent: str
    language: str
    title: str
    short: str
    more: str
    sources: tuple[Source, ...]
    last_verified: date
    family: str | None = None
    country: str | None = None
    countries: tuple[str, ...] = ()
    parent: str | None = None

    def fits(self, country: str | None) -> bool:
        """Return True when the text is country-neutral or written for that country.

        An unknown country (None) fits only a country-neutral text.
        """
        return not self.countries or (country is not None and country in self.countries)

    @property
    def newest_source_year(self) -> int | None:
        """Return the year of the newest dated source, or None when none has a year."""
        return newest_year(self.sources)


class Sourced(Protocol):
    """Any shown text with sources: an answer, a next step, the stay rule table."""

    sources: tuple[Source, ...]
    last_verified: date

    @property
    def newest_source_year(self) -> int | None:
        """Return the year of the newest dated source."""


def newest_year(sources: tuple[Source, ...]) -> int | None:
    """Return the year of the newest dated source, or None when none has a year."""
    years = [s.year for s in sources if isinstance(s.year, int)]
    return max(years) if years else None


class ContentError(ValueError):
    """An answers file cannot be read; the message names file and key."""


def answers_path(language: str, root: Path = CONTENT_DIR) -> Path:
    """Return the answers file of one language."""
    return root / language / "answers.yml"


def read_answers_file(path: Path) -> dict:
    """Read an answers file as plain data (the checker works on this)."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping of intent -> answer")
    return data


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def source_name(raw: object, language: str) -> str:
    """Return a source title in a language: `name` is a string or a {ky, ru, en} mapping."""
    if isinstance(raw, dict):
        return str(raw.get(language) or raw.get("en") or next(iter(raw.values()), ""))
    return str(raw)


def _year(value: object) -> int | str:
    return value if isinstance(value, int) else str(value)


def build_answer(intent: str, language: str, raw: dict, *, title: str | None = None,
                 country: str | None = None, parent: str | None = None) -> Answer:
    """Turn one raw mapping into an Answer (raises KeyError/ValueError/TypeError on bad data).

    A variant passes its base's title and its own country.
    """
    sources = tuple(
        Source(name=source_name(s["name"], language), year=_year(s.get("year", "n.d.")),
               url=s.get("url"))
        for s in raw["sources"]
    )
    countries = (country,) if country else tuple(str(c) for c in raw.get("countries") or ())
    return Answer(
        intent=intent,
        language=language,
        title=str(title if title is not None else raw["title"]).strip(),
        short=str(raw["short"]).strip(),
        more=str(raw.get("more") or "").strip(),
        sources=sources,
        last_verified=_as_date(raw["last_verified"]),
        family=str(raw["family"]).strip() if raw.get("family") else None,
        country=country,
        countries=countries,
        parent=parent if parent is not None else (str(raw["parent"]) if raw.get("parent")
                                                  else None),
    )


@dataclass(frozen=True)
class Entry:
    """An answer with its country variants."""

    base: Answer
    variants: dict[str, Answer]


@cache
def load_entries(language: str, root: Path = CONTENT_DIR) -> dict[str, Entry]:
    """Return every answer of one language with its variants, keyed by intent or subtopic."""
    path = answers_path(language, root)
    entries = {}
    for key, raw in read_answers_file(path).items():
        try:
            base = build_answer(key, language, raw)
            variants = {
                str(code): build_answer(key, language, variant, title=base.title,
                                        country=str(code), parent=base.parent)
                for code, variant in (raw.get("variants") or {}).items()
            }
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ContentError(f"{path}: {key}: {error!r}") from None
        entries[key] = Entry(base, variants)
    return entries


def preload() -> None:
    """Read every language's answers and Babel's date tables now: the first answer in each
    language otherwise paid about 60 ms for them, inside a person's turn (and held up the
    turns queued behind it in the database thread)."""
    from content.formatting import format_date

    for language in LANGUAGES:
        load_entries(language)
        format_date(date.today(), language)


def load_answers(language: str, root: Path = CONTENT_DIR) -> dict[str, Answer]:
    """Return every base answer of one language, keyed by intent or subtopic."""
    return {key: entry.base for key, entry in load_entries(language, root).items()}


def get_answer(intent: str, language: str, country: str | None = None) -> Answer | None:
    """Return the answer in a language: the country's variant if there is one, else the base.

    None when the language or the key is unknown.
    """
    if language not in LANGUAGES:
        return None
    entry = load_entries(language).get(intent)
    if entry is None:
        return None
    if country is not None and country in entry.variants:
        return entry.variants[country]
    return entry.base


def variants_of(intent: str, language: str) -> dict[str, Answer]:
    """Return an answer's country variants in a language, keyed by ISO code."""
    entry = load_entries(language).get(intent) if language in LANGUAGES else None
    return dict(entry.variants) if entry else {}


def is_subtopic(key: str) -> bool:
    """Return True when a content key is a subtopic (has a parent), not an intent."""
    if key in INTENTS:
        return False
    entry = load_entries("en").get(key)
    return entry is not None and entry.base.parent is not None


def subtopics_of(parent: str) -> tuple[str, ...]:
    """Return the subtopics shown under an answer, in file order."""
    return tuple(key for key, entry in load_entries("en").items()
                 if entry.base.parent == parent)
