"""Button actions: a strict grammar, so forged or stale callback data is recognised as such."""

from __future__ import annotations

import re

ACTION = re.compile(r"^[a-z_]{1,16}(?::[A-Za-z0-9_.-]{1,24}){0,3}$")
MAX_BYTES = 64  # Telegram's limit for callback data


def make(name: str, *args: object) -> str:
    """Build an action string; raise ValueError when it would not round-trip."""
    action = ":".join([name, *(str(a) for a in args)])
    if not ACTION.match(action) or len(action.encode()) > MAX_BYTES:
        raise ValueError(f"invalid action {action!r}")
    return action


def split(action: str | None) -> tuple[str, list[str]] | None:
    """Return (name, args) for a well-formed action, or None for anything else."""
    if not action or len(action.encode()) > MAX_BYTES or not ACTION.match(action):
        return None
    name, *args = action.split(":")
    return name, args
