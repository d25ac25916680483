"""The dialogue follows the person across turns: where they are, danger, several needs,
follow-ups, "I don't understand"/"I don't know", and the stay calculator's dates and rules.

As in test_dialogue.py, each text comes with the Parse the parser would give, so these tests
pin the dialogue's own decisions; tests/test_conversations.py plays whole conversations with
the real parser.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.dialogue import Outcome
from bot.dialogue.model import Situation
from content.answers import get_answer
from content.directory import find
from content.formatting import format_date
from content.stay_rules import stay_rules
from nlu.parser import CLARIFY_BELOW
from nlu.types import Entity, Parse
from tests.test_dialogue import TODAY, Chat, actions, answer, texts, understood

LANGUAGES = ("ky", "ru", "en")


def kinds(outcome: Outcome) -> list[str]:
    """Return the kinds of this turn's replies."""
    return [reply.kind for reply in outcome.replies]


def place(country: str, city: str | None = None, said: str = "") -> tuple[Entity, ...]:
    """Return the entities of a message naming a place (`said`: the words naming it)."""
    said = said or (city or "")
    found = (Entity("country", country, text=said),)
    return (*found, Entity("city", city, text=said)) if city else found


def weak(intent: str, language: str, **extra: object) -> Parse:
    """Return a parse the parser is not sure of (a short message with no clear topic)."""
    return Parse(intent, 0.4, language, ranking=((intent, 0.4),), **extra)  # type: ignore[arg-type]


def a_date(value: date, *flags: str) -> Entity:
    """Return a date entity as the parser gives it."""
    return Entity("date", value.isoformat(), flags=flags)


def emergency_numbers(country: str) -> list[str]:
    """Return the short numbers the directory lists for a country's emergency lines."""
    return [n for c in find(kind="emergency", country=country) for n in c.short_numbers]


# ----- where the person is ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_the_danger_reply_a_city_answers_the_country_question(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    first = chat.write("...", understood("urgent_danger", language))
    assert kinds(first) == ["urgent", "ask_country"]
    then = chat.write("я в Казани", weak("out_of_scope", language,
                                         entities=place("RU", "kazan", "Казани")))
    assert kinds(then) == ["numbers"]
    assert all(number in texts(then) for number in emergency_numbers("RU"))
    assert chat.state.country == "RU" and chat.state.situation.city == "kazan"
    assert "urgent:human" in actions(then)


def test_an_unknown_place_after_the_country_question_asks_again_with_numbers() -> None:
    chat = Chat(language="en", chosen=True)
    chat.write("...", understood("urgent_danger", "en"))
    again = chat.write("in Chekhov", weak("out_of_scope", "en"))
    assert kinds(again) == ["ask_country"]
    assert "999" in texts(again) and "urgent:human" in actions(again)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_place_after_a_topic_gives_that_countrys_answer_not_a_guess(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("passport_taken", language))
    then = chat.write("I am in Seoul", weak("out_of_scope", language,
                                            entities=place("KR", "seoul", "Seoul")))
    assert kinds(then)[0] == "place_noted"
    assert kinds(then)[1] in ("answer:passport_taken", "country_note")
    assert "clarify" not in kinds(then) and "menu" not in kinds(then)


def test_a_relative_abroad_gets_the_help_of_the_country_they_are_in() -> None:
    chat = Chat(language="ru", chosen=True)
    chat.write("дочь уехала в турцию няней", understood("family_concern", "ru"))
    assert chat.state.family_mode and chat.state.situation.relative == "daughter"
    then = chat.write("она в стамбуле", understood("family_concern", "ru",
                                                   entities=place("TR", "istanbul", "стамбуле")))
    assert kinds(then) == ["place_noted", "numbers"]
    assert all(number in texts(then) for number in emergency_numbers("TR"))
    consulates = [c for c in find(country="TR") if c.kind in ("embassy", "consulate")]
    assert all(c.name["ru"] in texts(then) for c in consulates)


