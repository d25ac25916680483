"""The stay calculator: entry date, earlier trips this year, contract -> days used and left.

It repeats back every date it understood, asks when a date could be the entry or the end of a
contract, answers a contract that ended with the 15-day rule, and tells the consequence of an
overstay by its length (content/stay_rules.yml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.dialogue import actions, cues
from bot.dialogue.answers import show_answer, source_line
from bot.dialogue.context import Turn
from bot.dialogue.flows import reminders
from bot.dialogue.flows.dates import impossible_date
from bot.dialogue.model import Button
from bot.reminders.schedule import registration_deadline
from bot.staycalc import Trip, TripError, calculate
from content.formatting import format_date
from content.stay_rules import stay_rules

NAME = "stay"
NEAR_LIMIT_DAYS = 15
# A message without dates leaves the calculator when the parser is this sure it is about
# something else (intents that can accompany dates keep the person in the flow).
LEAVE_FLOW_CONFIDENCE = 0.6
LEAVE_FLOW_EXCEPT = ("affirm", "deny", "stay_rule", "out_of_scope", "thanks", "dont_know",
                     "dont_understand")
# Questions answered on the way without leaving the calculator.
DIGRESSIONS = ("stay_rule", "entry_ban", "control_list", "work_documents", "deportation")
# Intents whose message starts the calculator when it carries dates or a length of stay.
COUNT_INTENTS = ("stay_rule", "work_documents", "deportation", "control_list")
ROLES = ("entry", "exit", "contract_end", "contract_start")
# A date typed without a year that falls this long ago is asked about before it is used.
UNSURE_DAYS = 300


@dataclass(frozen=True)
class TypedDate:
    """A date the person wrote, with what the parser noticed about it."""

    day: date
    flags: tuple[str, ...] = ()

    @property
    def role(self) -> str | None:
        """Return what the date is, when the words around it say so."""
        return next((flag for flag in self.flags if flag in ROLES), None)


@dataclass(frozen=True)
class StayFacts:
    """The dates and lengths of stay in one message."""

    dates: tuple[TypedDate, ...] = ()
    days: int | None = None        # "80 days"
    duration_days: int | None = None  # "5 months", about
    duration_text: str = ""

    def first(self, role: str | None) -> TypedDate | None:
        """Return the first date with a role (None: the first date without one)."""
        return next((d for d in self.dates if d.role == role), None)


def read_facts(turn: Turn) -> StayFacts:
    """Return the dates and lengths of stay the parser found in this turn's message."""
    if turn.parse is None:
        return StayFacts()
    dates = []
    days = duration = None
    duration_text = ""
    for entity in turn.parse.entities:
        if entity.entity == "date":
            try:
                dates.append(TypedDate(date.fromisoformat(str(entity.value)), entity.flags))
            except ValueError:
                continue
        elif entity.entity == "number_of_days" and days is None and not cues.names_a_rule(
                turn.text):  # "the 90-day rule" is no stay of 90 days
            days = int(entity.value)
        elif entity.entity == "duration" and duration is None and isinstance(entity.value, dict):
            duration, duration_text = int(entity.value.get("days", 0)) or None, entity.text
    return StayFacts(tuple(dates), days, duration, duration_text)


def has_stay_facts(turn: Turn) -> bool:
    """Return True when a message carries what the calculator needs to start counting."""
    facts = read_facts(turn)
    if turn.parse is not None and turn.parse.intent == "stay_rule":
        return bool(facts.dates or facts.days or facts.duration_days)
    return bool(facts.duration_days or facts.days
                or (facts.dates and turn.state.situation.contract == "ended"))


def asks_to_count(turn: Turn) -> bool:
    """Return True when the person asks for the count itself ("count my days")."""
    return turn.parse is not None and turn.parse.intent == "stay_rule" and bool(
        turn.text and cues.asks_to_count(turn.text))


def _example(turn: Turn) -> str:
    return format_date(turn.today.replace(day=1), turn.language)


