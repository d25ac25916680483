"""Talking to a person: consent first (anonymous by default), then the hand-off effect."""

from __future__ import annotations

from typing import Any

from bot.dialogue import actions
from bot.dialogue.context import Turn
from bot.dialogue.model import Button

NAME = "handoff"
CONSENTS = ("anon", "summary", "region", "all")


def start(turn: Turn, urgent: bool = False, **_options: Any) -> None:
    """Explain what the operator will see and ask what the person agrees to share."""
    _ = turn._
    state = turn.state
    if state.handoff in ("waiting", "active"):
        turn.say(_("You are already connected to the hotline. Just write your message here. "
                   "/stop ends the chat with the operator."), kind="handoff_open")
        return
    state.flow, state.step = NAME, "consent"
    serious = (state.screening_summary or "").endswith("level: serious")
    state.data = {"urgent": bool(urgent or serious or state.last_intent == "urgent_danger")}
    text = _("A hotline operator will read what you write here. They see only a case code, "
             "your language and the topic, not your name, number or Telegram account.")
    rows = [[Button(_("Stay anonymous (recommended)"), actions.make(NAME, "anon"))]]
    if state.screening_summary:
        rows.append([Button(_("Also share my check-up answers"), actions.make(NAME, "summary"))])
    if state.region:
        rows.append([Button(_("Also share my region"), actions.make(NAME, "region"))])
    if state.screening_summary and state.region:
        rows.append([Button(_("Share both"), actions.make(NAME, "all"))])
    rows.append([Button(_("Cancel"), "menu")])
    turn.say(text + "\n\n" + _("What may the operator see?"), *rows, kind="handoff_consent")


def on_action(turn: Turn, args: list[str]) -> bool:
    """Record the consent and ask the transport to open a case."""
    _ = turn._
    state = turn.state
    if state.flow != NAME or len(args) != 1 or args[0] not in CONSENTS:
        return False
    consent = args[0]
    share_summary = consent in ("summary", "all") and state.screening_summary
    share_region = consent in ("region", "all") and state.region
    urgent = bool(state.data.get("urgent"))
    turn.effect("handoff", topic=state.last_intent or "talk_to_human",
                priority="urgent" if urgent else "normal", consent=consent,
                summary=state.screening_summary if share_summary else None,
                region=state.region if share_region else None)
    state.end_flow()
    state.handoff = "waiting"
    turn.say(_("I am passing your chat to the hotline. Write your message here; an operator "
               "will answer in this chat. /stop ends the chat with the operator."),
             kind="handoff_open")
    return True


def on_text(turn: Turn, text: str) -> bool:
    """Free text while choosing consent: remind the person to choose."""
    _ = turn._
    turn.say(_("Please choose what the operator may see, using the buttons above."),
             kind="handoff_consent")
    return True


def stop(turn: Turn) -> None:
    """End the chat with the operator on the person's request."""
    _ = turn._
    state = turn.state
    if state.handoff is None:
        turn.say(_("You have no open chat with an operator."), [Button(_("Menu"), "menu")])
        return
    state.handoff = None
    turn.effect("end_handoff")
    turn.say(_("You ended the chat with the operator. You can come back any time."),
             [Button(_("Menu"), "menu")], kind="handoff_closed")
