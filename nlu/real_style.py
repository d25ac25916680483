"""The held-out "real-style" set (tests/data/real_style): long, narrative, multi-need messages.

Each message has the expected top-1 intent, other acceptable top-1 readings (`also`), the needs
it clearly holds, and whether someone is in danger right now (`urgent`). `score()` turns a
parser's answers into the figures the README reports: top-1 and top-3 accuracy, urgent recall
(a "now" or a "weak" urgent_danger both count as caught) and the false-alarm rate (urgent_danger
for a message that is not an emergency now), per language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu.intents import INTENTS, LANGUAGES
from nlu.types import Parse
from sapar_core.yamlfile import safe_load

REAL_STYLE_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "real_style"
URGENT = "urgent_danger"


@dataclass(frozen=True)
class Case:
    """One held-out real-style message and what a good parse of it is."""

    text: str
    language: str
    intent: str
    also: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    urgent: bool = False

    @property
    def acceptable(self) -> tuple[str, ...]:
        """Every acceptable top-1 intent (the expected one first)."""
        return (self.intent, *self.also)


def _names(value: Any, where: str) -> tuple[str, ...]:
    """A list of intent names from the YAML, checked against the contract."""
    names = tuple(str(v) for v in (value or ()))
    unknown = [n for n in names if n not in INTENTS]
    if unknown:
        raise ValueError(f"{where}: unknown intents {unknown}")
    return names


def load_cases(directory: Path = REAL_STYLE_DIR) -> list[Case]:
    """Load every language's file (ky.yml, ru.yml, en.yml) from `directory`."""
    cases: list[Case] = []
    for language in LANGUAGES:
        path = directory / f"{language}.yml"
        if not path.exists():
            continue
        document = safe_load(path.read_text(encoding="utf-8")) or {}
        for number, item in enumerate(document.get("messages") or [], start=1):
            where = f"{path.name} message {number}"
            (intent,) = _names([item["intent"]], where)
            cases.append(
                Case(
                    text=str(item["text"]).strip(),
                    language=language,
                    intent=intent,
                    also=_names(item.get("also"), where),
                    needs=_names(item.get("needs"), where),
                    urgent=bool(item.get("urgent", False)),
                )
            )
    return cases


@dataclass(frozen=True)
class Scored:
    """One case with the parse an engine made of it."""

    case: Case
    parse: Parse

    @property
    def top1(self) -> bool:
        """The top intent is an acceptable reading."""
        return self.parse.intent in self.case.acceptable

    @property
    def top3(self) -> bool:
        """The expected intent (or the top-1 answer, if acceptable) is among the first three."""
        top = [name for name, _ in self.parse.ranking[:3]] or [self.parse.intent]
        return self.case.intent in top or self.top1

    @property
    def alarmed(self) -> bool:
        """The parse treats the message as danger now (urgency "now" or "weak")."""
        return self.parse.intent == URGENT


def _share(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


def figures(scored: Sequence[Scored]) -> dict[str, float | None]:
    """Top-1, top-3, urgent recall, false alarms and needs found, for one group of cases."""
    multi = [s for s in scored if len(s.case.needs) >= 2]
    return {
        "messages": float(len(scored)),
        "top1": _share(s.top1 for s in scored),
        "top3": _share(s.top3 for s in scored),
        "urgent_recall": _share(s.alarmed for s in scored if s.case.urgent),
        "false_alarms": _share(s.alarmed for s in scored if not s.case.urgent),
        "multi_need_found": _share(
            len(set(s.parse.needs) & set(s.case.needs)) >= 2 for s in multi
        ),
        "needs_precision": _share(
            need in {*s.case.needs, *s.case.acceptable} for s in scored for need in s.parse.needs
        ),
    }


def score(scored: Sequence[Scored]) -> dict[str, dict[str, float | None]]:
    """Figures overall ("all") and per language."""
    table = {"all": figures(scored)}
    for language in LANGUAGES:
        table[language] = figures([s for s in scored if s.case.language == language])
    return table


def failures(scored: Sequence[Scored]) -> list[Scored]:
    """Cases answered wrongly at top-1 or with a wrong alarm decision."""
    return [s for s in scored if not s.top1 or s.alarmed != s.case.urgent]