def _say_date(turn: Turn, value: date) -> str:
    return format_date(value, turn.language)


def step_buttons(turn: Turn, step: str) -> list[list[Button]]:
    """Return the answer buttons of a question of the calculator (asked, or explained)."""
    _ = turn._
    pairs = {
        "earlier?": ((_("Yes"), "prev", "yes"), (_("No"), "prev", "no")),
        "earlier": ((_("No more trips"), "prev", "no"),),
        "contract": ((_("Yes, I have a contract"), "contract", "yes"),
                     (_("No contract"), "contract", "no")),
        "extended?": ((_("Yes, it was extended"), "extended", "yes"), (_("No"), "extended", "no")),
        "role": ((_("The day I entered"), "role", "entry"),
                 (_("The day my contract ended"), "role", "end")),
        "month?": ((_("Yes"), "month", "yes"), (_("No, another date"), "month", "no")),
    }
    if step not in pairs:
        return [[Button(_("Cancel"), "menu")]]
    return [[Button(label, actions.make(NAME, name, value)) for label, name, value in pairs[step]]]


def start(turn: Turn, **_options: Any) -> None:
    """Begin with what the message already says, or ask for the entry date."""
    state = turn.state
    state.flow, state.step, state.data = NAME, "entry", {"trips": []}
    facts = read_facts(turn)
    if not _use_facts(turn, facts, first=True):
        ask_entry(turn)


def _use_facts(turn: Turn, facts: StayFacts, first: bool = False) -> bool:
    """Act on the dates or lengths of stay in a message; False when it has none."""
    situation = turn.state.situation
    ended = facts.first("contract_end")
    if ended is not None:
        show_contract_end(turn, ended.day)
        return True
    entry = facts.first("entry") or facts.first(None)
    if entry is not None and situation.contract == "ended" and facts.first("entry") is None:
        ask_role(turn, entry.day)
        return True
    if entry is not None:
        accept_entry(turn, entry)
        return True
    if facts.days:
        accept_days(turn, facts.days)
        return True
    if facts.duration_days:
        accept_duration(turn, facts.duration_days, facts.duration_text)
        return True
    if first and turn.parse is not None and situation.contract == "ended":
        turn.state.step = "contract_end"
        turn.say(turn._("When did your contract end? Write the date."),
                 [Button(turn._("Cancel"), "menu")], kind="stay_question")
        return True
    return False


def ask_entry(turn: Turn) -> None:
    """Ask for the date of the current entry into Russia."""
    _ = turn._
    turn.state.step = "entry"
    turn.say(_("When did you enter Russia this time? Write the date, for example {example}.")
             .format(example=_example(turn)), [Button(_("Cancel"), "menu")],
             kind="stay_question")


def ask_role(turn: Turn, value: date) -> None:
    """A date could be the entry or the end of the contract: ask which."""
    _ = turn._
    turn.state.step = "role"
    turn.state.data["candidate"] = value.isoformat()
    turn.say(_("Is {date} the day you entered Russia, or the day your contract ended?").format(
        date=_say_date(turn, value)), *step_buttons(turn, "role"), kind="stay_confirm")


def _date_problem(turn: Turn, text: str) -> str:
    _ = turn._
    if impossible_date(text):
        return _("That date does not exist. Please check the day and month.")
    return _("I could not read a date. Write it like 05.03.2026 or {example}.").format(
        example=_example(turn))


