"""Load the long answers: one `answers.yml` per language, keyed by intent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from content import CONTENT_DIR
from nlu.intents import LANGUAGES


@dataclass(frozen=True)
class Source:
    """Where an answer's facts come from."""

    name: str
    year: int | str
    url: str | None = None


@dataclass(frozen=True)
class Answer:
    """One intent's answer in one language (texts are Telegram HTML)."""

    intent: str
    language: str
    title: str
    short: str
    more: str
    sources: tuple[Source, ...]
    last_verified: date
    family: str | None = None
    countries: tuple[str, ...] = ()  # the countries the text is written for; () = any
    country: str | None = None       # the country of this variant; None for the base text

    def fits(self, country: str | None) -> bool:
        """Return True when the text holds for someone in `country` (None = unknown)."""
        return not self.countries or country is None or country in self.countries


class ContentError(ValueError):
    """An answers file cannot be read; the message names file and key."""


def answers_path(language: str, root: Path = CONTENT_DIR) -> Path:
    """Return the answers file of one language."""
    return root / language / "answers.yml"


def read_answers_file(path: Path) -> dict:
    """Read an answers file as plain data (the checker works on this)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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


def build_answer(intent: str, language: str, raw: dict) -> Answer:
    """Turn one raw mapping into an Answer (raises KeyError/ValueError/TypeError on bad data)."""
    sources = tuple(
        Source(name=str(s["name"]), year=s.get("year", "n.d."), url=s.get("url"))
        for s in raw["sources"]
    )
    return Answer(
        intent=intent,
        language=language,
        title=str(raw["title"]).strip(),
        short=str(raw["short"]).strip(),
        more=str(raw.get("more") or "").strip(),
        sources=sources,
        last_verified=_as_date(raw["last_verified"]),
        family=str(raw["family"]).strip() if raw.get("family") else None,
        countries=tuple(str(code) for code in raw.get("countries") or ()),
    )


@cache
def load_answers(language: str, root: Path = CONTENT_DIR) -> dict[str, Answer]:
    """Return every answer of one language, keyed by intent."""
    path = answers_path(language, root)
    answers = {}
    for intent, raw in read_answers_file(path).items():
        try:
            answers[intent] = build_answer(intent, language, raw)
        except (KeyError, TypeError, ValueError) as error:
            raise ContentError(f"{path}: {intent}: {error!r}") from None
    return answers


def get_answer(intent: str, language: str, country: str | None = None) -> Answer | None:
    """Return the answer for an intent in a language (the variant for `country` when there is
    one), or None when there is none."""
    if language not in LANGUAGES:
        return None
    return load_answers(language).get(intent)
