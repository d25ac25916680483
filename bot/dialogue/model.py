"""Values that cross the dialogue core's boundary: nothing here knows about Telegram."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A choice offered under a reply; `action` comes back when it is pressed."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    """One message to the person: Telegram-HTML text and rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    language: str = "en"
    kind: str = "info"  # what the reply is, for tests and front ends (docs/conversations.md)

    def actions(self) -> list[str]:
        """Return every button action, row by row."""
        return [button.action for row in self.buttons for button in row]


@dataclass(frozen=True)
class Incoming:
    """What the person sent: free text, a button press, a command, or other media."""

    text: str | None = None
    action: str | None = None
    command: str | None = None
    args: str = ""
    media: str | None = None

    @classmethod
    def from_text(cls, text: str) -> Incoming:
        """Turn a raw line into a command (`/start ky`) or free text."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            return cls(command=head.split("@", 1)[0].lower(), args=rest.strip())
        return cls(text=text)


@dataclass(frozen=True)
class Effect:
    """Something outside the conversation must happen (the transport carries it out).

    kinds: "forget" (delete everything about the user), "hide" (delete the bot's recent
    messages), "handoff" (open a case; data: topic, priority, consent, summary, region),
    "end_handoff", "campaign" (data: tag), "reminders" (data: op = set/stop/list; for set:
    reminder = stay/registration/contract, due = ISO date) and "alerts" (data: op =
    list/on/off/stop, topic): the transport stores them and answers (bot/reminders/effects.py).
    """

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """The dialogue's answer to one incoming event."""

    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)

    def effect(self, kind: str) -> Effect | None:
        """Return the first effect of a kind, if any."""
        return next((e for e in self.effects if e.kind == kind), None)


@dataclass
class Situation:
    """What the dialogue knows about the person's circumstances in this conversation.

    It is sensitive (where someone is): it lives only while the conversation does, expires after
    a few days without messages (`seen`), is deleted by /forget and reaches an operator only
    through the hand-off's consent step.
    """

    country: str | None = None          # ISO code of the country the person is in now
    city: str | None = None             # canonical city key ("kazan")
    relative: str | None = None         # whom a relative asks about ("son", "relative", ...)
    danger: bool = False                # danger came up in this conversation
    contract: str | None = None         # "yes", "no" or "ended"
    contract_end: str | None = None     # ISO date the contract ended
    awaiting: str | None = None         # what the bot just asked outside a flow
    pending: list[str] = field(default_factory=list)  # needs named but not yet answered
    seen: str | None = None             # ISO date of the last message

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Situation:
        """Rebuild a situation, ignoring unknown keys."""
        raw = raw or {}
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw})


@dataclass
class ConversationState:
    """Everything the dialogue remembers about one person; JSON-serialisable."""

    language: str = "ky"
    language_chosen: bool = False
    family_mode: bool = False
    region: str | None = None
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    last_intent: str | None = None
    last_language: str | None = None  # the language the last topic was answered in
    screening_summary: str | None = None
    handoff: str | None = None
    situation: Situation = field(default_factory=Situation)

    @property
    def country(self) -> str | None:
        """The country the person is in, when known."""
        return self.situation.country

    @country.setter
    def country(self, value: str | None) -> None:
        self.situation.country = value

    def to_dict(self) -> dict[str, Any]:
        """Return the state as plain JSON-able data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None, default_language: str = "ky"
                  ) -> ConversationState:
        """Rebuild a state, ignoring unknown keys from older versions."""
        if not raw:
            return cls(language=default_language)
        known = {name: raw[name] for name in cls.__dataclass_fields__ if name in raw}
        known["situation"] = Situation.from_dict(raw.get("situation"))
        if raw.get("country") and not known["situation"].country:  # saved before situations
            known["situation"].country = raw["country"]
        return cls(**known)

    def reset(self) -> None:
        """Forget everything but the reply language (after /forget)."""
        language = self.language
        for name, spec in self.__dataclass_fields__.items():
            default = spec.default_factory() if callable(spec.default_factory) else spec.default
            setattr(self, name, default)
        self.language = language

    def end_flow(self) -> None:
        """Leave the current flow and drop its answers."""
        self.flow, self.step, self.data = None, None, {}
