"""The stay calculator: entry date, earlier trips this year, contract -> days used and left."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.flows.dates import dates_in, impossible_date
from bot.dialogue.model import Button
from bot.staycalc import LIMIT_DAYS, RULE_SINCE, Trip, TripError, calculate
from content.formatting import format_date

NAME = "stay"
NEAR_LIMIT_DAYS = 15
# A message without dates leaves the calculator when the parser is this sure it is about
# something else (intents that can accompany dates keep the person in the flow).
LEAVE_FLOW_CONFIDENCE = 0.6
LEAVE_FLOW_EXCEPT = ("affirm", "deny", "stay_rule", "out_of_scope", "thanks")


def _example(turn: Turn) -> str:
    return format_date(turn.today.replace(day=1), turn.language)


def start(turn: Turn, **_options: Any) -> None:
    """Begin: use a date already in the message, or ask for the entry date."""
    state = turn.state
    state.flow, state.step, state.data = NAME, "entry", {"trips": []}
    found = dates_in("", turn.language, turn.today, turn.parse) if turn.parse else []
    if found:
        accept_entry(turn, found[0])
        return
    ask_entry(turn)



def ask_entry(turn: Turn) -> None:
    """Ask for the date of the current entry into Russia."""
    _ = turn._
    turn.say(_("When did you enter Russia this time? Write the date, for example {example}.")
             .format(example=_example(turn)), [Button(_("Cancel"), "menu")])


def _date_problem(turn: Turn, text: str) -> str:
    _ = turn._
    if impossible_date(text):
        return _("That date does not exist. Please check the day and month.")
    return _("I could not read a date. Write it like 05.03.2026 or {example}.").format(
        example=_example(turn))


def accept_entry(turn: Turn, entry: date) -> None:
    """Store the entry date and move on to earlier trips (or the contract question)."""
    _ = turn._
    if entry > turn.today:
        turn.say(_("That date is in the future. When did you enter Russia?"))
        return
    turn.state.data["entry"] = entry.isoformat()
    if entry > date(entry.year, 1, 1):
        # A stay begun last year is also bound by last year's 90 days: ask about that year.
        question = (_("Were you in Russia earlier this year, before this trip?")
                    if entry.year == turn.today.year else
                    _("Were you in Russia earlier in {year}, before this trip?").format(
                        year=entry.year))
        turn.state.step = "earlier?"
        turn.say(question,
                 [Button(_("Yes"), actions.make(NAME, "prev", "yes")),
                  Button(_("No"), actions.make(NAME, "prev", "no"))])
    else:
        ask_contract(turn)


def ask_contract(turn: Turn) -> None:
    """Ask whether the person works under an employment contract in Russia."""
    _ = turn._
    turn.state.step = "contract"
    turn.say(_("Do you have an employment (or civil-law) contract with an employer in Russia?"),
             [Button(_("Yes, I have a contract"), actions.make(NAME, "contract", "yes")),
              Button(_("No contract"), actions.make(NAME, "contract", "no"))])


def asks_something_else(turn: Turn, text: str) -> bool:
    """Return True when a message without dates is clearly a question on another topic."""
    parse = turn.parse
    return (parse is not None and not dates_in(text, turn.language, turn.today, parse)
            and not impossible_date(text) and parse.intent not in LEAVE_FLOW_EXCEPT
            and parse.confidence >= LEAVE_FLOW_CONFIDENCE)


def on_text(turn: Turn, text: str) -> bool:
    """Read dates typed during the flow; let a clear question on another topic through."""
    _ = turn._
    state = turn.state
    if state.step in ("entry", "earlier") and asks_something_else(turn, text):
        state.end_flow()
        return False
    if state.step == "entry":
        found = dates_in(text, turn.language, turn.today, turn.parse)
        if not found:
            turn.say(_date_problem(turn, text), [Button(_("Cancel"), "menu")])
            return True
        accept_entry(turn, found[0])
        return True
    if state.step == "earlier":
        found = dates_in(text, turn.language, turn.today, turn.parse)
        if len(found) < 2:
            turn.say(_date_problem(turn, text) if impossible_date(text) or not found else
                     _("Please send both dates of that trip: the entry and the exit date."))
            return True
        trip = Trip(min(found[0], found[1]), max(found[0], found[1]))
        trips = [Trip(date.fromisoformat(a), date.fromisoformat(b)) for a, b in
                 state.data["trips"]] + [trip, Trip(date.fromisoformat(state.data["entry"]))]
        try:
            calculate(trips, turn.today, has_contract=False)
        except TripError as error:
            turn.say(trip_error_text(turn, error.reason))
            return True
        state.data["trips"].append([trip.entry.isoformat(), trip.exit.isoformat()])
        turn.say(_("Added: {entry} to {exit}. Was there another earlier trip this year?").format(
            entry=format_date(trip.entry, turn.language),
            exit=format_date(trip.exit, turn.language)),
            [Button(_("Add another trip"), actions.make(NAME, "prev", "yes")),
             Button(_("No more trips"), actions.make(NAME, "prev", "no"))])
        return True
    if state.step in ("earlier?", "contract"):
        intent = turn.parse.intent if turn.parse else None
        if intent in ("affirm", "deny"):
            answer = "yes" if intent == "affirm" else "no"
            return on_action(turn, ["prev" if state.step == "earlier?" else "contract", answer])
        turn.say(_("Please answer with the buttons above."))
        return True
    return False


def trip_error_text(turn: Turn, reason: str) -> str:
    """Explain why dates were rejected."""
    _ = turn._
    return {
        "future": _("One of the dates is in the future. Please check it."),
        "exit_before_entry": _("The exit date is before the entry date. Please check them."),
        "overlap": _("This trip overlaps with another one. Please check the dates."),
    }.get(reason, _("These dates do not fit together. Please check them."))


def on_action(turn: Turn, args: list[str]) -> bool:
    """Handle the yes/no buttons of the calculator."""
    _ = turn._
    state = turn.state
    if state.flow != NAME or "entry" not in state.data:
        return False
    if args == ["prev", "yes"]:
        state.step = "earlier"
        turn.say(_("Send the entry and exit dates of that trip, for example "
                   "10.01.2026 - 20.02.2026."))
        return True
    if args == ["prev", "no"]:
        ask_contract(turn)
        return True
    if args[:1] == ["contract"] and args[1:] in (["yes"], ["no"]):
        show_result(turn, has_contract=args[1] == "yes")
        return True
    return False


def show_result(turn: Turn, has_contract: bool) -> None:
    """Calculate and explain the result, with what to do near the limit."""
    _ = turn._
    state = turn.state
    trips = [Trip(date.fromisoformat(a), date.fromisoformat(b)) for a, b in state.data["trips"]]
    trips.append(Trip(date.fromisoformat(state.data["entry"])))
    state.end_flow()
    try:
        result = calculate(trips, turn.today, has_contract)
    except TripError as error:
        turn.say(trip_error_text(turn, error.reason), [Button(_("Start again"), "flow:stay")])
        return
    language = turn.language
    lines = [_("<b>Your stay in {year}</b>").format(year=result.year),
             turn.ngettext("Days used this year: {n} day", "Days used this year: {n} days",
                           result.days_used).format(n=result.days_used)]
    assert result.last_legal_day is not None
    last = format_date(result.last_legal_day, language)
    if has_contract:
        lines.append(_("With a contract, your stay follows the contract term. But day 90 is "
                       "{date}: before it, apply to the MVD migration office to extend your "
                       "stay, with a copy of the contract certified by the employer.").format(
            date=last))
    elif result.overstay_days:
        lines.append(turn.ngettext(
            "The 90-day limit ended on {date}. You are over it by {n} day.",
            "The 90-day limit ended on {date}. You are over it by {n} days.",
            result.overstay_days).format(date=last, n=result.overstay_days))
    else:
        lines.append(_("Your last legal day: {date}").format(date=last))
        lines.append(turn.ngettext("Days left after today: {n}", "Days left after today: {n}",
                                   result.days_left).format(n=result.days_left))
    if result.overstay_days and not has_contract:
        lines.append(_("Overstaying more than 30 days can bring a 3-year entry ban. "
                       "Talk to a person now about what to do."))
    elif result.days_left <= NEAR_LIMIT_DAYS:
        lines.append(_("You are close to the limit. Leave Russia before the last day, or, if "
                       "you work under a contract, apply to extend your stay now."))
    lines.append(_("How I count: {limit} days per calendar year (rule since {since}); the days "
                   "of entry and exit both count; a single stay may not exceed {limit} days. "
                   "Rules change: check with the MVD or a hotline operator.").format(
        limit=LIMIT_DAYS, since=format_date(RULE_SINCE, language)))
    turn.say("\n".join(lines),
             [Button(_("Talk to a person"), "human"),
              Button(_("About the 90-day rule"), actions.make("topic", "stay_rule"))],
             [Button(_("Count again"), "flow:stay"), Button(_("Menu"), "menu")])