def accept_entry(turn: Turn, typed: TypedDate, approximate: bool = False,
                 days_said: int | None = None) -> None:
    """Repeat the entry date back, store it, and move on to earlier trips or the contract."""
    _ = turn._
    entry = typed.day
    if "no_year" in typed.flags and (entry.month, entry.day) == (2, 29) and (
            entry.year != turn.today.year):
        turn.state.step = "entry"
        turn.say(_("There was no 29 February in {year}. Did you mean 28 February or 1 March? "
                   "Please write the date with the year.").format(year=turn.today.year),
                 [Button(_("Cancel"), "menu")], kind="stay_question")
        return
    if entry > turn.today:
        turn.say(_("That date is in the future. When did you enter Russia?"),
                 kind="stay_question")
        return
    unsure_year = "no_year" in typed.flags and entry < turn.today - timedelta(days=UNSURE_DAYS)
    if "traditional_month" in typed.flags or unsure_year:
        turn.state.step = "month?"
        turn.state.data["candidate"] = entry.isoformat()
        question = (_("The old month names do not match our months exactly. Do you mean {date}?")
                    if "traditional_month" in typed.flags else
                    _("You gave no year. Do you mean {date}? If not, write the date with the "
                      "year."))
        turn.say(question.format(date=_say_date(turn, entry)), *step_buttons(turn, "month?"),
                 kind="stay_confirm")
        return
    turn.state.data["entry"] = entry.isoformat()
    confirm = _("Entry into Russia: {date}").format(date=_say_date(turn, entry))
    if approximate:
        confirm = _("Entry into Russia: about {date}").format(date=_say_date(turn, entry))
    if days_said:
        confirm = turn.ngettext(
            "You have been in Russia {n} day (today counts): entry about {date}",
            "You have been in Russia {n} days (today counts): entry about {date}",
            days_said).format(n=days_said, date=_say_date(turn, entry))
    if "no_year" in typed.flags:
        confirm += " " + _("(You gave no year, so I took the most recent one. If that is "
                           "wrong, write the date with the year.)")
    turn.say(confirm, kind="stay_confirm")
    if entry > date(entry.year, 1, 1):
        # A stay begun last year is also bound by last year's 90 days: ask about that year.
        question = (_("Were you in Russia earlier this year, before this trip?")
                    if entry.year == turn.today.year else
                    _("Were you in Russia earlier in {year}, before this trip?").format(
                        year=entry.year))
        turn.state.step = "earlier?"
        turn.say(question, *step_buttons(turn, "earlier?"), kind="stay_question")
    else:
        ask_contract(turn)


def accept_days(turn: Turn, days: int) -> None:
    """"I have been here 80 days": count back to the entry day (today counts)."""
    days = max(days, 1)
    accept_entry(turn, TypedDate(turn.today - timedelta(days=days - 1)), approximate=True,
                 days_said=days)


def accept_duration(turn: Turn, days: int, said: str) -> None:
    """"5 months": far past the limit without a contract is said at once; else count."""
    _ = turn._
    rules = stay_rules(turn.language)
    situation = turn.state.situation
    if days > rules.limit_days and situation.contract != "yes":
        over = days - rules.limit_days
        turn.state.end_flow()
        turn.state.last_intent = "stay_rule"
        lines = [_("You wrote that you have been in Russia {said}: about {days} days.").format(
                     said=said, days=days),
                 _("Without a work contract, a Kyrgyz citizen may stay at most {limit} days per "
                   "calendar year.").format(limit=rules.limit_days) + " " + turn.ngettext(
                     "You are about {n} day past that limit.",
                     "You are about {n} days past that limit.", over).format(n=over),
                 overstay_consequences(turn, over)]
        turn.say("\n\n".join(lines) + "\n\n" + source_line(turn, rules),
                 [Button(_("Talk to a person"), "human")],
                 [Button(_("Count exactly"), "flow:stay"), Button(_("Menu"), "menu")],
                 kind="stay_result")
        return
    accept_entry(turn, TypedDate(turn.today - timedelta(days=days - 1)), approximate=True)


def ask_contract(turn: Turn) -> None:
    """Ask whether the person works under a contract (unless they already said)."""
    _ = turn._
    known = turn.state.situation.contract
    if known in ("yes", "no"):
        show_result(turn, has_contract=known == "yes")
        return
    turn.state.step = "contract"
    turn.say(_("Do you have an employment (or civil-law) contract with an employer in Russia?"),
             *step_buttons(turn, "contract"), kind="stay_question")


