"""Multi-step flows; each module offers start(turn), on_action(turn, args), on_text(turn, text)."""

from __future__ import annotations

from typing import Any, Protocol

from bot.dialogue.context import Turn
from bot.dialogue.flows import agency, alerts, find_help, handoff, reminders, screening, stay


class Flow(Protocol):
    """A flow the dialogue can start and feed."""

    def start(self, turn: Turn, **options: Any) -> None:
        """Begin the flow."""

    def on_action(self, turn: Turn, args: list[str]) -> bool:
        """Handle a button of this flow; return False when the button is not valid."""

    def on_text(self, turn: Turn, text: str) -> bool:
        """Handle free text while the flow is active; return False to let the core answer."""


FLOWS: dict[str, Any] = {
    "stay": stay,
    "check": screening,
    "find": find_help,
    "handoff": handoff,
    "agency": agency,
    "remind": reminders,
    "alerts": alerts,
}
