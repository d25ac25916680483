"""The licensed-agency register: import of the published list, name look-up, agency_check flow.

The list used here is made up (tests/data/agencies/made_up_list.csv): Sapar ships no agencies.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome
from bot.storage import open_database
from content import CONTENT_DIR
from content.agencies import (
    LICENSED,
    REVOKED,
    SUSPENDED,
    AgencyFileError,
    configure,
    import_agencies,
    name_key,
    status_of,
)
from nlu.types import Parse

MADE_UP = Path(__file__).parent / "data" / "agencies" / "made_up_list.csv"
LIST_DAY = date(2026, 2, 15)
LANGUAGES = ("ky", "ru", "en")


class NoParser:
    """Every text here comes with its Parse."""

    def parse(self, text: str, language_hint: str | None = None,
              today: date | None = None) -> Parse:
        """Refuse to parse."""
        pytest.fail(f"the parser was called for {text!r}")


def parse(intent: str, language: str, confidence: float = 0.95) -> Parse:
    """Return what the parser would say."""
    return Parse(intent, confidence, language, (), ((intent, confidence),))


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Path]:
    """A database with the made-up list imported, used by the flow."""
    path = tmp_path / "sapar.db"
    db = open_database(path)
    import_agencies(db, MADE_UP, LIST_DAY)
    configure(db)
    yield path
    configure(None)
    db.close()


@pytest.fixture
def no_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No list anywhere: no configured database and an empty data directory."""
    monkeypatch.setenv("SAPAR_DATA_DIR", str(tmp_path / "empty"))
    configure(None)
    yield


def ask(language: str, name: str, parsed: Parse | None = None) -> tuple[Outcome, Outcome]:
    """Start agency_check, then type a name; return both outcomes."""
    dialogue = Dialogue(NoParser(), today=lambda: date(2026, 3, 1))
    state = ConversationState(language=language, language_chosen=True)
    first = dialogue.handle(state, Incoming(text="..."), parse("agency_check", language))
    second = dialogue.handle(state, Incoming(text=name),
                             parsed or parse("out_of_scope", language, 0.3))
    return first, second


def text(outcome: Outcome) -> str:
    return "\n".join(reply.text for reply in outcome.replies)


def test_names_fold_across_scripts_legal_forms_and_typing() -> None:
    assert name_key("ОсОО «Тестовый Караван»") == name_key("testovyi karavan llc")
    assert name_key("Жибек Жолу") == name_key("Zhibek Zholu") == name_key("jibek jolu")
    assert name_key("Ала-Тоо") == "ala to"  # "Тоо" is part of the name, not a legal form


def test_published_statuses_are_read_in_three_languages() -> None:
    assert status_of("действует") == LICENSED
    assert status_of("Приостановлено с 12.01.2026") == SUSPENDED
    assert status_of("токтотулган") == SUSPENDED
    assert status_of("отозвано") == REVOKED
    assert status_of("") == LICENSED
    assert status_of("??") == SUSPENDED  # unreadable: the cautious reading


def test_import_keeps_every_named_row_and_dates_the_list(tmp_path: Path) -> None:
    db = open_database(tmp_path / "sapar.db")
    result = import_agencies(db, MADE_UP, LIST_DAY)
    assert result.imported == 4
    rows = list(db["agencies"].rows)
    assert {r["status"] for r in rows} == {LICENSED, SUSPENDED, REVOKED}
    [listed] = db["agency_lists"].rows
    assert listed["list_date"] == "2026-02-15"