def asks_something_else(turn: Turn, text: str) -> bool:
    """Return True when a message without dates is clearly a question on another topic."""
    parse = turn.parse
    facts = read_facts(turn)
    return (parse is not None and not (facts.dates or facts.days or facts.duration_days)
            and not impossible_date(text) and parse.intent not in LEAVE_FLOW_EXCEPT
            and parse.confidence >= LEAVE_FLOW_CONFIDENCE)


def on_text(turn: Turn, text: str) -> bool:
    """Read what is typed during the flow; let a clear question on another topic through."""
    _ = turn._
    state = turn.state
    intent = turn.parse.intent if turn.parse else None
    if intent == "dont_understand":
        explain(turn)
        return True
    if intent == "dont_know":
        explain(turn, unsure=True)
        return True
    if state.step in ("entry", "earlier", "contract_end") and asks_something_else(turn, text):
        state.end_flow()
        return False
    facts = read_facts(turn)
    if state.step == "entry":
        if not _use_facts(turn, facts):
            turn.say(_date_problem(turn, text), [Button(_("Cancel"), "menu")],
                     kind="stay_question")
        return True
    if state.step == "contract_end":
        if facts.dates:
            show_contract_end(turn, facts.dates[0].day)
        else:
            turn.say(_date_problem(turn, text), [Button(_("Cancel"), "menu")],
                     kind="stay_question")
        return True
    if state.step == "earlier":
        return _read_earlier_trip(turn, text, facts)
    if state.step == "role":
        said = cues.contract_status(text)
        if said == "ended" or "contract" in text.lower() or "договор" in text.lower():
            return on_action(turn, ["role", "end"])
        if facts.dates or intent == "affirm":
            return on_action(turn, ["role", "entry"])
    if state.step == "contract":
        said = cues.contract_status(text)
        if said in ("yes", "no"):
            return on_action(turn, ["contract", said])
        if said == "ended":
            state.situation.contract = "ended"
            turn.say(_("When did your contract end? Write the date."),
                     [Button(_("Cancel"), "menu")], kind="stay_question")
            state.step = "contract_end"
            return True
    if state.step in ("earlier?", "contract", "extended?", "month?"):
        said = {"affirm": "yes", "deny": "no"}.get(intent or "") or cues.yes_or_no(text)
        if said:
            answer = said
            name = {"earlier?": "prev", "contract": "contract", "extended?": "extended",
                    "month?": "month"}[state.step]
            return on_action(turn, [name, answer])
        if facts.dates and state.step == "month?":
            state.step = "entry"
            return _use_facts(turn, facts)
        if turn.parse and turn.parse.intent in DIGRESSIONS and (
                turn.parse.confidence >= LEAVE_FLOW_CONFIDENCE):
            # a question on the way ("and if I stay longer?"): answer it, then ask again
            show_answer(turn, turn.parse.intent)
            turn.state.flow = NAME
            explain(turn, again=True)
            return True
    explain(turn)
    return True


def _read_earlier_trip(turn: Turn, text: str, facts: StayFacts) -> bool:
    _ = turn._
    state = turn.state
    found = [typed.day for typed in facts.dates]
    if len(found) < 2:
        turn.say(_date_problem(turn, text) if impossible_date(text) or not found else
                 _("Please send both dates of that trip: the entry and the exit date."),
                 kind="stay_question")
        return True
    trip = Trip(min(found[0], found[1]), max(found[0], found[1]))
    trips = [Trip(date.fromisoformat(a), date.fromisoformat(b)) for a, b in
             state.data["trips"]] + [trip, Trip(date.fromisoformat(state.data["entry"]))]
    try:
        calculate(trips, turn.today, has_contract=False)
    except TripError as error:
        turn.say(trip_error_text(turn, error.reason), kind="stay_question")
        return True
    state.data["trips"].append([trip.entry.isoformat(), trip.exit.isoformat()])
    turn.say(_("Added: {entry} to {exit}. Was there another earlier trip this year?").format(
        entry=_say_date(turn, trip.entry), exit=_say_date(turn, trip.exit)),
        [Button(_("Add another trip"), actions.make(NAME, "prev", "yes")),
         Button(_("No more trips"), actions.make(NAME, "prev", "no"))], kind="stay_confirm")
    return True


