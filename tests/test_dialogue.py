"""The dialogue core through its public API: answers, languages, flows, buttons, bad input.

Texts come with a precomputed Parse (as the Telegram layer sends it), so the core is driven
deterministically and the parser must not be called; one test types dates through the real
one.
Interface wording is asserted in English only; in Kyrgyz and Russian the tests check structure,
button actions and the content files' text.
"""

from __future__ import annotations

import json
import re
from datetime import date
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome, Reply
from bot.dialogue.actions import ACTION, split
from content.answers import Answer, get_answer
from content.directory import load_directory
from content.formatting import format_date
from nlu.intents import INTENTS
from nlu.types import Entity, Parse, Parser

TODAY = date(2026, 4, 15)
LANGUAGES = ("ky", "ru", "en")
COUNTRIES = ("RU", "KG", "KZ", "TR", "GB", "KR")
MENU_TOPICS = ("recruitment_fees", "entry_ban", "stay_rule", "work_documents",
               "trafficking_signs")
# "Victim" in English, Russian (жертва, any ending) and Kyrgyz (курмандык, жабырлануучу).
VICTIM = re.compile(r"victim|жертв|курман|жабырлан", re.IGNORECASE)


class NoParser:
    """Fail the test if the core parses text itself: every text here comes with its Parse."""

    def parse(self, text: str, language_hint: str | None = None,
              today: date | None = None) -> Parse:
        """Refuse to parse."""
        pytest.fail(f"the parser was called for {text!r} although a Parse was given")


def understood(intent: str, language: str, confidence: float = 0.95,
               entities: tuple[Entity, ...] = (),
               ranking: tuple[tuple[str, float], ...] = ()) -> Parse:
    """Return what the parser would say about a message."""
    return Parse(intent, confidence, language, entities, ranking or ((intent, confidence),))


def dates(*values: str) -> tuple[Entity, ...]:
    """Return date entities (ISO values, as the parser normalises them)."""
    return tuple(Entity("date", value) for value in values)


class Chat:
    """One person talking to the dialogue; keeps their state between turns."""

    def __init__(self, language: str = "ky", chosen: bool = False,
                 today: date = TODAY) -> None:
        self.dialogue = Dialogue(NoParser(), clarify_below=0.45, today=lambda: today)
        self.state = ConversationState(language=language, language_chosen=chosen)

    def write(self, text: str, parse: Parse) -> Outcome:
        """Send free text with its parse."""
        return self.dialogue.handle(self.state, Incoming(text=text), parse)

    def press(self, action: str) -> Outcome:
        """Press a button."""
        return self.dialogue.handle(self.state, Incoming(action=action))

    def command(self, line: str) -> Outcome:
        """Send a /command line."""
        return self.dialogue.handle(self.state, Incoming.from_text(line))

    def send(self, media: str) -> Outcome:
        """Send a voice message, sticker, contact..."""
        return self.dialogue.handle(self.state, Incoming(media=media))


def actions(outcome: Outcome) -> list[str]:
    """Return every button action of every reply."""
    return [action for reply in outcome.replies for action in reply.actions()]


def texts(outcome: Outcome) -> str:
    """Return all reply texts joined."""
    return "\n".join(reply.text for reply in outcome.replies)


def is_menu(reply: Reply) -> bool:
    """Return True when a reply is the topic menu."""
    return [f"topic:{name}" for name in MENU_TOPICS] == reply.actions()[:len(MENU_TOPICS)]


def answer(intent: str, language: str) -> Answer:
    """Return a content answer, failing clearly when the content file lacks it."""
    found = get_answer(intent, language)
    assert found is not None, f"content/{language}/answers.yml has no {intent!r}"
    return found


def assert_source_line(reply: Reply, intent: str, language: str) -> None:
    """The reply names the answer's first source and the date it was checked."""
    content = answer(intent, language)
    assert escape(f"{content.sources[0].name} ({content.sources[0].year})") in reply.text
    assert format_date(content.last_verified, language) in reply.text


