"""Danger now: emergency numbers at once, for the country the person is in, and a person."""

from __future__ import annotations

from bot.dialogue import actions
from bot.dialogue.answers import show_answer
from bot.dialogue.context import Turn
from bot.dialogue.flows import handoff
from bot.dialogue.model import Button
from bot.dialogue.numbers import COUNTRIES, country_names, numbers_for
from content.answers import get_answer


def respond(turn: Turn) -> None:
    """Answer a message about danger: numbers first, then a person, with no questions first."""
    _ = turn._
    state = turn.state
    state.end_flow()
    state.last_intent = "urgent_danger"
    state.situation.danger = True
    state.situation.awaiting = None
    answer = get_answer("urgent_danger", turn.language, state.country)
    body = ""
    if answer is not None:
        body = answer.family if state.family_mode and answer.family else answer.short
    urgent_person = [Button(_("Talk to a person now"), actions.make("urgent", "human"))]
    if state.country:
        turn.say(body + "\n\n" + numbers_for(turn, state.country), urgent_person,
                 [Button(_("I am in another country"), actions.make("urgent", "where"))],
                 kind="urgent")
        return
    turn.say(body, urgent_person, kind="urgent")
    ask_country(turn)


def ask_country(turn: Turn, again: bool = False) -> None:
    """Ask which country the person is in, to give the right numbers."""
    _ = turn._
    names = country_names(turn)
    buttons = [Button(names[code], actions.make("urgent", "country", code)) for code in COUNTRIES]
    turn.state.situation.awaiting = "country"
    text = _("Which country are you in now? I will show its emergency numbers. "
             "You can also just write the city.")
    rows = [buttons[:3], buttons[3:]]
    if again:
        rows.append([Button(_("Talk to a person now"), actions.make("urgent", "human"))])
        text = _("I could not tell the country from that. Please choose it below. If you "
                 "cannot, call the police: 112 in Russia, Kazakhstan and Türkiye, 112 (police) "
                 "in South Korea, 999 in the United Kingdom, 102 in Kyrgyzstan.")
    turn.say(text, *rows, kind="ask_country")


def show_numbers(turn: Turn, country: str, place: str | None = None) -> None:
    """Give one country's numbers (after the person said or picked where they are)."""
    _ = turn._
    turn.state.situation.awaiting = None
    heading = ""
    if place:
        heading = _("You are in {place}. Here are the numbers there:").format(place=place) + "\n\n"
    turn.say(heading + numbers_for(turn, country),
             [Button(_("Talk to a person now"), actions.make("urgent", "human"))],
             kind="numbers")


def check_danger(turn: Turn, other_topic: str | None) -> None:
    """Ask before an emergency block when the signal of danger is weak."""
    _ = turn._
    situation = turn.state.situation
    situation.awaiting = "danger"
    situation.pending = [other_topic] if other_topic else []
    turn.say(_("Are you in danger right now: locked in, threatened, hurt, or not allowed to "
               "leave?"),
             [Button(_("Yes, right now"), actions.make("urgent", "now")),
              Button(_("No, not right now"), actions.make("urgent", "notnow"))],
             kind="danger_check")


def on_action(turn: Turn, args: list[str]) -> None:
    """Handle the danger buttons: a country was picked, or a person is wanted now."""
    _ = turn._
    if args[:1] == ["country"] and len(args) == 2 and args[1] in COUNTRIES:
        turn.state.country = args[1]
        show_numbers(turn, args[1])
    elif args == ["where"]:
        ask_country(turn)
    elif args == ["now"]:
        respond(turn)
    elif args == ["notnow"]:
        not_in_danger(turn)
    elif args == ["human"]:
        handoff.start(turn, urgent=True)
    else:
        turn.say(_("That button is no longer valid."), [Button(_("Menu"), "menu")])


def not_in_danger(turn: Turn) -> None:
    """The person said there is no danger now: answer what the message was about."""
    _ = turn._
    situation = turn.state.situation
    situation.awaiting = None
    topic = situation.pending.pop(0) if situation.pending else None
    if topic:
        show_answer(turn, topic)
        return
    turn.say(_("Good. Tell me what happened, in your own words, or talk to a person."),
             [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")])
