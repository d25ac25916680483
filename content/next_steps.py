"""Load the next steps: what to do after a topic's short answer, one file per language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from content import CONTENT_DIR
from content.answers import ContentError, Source, newest_year, read_answers_file, source_name
from nlu.intents import LANGUAGES


@dataclass(frozen=True)
class NextStep:
    """The next concrete step on one topic in one language (Telegram HTML)."""

    intent: str
    language: str
    short: str
    sources: tuple[Source, ...]
    last_verified: date
    family: str | None = None

    @property
    def newest_source_year(self) -> int | None:
        """Return the year of the newest dated source."""
        return newest_year(self.sources)


def next_steps_path(language: str, root: Path = CONTENT_DIR) -> Path:
    """Return the next-steps file of one language."""
    return root / language / "next_steps.yml"


def build_next_step(intent: str, language: str, raw: dict) -> NextStep:
    """Turn one raw mapping into a NextStep (raises KeyError/ValueError/TypeError)."""
    verified = raw["last_verified"]
    return NextStep(
        intent=intent, language=language, short=str(raw["short"]).strip(),
        sources=tuple(Source(name=source_name(s["name"], language), year=s.get("year", "n.d."),
                             url=s.get("url")) for s in raw["sources"]),
        last_verified=verified if isinstance(verified, date) else date.fromisoformat(verified),
        family=str(raw["family"]).strip() if raw.get("family") else None,
    )


@cache
def load_next_steps(language: str, root: Path = CONTENT_DIR) -> dict[str, NextStep]:
    """Return every next step of one language, keyed by intent ({} when there is no file)."""
    path = next_steps_path(language, root)
    if not path.exists():
        return {}
    steps = {}
    for intent, raw in read_answers_file(path).items():
        try:
            steps[intent] = build_next_step(intent, language, raw)
        except (KeyError, TypeError, ValueError) as error:
            raise ContentError(f"{path}: {intent}: {error!r}") from None
    return steps


def get_next_step(intent: str, language: str) -> NextStep | None:
    """Return the next step on a topic in a language, or None."""
    if language not in LANGUAGES:
        return None
    return load_next_steps(language).get(intent)