# ----- language ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_with_language_payload_sets_the_language(language: str) -> None:
    chat = Chat(language="ky" if language != "ky" else "en")
    outcome = chat.command(f"/start {language}")
    assert chat.state.language == language and chat.state.language_chosen
    assert {reply.language for reply in outcome.replies} == {language}
    welcome, menu = outcome.replies
    assert welcome.actions() == ["lang:ky", "lang:ru", "lang:en"]
    assert is_menu(menu)
    assert menu.buttons[0][0].label == answer(MENU_TOPICS[0], language).title
    assert outcome.effects == []


def test_start_with_campaign_tag_counts_the_tag_and_nothing_about_the_person() -> None:
    chat = Chat()
    outcome = chat.command("/start osh_poster_2026")
    assert [(e.kind, e.data) for e in outcome.effects] == [("campaign",
                                                            {"tag": "osh_poster_2026"})]
    assert not chat.state.language_chosen
    assert is_menu(outcome.replies[-1])


@pytest.mark.parametrize("payload", ["<script>", "a" * 40, "привет"])
def test_start_with_a_malformed_payload_just_welcomes(payload: str) -> None:
    chat = Chat()
    outcome = chat.command(f"/start {payload}")
    assert outcome.effects == []
    assert is_menu(outcome.replies[-1])


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_message_sets_the_language_without_asking(language: str) -> None:
    chat = Chat(language="ky" if language != "ky" else "ru")
    outcome = chat.write("...", understood("entry_ban", language))
    assert chat.state.language == language
    assert [reply.language for reply in outcome.replies] == [language]
    assert outcome.replies[0].text.startswith(answer("entry_ban", language).short)


@pytest.mark.parametrize(("chosen", "written"), [("ky", "ru"), ("ru", "en"), ("en", "ky")])
def test_message_in_another_language_is_answered_in_it_with_an_offer_to_switch(
        chosen: str, written: str) -> None:
    chat = Chat(language=chosen, chosen=True)
    outcome = chat.write("...", understood("entry_ban", written))
    first, offer = outcome.replies
    assert first.language == written
    assert first.text.startswith(answer("entry_ban", written).short)
    assert offer.actions() == [f"lang:{written}"]
    assert chat.state.language == chosen

    outcome = chat.press(f"lang:{written}")
    assert chat.state.language == written and chat.state.language_chosen
    assert is_menu(outcome.replies[-1]) and outcome.replies[-1].language == written