def test_a_country_without_checked_numbers_gets_the_mfa_line() -> None:
    chat = Chat(language="en", chosen=True)
    chat.write("...", understood("urgent_danger", "en"))
    then = chat.write("Dubai", weak("out_of_scope", "en", entities=place("AE", "dubai", "Dubai")))
    assert kinds(then) == ["numbers"]
    [mfa] = [c for c in find(country="KG") if c.key == "kg_mfa_consular"]
    assert mfa.phones[0] in texts(then).replace(" ", "") or mfa.name["en"] in texts(then)


def test_a_long_message_naming_a_place_is_still_its_topic() -> None:
    chat = Chat(language="ky", chosen=True)
    outcome = chat.write("Россияга кирүүгө тыюу барбы", understood("entry_ban", "ky",
                                                                  entities=place("RU")))
    assert kinds(outcome) == ["answer:entry_ban"]
    assert chat.state.country is None  # "to Russia" is where they may go, not where they are


@pytest.mark.parametrize(("text", "where"), [
    ("я сейчас в Казани, работаю на стройке, паспорт забрали", "RU"),
    ("Кореяда иштейм, айлык беришпейт", "KR"),
    ("I am working on a farm in Kent and they keep my passport", "GB"),
])
def test_saying_where_one_is_keeps_the_place(text: str, where: str) -> None:
    chat = Chat(language="en", chosen=True)
    chat.write(text, understood("unpaid_wages", "en", entities=place(where, None, "x")))
    assert chat.state.country == where


def test_a_destination_is_not_where_the_person_is_but_picks_the_answer() -> None:
    chat = Chat(language="en", chosen=True)
    outcome = chat.write("how long can I stay in Kazakhstan", understood(
        "stay_rule", "en", entities=place("KZ", None, "Kazakhstan")))
    assert chat.state.country is None
    kazakhstan = get_answer("stay_rule", "en", "KZ")
    assert kazakhstan is not None and outcome.replies[0].text.startswith(kazakhstan.short)


def test_the_situation_is_forgotten_after_a_week_without_messages() -> None:
    chat = Chat(language="en", chosen=True)
    chat.write("I am in Kazan", weak("out_of_scope", "en", entities=place("RU", "kazan", "Kazan")))
    assert chat.state.country == "RU"
    later = Chat(language="en", chosen=True, today=TODAY + timedelta(days=8))
    later.state = chat.state
    later.write("hello", understood("greet", "en"))
    assert later.state.situation == Situation()


def test_forget_deletes_the_situation() -> None:
    chat = Chat(language="en", chosen=True)
    chat.write("I am in Kazan", weak("out_of_scope", "en", entities=place("RU", "kazan", "Kazan")))
    chat.press("forget:yes")
    assert chat.state.situation == Situation()


# ----- follow-ups ---------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "text"), [
    ("ru", "помогите пожалуйста"), ("en", "what should I do now?"), ("ky", "эмне кылам азыр"),
    ("ky", "emne kylam emi"), ("ru", "и что дальше")])
def test_what_now_after_an_answer_gets_the_next_step_and_a_person(language: str, text: str
                                                                 ) -> None:
    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("unpaid_wages", language))
    then = chat.write(text, weak("help", language))
    assert kinds(then) == ["next_step:unpaid_wages"]
    assert "human" in actions(then)


