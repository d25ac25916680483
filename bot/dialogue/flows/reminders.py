"""Dated reminders in the dialogue: the offer's consent step, stop, and the /reminders list.

The dialogue only asks and decides; the transport stores the reminder (it alone knows the chat
to reach) and answers with what it did (`bot.reminders.effects`): effect "reminders" with
op "set" (reminder: its kind, due: ISO date), "stop" or "list".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button
from bot.reminders.schedule import plausible
from bot.reminders.store import KINDS
from content.formatting import format_date

NAME = "remind"


def offer_button(turn: Turn, kind: str, due: date) -> Button:
    """Return the button that offers a reminder before a date (shown under a result)."""
    _ = turn._
    label = {"stay": _("Remind me before my last day"),
             "registration": _("Remind me to register"),
             "contract": _("Remind me before this deadline")}[kind]
    return Button(label, actions.make(NAME, "ask", kind, due.isoformat()))


def start(turn: Turn, **_options: Any) -> None:
    """/reminders: the transport lists the person's reminders."""
    turn.effect("reminders", op="list")


def _due(turn: Turn, args: list[str]) -> tuple[str, date] | None:
    if len(args) != 3 or args[1] not in KINDS:
        return None
    try:
        due = date.fromisoformat(args[2])
    except ValueError:
        return None
    return (args[1], due) if plausible(due, turn.today) else None


def ask(turn: Turn, kind: str, due: date) -> None:
    """Say what a reminder keeps, and for how long, before anything is stored."""
    _ = turn._
    what = {"stay": _("your last legal day in Russia, {date}"),
            "registration": _("the last day to register, {date}"),
            "contract": _("the last day to sign a new contract, {date}")}[kind].format(
        date=format_date(due, turn.language))
    turn.say(_("Shall I remind you of {what}? I will write 14, 7, 3 and 1 days before it and on "
               "the day.\n\nFor that I keep only the date, your language and a way to reach "
               "this chat (encrypted) until that day, then nothing. /reminders shows and stops "
               "them; /forget deletes everything.").format(what=what),
             [Button(_("Yes, remind me"), actions.make(NAME, "yes", kind, due.isoformat())),
              Button(_("No"), actions.make(NAME, "no"))], kind="reminder_ask")


def on_action(turn: Turn, args: list[str]) -> bool:
    """Handle remind:ask/yes/no/stop/list buttons."""
    _ = turn._
    if args[:1] in (["ask"], ["yes"]):
        parsed = _due(turn, args)
        if parsed is None:
            turn.say(_("That date has passed or cannot be used for a reminder. Count your days "
                       "again to get a new one."), [Button(_("Count my days"), "flow:stay")],
                     kind="reminder_invalid")
            return True
        if args[0] == "ask":
            ask(turn, *parsed)
        else:
            turn.effect("reminders", op="set", reminder=parsed[0], due=parsed[1].isoformat())
        return True
    if args == ["no"]:
        turn.say(_("Fine, no reminder. Nothing was stored."), [Button(_("Menu"), "menu")],
                 kind="reminder_declined")
        return True
    if args == ["stop"]:
        turn.effect("reminders", op="stop")
        return True
    if args == ["list"]:
        start(turn)
        return True
    return False


def on_text(turn: Turn, text: str) -> bool:
    """Reminders have no free-text step."""
    return False