# ----- answers ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_greeting_gets_welcome_and_menu(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    outcome = chat.write("...", understood("greet", language))
    hello, menu = outcome.replies
    assert hello.text == answer("greet", language).short
    assert is_menu(menu)
    assert menu.actions()[5:9] == ["flow:check", "flow:stay", "human", "flow:find"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("intent", ["entry_ban", "stay_rule", "recruitment_fees",
                                    "passport_taken", "hotline_numbers"])
def test_confident_intent_gets_its_short_answer_with_source_more_and_menu(
        intent: str, language: str) -> None:
    chat = Chat(language=language, chosen=True)
    outcome = chat.write("...", understood(intent, language))
    [reply] = outcome.replies
    assert reply.text.startswith(answer(intent, language).short)
    assert_source_line(reply, intent, language)
    assert reply.actions()[-2:] == [f"more:{intent}:{language}", "menu"]
    if language == "en":
        assert "Checked on" in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_more_shows_the_long_part(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("entry_ban", language))
    [detail, sources] = chat.press("more:entry_ban").replies
    content = answer("entry_ban", language)
    assert detail.text == content.more
    for source in content.sources:
        assert escape(source.name, quote=False) in sources.text
    assert {"human", "menu"} <= set(sources.actions())


@pytest.mark.parametrize("language", LANGUAGES)
def test_unsure_parse_asks_between_the_top_two_topics(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    ranking = (("out_of_scope", 0.35), ("entry_ban", 0.3), ("deny", 0.2),
               ("control_list", 0.15), ("stay_rule", 0.1))
    outcome = chat.write("...", understood("out_of_scope", language, 0.35, ranking=ranking))
    [reply] = outcome.replies
    assert reply.actions() == ["topic:entry_ban", "topic:control_list", "menu", "human"]
    assert [b.label for b in reply.buttons[0]] == [answer("entry_ban", language).title,
                                                   answer("control_list", language).title]
    assert answer("entry_ban", language).short not in reply.text

    [shown] = chat.press("topic:control_list").replies
    assert shown.text.startswith(answer("control_list", language).short)


def test_unsure_greeting_is_still_a_greeting() -> None:
    chat = Chat(language="en", chosen=True)
    outcome = chat.write("hey", understood("greet", "en", 0.2))
    assert outcome.replies[0].text == answer("greet", "en").short


@pytest.mark.parametrize("language", LANGUAGES)
def test_family_mode_uses_the_family_wording(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    outcome = chat.press("family:on")
    assert chat.state.family_mode and is_menu(outcome.replies[-1])
    [reply] = chat.press("topic:entry_ban").replies
    family = answer("entry_ban", language).family
    assert family and reply.text.startswith(family)
    # An answer without a family variant keeps its usual text.
    assert answer("recruitment_fees", language).family is None
    [reply] = chat.press("topic:recruitment_fees").replies
    assert reply.text.startswith(answer("recruitment_fees", language).short)

    chat.press("family:off")
    [reply] = chat.press("topic:entry_ban").replies
    assert reply.text.startswith(answer("entry_ban", language).short)


def test_asking_for_a_relative_switches_to_family_wording() -> None:
    chat = Chat(language="en", chosen=True)
    chat.write("my son", understood("family_concern", "en"))
    assert chat.state.family_mode
    [reply] = chat.write("...", understood("control_list", "en")).replies
    assert reply.text.startswith(answer("control_list", "en").family)


# ----- danger now -------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_mid_calculator_gets_numbers_a_person_and_the_country_picker(
        language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("flow:stay")
    assert chat.state.flow == "stay"
    outcome = chat.write("...", understood("urgent_danger", language))
    emergency, picker = outcome.replies
    assert emergency.text.startswith(answer("urgent_danger", language).short)
    assert emergency.actions() == ["urgent:human"]
    assert picker.actions() == [f"urgent:country:{code}" for code in COUNTRIES]
    assert chat.state.flow is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_even_with_low_confidence_or_mid_screening(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("flow:check")
    chat.press("check:0:yes")
    outcome = chat.write("...", understood("urgent_danger", language, 0.3))
    assert outcome.replies[0].actions() == ["urgent:human"]
    assert chat.state.flow is None


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("country", COUNTRIES)
def test_picking_a_country_shows_its_numbers_from_the_directory(
        language: str, country: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("urgent_danger", language))
    [reply] = chat.press(f"urgent:country:{country}").replies
    lines = [c for c in load_directory()
             if c.country == country and c.kind in ("emergency", "hotline")]
    assert lines, f"content/directory.yml has no emergency line for {country}"
    for contact in lines:
        assert escape(contact.name[language]) in reply.text
        for number in (*contact.short_numbers, *contact.phones):
            assert number in reply.text
    assert reply.actions() == ["urgent:human"]
    assert chat.state.country == country


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_picked_from_a_clarifying_question_is_treated_as_danger(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    ranking = (("passport_taken", 0.3), ("urgent_danger", 0.28), ("unpaid_wages", 0.1))
    asked = chat.write("...", understood("passport_taken", language, 0.3, ranking=ranking))
    assert actions(asked)[:2] == ["topic:passport_taken", "topic:urgent_danger"]
    outcome = chat.press("topic:urgent_danger")
    emergency, picker = outcome.replies
    assert emergency.text.startswith(answer("urgent_danger", language).short)
    assert emergency.actions() == ["urgent:human"]
    assert picker.actions() == [f"urgent:country:{code}" for code in COUNTRIES]


def test_danger_with_a_known_country_gives_its_numbers_at_once() -> None:
    chat = Chat(language="en", chosen=True)
    parse = understood("urgent_danger", "en", entities=(Entity("country", "KZ"),))
    [reply] = chat.write("they locked me in, Almaty", parse).replies
    kazakhstan = get_answer("urgent_danger", "en", "KZ")
    assert kazakhstan is not None and kazakhstan.country == "KZ"
    assert reply.text.startswith(kazakhstan.short)  # Kazakhstan's text, not Russia's
    assert "116 16" in reply.text
    assert reply.actions() == ["urgent:human", "urgent:where"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_then_a_person_opens_an_urgent_case(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("urgent_danger", language))
    consent = chat.press("urgent:human")
    assert actions(consent)[0] == "handoff:anon"
    outcome = chat.press("handoff:anon")
    handoff = outcome.effect("handoff")
    assert handoff is not None
    assert handoff.data == {"topic": "urgent_danger", "priority": "urgent", "consent": "anon",
                            "summary": None, "region": None}
    assert chat.state.handoff == "waiting"


# ----- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("action", ["topic:nonexistent", "x" * 100, "stay:prev:yes",
                                    "check:5:yes", "more:nonexistent", "lang:de",
                                    "handoff:all", "urgent:country:US", "family:maybe",
                                    "", "topic:' OR 1=1 --", "stay:contract"])
def test_forged_or_stale_buttons_get_the_menu(language: str, action: str) -> None:
    chat = Chat(language=language, chosen=True)
    outcome = chat.press(action)
    assert outcome.effects == []
    assert outcome.replies
    last = outcome.replies[-1]
    assert is_menu(last) or last.actions() == ["menu"]
    if language == "en":
        assert "no longer valid" in texts(outcome)


@pytest.mark.parametrize("language", LANGUAGES)
def test_stale_screening_button_repeats_the_current_question(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("flow:check")
    chat.press("check:0:no")
    asked = chat.press("check:1:yes").replies[0].text  # now at question 3
    assert chat.state.step == "2"
    outcome = chat.press("check:1:no")  # question 2 again, from an old message
    assert outcome.replies[-1].actions() == ["check:2:yes", "check:2:no", "check:2:unsure", "menu"]
    assert outcome.replies[-1].text == asked
    outcome = chat.press("check:5:yes")
    assert outcome.replies[-1].text == asked
    assert chat.state.step == "2" and chat.state.data["yes"] == ["retention_of_documents"]
    if language == "en":
        assert "already answered" in outcome.replies[0].text


@pytest.mark.parametrize(("media", "words"), [
    ("voice", "voice"), ("sticker", "only text"), ("contact", "did not save"),
    ("location", "did not save"), ("document", "file")])
def test_media_gets_an_explanation(media: str, words: str) -> None:
    chat = Chat(language="en", chosen=True)
    [reply] = chat.send(media).replies
    assert words in reply.text
    assert reply.actions() == ["human", "menu"]
    assert chat.state.to_dict() == ConversationState(language="en",
                                                     language_chosen=True).to_dict()


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_media_explanations_differ_by_kind_in_every_language(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    replies = [chat.send(media).replies[0] for media in ("voice", "sticker", "contact")]
    assert len({reply.text for reply in replies}) == 3
    assert all(reply.language == language for reply in replies)


def test_unknown_command_shows_the_menu() -> None:
    outcome = Chat(language="en", chosen=True).command("/rm -rf")
    assert is_menu(outcome.replies[-1])


STATES_TO_START_FROM = ("fresh", "flow:stay", "flow:check", "human", "flow:find")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(STATES_TO_START_FROM),
       action=st.one_of(st.text(max_size=80), st.from_regex(ACTION, fullmatch=True),
                        st.builds(lambda name, args: ":".join([name, *args]),
                                  st.sampled_from(["topic", "more", "stay", "check", "find",
                                                   "handoff", "urgent", "lang", "family",
                                                   "forget", "flow", "menu", "human"]),
                                  st.lists(st.sampled_from(
                                      ["yes", "no", "prev", "contract", "0", "8", "9", "-1",
                                       "RU", "XX", "osh", "mars", "all", "anon", "summary",
                                       "country", "region", "svc", "pick", "entry_ban",
                                       "stay", "check", "where", "human", "on"]),
                                      max_size=3))))
def test_any_button_data_gets_a_reply_and_only_valid_buttons(start: str, action: str) -> None:
    chat = Chat(language="en", chosen=True)
    if start != "fresh":
        chat.press(start)
    outcome = chat.press(action)
    assert outcome.replies and all(reply.text.strip() for reply in outcome.replies)
    for shown in actions(outcome):
        assert split(shown) is not None, shown
    json.dumps(chat.state.to_dict())


# ----- forgetting -------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_forget_asks_then_deletes_everything_but_the_language(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("family:on")
    chat.write("...", understood("ngo_help", language, entities=(Entity("region", "osh"),)))
    assert chat.state.region == "osh" and chat.state.flow == "find"

    asked = chat.command("/forget")
    assert asked.effects == [] and actions(asked) == ["forget:yes", "forget:no"]
    kept = chat.press("forget:no")
    assert kept.effects == [] and chat.state.family_mode

    chat.command("/forget")
    done = chat.press("forget:yes")
    assert [effect.kind for effect in done.effects] == ["forget"]
    assert chat.state.to_dict() == ConversationState(language=language).to_dict()
    assert done.replies[0].language == language


# ----- stay calculator --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_stay_calculator_end_to_end(language: str) -> None:
    # Today 15 Apr 2026. Earlier trips: 5-14 Jan (10 days), 1-10 Feb (10 days).
    # In Russia since 1 Mar: 31 (Mar) + 15 (Apr) = 46 -> 66 days used.
    # 90 - 20 = 70 days from 1 Mar: 31 (Mar) + 30 (Apr) + 9 -> last legal day 9 May 2026;
    # left after today: 15 (Apr) + 9 (May) = 24.
    chat = Chat(language=language, chosen=True)
    asked = chat.press("flow:stay")
    assert asked.replies[0].actions() == ["menu"]
    assert format_date(date(2026, 4, 1), language) in asked.replies[0].text

    outcome = chat.write("01.03.2026", understood("out_of_scope", language, 0.2,
                                                  entities=dates("2026-03-01")))
    assert actions(outcome) == ["stay:prev:yes", "stay:prev:no"]
    chat.press("stay:prev:yes")
    outcome = chat.write("05.01.2026 - 14.01.2026",
                         understood("out_of_scope", language, 0.2,
                                    entities=dates("2026-01-05", "2026-01-14")))
    assert format_date(date(2026, 1, 5), language) in texts(outcome)
    assert format_date(date(2026, 1, 14), language) in texts(outcome)
    assert actions(outcome) == ["stay:prev:yes", "stay:prev:no"]
    chat.press("stay:prev:yes")
    # Dates written the other way round are still one trip.
    chat.write("10.02.2026 01.02.2026", understood("out_of_scope", language, 0.2,
                                                   entities=dates("2026-02-10", "2026-02-01")))
    outcome = chat.press("stay:prev:no")
    assert actions(outcome) == ["stay:contract:yes", "stay:contract:no"]

    outcome = chat.press("stay:contract:no")
    [result] = outcome.replies
    assert "66" in result.text and "24" in result.text
    assert format_date(date(2026, 5, 9), language) in result.text
    assert result.actions() == ["remind:ask:stay:2026-05-09", "human", "topic:stay_rule",
                                "flow:stay", "menu"]
    assert chat.state.flow is None and chat.state.data == {}
    if language == "en":
        assert "Days used this year: 66 days" in result.text
        assert "Days left after today: 24" in result.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_stay_calculator_reads_typed_dates_with_the_real_parser(language: str,
                                                                 parser: Parser) -> None:
    # Same trip as above with one earlier trip: 10 Jan - 20 Feb = 22 + 20 = 42 days, since
    # 1 Mar: 46 -> 88 used; 48 days from 1 Mar -> last legal day 17 Apr, 2 left.
    dialogue = Dialogue(parser, clarify_below=0.45, today=lambda: TODAY)
    state = ConversationState(language=language, language_chosen=True)
    outcomes = [dialogue.handle(state, incoming) for incoming in (
        Incoming(action="flow:stay"), Incoming(text="31.02.2026"),
        Incoming(text="01.03.2026"), Incoming(action="stay:prev:yes"),
        Incoming(text="10.01.2026 - 20.02.2026"), Incoming(action="stay:prev:no"),
        Incoming(action="stay:contract:no"))]
    assert all(reply.language == language for o in outcomes for reply in o.replies)
    assert actions(outcomes[2]) == ["stay:prev:yes", "stay:prev:no"]
    result = outcomes[-1].replies[-1].text
    assert "88" in result and format_date(date(2026, 4, 17), language) in result
    if language == "en":
        assert "does not exist" in outcomes[1].replies[0].text


def test_stay_calculator_with_a_contract_names_day_90_and_the_extension() -> None:
    chat = Chat(language="en", chosen=True)
    # The date is already in the question: the calculator starts from it.
    chat.write("I came on 1 March, how many days?",
               understood("stay_rule", "en", entities=dates("2026-03-01")))
    assert chat.state.flow == "stay" and chat.state.step == "earlier?"
    chat.press("stay:prev:no")
    [result] = chat.press("stay:contract:yes").replies
    # Since 1 Mar, nothing earlier: 31 + 15 = 46 used; day 90 = 1 Mar + 89 = 29 May.
    assert "46 days" in result.text
    assert format_date(date(2026, 5, 29), "en") in result.text
    assert "extend" in result.text and "contract" in result.text


def test_stay_calculator_overstay_warns_and_offers_a_person() -> None:
    # In Russia since 1 Jan 2026, today 15 Apr: day 90 was 31 Mar; 1-15 Apr = 15 days over.
    chat = Chat(language="en", chosen=True)
    chat.press("flow:stay")
    outcome = chat.write("1.1.2026", understood("out_of_scope", "en", 0.2,
                                                entities=dates("2026-01-01")))
    # Entry on 1 January: no earlier trip this year is possible, so no such question.
    assert actions(outcome) == ["stay:contract:yes", "stay:contract:no"]
    [result] = chat.press("stay:contract:no").replies
    assert "over it by 15 days" in result.text
    assert format_date(date(2026, 3, 31), "en") in result.text
    assert result.actions()[0] == "human"


@pytest.mark.parametrize("language", LANGUAGES)
def test_stay_calculator_asks_about_last_year_for_a_stay_begun_last_year(language: str) -> None:
    # Today 5 Jan 2026; in Russia since 20 Dec 2025, after 85 days in 2025 (1 Jan - 26 Mar:
    # 31 + 28 + 26). 2025 had 5 days left: 20-24 Dec. Over since 25 Dec: 7 + 5 = 12 days.
    chat = Chat(language=language, chosen=True, today=date(2026, 1, 5))
    chat.press("flow:stay")
    asked = chat.write("20.12.2025", understood("out_of_scope", language, 0.2,
                                                entities=dates("2025-12-20")))
    assert actions(asked) == ["stay:prev:yes", "stay:prev:no"]
    if language == "en":
        assert "2025" in asked.replies[0].text
    chat.press("stay:prev:yes")
    chat.write("01.01.2025 - 26.03.2025", understood("out_of_scope", language, 0.2,
                                                     entities=dates("2025-01-01", "2025-03-26")))
    chat.press("stay:prev:no")
    [result] = chat.press("stay:contract:no").replies
    assert format_date(date(2025, 12, 24), language) in result.text
    assert "12" in result.text
    assert result.actions()[0] == "human"
    if language == "en":
        assert "over it by 12 days" in result.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_stay_calculator_rejects_impossible_and_future_dates(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("flow:stay")
    unreadable = chat.write("soon", understood("out_of_scope", language, 0.2)).replies[0].text
    impossible = chat.write("31.02.2026", understood("out_of_scope", language, 0.2))
    assert impossible.replies[0].text != unreadable
    future = chat.write("01.05.2026", understood("out_of_scope", language, 0.2,
                                                 entities=dates("2026-05-01")))
    assert future.replies[0].text not in (unreadable, impossible.replies[0].text)
    assert chat.state.flow == "stay" and chat.state.step == "entry"
    assert "entry" not in chat.state.data
    if language == "en":
        assert "does not exist" in impossible.replies[0].text
        assert "in the future" in future.replies[0].text


def stay_with_earlier_trip(first: str, last: str) -> tuple[Chat, Outcome]:
    """In the stay calculator, enter on 1 Mar 2026, then give one earlier trip (ISO dates)."""
    chat = Chat(language="en", chosen=True)
    chat.press("flow:stay")
    chat.write("01.03.2026", understood("out_of_scope", "en", 0.2,
                                        entities=dates("2026-03-01")))
    chat.press("stay:prev:yes")
    typed = " - ".join(".".join(reversed(day.split("-"))) for day in (first, last))
    return chat, chat.write(typed, understood("out_of_scope", "en", 0.2,
                                              entities=dates(first, last)))


def test_stay_calculator_rejects_an_earlier_trip_that_overlaps_or_is_half_given() -> None:
    chat, overlap = stay_with_earlier_trip("2026-02-20", "2026-03-05")
    assert "overlaps" in texts(overlap)
    half = chat.write("20.02.2026", understood("out_of_scope", "en", 0.2,
                                               entities=dates("2026-02-20")))
    assert "both dates" in texts(half)
    assert chat.state.data["trips"] == []
    assert chat.state.step == "earlier"


def test_stay_calculator_takes_a_border_run_that_ends_on_the_entry_day() -> None:
    chat, border_run = stay_with_earlier_trip("2026-02-20", "2026-03-01")
    assert "overlaps" not in texts(border_run)
    assert len(chat.state.data["trips"]) == 1


# ----- screening --------------------------------------------------------------------------


def run_check(chat: Chat, yes_at: set[int]) -> list[Outcome]:
    """Answer the nine questions, 'yes' at the given indexes; return every outcome."""
    outcomes = [chat.press("flow:check")]
    for index in range(9):
        outcomes.append(chat.press(f"check:{index}:{'yes' if index in yes_at else 'no'}"))
    return outcomes


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("family", [False, True])
@pytest.mark.parametrize(("yes_at", "level"), [
    (set(), "none"),
    ({0}, "some"),                # deception only
    ({0, 3}, "some"),             # deception, wages
    ({1}, "serious"),             # passport kept: serious on its own
    ({0, 3, 4}, "serious"),       # three signs
])
def test_screening_nine_questions_and_a_private_result(
        language: str, family: bool, yes_at: set[int], level: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.state.family_mode = family
    outcomes = run_check(chat, yes_at)
    questions = [o.replies[-1] for o in outcomes[:-1]]
    assert [q.actions() for q in questions] == [
        [f"check:{i}:yes", f"check:{i}:no", f"check:{i}:unsure", "menu"] for i in range(9)]
    assert [q.text.split(".")[0] for q in questions] == [f"{i}/9" for i in range(1, 10)]

    summary = chat.state.screening_summary
    assert summary is not None and summary.endswith(f"level: {level}")
    assert chat.state.flow is None
    shown = "\n".join(texts(o) for o in outcomes)
    assert "ILO" not in shown and "level:" not in shown
    assert not VICTIM.search(shown)
    assert all(o.effects == [] for o in outcomes)
    result = outcomes[-1].replies[-1]
    assert result.actions() == ["human", "topic:trafficking_signs", "menu"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_screening_results_read_differently_per_level(language: str) -> None:
    results = {}
    for yes_at, level in ((set(), "none"), ({0}, "some"), ({1}, "serious")):
        chat = Chat(language=language, chosen=True)
        results[level] = run_check(chat, yes_at)[-1].replies[-1].text
    assert len(set(results.values())) == 3
    if language == "en":
        assert "no signs" in results["none"]
        assert "some warning signs" in results["some"]
        assert "serious signs" in results["serious"] and "112" in results["serious"]


def test_family_mode_asks_about_the_relative() -> None:
    own, relative = Chat(language="en", chosen=True), Chat(language="en", chosen=True)
    relative.state.family_mode = True
    own_question = own.press("flow:check").replies[-1].text
    relative_question = relative.press("flow:check").replies[-1].text
    assert own_question != relative_question
    assert "they" in relative_question


def test_typed_yes_and_no_answer_the_current_question() -> None:
    chat = Chat(language="en", chosen=True)
    chat.press("flow:check")
    chat.write("yes", understood("affirm", "en"))
    chat.write("no", understood("deny", "en"))
    assert chat.state.step == "2" and chat.state.data["yes"] == ["deception"]
    # A question on another topic leaves the check and is answered.
    [reply] = chat.write("...", understood("entry_ban", "en")).replies
    assert reply.text.startswith(answer("entry_ban", "en").short)
    assert chat.state.flow is None


# ----- hand-off consent -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_handoff_is_anonymous_by_default_with_nothing_else_to_share(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    outcome = chat.press("human")
    assert actions(outcome) == ["handoff:anon", "menu"]
    # A forged "share" button cannot share what we do not have.
    handoff = chat.press("handoff:all").effect("handoff")
    assert handoff is not None
    assert handoff.data == {"topic": "talk_to_human", "priority": "normal", "consent": "all",
                            "summary": None, "region": None}
    again = chat.press("human")
    assert again.effects == [] and "handoff:anon" not in actions(again)


@pytest.mark.parametrize("language", LANGUAGES)
def test_handoff_offers_to_share_only_what_exists(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    run_check(chat, {0})
    assert actions(chat.press("human")) == ["handoff:anon", "handoff:summary", "menu"]

    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("entry_ban", language, entities=(Entity("region", "osh"),)))
    assert actions(chat.press("human")) == ["handoff:anon", "handoff:region", "menu"]

    run_check(chat, {0})
    assert actions(chat.press("human")) == ["handoff:anon", "handoff:summary",
                                            "handoff:region", "handoff:all", "menu"]
    handoff = chat.press("handoff:all").effect("handoff")
    assert handoff is not None
    assert handoff.data["summary"] == chat.state.screening_summary
    assert handoff.data["region"] == "osh"
    assert handoff.data["priority"] == "normal"


@pytest.mark.parametrize(("yes_at", "priority"), [({0}, "normal"), ({6}, "urgent")])
def test_serious_screening_makes_the_case_urgent(yes_at: set[int], priority: str) -> None:
    chat = Chat(language="en", chosen=True)
    run_check(chat, yes_at)
    chat.press("human")
    handoff = chat.press("handoff:summary").effect("handoff")
    assert handoff is not None
    assert handoff.data["priority"] == priority
    assert handoff.data["topic"] == "self_check"
    assert handoff.data["summary"] == chat.state.screening_summary


def test_talk_to_human_intent_after_danger_is_urgent() -> None:
    chat = Chat(language="ru", chosen=True)
    chat.write("...", understood("urgent_danger", "ru"))
    chat.write("...", understood("talk_to_human", "ru"))
    handoff = chat.press("handoff:anon").effect("handoff")
    assert handoff is not None and handoff.data["priority"] == "urgent"


def test_stop_ends_the_operator_chat() -> None:
    chat = Chat(language="en", chosen=True)
    assert chat.command("/stop").effects == []
    chat.press("human")
    chat.press("handoff:anon")
    assert [e.kind for e in chat.command("/stop").effects] == ["end_handoff"]
    assert chat.state.handoff is None


def test_every_intent_gets_a_reply_in_every_language() -> None:
    for language in LANGUAGES:
        for intent in INTENTS:
            chat = Chat(language=language, chosen=True)
            outcome = chat.write("...", understood(intent, language))
            assert outcome.replies, (intent, language)
            assert all(reply.text.strip() for reply in outcome.replies), (intent, language)
            for shown in actions(outcome):
                assert split(shown) is not None


def test_more_keeps_the_language_of_the_short_answer() -> None:
    chat = Chat(language="ru", chosen=True)
    [reply, _offer] = chat.write("how do I check the ban", understood("entry_ban", "en")).replies
    more = next(a for a in reply.actions() if a.startswith("more:"))
    [detail, _sources] = chat.press(more).replies
    assert detail.text == answer("entry_ban", "en").more


def test_a_clear_question_leaves_the_stay_calculator() -> None:
    chat = Chat(language="en", chosen=True)
    chat.press("flow:stay")
    outcome = chat.write("how do I check an entry ban", understood("entry_ban", "en"))
    assert outcome.replies[0].text.startswith(answer("entry_ban", "en").short)
    assert chat.state.flow is None
