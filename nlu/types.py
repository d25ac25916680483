"""Value types shared by every intent parser engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class Entity:
    """One extracted entity: `value` is normalised (ISO date, int days, region key, money dict).

    `flags` qualify it, e.g. a date's "no_year", "relative", "traditional_month", "entry".
    """

    entity: str
    value: Any
    text: str = ""
    start: int = -1
    end: int = -1
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parse:
    """What the parser understood from one message."""

    intent: str
    confidence: float
    language: str
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = field(default=())
    """The top intents with their confidences, best first (at most three)."""
    needs: tuple[str, ...] = ()
    """The distinct topic intents the message clearly holds, most serious first; empty or one
    element when there is a single need (the dialogue offers two or more as buttons)."""
    urgency: str = "none"
    """"now" (clear present danger), "weak" (possible present danger: ask), "past" (danger told
    as a past or reported event, or generic fear: not urgent_danger) or "none"."""

    def entity_values(self, name: str) -> list[Any]:
        """Return the values of every entity of type `name`, in message order."""
        return [e.value for e in self.entities if e.entity == name]


class Parser(Protocol):
    """Anything that turns a message into a Parse."""

    def parse(self, text: str, language_hint: str | None = None, today: date | None = None
              ) -> Parse:
        """Understand one message; `language_hint` is the user's chosen language, if any;
        `today` anchors relative and year-less dates (None: the real date)."""
        ...
