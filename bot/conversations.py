"""Whole-conversation tests: load scripted conversations, play them, say what went wrong.

The format is in docs/conversations.md. A conversation is played against the dialogue core
with a real parser, turn by turn, exactly as a front end would: typed text is parsed, a pressed
button is found among the previous replies' buttons by its label or action.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome, Reply
from content.markup import strip_markup
from nlu.types import Parser
from sapar_core.yamlfile import safe_load

DEFAULT_TODAY = date(2026, 4, 15)
EXPECT_KEYS = frozenset({"kind", "not_kind", "contains", "any_of", "not_contains"})


class ConversationFileError(ValueError):
    """A conversation file does not follow docs/conversations.md."""


@dataclass(frozen=True)
class ConversationTurn:
    """One thing the person does, and what the replies must (not) show."""

    user: str | None = None
    press: str | None = None
    command: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    """A scripted conversation in one language."""

    name: str
    language: str
    turns: tuple[ConversationTurn, ...]
    who: str = ""
    chosen_language: str | None = None
    today: date = DEFAULT_TODAY
    known_gap: str = ""  # why the bot fails this one today (it still counts as failed)


@dataclass
class ConversationResult:
    """How a conversation went: the first failing turn, if any, and what was said."""

    conversation: Conversation
    failures: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Return True when every turn met its expectations."""
        return not self.failures


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _turn(raw: Any, where: str) -> ConversationTurn:
    if not isinstance(raw, dict):
        raise ConversationFileError(f"{where}: a turn must be a mapping")
    actions = [key for key in ("user", "press", "command") if key in raw]
    if len(actions) != 1:
        raise ConversationFileError(f"{where}: a turn needs exactly one of user/press/command")
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict) or not set(expect) <= EXPECT_KEYS:
        raise ConversationFileError(f"{where}: expect may only have {sorted(EXPECT_KEYS)}")
    return ConversationTurn(user=None if raw.get("user") is None else str(raw["user"]),
                            press=None if raw.get("press") is None else str(raw["press"]),
                            command=None if raw.get("command") is None else str(raw["command"]),
                            expect=expect)


def load_conversations(path: Path) -> list[Conversation]:
    """Read one conversation file; its name (ky.yml) is the conversations' language."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConversationFileError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise ConversationFileError(f"{path}: expected a mapping with a 'conversations' list")
    language = path.stem
    conversations, names = [], set()
    for index, raw in enumerate(data["conversations"]):
        where = f"{path}: conversation {index + 1}"
        if not isinstance(raw, dict) or not raw.get("name") or not raw.get("turns"):
            raise ConversationFileError(f"{where}: needs a name and turns")
        name = str(raw["name"])
        if name in names:
            raise ConversationFileError(f"{where}: the name {name!r} is used twice")
        names.add(name)
        today = raw.get("today", DEFAULT_TODAY)
        conversations.append(Conversation(
            name=name, language=language, who=str(raw.get("who", "")),
            chosen_language=raw.get("language"), known_gap=str(raw.get("known_gap") or ""),
            today=today if isinstance(today, date) else date.fromisoformat(str(today)),
            turns=tuple(_turn(turn, f"{where} ({name}), turn {number + 1}")
                        for number, turn in enumerate(raw["turns"]))))
    return conversations


def _kind_matches(wanted: str, kinds: Iterable[str]) -> bool:
    return any(kind == wanted or kind.split(":", 1)[0] == wanted for kind in kinds)


def check_outcome(outcome: Outcome, expect: dict[str, Any]) -> list[str]:
    """Return what in this turn's replies contradicts the expectations (empty: all met)."""
    kinds = [reply.kind for reply in outcome.replies]
    text = "\n".join(strip_markup(reply.text) for reply in outcome.replies).casefold()
    problems = []
    for wanted in _as_list(expect.get("kind")):
        if not _kind_matches(wanted, kinds):
            problems.append(f"no reply of kind {wanted!r} (got {kinds})")
    for unwanted in _as_list(expect.get("not_kind")):
        if _kind_matches(unwanted, kinds):
            problems.append(f"a reply of kind {unwanted!r} (got {kinds})")
    for phrase in _as_list(expect.get("contains")):
        if phrase.casefold() not in text:
            problems.append(f"the replies do not contain {phrase!r}")
    any_of = _as_list(expect.get("any_of"))
    if any_of and not any(phrase.casefold() in text for phrase in any_of):
        problems.append(f"the replies contain none of {any_of}")
    for phrase in _as_list(expect.get("not_contains")):
        if phrase.casefold() in text:
            problems.append(f"the replies contain {phrase!r}")
    return problems


