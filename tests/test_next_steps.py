"""The next-step texts (content/<lang>/next_steps.yml): shape, markup, facts across languages.

A person who has just read a topic's short answer and writes "what do I do now?" gets the
topic's next step. These tests check what that person would notice: a missing language, a
broken tag, a phone number that differs between languages, a text that only repeats the answer.
"""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher
from html.parser import HTMLParser

import pytest

from content import CONTENT_DIR
from content.markup import markup_problems, placeholders
from nlu.intents import INTENTS, LANGUAGES
from sapar_core.yamlfile import safe_load

TOPICS = (
    "recruitment_fees", "agency_check", "job_offer_check", "entry_ban", "control_list",
    "stay_rule", "work_documents", "trafficking_signs", "self_check", "passport_taken",
    "unpaid_wages", "urgent_danger", "hotline_numbers", "ngo_help", "family_concern",
    "return_home", "embassy_contacts", "deportation", "military_recruitment", "privacy",
    "delete_data", "pre_departure",
)
TEXT_LIMIT = 450
TEXTS = ("short", "family")
STEP_TAGS = {"b", "i", "a"}
OPERATOR = {"en": "operator", "ru": "оператор", "ky": "оператор"}
KYRGYZ_LETTERS = re.compile("[ңөүҢӨҮ]")
MAX_LIKENESS = 0.6  # share of characters a next step may have in common with the answer


def load(language: str, name: str) -> dict:
    """Return one language's YAML file under content/ as a mapping."""
    data = safe_load((CONTENT_DIR / language / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{language}/{name} is not a mapping"
    return data


STEPS = {language: load(language, "next_steps.yml") for language in LANGUAGES}
ANSWERS = {language: load(language, "answers.yml") for language in LANGUAGES}
BLOCKS = [(language, topic) for language in LANGUAGES for topic in TOPICS]


class _Tags(HTMLParser):
    """Collect every start tag and its href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs).get("href")))


def tag_problems(text: str) -> list[str]:
    """Return what breaks the next-step markup rules: only <b>, <i>, <a href="https://...">."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    problems = [f"tag <{tag}> is not allowed" for tag, _ in parser.found if tag not in STEP_TAGS]
    problems += [f"link {href!r} is not https" for tag, href in parser.found
                 if tag == "a" and not (href or "").startswith("https://")]
    return list(dict.fromkeys(problems + markup_problems(text)))


def digit_groups(text: str) -> list[str]:
    """Return the digit groups of a text (phone-number parts, days, years), sorted."""
    return sorted(re.findall(r"\d+", text))


def texts_of(block: dict) -> dict[str, str]:
    """Return the texts a block has (short, and family when present)."""
    return {name: str(block[name]).strip() for name in TEXTS if name in block}


def test_every_language_has_exactly_the_topic_blocks() -> None:
    for language in LANGUAGES:
        assert sorted(STEPS[language]) == sorted(TOPICS), language
    assert set(TOPICS) <= set(INTENTS)


@pytest.mark.parametrize(("language", "topic"), BLOCKS)
def test_a_block_has_a_short_text_within_the_limit(language: str, topic: str) -> None:
    block = STEPS[language][topic]
    assert str(block.get("short") or "").strip(), f"{language}/{topic}: no short text"
    for name, text in texts_of(block).items():
        assert len(text) <= TEXT_LIMIT, f"{language}/{topic}.{name}: {len(text)} characters"


@pytest.mark.parametrize(("language", "topic"), BLOCKS)
def test_a_block_says_where_its_facts_come_from(language: str, topic: str) -> None:
    block = STEPS[language][topic]
    sources = block.get("sources")
    assert isinstance(sources, list) and sources, f"{language}/{topic}: no sources"
    for source in sources:
        assert str(source.get("name") or "").strip(), f"{language}/{topic}: a source has no name"
        year = source.get("year")
        assert isinstance(year, int) or year == "n.d.", f"{language}/{topic}: year {year!r}"
        if "url" in source:
            assert str(source["url"]).startswith("https://"), f"{language}/{topic}: {source}"
    assert isinstance(block.get("last_verified"), date), f"{language}/{topic}: last_verified"


@pytest.mark.parametrize(("language", "topic"), BLOCKS)
def test_the_markup_is_the_telegram_subset_and_balanced(language: str, topic: str) -> None:
    for name, text in texts_of(STEPS[language][topic]).items():
        assert "{" not in text and "}" not in text, f"{language}/{topic}.{name}: braces"
        assert not placeholders(text)
        assert tag_problems(text) == [], f"{language}/{topic}.{name}"


@pytest.mark.parametrize(("language", "topic"), BLOCKS)
def test_a_step_ends_by_offering_a_person(language: str, topic: str) -> None:
    for name, text in texts_of(STEPS[language][topic]).items():
        assert OPERATOR[language] in text.lower(), f"{language}/{topic}.{name}: no operator"


@pytest.mark.parametrize("topic", TOPICS)
def test_the_same_numbers_appear_in_every_language(topic: str) -> None:
    english = texts_of(STEPS["en"][topic])
    for language in LANGUAGES:
        other = texts_of(STEPS[language][topic])
        assert other.keys() == english.keys(), f"{language}/{topic}: texts {sorted(other)}"
        for name, text in other.items():
            assert digit_groups(text) == digit_groups(english[name]), (
                f"{language}/{topic}.{name}: numbers differ from en")


@pytest.mark.parametrize(("language", "topic"), BLOCKS)
def test_a_step_does_not_repeat_the_topic_answer(language: str, topic: str) -> None:
    answer = ANSWERS[language][topic]
    for name, text in texts_of(STEPS[language][topic]).items():
        said = str(answer.get(name) or answer["short"]).strip()
        likeness = SequenceMatcher(None, said, text, autojunk=False).ratio()
        assert likeness < MAX_LIKENESS, f"{language}/{topic}.{name}: {likeness:.2f} like answer"
        repeated = {line.strip() for line in text.splitlines() if len(line.strip()) > 20}
        assert not repeated & {line.strip() for line in said.splitlines()}, (
            f"{language}/{topic}.{name}: repeats a line of the answer")


@pytest.mark.parametrize("topic", TOPICS)
def test_the_kyrgyz_text_is_kyrgyz(topic: str) -> None:
    for name, text in texts_of(STEPS["ky"][topic]).items():
        assert KYRGYZ_LETTERS.search(text), f"ky/{topic}.{name}: no ң/ө/ү (Russian pasted?)"
        assert text != str(STEPS["ru"][topic][name]).strip()


def test_the_checks_catch_what_they_are_for() -> None:
    assert tag_problems("<u>x</u>") == ["tag <u> is not allowed"]
    assert tag_problems('<a href="http://x.kg">x</a>') == ["link 'http://x.kg' is not https"]
    assert tag_problems("<b>x") == ["unclosed tag(s): b"]
    assert tag_problems('<b>x</b> <a href="https://x.kg">y</a>') == []
    assert digit_groups("+996 999 312 002, 3 months") != digit_groups("+996 999 312 02, 3 ай")
    assert digit_groups("+7 925 115 50 47") == digit_groups("50 47 +7 925 115")
