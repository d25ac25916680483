"""Alerts on rule changes in the dialogue: /alerts, and subscribing or not in one tap.

The list (sent by the transport, which reads the subscriptions) says what is kept and offers
"Subscribe: <topic>" or "Unsubscribe: <topic>" per topic: that tap is the explicit yes. Effect
"alerts" with op "list", "on" (topic), "off" (topic) or "stop" (every topic).
"""

from __future__ import annotations

from typing import Any

from bot.dialogue.context import Turn
from content.alerts import TOPICS

NAME = "alerts"


def start(turn: Turn, **_options: Any) -> None:
    """/alerts: the transport lists the topics and the person's subscriptions."""
    turn.effect("alerts", op="list")


def on_action(turn: Turn, args: list[str]) -> bool:
    """Handle alerts:list/on/off/stop buttons."""
    if args == ["list"]:
        start(turn)
    elif len(args) == 2 and args[0] in ("on", "off") and args[1] in TOPICS:
        turn.effect("alerts", op=args[0], topic=args[1])
    elif args == ["stop"]:
        turn.effect("alerts", op="stop")
    else:
        return False
    return True


def on_text(turn: Turn, text: str) -> bool:
    """Alerts have no free-text step."""
    return False
