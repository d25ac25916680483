"""The console chat: the real parser and dialogue over stdin, leaving nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.console import run_console
from bot.dialogue import Dialogue
from bot.pseudonym import Pseudonymizer
from bot.service import ChatService
from content.answers import get_answer
from content.i18n import gettext_for
from content.markup import strip_markup
from nlu.types import Parser

REPO = Path(__file__).resolve().parent.parent
ENTRY_BAN_QUESTIONS = {
    "ky": "Россияга кирүүгө тыюу барбы, кантип текшерем?",
    "en": "how do I check a Russian entry ban",
    "ru": "как проверить запрет на въезд",
}


def first_line(intent: str, language: str) -> str:
    """Return the first line of an answer as the console prints it."""
    answer = get_answer(intent, language)
    assert answer is not None, f"content/{language}/answers.yml has no {intent!r}"
    return strip_markup(answer.short).strip().splitlines()[0]


def more_first_line(intent: str, language: str) -> str:
    """Return the first line of an answer's longer part as the console prints it."""
    answer = get_answer(intent, language)
    assert answer is not None and answer.more
    return strip_markup(answer.more).strip().splitlines()[0]


@pytest.fixture
def service(db: Database, parser: Parser) -> ChatService:
    """Return the chat service the console uses, on an in-memory database."""
    from nlu.parser import CLARIFY_BELOW

    return ChatService(db, Dialogue(parser, clarify_below=CLARIFY_BELOW),
                       Pseudonymizer(b"k" * 32), default_language="ky")


def chat(service: ChatService, *lines: str, language: str | None = None) -> tuple[int, str]:
    """Run the console over some input lines; return the exit code and everything printed."""
    out = StringIO()
    code = run_console(service, language, stdin=StringIO("".join(f"{x}\n" for x in lines)),
                       stdout=out)
    return code, out.getvalue()


def test_each_message_is_answered_in_its_own_language(service: ChatService) -> None:
    lines = ["Салам", ENTRY_BAN_QUESTIONS["ky"], ENTRY_BAN_QUESTIONS["en"],
             ENTRY_BAN_QUESTIONS["ru"]]
    code, printed = chat(service, *lines)
    assert code == 0
    expected = [first_line("greet", "ky"), first_line("entry_ban", "ky"),
                first_line("entry_ban", "en"), first_line("entry_ban", "ru")]
    positions = [printed.find(text) for text in expected]
    assert -1 not in positions, printed
    assert positions == sorted(positions), printed
    # No language was chosen, so the console follows each message and never offers a switch.
    for language in ("ky", "ru", "en"):
        offer = gettext_for(language)("Shall I answer in {language} from now on?")
        assert offer.split("{")[0] not in printed


def test_a_numbered_choice_presses_that_button(service: ChatService) -> None:
    # The English answer's buttons: [1] the control-list topic, [2] refused at the border,
    # [3] ban lengths (subtopics), [4] More, [5] Menu.
    code, printed = chat(service, ENTRY_BAN_QUESTIONS["en"], "4")
    assert code == 0
    assert "[4] More" in printed
    more = printed.find(more_first_line("entry_ban", "en"))
    assert more > printed.find(first_line("entry_ban", "en")) >= 0


def test_forget_and_handoff_are_explained(service: ChatService) -> None:
    # /forget asks first; [1] is "Yes, delete". /human offers [1] "Stay anonymous".
    code, printed = chat(service, "/forget", "1", "/human", "1", language="ru")
    assert code == 0
    assert "(Everything stored about this console session was deleted.)" in printed
    assert "(In Telegram, this chat now goes to a hotline operator.)" in printed


@pytest.mark.parametrize("lines", [
    ["Салам", ENTRY_BAN_QUESTIONS["ky"]],
    ["/human", "1"],
    [],
])
def test_console_leaves_no_user_rows(service: ChatService, db: Database,
                                     lines: list[str]) -> None:
    code, _printed = chat(service, *lines)
    assert code == 0
    assert db["users"].count == 0 and db["conversations"].count == 0


@pytest.mark.slow
def test_python_m_bot_console_answers_from_stdin(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("TELEGRAM_", "SAPAR_", "NLU_", "RASA_"))}
    env["SAPAR_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([sys.executable, "-m", "bot", "console"], cwd=REPO, env=env,
                          input=ENTRY_BAN_QUESTIONS["en"] + "\n", capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert first_line("entry_ban", "en") in done.stdout
    # The data directory holds no conversation of the console session.
    db = Database(tmp_path / "data" / "sapar.db")
    assert db["users"].count == 0