def find_button(replies: Sequence[Reply], wanted: str) -> str | None:
    """Return the action of a button of these replies, by exact action or part of its label."""
    buttons = [button for reply in replies for row in reply.buttons for button in row]
    for button in buttons:
        if button.action == wanted:
            return button.action
    for button in buttons:
        if wanted.casefold() in button.label.casefold():
            return button.action
    return None


def _describe(outcome: Outcome) -> str:
    lines = []
    for reply in outcome.replies:
        labels = " | ".join(button.label for row in reply.buttons for button in row)
        lines.append(f"  bot [{reply.kind}]: {strip_markup(reply.text)[:300]!r}"
                     + (f"  [{labels}]" if labels else ""))
    return "\n".join(lines)


def play(conversation: Conversation, parser: Parser, clarify_below: float) -> ConversationResult:
    """Play one conversation; stop at the first turn whose replies miss their expectations."""
    dialogue = Dialogue(parser, clarify_below=clarify_below, today=lambda: conversation.today)
    state = ConversationState(language=conversation.language)
    result = ConversationResult(conversation)
    last: Outcome | None = None
    if conversation.chosen_language:
        dialogue.handle(state, Incoming(command="start", args=conversation.chosen_language))
    for number, turn in enumerate(conversation.turns, start=1):
        if turn.press is not None:
            action = find_button(last.replies if last else [], turn.press)
            if action is None:
                result.failures.append(f"turn {number}: no button {turn.press!r} to press")
                return result
            result.transcript.append(f"person presses {turn.press!r} ({action})")
            incoming = Incoming(action=action)
        elif turn.command is not None:
            result.transcript.append(f"person: {turn.command}")
            incoming = Incoming.from_text(turn.command)
        else:
            text = turn.user or ""
            result.transcript.append(f"person: {text[:300]!r}")
            incoming = Incoming(text=text)
        last = dialogue.handle(state, incoming)
        result.transcript.append(_describe(last))
        problems = check_outcome(last, turn.expect)
        if problems:
            result.failures.extend(f"turn {number}: {problem}" for problem in problems)
            return result
    return result


def run_files(paths: Sequence[Path], parser: Parser, clarify_below: float
              ) -> list[ConversationResult]:
    """Play every conversation of some files."""
    return [play(conversation, parser, clarify_below)
            for path in paths for conversation in load_conversations(path)]


def pass_rates(results: Sequence[ConversationResult]) -> dict[str, tuple[int, int]]:
    """Return (passed, total) per language."""
    rates: dict[str, tuple[int, int]] = {}
    for result in results:
        passed, total = rates.get(result.conversation.language, (0, 0))
        rates[result.conversation.language] = (passed + result.passed, total + 1)
    return rates


def main(argv: list[str] | None = None) -> int:
    """`python -m bot converse FILE...`: play conversation files and print pass rates."""
    from nlu.parser import CLARIFY_BELOW, load_parser

    parser = argparse.ArgumentParser(prog="python -m bot converse", description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print the transcript of every failed conversation")
    parser.add_argument("--engine", default="embedded", choices=("embedded", "rasa"))
    args = parser.parse_args(argv)
    try:
        results = run_files(args.files, load_parser(args.engine), CLARIFY_BELOW)
    except (OSError, ConversationFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for result in results:
        if result.passed:
            continue
        conversation = result.conversation
        gap = f" (known gap: {conversation.known_gap})" if conversation.known_gap else ""
        print(f"FAIL {conversation.language}: {conversation.name}{gap}")
        for failure in result.failures:
            print(f"  {failure}")
        if args.verbose:
            print("\n".join(f"    {line}" for line in result.transcript))
    total_passed = total = 0
    for language, (passed, count) in sorted(pass_rates(results).items()):
        print(f"{language}: {passed}/{count} conversations passed ({100 * passed / count:.1f}%)")
        total_passed, total = total_passed + passed, total + count
    if total:
        print(f"all: {total_passed}/{total} ({100 * total_passed / total:.1f}%)")
    return 0 if total_passed == total else 1