def explain(turn: Turn, unsure: bool = False, again: bool = False) -> None:
    """Say the current question again in plainer words, with examples, and offer a person
    (`again`: after answering a question asked on the way)."""
    _ = turn._
    step = turn.state.step or "entry"
    if step == "entry":
        text = _("I need the day you last crossed the border into Russia. It is on the stamp in "
                 "your passport and on your migration card. Write it like 5 March or "
                 "05.03.2026. If you do not remember the day, write how long you have been "
                 "there, for example \"40 days\" or \"3 months\".")
    elif step == "earlier?":
        text = _("Days of every trip to Russia this calendar year count together. Before this "
                 "trip, were you in Russia at another time since 1 January? If you are not "
                 "sure, check the stamps in your passport.")
    elif step == "earlier":
        text = _("Write the day that earlier trip began and the day it ended, for example "
                 "10.01.2026 - 20.02.2026. The passport stamps show both.")
    elif step == "contract":
        text = _("Do you work for an employer in Russia with a signed work contract (трудовой "
                 "договор) or civil-law contract (договор ГПХ)? A verbal promise is not a "
                 "contract. If you signed nothing, choose \"No contract\".")
    elif step == "extended?":
        text = _("With a contract, the stay must be extended at the MVD migration office before "
                 "day 90; they put a stamp on your migration card. If there is no such stamp, "
                 "the stay was not extended.")
    elif step == "role":
        text = _("I need to know what this date is: the day you came into Russia, or the day "
                 "your work contract ended.")
    elif step == "month?":
        text = _("The old Kyrgyz month names are counted by the moon, so they do not match our "
                 "months exactly. Please write the date with the month's number, like "
                 "05.05.2026.")
    else:
        text = _("Write the date like 05.03.2026.")
    if unsure:
        text = _("That is all right.") + " " + text
    if again:
        text = _("To finish counting your days:") + " " + text
    turn.say(text, *step_buttons(turn, step), [Button(_("Talk to a person"), "human")],
             kind="explain")


def trip_error_text(turn: Turn, reason: str) -> str:
    """Explain why dates were rejected."""
    _ = turn._
    return {
        "future": _("One of the dates is in the future. Please check it."),
        "exit_before_entry": _("The exit date is before the entry date. Please check them."),
        "overlap": _("This trip overlaps with another one. Please check the dates."),
    }.get(reason, _("These dates do not fit together. Please check them."))


def on_action(turn: Turn, args: list[str]) -> bool:
    """Handle the buttons of the calculator."""
    state = turn.state
    if state.flow != NAME:
        return False
    if args[:1] == ["role"] and args[1:] in (["entry"], ["end"]) and "candidate" in state.data:
        candidate = date.fromisoformat(state.data.pop("candidate"))
        if args[1] == "end":
            show_contract_end(turn, candidate)
        else:
            accept_entry(turn, TypedDate(candidate, ("entry",)))
        return True
    if args[:1] == ["month"] and args[1:] in (["yes"], ["no"]) and "candidate" in state.data:
        candidate = date.fromisoformat(state.data.pop("candidate"))
        if args[1] == "yes":
            accept_entry(turn, TypedDate(candidate, ("entry",)))
        else:
            ask_entry(turn)
        return True
    if "entry" not in state.data:
        return False
    if args == ["prev", "yes"]:
        state.step = "earlier"
        turn.say(turn._("Send the entry and exit dates of that trip, for example "
                        "10.01.2026 - 20.02.2026."), kind="stay_question")
        return True
    if args == ["prev", "no"]:
        ask_contract(turn)
        return True
    if args[:1] == ["contract"] and args[1:] in (["yes"], ["no"]):
        state.situation.contract = args[1]
        show_result(turn, has_contract=args[1] == "yes")
        return True
    if args[:1] == ["extended"] and args[1:] in (["yes"], ["no"]):
        show_result(turn, has_contract=True, extended=args[1] == "yes")
        return True
    return False


