"""Load Rasa 3.x NLU YAML (training and held-out sets) into plain examples."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nlu.intents import LANGUAGES
from nlu.types import Entity
from sapar_core.yamlfile import safe_load

NLU_DIR = Path(__file__).resolve().parent / "data"
"""The training data: nlu/data/{ky,ru,en}/*.yml."""

TEST_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "nlu"
"""The held-out sets: tests/data/nlu/{ky,ru,en}.yml."""

# [text](entity), [text](entity:value), [text]{"entity": "x", "value": "y"}
_MARKUP = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")
_BULLET = re.compile(r"^\s*-\s?")


@dataclass(frozen=True)
class Example:
    """One annotated message: plain text, its intent, its language and its entity spans."""

    text: str
    intent: str
    language: str
    entities: tuple[Entity, ...] = ()
    source: str = ""


def strip_markup(marked: str) -> tuple[str, tuple[Entity, ...]]:
    """Remove entity markup from one example, returning the plain text and the entity spans."""
    out: list[str] = []
    entities: list[Entity] = []
    position = 0
    length = 0
    for match in _MARKUP.finditer(marked):
        before = marked[position : match.start()]
        out.append(before)
        length += len(before)
        text = match.group("text")
        if match.group("json"):
            try:
                spec = json.loads(match.group("json"))
            except json.JSONDecodeError:
                spec = {}
            name = str(spec.get("entity", ""))
            value = spec.get("value", text)
        else:
            name, _, value = match.group("short").partition(":")
            value = value or text
        if name:
            entities.append(Entity(name.strip(), value, text, length, length + len(text)))
        out.append(text)
        length += len(text)
        position = match.end()
    out.append(marked[position:])
    return "".join(out), tuple(entities)


def language_of(path: Path) -> str | None:
    """Return the language a data file belongs to, from its folder or its file name."""
    for part in (*reversed(path.parent.parts), path.stem):
        if part in LANGUAGES:
            return part
    return None


def _example_lines(examples: object) -> Iterator[str]:
    """Yield the raw example strings of one intent block (a `|` block or a list)."""
    if isinstance(examples, str):
        for line in examples.splitlines():
            if line.strip().startswith("-"):
                text = _BULLET.sub("", line, count=1).strip()
                if text:
                    yield text
    elif isinstance(examples, list):
        for item in examples:
            text = item.get("text") if isinstance(item, dict) else item
            if isinstance(text, str) and text.strip():
                yield text.strip()


def load_file(path: Path, language: str | None = None) -> list[Example]:
    """Load the intent examples of one Rasa NLU YAML file."""
    language = language or language_of(path) or ""
    document = safe_load(path.read_text(encoding="utf-8")) or {}
    blocks = document.get("nlu", []) if isinstance(document, dict) else []
    examples: list[Example] = []
    for block in blocks or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        intent = str(block["intent"]).strip()
        for raw in _example_lines(block.get("examples")):
            text, entities = strip_markup(raw)
            text = text.strip()
            if text:
                examples.append(Example(text, intent, language, entities, str(path)))
    return examples


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and directories (recursively) into a sorted list of YAML files."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
        elif path.is_file():
            found.add(path)
    return sorted(found)


def load(*paths: Path | str) -> list[Example]:
    """Load every intent example from the given YAML files or directories."""
    examples: list[Example] = []
    for path in yaml_files(Path(p) for p in paths):
        examples.extend(load_file(path))
    return examples


def load_training() -> list[Example]:
    """Load the training data under nlu/data/."""
    return load(NLU_DIR)


def load_test() -> list[Example]:
    """Load the held-out sets under tests/data/nlu/."""
    return load(TEST_DIR) if TEST_DIR.exists() else []
