"""Is this agency licensed? The person types its name; the bot looks it up in the imported
list of licensed agencies and says licensed / suspended / not found, for which countries and
as of which list date. Without an imported list it says where to check."""

from __future__ import annotations

from html import escape
from typing import Any

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from content.agencies import LICENSED, SUSPENDED, Match, active_register
from content.formatting import format_date

NAME = "agency"


def _where_to_check(turn: Turn) -> str:
    _ = turn._
    return _("Check the agency on the list of licensed agencies that the Ministry of Labour, "
             "Social Security and Migration publishes on its website, or ask the Center for "
             "Employment of Citizens Abroad. Ministry lines: 1966 or 66-01-07.")


def _buttons(turn: Turn) -> list[list[Button]]:
    _ = turn._
    return [[Button(_("Check another agency"), actions.make(NAME, "again"))],
            [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")]]


def start(turn: Turn, **_options: Any) -> None:
    """Ask for the agency's name, or say where to check when no list is loaded."""
    _ = turn._
    register = active_register()
    if register is None or register.list_date() is None:
        turn.state.end_flow()
        turn.say(_("I do not have the list of licensed agencies yet.") + " "
                 + _where_to_check(turn),
                 [Button(_("Talk to a person"), "human"), Button(_("Menu"), "menu")])
        return
    state = turn.state
    state.flow, state.step, state.data = NAME, "name", {}
    turn.say(_("Type the agency's name as it is written in the contract or the advert "
               "(any alphabet). I will look it up in the list of licensed agencies."),
             [Button(_("Menu"), "menu")])


def _describe(turn: Turn, match: Match) -> str:
    _ = turn._
    agency = match.agency
    lines = [f"<b>{escape(agency.name)}</b>"]
    if agency.licence_number or agency.licence_date:
        lines.append(_("Licence: {number} of {date}").format(
            number=escape(agency.licence_number or "—"),
            date=escape(agency.licence_date or "—")))
    if agency.countries:
        lines.append(_("Countries: {countries}").format(countries=escape(agency.countries)))
    status = {LICENSED: _("Status: licensed"), SUSPENDED: _("Status: licence suspended")}.get(
        agency.status, _("Status: licence revoked or ended"))
    lines.append(status)
    return "\n".join(lines)


def answer(turn: Turn, text: str) -> None:
    """Look a typed name up and reply with what the list says about it."""
    _ = turn._
    register = active_register()
    list_date = register.list_date() if register else None
    turn.state.end_flow()
    if register is None or list_date is None:
        start(turn)
        return
    as_of = _("List as of {date}. Permits are given for a year and can be suspended, so "
              "the list may have changed since.").format(
        date=format_date(list_date, turn.language))
    matches = register.lookup(text)
    if not matches:
        turn.say(_("I did not find this name in the list of licensed agencies.") + " "
                 + _("An agency without a licence may not send people to work abroad: do not "
                     "pay it and do not give it your passport. Report it to the Ministry of "
                     "Labour (1966 or 66-01-07) or the police (102).") + "\n\n"
                 + f"<i>{as_of}</i>", *_buttons(turn))
        return
    best = matches[0]
    if best.exact and best.agency.status == LICENSED:
        head = _("This agency is on the list of licensed agencies.") + " " + _(
            "Check that the full name and licence number match your contract, and that the "
            "country you are going to is on its licence.")
    elif best.exact and best.agency.status == SUSPENDED:
        head = _("This agency is on the list, but its licence is suspended. Do not pay it or "
                 "sign anything until the licence is restored; ask the Ministry of Labour "
                 "(1966 or 66-01-07).")
    elif best.exact:
        head = _("This agency's licence is no longer valid. Do not pay it or give it your "
                 "passport; ask the Ministry of Labour (1966 or 66-01-07).")
    else:
        head = _("I found no agency with exactly this name. The closest names on the list are "
                 "below: if yours is not one of them, treat the agency as unlicensed.")
    shown = matches[:1] if best.exact else matches
    body = "\n\n".join(_describe(turn, m) for m in shown)
    turn.say(f"{head}\n\n{body}\n\n<i>{as_of}</i>", *_buttons(turn))


def on_action(turn: Turn, args: list[str]) -> bool:
    """Handle "check another agency"."""
    if args == ["again"]:
        start(turn)
        return True
    return False


OTHER_QUESTION_AT = 0.7  # a confident other intent with no name match is a new question


def on_text(turn: Turn, text: str) -> bool:
    """The typed text is the agency's name, unless it is clearly another question."""
    if turn.state.step != "name" or not text.strip():
        turn.state.end_flow()
        return False
    parse = turn.parse
    register = active_register()
    if (parse is not None and parse.confidence >= OTHER_QUESTION_AT
            and parse.intent not in ("agency_check", "out_of_scope", "affirm", "deny")
            and register is not None and not register.lookup(text)):
        turn.state.end_flow()
        return False
    answer(turn, text)
    return True