def _trips(turn: Turn) -> list[Trip]:
    data = turn.state.data
    trips = [Trip(date.fromisoformat(a), date.fromisoformat(b)) for a, b in data["trips"]]
    trips.append(Trip(date.fromisoformat(data["entry"])))
    return trips


def overstay_consequences(turn: Turn, over: int) -> str:
    """Say what an overstay of this length can bring (content/stay_rules.yml)."""
    _ = turn._
    rules = stay_rules(turn.language)
    text = _("Staying past the limit breaks Russia's migration rules: it can bring a fine and "
             "expulsion, and the MVD can add you to the control list (RKL), which blocks bank "
             "cards and more. It does not tell you when it does.")
    years = rules.ban_years(over)
    if years:
        threshold = next(more for more, ban in rules.overstay_bans if ban == years)
        text += " " + turn.ngettext(
            "An overstay of more than {days} days can bring an entry ban of {n} year.",
            "An overstay of more than {days} days can bring an entry ban of {n} years.",
            years).format(days=threshold, n=years)
    return text + " " + _("Talk to a person before you decide what to do.")


def show_result(turn: Turn, has_contract: bool, extended: bool | None = None) -> None:
    """Calculate and explain the result, with what to do near or past the limit."""
    _ = turn._
    state = turn.state
    rules = stay_rules(turn.language)
    trips = _trips(turn)
    try:
        result = calculate(trips, turn.today, has_contract)
    except TripError as error:
        state.end_flow()
        turn.say(trip_error_text(turn, error.reason), [Button(_("Start again"), "flow:stay")],
                 kind="stay_result")
        return
    assert result.last_legal_day is not None
    if has_contract and extended is None and turn.today > result.last_legal_day:
        state.step = "extended?"
        turn.say(_("With a contract you can stay longer than 90 days only if the stay was "
                   "extended at the MVD before day 90 ({date}). Was your stay extended?").format(
            date=_say_date(turn, result.last_legal_day)), *step_buttons(turn, "extended?"),
            kind="stay_question")
        return
    state.end_flow()
    state.last_intent = "stay_rule"  # "what now?" after the result goes on from here
    last = _say_date(turn, result.last_legal_day)
    counted = [_("Entry: {date}").format(date=_say_date(turn, trips[-1].entry))]
    counted += [_("Earlier trip: {entry} to {exit}").format(
        entry=_say_date(turn, trip.entry), exit=_say_date(turn, trip.exit))
        for trip in trips[:-1] if trip.exit is not None]
    lines = [_("<b>Your stay in {year}</b>").format(year=result.year),
             _("I counted: {dates}.").format(dates="; ".join(counted)),
             turn.ngettext("Days used this year: {n} day", "Days used this year: {n} days",
                           result.days_used).format(n=result.days_used)]
    if has_contract and extended:
        lines.append(_("Then your stay follows the extension and your contract's term. Keep the "
                       "contract and the migration card with the extension stamp with you."))
    elif has_contract and result.overstay_days:
        lines.append(turn.ngettext(
            "Without an extension, your legal stay ended on day 90, {date}. You are over it by "
            "{n} day.",
            "Without an extension, your legal stay ended on day 90, {date}. You are over it by "
            "{n} days.", result.overstay_days).format(date=last, n=result.overstay_days))
        lines.append(overstay_consequences(turn, result.overstay_days))
    elif has_contract:
        lines.append(turn.ngettext(
            "With a contract, your stay can follow the contract's term, but only if you apply "
            "to the MVD migration office to extend it before day 90, {date} ({n} day left), "
            "with a copy of the contract certified by the employer.",
            "With a contract, your stay can follow the contract's term, but only if you apply "
            "to the MVD migration office to extend it before day 90, {date} ({n} days left), "
            "with a copy of the contract certified by the employer.",
            result.days_left).format(date=last, n=result.days_left))
    elif result.overstay_days:
        lines.append(turn.ngettext(
            "The 90-day limit ended on {date}. You are over it by {n} day.",
            "The 90-day limit ended on {date}. You are over it by {n} days.",
            result.overstay_days).format(date=last, n=result.overstay_days))
        lines.append(overstay_consequences(turn, result.overstay_days))
    elif result.days_left == 0:
        lines.append(_("<b>Today, {date}, is your last legal day.</b> Leave Russia today, or talk "
                       "to a person at once.").format(date=last))
    else:
        lines.append(_("Your last legal day: {date}").format(date=last))
        lines.append(turn.ngettext("Days left after today: {n}", "Days left after today: {n}",
                                   result.days_left).format(n=result.days_left))
        if result.days_left <= NEAR_LIMIT_DAYS:
            lines.append(_("You are close to the limit. Plan to leave Russia by {date} at the "
                           "latest: staying longer can bring a fine, expulsion, the control list "
                           "(RKL) and an entry ban.").format(date=last))
    lines.append(_("How I count: {limit} days per calendar year (rule since {since}); the days "
                   "of entry and exit both count; a single stay may not exceed {limit} days. "
                   "Rules change: check with the MVD or a hotline operator.").format(
        limit=rules.limit_days, since=_say_date(turn, rules.rule_since)))
    turn.say("\n".join(lines) + "\n\n" + source_line(turn, rules),
             reminder_offers(turn, trips[-1].entry, result.last_legal_day,
                             without_extension=not (has_contract and extended))
             if not result.overstay_days else [],
             [Button(_("Talk to a person"), "human"),
              Button(_("About the 90-day rule"), actions.make("topic", "stay_rule"))],
             [Button(_("Count again"), "flow:stay"), Button(_("Menu"), "menu")],
             kind="stay_result")


