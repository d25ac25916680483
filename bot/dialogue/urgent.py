"""Danger now: emergency numbers at once, for the country the person is in, and a person."""

from __future__ import annotations

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from content.answers import get_answer
from content.directory import find

COUNTRIES = ("RU", "KG", "KZ", "TR", "GB", "KR")


def country_names(turn: Turn) -> dict[str, str]:
    """Return the country names offered in the picker, in the reply language."""
    _ = turn._
    return {"RU": _("Russia"), "KG": _("Kyrgyzstan"), "KZ": _("Kazakhstan"),
            "TR": _("Türkiye"), "GB": _("United Kingdom"), "KR": _("South Korea")}


def numbers_for(turn: Turn, country: str) -> str:
    """Return the emergency and help lines of one country as Telegram HTML."""
    contacts = find(kind="emergency", country=country) + find(kind="hotline", country=country)
    return "\n\n".join(contact.render(turn.language) for contact in contacts)


def respond(turn: Turn) -> None:
    """Answer a message about danger: numbers first, then a person, with no questions first."""
    _ = turn._
    state = turn.state
    state.end_flow()
    state.last_intent = "urgent_danger"
    for value in (turn.parse.entity_values("country") if turn.parse else []):
        if value in COUNTRIES:
            state.country = value
    answer = get_answer("urgent_danger", turn.language)
    body = ""
    if answer is not None:
        body = answer.family if state.family_mode and answer.family else answer.short
    urgent_person = [Button(_("Talk to a person now"), actions.make("urgent", "human"))]
    if state.country in COUNTRIES:
        turn.say(body + "\n\n" + numbers_for(turn, state.country), urgent_person,
                 [Button(_("I am in another country"), actions.make("urgent", "where"))])
        return
    turn.say(body, urgent_person)
    ask_country(turn)


def ask_country(turn: Turn) -> None:
    """Ask which country the person is in, to give the right numbers."""
    names = country_names(turn)
    buttons = [Button(names[code], actions.make("urgent", "country", code)) for code in COUNTRIES]
    turn.say(turn._("Which country are you in now? I will show its emergency numbers."),
             buttons[:3], buttons[3:])


def on_action(turn: Turn, args: list[str]) -> None:
    """Handle the danger buttons: a country was picked, or a person is wanted now."""
    _ = turn._
    if args[:1] == ["country"] and len(args) == 2 and args[1] in COUNTRIES:
        turn.state.country = args[1]
        turn.say(numbers_for(turn, args[1]) or _("I have no numbers for that country."),
                 [Button(_("Talk to a person now"), actions.make("urgent", "human"))])
    elif args == ["where"]:
        ask_country(turn)
    elif args == ["human"]:
        from bot.dialogue.flows import FLOWS

        FLOWS["handoff"].start(turn, urgent=True)
    else:
        turn.say(_("That button is no longer valid."), [Button(_("Menu"), "menu")])