def test_xlsx_with_a_title_row_imports_like_csv(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Тизме: лицензиясы бар агенттиктер"])
    sheet.append(["Аталышы", "Уруксат номери", "Берилген күнү", "Өлкөлөр", "Абалы"])
    sheet.append(["«Мисал Жол» ОсОО", "MADE-UP-9", date(2025, 5, 5), "Германия", "күчүндө"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    db = open_database(tmp_path / "sapar.db")
    result = import_agencies(db, path, LIST_DAY)
    [row] = list(db["agencies"].rows)
    assert result.imported == 1
    assert (row["name"], row["licence_date"], row["status"]) == (
        "«Мисал Жол» ОсОО", "2025-05-05", LICENSED)


@pytest.mark.parametrize("content", ["", "just,some,words\n1,2,3\n", "Name;Status\n;;\n"])
def test_a_file_without_agencies_is_refused_with_a_reason(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AgencyFileError):
        import_agencies(open_database(None), path, LIST_DAY)


@pytest.mark.slow
def test_the_command_imports_into_the_database(tmp_path: Path) -> None:
    db_path = tmp_path / "sapar.db"
    result = subprocess.run(
        [sys.executable, "-m", "content", "import-agencies", str(MADE_UP), "--date",
         "2026-02-15", "--db", str(db_path)],
        cwd=CONTENT_DIR.parent, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "imported 4 agencies as the list of 2026-02-15" in result.stdout
    broken = subprocess.run(
        [sys.executable, "-m", "content", "import-agencies", str(tmp_path / "none.csv"),
         "--db", str(db_path)], cwd=CONTENT_DIR.parent, capture_output=True, text=True,
        check=False)
    assert broken.returncode == 1 and "no such file" in broken.stderr


@pytest.mark.parametrize("typed", ["Тестовый Караван", "testovyi karavan", "Тестовый Карван",
                                   "тестовый караван осоо"])
def test_a_licensed_agency_is_found_however_it_is_typed(register: Path, typed: str) -> None:
    _, reply = ask("en", typed)
    body = text(reply)
    assert "is on the list of licensed agencies" in body
    assert "MADE-UP-001" in body and "Великобритания" in body
    assert "February 15, 2026" in body  # the date of the list


def test_a_suspended_licence_is_said_plainly(register: Path) -> None:
    _, reply = ask("en", "Ala-Too Vork Test")
    assert "licence is suspended" in text(reply)
    assert "Do not pay" in text(reply)


def test_a_revoked_licence_is_not_called_licensed(register: Path) -> None:
    _, reply = ask("en", "Сапар Мисал")
    assert "no longer valid" in text(reply)
    assert "is on the list of licensed agencies" not in text(reply)


def test_an_unknown_agency_is_not_found_with_what_to_do(register: Path) -> None:
    _, reply = ask("en", "Golden Visa Europe")
    body = text(reply)
    assert "did not find" in body and "1966" in body and "do not pay" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_flow_answers_in_every_language(register: Path, language: str) -> None:
    first, reply = ask(language, "Zhibek Zholu")
    assert first.replies[-1].actions() == ["menu"]  # asks for the name
    assert "MADE-UP-003" in text(reply)
    assert "agency:again" in [a for r in reply.replies for a in r.actions()]
    if language != "en":
        assert "is on the list" not in text(reply)  # translated, not the English text


def test_a_clear_other_question_leaves_the_flow(register: Path) -> None:
    _, reply = ask("en", "how long can I stay in russia", parse("stay_rule", "en", 0.9))
    assert "did not find" not in text(reply)


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_a_list_the_bot_says_where_to_check(no_register: None, language: str) -> None:
    dialogue = Dialogue(NoParser(), today=lambda: date(2026, 3, 1))
    state = ConversationState(language=language, language_chosen=True)
    outcome = dialogue.handle(state, Incoming(text="..."), parse("agency_check", language))
    assert "1966" in outcome.replies[-1].text
    assert state.flow is None  # nothing waits for a name


def test_the_bot_finds_the_list_in_its_data_directory(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # what `python -m content import-agencies` writes, the running bot reads (no configure)
    data = tmp_path / "data"
    monkeypatch.setenv("SAPAR_DATA_DIR", str(data))
    configure(None)
    db = open_database(data / "sapar.db")
    import_agencies(db, MADE_UP, LIST_DAY)
    db.close()
    _, reply = ask("en", "Тестовый Караван")
    assert "MADE-UP-001" in text(reply)