def reminder_offers(turn: Turn, entry: date, last_day: date, without_extension: bool
                    ) -> list[Button]:
    """Offer reminders before the last legal day and the registration deadline still ahead."""
    offers = []
    if without_extension and last_day > turn.today:
        offers.append(reminders.offer_button(turn, "stay", last_day))
    if registration_deadline(entry) > turn.today:
        offers.append(reminders.offer_button(turn, "registration", registration_deadline(entry)))
    return offers


def show_contract_end(turn: Turn, ended: date) -> None:
    """A contract ended: the days left to sign a new one, and what happens after."""
    _ = turn._
    state = turn.state
    rules = stay_rules(turn.language)
    state.end_flow()
    state.last_intent = "work_documents"
    state.situation.contract = "ended"
    state.situation.contract_end = ended.isoformat()
    deadline = ended + timedelta(days=rules.contract_gap_days)
    lines = [_("<b>Your contract ended on {date}.</b>").format(date=_say_date(turn, ended)),
             _("If you had been in Russia more than 90 days when it ended, you have {gap} days "
               "to sign a new contract with any employer, counted from that day: until "
               "{deadline}.").format(gap=rules.contract_gap_days,
                                     deadline=_say_date(turn, deadline))]
    if deadline >= turn.today:
        left = (deadline - turn.today).days
        lines.append(turn.ngettext("That leaves {n} day.", "That leaves {n} days.", left).format(
            n=left))
    else:
        lines.append(_("That time ran out on {deadline}. Talk to a person now.").format(
            deadline=_say_date(turn, deadline)))
    lines.append(_("If you had been in Russia fewer than 90 days, the 90-day count applies "
                   "instead: count your days below."))
    lines.append(_("Without a new contract in time you have to leave Russia: staying without "
                   "grounds can put you on the control list (RKL) and bring an entry ban. Check "
                   "your case with the MVD or a hotline operator."))
    offer = [reminders.offer_button(turn, "contract", deadline)] if deadline > turn.today else []
    turn.say("\n".join(lines) + "\n\n" + source_line(turn, rules), offer,
             [Button(_("Talk to a person"), "human"),
              Button(_("Count my days"), "flow:stay")], [Button(_("Menu"), "menu")],
             kind="contract_end")
