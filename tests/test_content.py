"""The content checker and the rendering of every answer and interface text."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.dialogue.answers import show_answer, show_more
from bot.dialogue.context import Turn
from bot.dialogue.model import ConversationState
from content import CONTENT_DIR
from content.answers import load_answers
from content.catalogs import read_catalog
from content.check import run_checks
from content.markup import PLACEHOLDER, markup_problems
from nlu.intents import INTENTS, LANGUAGES
from sapar_core.yamlfile import safe_dump, safe_load

PROJECT = CONTENT_DIR.parent
TODAY = date(2026, 12, 1)


def telegram_visible(text: str) -> str:
    """Return what Telegram shows of an HTML text: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    data = safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_real_content_passes() -> None:
    report = run_checks(today=TODAY)
    assert report.errors == []


@pytest.mark.slow
def test_the_cli_passes_on_the_real_content() -> None:
    result = subprocess.run([sys.executable, "-m", "content", "check"], cwd=PROJECT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_a_removed_answer_fails_naming_file_and_key(content_copy: Path) -> None:
    edit_yaml(content_copy / "ru" / "answers.yml", lambda d: d.pop("entry_ban"))
    result = subprocess.run([sys.executable, "-m", "content", "check", "--root",
                             str(content_copy)], cwd=PROJECT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1
    assert "ru/answers.yml: entry_ban: no answer for this intent" in result.stdout


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_removed_language_fails(content_copy: Path) -> None:
    shutil.rmtree(content_copy / "ky")
    report = run_checks(today=TODAY, root=content_copy)
    assert any("ky/answers.yml" in e and "missing" in e for e in report.errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_missing_sources_and_dates_fail(content_copy: Path) -> None:
    def strip(data: dict) -> None:
        data["stay_rule"]["sources"] = []
        del data["deportation"]["last_verified"]

    edit_yaml(content_copy / "en" / "answers.yml", strip)
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("stay_rule: has no sources" in e for e in errors)
    assert any("deportation: has no last_verified" in e for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_old_answers_warn_at_12_months_and_fail_at_18(content_copy: Path) -> None:
    def age(data: dict) -> None:
        data["greet"]["last_verified"] = date(2025, 10, 1)
        data["thanks"]["last_verified"] = date(2025, 4, 1)

    edit_yaml(content_copy / "en" / "answers.yml", age)
    report = run_checks(today=TODAY, root=content_copy)
    assert any("greet" in w for w in report.warnings)
    assert any("thanks" in e and "months old" in e for e in report.errors)
    assert not any("greet" in e for e in report.errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_number_in_one_language_of_a_base_answer_fails(content_copy: Path) -> None:
    def change(data: dict) -> None:
        data["entry_ban"]["more"] += "\nA ban can also last 15 years."

    edit_yaml(content_copy / "en" / "answers.yml", change)
    errors = run_checks(today=TODAY, root=content_copy).errors
    for language in ("ky", "ru"):
        assert any(f"{language}/answers.yml: entry_ban: lacks the number(s) 15 " in e
                   for e in errors), language
    assert not any("en/answers.yml: entry_ban: lacks" in e for e in errors)


def test_the_real_answers_state_the_same_numbers_in_every_language() -> None:
    report = run_checks(today=TODAY)
    assert not [w for w in report.warnings + report.errors if "lacks the number" in w]


@pytest.mark.slow  # checks a whole copy of the content tree
def test_placeholders_links_and_phones_are_checked(content_copy: Path) -> None:
    def broken(data: dict) -> None:
        data["help"]["short"] += " {name}"
        data["privacy"]["sources"][0]["url"] = "http://example.org"

    edit_yaml(content_copy / "ru" / "answers.yml", broken)
    edit_yaml(content_copy / "directory.yml",
              lambda d: d["entries"][0].update(phones=["8 (925) 115-50-47"]))
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("help.short" in e and "placeholders" in e for e in errors)
    assert any("privacy" in e and "not https" in e for e in errors)
    assert any("E.164" in e for e in errors)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("family", [False, True])
def test_every_answer_renders_as_valid_telegram_html(language: str, family: bool) -> None:
    for intent in INTENTS:
        for show in (show_answer, show_more):
            turn = Turn(state=ConversationState(language=language, family_mode=family),
                        language=language, today=TODAY)
            show(turn, intent)
            for reply in turn.outcome.replies:
                assert markup_problems(reply.text) == [], (intent, language)
                assert not PLACEHOLDER.search(reply.text), (intent, language)
                visible = telegram_visible(reply.text)
                assert len(visible.encode("utf-16-le")) // 2 <= 4096, (intent, language)
                if show is show_answer:
                    assert len(visible) <= 1000, (intent, language, len(visible))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_text_formats_cleanly(language: str) -> None:
    for message in read_catalog(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            values = {name: "1" for name in PLACEHOLDER.findall(string)}
            text = string.format(**values)
            assert markup_problems(text) == [], (language, message.id)
            assert not re.search(r"\{[a-z_]+\}", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_kyrgyz_and_russian_answers_are_written_in_their_language(language: str) -> None:
    answers = load_answers(language)
    for intent, answer in answers.items():
        letters = re.findall(r"[A-Za-zА-Яа-яЁёӨөҮүҢң]", answer.short)
        cyrillic = sum(1 for ch in letters if not ch.isascii())
        if language == "en":
            if intent not in ("change_language", "greet"):  # they name the languages
                assert cyrillic <= len(letters) * 0.1, intent
        else:
            assert cyrillic >= len(letters) * 0.6, (intent, language)
    if language == "ky":
        assert any(ch in a.short for a in answers.values() for ch in "ңөү")
