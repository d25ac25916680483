"""Content v2: country variants, subtopics, the dated-sources line and the stricter checker."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.dialogue import ConversationState, Dialogue, Incoming
from bot.dialogue.answers import source_line, source_list
from bot.dialogue.context import Turn
from content import CONTENT_DIR
from content.answers import (
    COUNTRIES,
    get_answer,
    is_subtopic,
    load_entries,
    subtopics_of,
    variants_of,
)
from content.check import run_checks
from content.directory import find, link_text, load_directory
from content.markup import PLACEHOLDER, markup_problems
from nlu.intents import LANGUAGES
from nlu.types import Parse
from sapar_core.yamlfile import safe_dump, safe_load

TODAY = date(2026, 12, 1)
VARIANT_INTENTS = ("passport_taken", "unpaid_wages", "deportation", "urgent_danger",
                   "hotline_numbers", "stay_rule", "work_documents")
SUBTOPICS = {"police_check": "work_documents", "registration": "work_documents",
             "border_refusal": "entry_ban", "ban_lengths": "entry_ban",
             "control_list_check": "control_list"}


class NoParser:
    """Every text here comes with its Parse."""

    def parse(self, text: str, language_hint: str | None = None,
              today: date | None = None) -> Parse:
        """Refuse to parse."""
        pytest.fail("the parser was called")


def visible(text: str) -> str:
    """What Telegram shows of an HTML text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def assert_renders(text: str, where: object) -> None:
    assert markup_problems(text) == [], where
    assert not PLACEHOLDER.search(text), where
    assert len(visible(text).encode("utf-16-le")) // 2 <= 4096, where


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    data = safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ----- the loader -----------------------------------------------------------------------------

def test_a_country_gets_its_variant_and_others_the_base() -> None:
    base = get_answer("stay_rule", "en")
    assert base is not None and base.country is None and base.countries == ("RU",)
    kazakhstan = get_answer("stay_rule", "en", "KZ")
    assert kazakhstan is not None and kazakhstan.country == "KZ"
    assert "30 days without registration" in kazakhstan.short
    assert kazakhstan.title == base.title
    assert get_answer("stay_rule", "en", "RU") == base  # the base is written for Russia
    assert get_answer("stay_rule", "en", "XX") == base
    assert get_answer("stay_rule", "xx", "KZ") is None


def test_fits_tells_whether_a_text_is_written_for_the_country() -> None:
    base = get_answer("stay_rule", "ru")
    assert base.fits("RU") and not base.fits("KZ") and not base.fits(None)
    neutral = get_answer("thanks", "ru")
    assert neutral.fits("KR") and neutral.fits(None)
    assert get_answer("stay_rule", "ru", "TR").fits("TR")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_named_intent_has_variants_for_the_destinations(language: str) -> None:
    for intent in VARIANT_INTENTS:
        assert {"KZ", "TR", "KR", "GB"} <= set(variants_of(intent, language)), intent
    for intent in ("urgent_danger", "hotline_numbers", "unpaid_wages"):
        assert "KG" in variants_of(intent, language), intent


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_danger_variant_gives_that_countrys_police_number_first(language: str) -> None:
    expected = {"KZ": "112", "TR": "112", "KR": "112", "GB": "999", "KG": "102"}
    for country, number in expected.items():
        short = get_answer("urgent_danger", language, country).short
        first_number = re.search(r"\b\d{3}\b", visible(short).split("\n", 1)[1]).group()
        assert first_number == number, (country, language)


def test_turkiye_variants_say_visa_free_stay_gives_no_right_to_work() -> None:
    assert "no right to work" in get_answer("stay_rule", "en", "TR").short
    assert "не даёт права работать" in get_answer("work_documents", "ru", "TR").short
    assert "иштөөгө укук бербейт" in get_answer("stay_rule", "ky", "TR").short
    for language in LANGUAGES:  # the October 2025 decree is hedged
        assert "консул" in get_answer("stay_rule", language, "TR").short.lower() or \
            "consulate" in get_answer("stay_rule", language, "TR").short


@pytest.mark.parametrize("language", LANGUAGES)
def test_subtopics_exist_with_their_parents(language: str) -> None:
    entries = load_entries(language)
    for key, parent in SUBTOPICS.items():
        assert entries[key].base.parent == parent
        assert is_subtopic(key)
    assert set(subtopics_of("entry_ban")) == {"border_refusal", "ban_lengths"}
    assert not is_subtopic("entry_ban")


