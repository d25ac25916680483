"""Show a topic's answer: short first, "more" on request, always with source and date."""

from __future__ import annotations

from html import escape

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from bot.dialogue.numbers import numbers_for
from bot.dialogue.places import country_name
from content.answers import Answer, Sourced, get_answer, subtopics_of
from content.formatting import format_date

# Buttons that lead on from an answer to the closest next step.
FOLLOW_UPS: dict[str, tuple[tuple[str, str], ...]] = {
    "stay_rule": (("flow", "stay"),),
    "entry_ban": (("topic", "control_list"),),
    "control_list": (("topic", "entry_ban"),),
    "trafficking_signs": (("flow", "check"),),
    "self_check": (("flow", "check"),),
    "recruitment_fees": (("topic", "agency_check"), ("topic", "job_offer_check")),
    "agency_check": (("topic", "job_offer_check"),),
    "job_offer_check": (("topic", "agency_check"),),
    "passport_taken": (("flow", "check"),),
    "unpaid_wages": (("flow", "check"),),
    "ngo_help": (("flow", "find"),),
    "hotline_numbers": (("flow", "find"),),
    "family_concern": (("family", "on"),),
    "delete_data": (("forget", "ask"),),
    "change_language": (("lang", "pick"),),
}


def dates_line(turn: Turn, answer: Sourced) -> str:
    """Return 'Newest source: <year> · Checked on <date>': how old the facts are, and when
    the answer was last checked against them (two different things)."""
    _ = turn._
    checked = _("Checked on {date}").format(
        date=format_date(answer.last_verified, turn.language))
    year = answer.newest_source_year
    if year is None:
        return _("Sources are undated") + " · " + checked
    return _("Newest source: {year}").format(year=year) + " · " + checked


def source_line(turn: Turn, answer: Sourced, limit: int | None = 2) -> str:
    """Return 'Source: ... · Newest source: <year> · Checked on <date>' in the reply language."""
    _ = turn._
    names = []
    for source in answer.sources[:limit]:
        label = escape(f"{source.name} ({source.year})", quote=False)
        names.append(f'<a href="{escape(source.url)}">{label}</a>' if source.url else label)
    return "<i>" + _("Source: {sources}").format(sources="; ".join(names)) + " · " + dates_line(
        turn, answer) + "</i>"


def topic_title(intent: str, language: str) -> str:
    """Return a topic's short title for a button."""
    answer = get_answer(intent, language)
    return answer.title if answer else intent.replace("_", " ")


def follow_up_buttons(turn: Turn, intent: str) -> list[Button]:
    """Return the buttons that lead on from an intent's answer."""
    _ = turn._
    labels = {
        ("flow", "stay"): _("Count my days"),
        ("flow", "check"): _("Check my situation"),
        ("flow", "find"): _("Find help near me"),
        ("family", "on"): _("I am asking for someone else"),
        ("forget", "ask"): _("Delete my data"),
        ("lang", "pick"): _("Choose language"),
    }
    buttons = []
    subtopics = tuple(("topic", key) for key in subtopics_of(intent))
    for name, arg in (*FOLLOW_UPS.get(intent, ()), *subtopics):
        label = topic_title(arg, turn.language) if name == "topic" else labels[(name, arg)]
        buttons.append(Button(label, actions.make(name, arg)))
    return buttons


def show_answer(turn: Turn, intent: str) -> None:
    """Reply with the short answer of a topic, for the country the person is in."""
    _ = turn._
    state = turn.state
    country = turn.country
    answer = get_answer(intent, turn.language, country)
    if answer is None:
        turn.say(_("I have no answer on this yet. You can talk to a person."),
                 [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")])
        return
    state.last_intent, state.last_language = intent, turn.language
    if intent in state.situation.pending:
        state.situation.pending.remove(intent)
    if country is not None and not answer.fits(country):
        show_country_note(turn, intent, country)
        return
    body = answer.family if state.family_mode and answer.family else answer.short
    rows: list[list[Button]] = []
    follow = follow_up_buttons(turn, intent)
    if follow:
        rows.append(follow)
    rows.extend(pending_needs(turn))
    nav = [Button(_("Menu"), "menu")]
    if answer.more:
        nav.insert(0, Button(_("More"), actions.make("more", intent, turn.language)))
    if state.situation.danger and intent != "urgent_danger":
        nav.insert(0, Button(_("Talk to a person"), "human"))
    rows.append(nav)
    turn.say(f"{body}\n\n{source_line(turn, answer)}", *rows, kind=f"answer:{intent}")


def show_country_note(turn: Turn, intent: str, country: str | None) -> None:
    """Say that the answer on a topic is not written for the person's country, with that
    country's numbers and the Kyrgyz MFA line instead of another country's rules."""
    _ = turn._
    assert country is not None
    name = country_name(country, turn.language)
    turn.say(_("I have no checked answer on \"{topic}\" for {country} yet, and the rules there "
               "differ from Russia's. Ask a hotline operator; these numbers work in {country}:"
               ).format(topic=topic_title(intent, turn.language), country=name)
             + "\n\n" + numbers_for(turn, country),
             [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")],
             *pending_needs(turn), kind="country_note")


def pending_needs(turn: Turn) -> list[list[Button]]:
    """Return a row of buttons for the needs the person named that are not answered yet."""
    pending = [name for name in turn.state.situation.pending if name != turn.state.last_intent]
    if not pending:
        return []
    return [[Button(turn._("Also: {topic}").format(topic=topic_title(name, turn.language)),
                    actions.make("topic", name)) for name in pending[:2]]]


def show_more(turn: Turn, intent: str) -> None:
    """Reply with the longer part of a topic's answer."""
    _ = turn._
    answer = get_answer(intent, turn.language, turn.country)
    if answer is None or not answer.more:
        show_answer(turn, intent)
        return
    rows = []
    follow = follow_up_buttons(turn, intent)
    if follow:
        rows.append(follow)
    rows.append([Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")])
    # the detail and its full source list go separately: together they can pass 4,096 chars
    turn.say(answer.more, kind=f"more:{intent}")
    turn.say(source_list(turn, answer), *rows, kind=f"more:{intent}")


def source_list(turn: Turn, answer: Answer) -> str:
    """Return every source of an answer, one per line, and the date it was checked."""
    _ = turn._
    lines = []
    for source in answer.sources:
        label = escape(f"{source.name} ({source.year})", quote=False)
        lines.append("• " + (f'<a href="{escape(source.url)}">{label}</a>' if source.url
                             else label))
    return "<i>" + _("Sources:") + "\n" + "\n".join(lines) + "\n" + dates_line(
        turn, answer) + "</i>"
