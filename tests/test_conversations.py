"""Whole conversations (tests/conversations/*.yml, docs/conversations.md) through the dialogue
core with the real parser, and the runner's own checks of what a file may say."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversations import (
    Conversation,
    ConversationFileError,
    ConversationTurn,
    load_conversations,
    pass_rates,
    play,
)
from content.answers import get_answer
from content.markup import strip_markup
from nlu.parser import CLARIFY_BELOW
from nlu.types import Parser

FOLDER = Path(__file__).parent / "conversations"
FILES = sorted(FOLDER.glob("*.yml"))
CONVERSATIONS = [conversation for path in FILES for conversation in load_conversations(path)]


def marked(conversation: Conversation) -> object:
    """A conversation the bot is known to fail is expected to fail, strictly: when it starts
    passing, the test says so and its `known_gap` must go."""
    if not conversation.known_gap:
        return conversation
    return pytest.param(conversation, marks=pytest.mark.xfail(
        reason=conversation.known_gap, strict=True))


@pytest.mark.parametrize("conversation", [marked(c) for c in CONVERSATIONS],
                         ids=[f"{c.language}:{c.name}" for c in CONVERSATIONS])
def test_conversation(conversation: Conversation, parser: Parser) -> None:
    result = play(conversation, parser, CLARIFY_BELOW)
    assert result.passed, "\n".join([*result.failures, *result.transcript])


def test_there_are_at_least_50_conversations_per_language() -> None:
    counts = {language: sum(c.language == language for c in CONVERSATIONS)
              for language in ("ky", "ru", "en")}
    assert min(counts.values()) >= 50, counts


def write(tmp_path: Path, text: str, name: str = "en.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", [
    "conversations: 3",
    "conversations:\n  - name: a\n",
    "conversations:\n  - name: a\n    turns:\n      - {user: hi, press: Menu}\n",
    "conversations:\n  - name: a\n    turns:\n      - {user: hi, expect: {kinds: menu}}\n",
    "conversations:\n  - name: a\n    turns: [{user: hi}]\n  - name: a\n    turns: [{user: x}]\n",
    "conversations: [\n",
])
def test_a_malformed_file_is_refused_with_its_name(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConversationFileError, match=r"en\.yml"):
        load_conversations(write(tmp_path, text))


def test_the_file_name_is_the_language_and_dates_are_read(tmp_path: Path) -> None:
    [conversation] = load_conversations(write(tmp_path, (
        "conversations:\n  - name: a\n    today: 2026-03-01\n    turns:\n"
        "      - user: салам\n"), name="ky.yml"))
    assert conversation.language == "ky" and str(conversation.today) == "2026-03-01"


def test_a_wrong_expectation_fails_and_says_what_was_said(parser: Parser) -> None:
    answer = get_answer("entry_ban", "en")
    assert answer is not None
    opening = strip_markup(answer.short)[:25]
    conversation = Conversation("wrong", "en", (
        ConversationTurn(user="how do I check a Russian entry ban",
                         expect={"kind": "urgent", "not_contains": [opening]}),))
    result = play(conversation, parser, CLARIFY_BELOW)
    assert not result.passed
    assert any("no reply of kind 'urgent'" in failure for failure in result.failures)
    assert any(f"contain {opening!r}" in failure for failure in result.failures)
    assert "how do I check a Russian entry ban" in "\n".join(result.transcript)
    assert pass_rates([result]) == {"en": (0, 1)}


def test_a_button_is_pressed_by_its_label_and_a_missing_one_fails(parser: Parser) -> None:
    conversation = Conversation("press", "en", (
        ConversationTurn(command="/start en", expect={"kind": "welcome"}),
        ConversationTurn(press="Count my days", expect={"kind": "stay_question"}),
        ConversationTurn(press="No such button"),
    ))
    result = play(conversation, parser, CLARIFY_BELOW)
    assert result.failures == ["turn 3: no button 'No such button' to press"]