# ----- rendering ------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("family", [False, True])
def test_every_variant_renders_as_telegram_html(language: str, family: bool) -> None:
    for intent, entry in load_entries(language).items():
        for country, answer in entry.variants.items():
            turn = Turn(state=ConversationState(language=language, family_mode=family),
                        language=language, today=TODAY)
            body = answer.family if family and answer.family else answer.short
            short = f"{body}\n\n{source_line(turn, answer)}"  # as show_answer formats it
            assert_renders(short, (intent, country, language))
            assert len(visible(short)) <= 1000, (intent, country, language)
            if answer.more:
                assert_renders(answer.more, (intent, country, language))
            assert_renders(source_list(turn, answer), (intent, country, language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_subtopic_opens_from_its_parent_and_renders(language: str) -> None:
    dialogue = Dialogue(NoParser(), today=lambda: TODAY)
    for key, parent in SUBTOPICS.items():
        state = ConversationState(language=language, language_chosen=True)
        under_parent = dialogue.handle(state, Incoming(action=f"topic:{parent}"))
        assert f"topic:{key}" in under_parent.replies[-1].actions(), (key, language)
        shown = dialogue.handle(state, Incoming(action=f"topic:{key}"))
        [reply] = shown.replies
        assert get_answer(key, language).short in reply.text
        assert_renders(reply.text, (key, language))
        more = dialogue.handle(state, Incoming(action=f"more:{key}:{language}"))
        assert more.replies[0].text == get_answer(key, language).more
        for r in more.replies:
            assert_renders(r.text, (key, language))


def test_the_dates_line_shows_the_newest_source_and_the_check() -> None:
    answer = get_answer("control_list_check", "en")
    turn = Turn(state=ConversationState(language="en"), language="en", today=TODAY)
    line = visible(source_line(turn, answer))
    assert "Newest source: 2025" in line and "Checked on December 1, 2026" in line
    ru = get_answer("control_list_check", "ru")
    names = visible(source_list(Turn(state=ConversationState(language="ru"), language="ru",
                                     today=TODAY), ru))
    assert "Постановление Правительства РФ" in names  # the source title in Russian


# ----- the directory --------------------------------------------------------------------------

def test_every_destination_has_its_police_or_unified_number_first() -> None:
    first = {c: find(kind="emergency", country=c)[0].short_numbers for c in COUNTRIES}
    assert first["KZ"] == ("112", "102")
    assert first["TR"] == ("112",)
    assert first["KR"] == ("112",)
    assert first["GB"] == ("999", "101")
    assert first["RU"] == ("112", "102")
    korea = [n for c in find(country="KR") for n in c.short_numbers]
    assert {"112", "119", "1345", "1577-0071", "1366", "1577-1366"} <= set(korea)


def test_bishkek_shelters_and_legal_aid_are_the_right_organisations() -> None:
    shelters = {c.key for c in find(country="KG", region="bishkek", service="shelter_women")}
    assert {"ngo_sezim", "ngo_oasis"} <= shelters
    legal = {c.key for c in find(country="KG", service="legal_aid")}
    assert not legal & {"ngo_adilet_legal_clinic", "ngo_resource_center_elderly"}


def test_links_show_a_short_text() -> None:
    for contact in load_directory():
        for language in LANGUAGES:
            for label in re.findall(r">([^<]+)</a>", contact.render(language)):
                assert len(label) <= 40, (contact.key, label)
    assert link_text("https://www.oasisorg.kg/en/programs_c/x/") == "oasisorg.kg"


def test_no_ambiguous_kyrgyz_words_for_hotlines_or_emergency_numbers() -> None:
    directory = (CONTENT_DIR / "directory.yml").read_text(encoding="utf-8")
    assert "ышкын" not in directory.lower()
    ky = (CONTENT_DIR / "ky" / "answers.yml").read_text(encoding="utf-8")
    assert "Тез жардам: Россия 112" not in ky and "(МОТ)" not in ky


# ----- the checker ----------------------------------------------------------------------------

def test_the_real_content_passes_the_stricter_checker() -> None:
    assert run_checks(today=TODAY).errors == []


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_variant_missing_in_one_language_fails(content_copy: Path) -> None:
    edit_yaml(content_copy / "ky" / "answers.yml",
              lambda d: d["stay_rule"]["variants"].pop("KZ"))
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("ky/answers.yml: stay_rule.variants.KZ: exists in another language" in e
               for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_variant_without_sources_or_date_fails(content_copy: Path) -> None:
    def strip(data: dict) -> None:
        data["stay_rule"]["variants"]["TR"]["sources"] = []
        del data["deportation"]["variants"]["GB"]["last_verified"]
        data["hotline_numbers"]["variants"]["XX"] = data["hotline_numbers"]["variants"]["KZ"]

    edit_yaml(content_copy / "en" / "answers.yml", strip)
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("stay_rule.variants.TR: has no sources" in e for e in errors)
    assert any("deportation.variants.GB: has no last_verified" in e for e in errors)
    assert any("hotline_numbers.variants.XX: unknown country" in e for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_number_in_one_language_only_fails(content_copy: Path) -> None:
    def change(data: dict) -> None:
        data["stay_rule"]["variants"]["KZ"]["short"] += "\nStay at most 60 days."

    edit_yaml(content_copy / "en" / "answers.yml", change)
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("ru/answers.yml: stay_rule.variants.KZ: lacks the number(s) 60" in e
               for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_phone_not_in_the_directory_fails(content_copy: Path) -> None:
    def change(data: dict) -> None:
        data["ban_lengths"]["more"] += "\nCall +7 495 000 00 00."

    for language in LANGUAGES:
        edit_yaml(content_copy / language / "answers.yml", change)
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("ban_lengths.more: phone 74950000000 is not in directory.yml" in e
               for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_subtopic_needs_a_parent_that_exists(content_copy: Path) -> None:
    def change(data: dict) -> None:
        data["border_refusal"]["parent"] = "no_such_answer"
        data["orphan"] = dict(data["ban_lengths"])
        del data["orphan"]["parent"]

    edit_yaml(content_copy / "en" / "answers.yml", change)
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("border_refusal.parent: 'no_such_answer' is not an answer" in e for e in errors)
    assert any("orphan: is not an intent" in e and "no parent" in e for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_a_source_title_per_language_needs_every_language(content_copy: Path) -> None:
    def change(data: dict) -> None:
        del data["police_check"]["sources"][0]["name"]["ky"]

    edit_yaml(content_copy / "en" / "answers.yml", change)
    errors = run_checks(today=TODAY, root=content_copy).errors
    assert any("police_check: source #1 has no ky title" in e for e in errors)


@pytest.mark.slow  # checks a whole copy of the content tree
def test_old_sources_warn_at_the_configured_age(content_copy: Path) -> None:
    report = run_checks(today=TODAY, root=content_copy, source_warn_years=1)
    strict = {w for w in report.warnings if "newest source is from" in w}
    lenient = {w for w in run_checks(today=TODAY, root=content_copy, source_warn_years=30
                                     ).warnings if "newest source is from" in w}
    assert any("border_refusal" in w for w in strict)  # newest source 2024
    assert not lenient
    assert report.errors == []  # old sources warn, they do not fail


@pytest.mark.slow  # checks a whole copy of the content tree
def test_directory_numbers_must_be_in_the_fact_dossier(content_copy: Path, tmp_path: Path
                                                       ) -> None:
    facts = tmp_path / "facts.md"
    facts.write_text("Police 102 and 112; embassy +7 925 115 50 47.\n", encoding="utf-8")
    errors = run_checks(today=TODAY, root=content_copy, facts=facts).errors
    assert any("kr_fire_ambulance_119: number 119 is not in facts.md" in e for e in errors)
    assert not any("ru_emergency" in e for e in errors)


def test_help_in_a_country_lists_each_contact_once_and_only_there() -> None:
    from content.directory import help_in_country

    for country in COUNTRIES:
        contacts = help_in_country(country)
        keys = [c.key for c in contacts]
        assert len(keys) == len(set(keys)), country
        assert all(c.country == country and c.kind != "emergency" for c in contacts)
    assert "kg_embassy_moscow" in [c.key for c in help_in_country("RU")]