def test_what_now_after_danger_offers_a_person_now() -> None:
    chat = Chat(language="en", chosen=True)
    chat.write("...", understood("urgent_danger", "en"))
    chat.press("urgent:country:RU")
    then = chat.write("please help", understood("urgent_danger", "en", confidence=0.7,
                                                ranking=(("urgent_danger", 0.7),)))
    # a bare "please help" after the emergency block is the danger again: numbers, a person
    assert "urgent" in kinds(then) or "next_step:urgent_danger" in kinds(then)
    assert "urgent:human" in actions(then)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dont_understand_after_an_answer_explains_not_clarifies(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.write("...", understood("entry_ban", language))
    then = chat.write("не понимаю", understood("dont_understand", language))
    assert kinds(then) == ["explain"]
    assert "human" in actions(then) and "next:entry_ban" in actions(then)
    assert kinds(chat.press("next:entry_ban")) == ["next_step:entry_ban"]


# ----- danger: weak signals and several needs ------------------------------------------------


def test_a_weak_danger_signal_asks_first_and_no_goes_to_the_other_reading() -> None:
    chat = Chat(language="en", chosen=True)
    asked = chat.write("they keep our documents for safety", Parse(
        "urgent_danger", 0.62, "en", ranking=(("urgent_danger", 0.62), ("passport_taken", 0.3)),
        urgency="weak"))
    assert kinds(asked) == ["danger_check"]
    assert actions(asked) == ["urgent:now", "urgent:notnow"]
    assert kinds(chat.write("no", understood("deny", "en"))) == ["answer:passport_taken"]


def test_a_weak_danger_signal_then_yes_gives_the_numbers() -> None:
    chat = Chat(language="ru", chosen=True)
    chat.write("...", Parse("urgent_danger", 0.6, "ru", ranking=(("urgent_danger", 0.6),),
                            urgency="weak"))
    assert kinds(chat.press("urgent:now"))[0] == "urgent"


def test_a_clear_danger_signal_gets_the_numbers_at_once() -> None:
    chat = Chat(language="en", chosen=True)
    outcome = chat.write("...", Parse("urgent_danger", 0.9, "en", urgency="now"))
    assert kinds(outcome)[0] == "urgent"


@pytest.mark.parametrize("language", LANGUAGES)
def test_several_needs_are_offered_and_the_rest_stay_at_hand(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    offer = chat.write("...", Parse(
        "passport_taken", 0.7, language, ranking=(("passport_taken", 0.7),),
        needs=("passport_taken", "unpaid_wages", "return_home")))
    assert kinds(offer) == ["needs"]
    assert actions(offer)[:3] == ["topic:passport_taken", "topic:unpaid_wages",
                                  "topic:return_home"]
    first = chat.press("topic:unpaid_wages")
    assert kinds(first) == ["answer:unpaid_wages"]
    assert "topic:passport_taken" in actions(first) and "topic:return_home" in actions(first)
    assert kinds(chat.press("topic:passport_taken")) == ["answer:passport_taken"]
    assert chat.state.situation.pending == ["return_home"]


# ----- flows: plainer words, unsure answers --------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_dont_understand_in_the_stay_calculator_explains_and_computes_nothing(
        language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("flow:stay")
    chat.write("05.03.2026", understood("stay_rule", language,
                                        entities=(a_date(date(2026, 3, 5)),)))
    assert chat.state.step == "earlier?"
    for said in ("dont_understand", "dont_know"):
        outcome = chat.write("?", understood(said, language))
        assert kinds(outcome) == ["explain"]
        assert chat.state.flow == "stay" and chat.state.step == "earlier?"
    assert "stay:prev:yes" in actions(outcome)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dont_know_in_the_check_up_is_unsure_and_a_warning_sign(language: str) -> None:
    chat = Chat(language=language, chosen=True)
    chat.press("flow:check")
    outcome = chat.write("билбейм", understood("dont_know", language))
    assert kinds(outcome) == ["check_question"] and chat.state.step == "1"
    explained = chat.write("тушунбойм", understood("dont_understand", language))
    assert kinds(explained) == ["explain"] and chat.state.step == "1"
    for index in range(1, 9):
        chat.press(f"check:{index}:no")
    summary = chat.state.screening_summary or ""
    assert "not sure: deception" in summary and summary.endswith("level: some")


# ----- the stay calculator -----------------------------------------------------------------


def stay_chat(language: str = "en") -> Chat:
    return Chat(language=language, chosen=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_contract_that_ended_gets_the_15_day_rule_not_an_entry_count(language: str) -> None:
    chat = stay_chat(language)
    ended = TODAY - timedelta(days=5)
    outcome = chat.write("...", understood("stay_rule", language,
                                           entities=(a_date(ended, "contract_end"),)))
    assert kinds(outcome) == ["contract_end"]
    deadline = ended + timedelta(days=stay_rules().contract_gap_days)
    assert format_date(deadline, language) in texts(outcome)
    assert chat.state.flow is None and chat.state.situation.contract == "ended"


def test_a_date_that_could_be_entry_or_contract_end_is_asked_about() -> None:
    chat = stay_chat()
    ended = TODAY - timedelta(days=3)
    asked = chat.write("my contract ended, 12 april", understood(
        "stay_rule", "en", entities=(a_date(ended),)))
    assert kinds(asked) == ["stay_confirm"]
    assert actions(asked) == ["stay:role:entry", "stay:role:end"]
    assert kinds(chat.press("stay:role:end")) == ["contract_end"]


def test_the_entry_date_is_repeated_back_with_a_note_when_no_year_was_given() -> None:
    chat = stay_chat()
    outcome = chat.write("I came on 5 march", understood(
        "stay_rule", "en", entities=(a_date(date(2026, 3, 5), "no_year", "entry"),)))
    assert kinds(outcome) == ["stay_confirm", "stay_question"]
    confirm = outcome.replies[0].text
    assert format_date(date(2026, 3, 5), "en") in confirm and "no year" in confirm


def test_a_traditional_month_name_is_confirmed_first() -> None:
    chat = stay_chat("ky")
    outcome = chat.write("бугу айынын 5инде келдим", understood(
        "stay_rule", "ky", entities=(a_date(date(2025, 5, 5), "traditional_month"),)))
    assert kinds(outcome) == ["stay_confirm"]
    assert kinds(chat.press("stay:month:yes"))[0] == "stay_confirm"
    assert chat.state.data["entry"] == "2025-05-05"


def test_days_in_russia_count_back_to_the_entry() -> None:
    chat = stay_chat("ru")
    chat.write("я в россии уже 80 дней", understood(
        "stay_rule", "ru", entities=(Entity("number_of_days", 80),)))
    assert chat.state.data["entry"] == (TODAY - timedelta(days=79)).isoformat()


@pytest.mark.parametrize(("months", "years"), [(5, 3), (10, 5), (13, None)])
def test_months_without_a_contract_are_told_as_an_overstay_at_once(months: int,
                                                                   years: int | None) -> None:
    chat = stay_chat()
    days = months * 30
    outcome = chat.write("...", understood("work_documents", "en", entities=(
        Entity("duration", {"count": months, "unit": "month", "days": days},
               text=f"{months} months"),)))
    assert kinds(outcome) == ["stay_result"]
    text = texts(outcome)
    assert "control list" in text and str(days - 90) in text
    ban = stay_rules().ban_years(days - 90)
    assert ban == (years or 10)
    assert f"entry ban of {ban} years" in text


def result_after(chat: Chat, entry: date, contract: str) -> Outcome:
    chat.press("flow:stay")
    chat.write("...", understood("stay_rule", "en", entities=(a_date(entry),)))
    if chat.state.step == "earlier?":
        chat.press("stay:prev:no")
    return chat.press(f"stay:contract:{contract}")


def test_the_last_legal_day_is_called_today() -> None:
    outcome = result_after(stay_chat(), TODAY - timedelta(days=89), "no")
    assert "is your last legal day" in texts(outcome)
    assert "Days left" not in texts(outcome)


@pytest.mark.parametrize(("over", "years"), [(10, None), (31, 3), (200, 5), (272, 10)])
def test_an_overstay_is_told_its_consequence_by_its_length(over: int, years: int | None
                                                          ) -> None:
    today = date(2026, 12, 31)
    chat = Chat(language="en", chosen=True, today=today)
    entry = today - timedelta(days=89 + over)  # all within 2026
    outcome = result_after(chat, entry, "no")
    text = texts(outcome)
    assert f"over it by {over} days" in text and "control list" in text
    assert (f"entry ban of {years} years" in text) if years else "entry ban of" not in text


def test_a_contract_holder_past_day_90_is_asked_about_the_extension() -> None:
    chat = stay_chat()
    asked = result_after(chat, TODAY - timedelta(days=100), "yes")
    assert kinds(asked) == ["stay_question"]
    assert actions(asked) == ["stay:extended:yes", "stay:extended:no"]
    told = chat.press("stay:extended:no")
    assert kinds(told) == ["stay_result"] and "over it by 11 days" in texts(told)
    chat = stay_chat()
    result_after(chat, TODAY - timedelta(days=100), "yes")
    assert "extension" in texts(chat.press("stay:extended:yes"))


def test_a_contract_holder_before_day_90_is_told_to_extend_in_time() -> None:
    outcome = result_after(stay_chat(), TODAY - timedelta(days=30), "yes")
    assert kinds(outcome) == ["stay_result"]
    day_90 = TODAY - timedelta(days=30) + timedelta(days=89)
    assert format_date(day_90, "en") in texts(outcome) and "59 days left" in texts(outcome)


def test_no_contract_said_in_words_is_not_asked_again() -> None:
    chat = stay_chat("ru")
    chat.write("договора нет", understood("work_documents", "ru"))
    assert chat.state.situation.contract == "no"
    outcome = result_after_no_question(chat, TODAY - timedelta(days=10))
    assert kinds(outcome)[-1] == "stay_result"


def result_after_no_question(chat: Chat, entry: date) -> Outcome:
    chat.press("flow:stay")
    chat.write("...", understood("stay_rule", "ru", entities=(a_date(entry),)))
    return chat.press("stay:prev:no")


def test_the_result_repeats_the_dates_it_counted_and_cites_the_rules() -> None:
    outcome = result_after(stay_chat(), date(2026, 3, 5), "no")
    text = texts(outcome)
    assert "Entry: " + format_date(date(2026, 3, 5), "en") in text
    assert stay_rules().sources[0].name in text
    assert answer("stay_rule", "en").title  # the rule's topic stays one tap away
    assert "topic:stay_rule" in actions(outcome)


def test_dates_for_another_country_do_not_start_russias_calculator() -> None:
    chat = stay_chat()
    outcome = chat.write("I entered Kazakhstan on 5 March, how long can I stay", understood(
        "stay_rule", "en", entities=(*place("KZ"), a_date(date(2026, 3, 5), "entry"))))
    assert chat.state.flow is None
    assert not {"stay_confirm", "stay_question", "stay_result"} & set(kinds(outcome))


def test_find_help_goes_straight_to_the_country_the_person_is_in() -> None:
    chat = Chat(language="ru", chosen=True)
    chat.write("я в Алматы", weak("out_of_scope", "ru", entities=place("KZ", "almaty", "Алматы")))
    outcome = chat.press("flow:find")
    assert kinds(outcome) == ["find"]
    shown = [c for c in find(country="KZ") if c.kind != "emergency"]
    assert shown and all(c.name["ru"] in texts(outcome) for c in shown[:8])
    moscow = [c for c in find(country="RU") if c.kind == "embassy"]
    assert not any(c.name["ru"] in texts(outcome) for c in moscow)


def test_neighbouring_needs_are_one_need_and_a_relatives_worry_is_answered_whole() -> None:
    chat = Chat(language="en", chosen=True)
    outcome = chat.write("...", Parse("stay_rule", 0.5, "en", ranking=(("stay_rule", 0.5),),
                                      needs=("stay_rule", "work_documents")))
    assert kinds(outcome) == ["answer:stay_rule"]
    outcome = chat.write("...", Parse("family_concern", 0.7, "en",
                                      ranking=(("family_concern", 0.7),),
                                      needs=("family_concern", "unpaid_wages")))
    assert kinds(outcome) == ["answer:family_concern"]


def test_a_long_story_is_trusted_where_a_short_message_is_asked_about() -> None:
    story = " ".join(["word"] * 20)
    for text, expected in ((story, "answer:unpaid_wages"), ("short one", "clarify")):
        chat = Chat(language="en", chosen=True)
        chat.dialogue.clarify_below = CLARIFY_BELOW  # as the bot runs
        parse = Parse("unpaid_wages", 0.5, "en",
                      ranking=(("unpaid_wages", 0.5), ("passport_taken", 0.3)))
        assert kinds(chat.write(text, parse)) == [expected]


@pytest.mark.parametrize(("language", "text"), [
    ("en", "what is the 90 day rule"), ("ru", "что за правило 90 дней"),
    ("ky", "90 кун эрежеси кандай")])
def test_the_name_of_the_90_day_rule_is_no_stay_of_90_days(language: str, text: str) -> None:
    chat = Chat(language=language, chosen=True)
    outcome = chat.write(text, understood("stay_rule", language,
                                          entities=(Entity("number_of_days", 90),)))
    assert kinds(outcome) == ["answer:stay_rule"] and chat.state.flow is None
