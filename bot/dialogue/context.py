"""The per-turn context every flow gets: state, language, translation, parser result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.dialogue.model import Button, ConversationState, Effect, Outcome, Reply
from content.i18n import gettext_for, ngettext_for
from nlu.types import Parse


@dataclass
class Turn:
    """One turn being answered: where replies and effects are collected."""

    state: ConversationState
    language: str
    today: date
    parse: Parse | None = None
    text: str = ""  # the message being answered ("" for a button, command or media)
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def country(self) -> str | None:
        """The country this turn is about: the one the message names, else where the person
        is ("how long can I stay in Kazakhstan" is about Kazakhstan wherever they are)."""
        countries = self.parse.entity_values("country") if self.parse else []
        return str(countries[-1]) if countries else self.state.country

    @property
    def _(self) -> Callable[[str], str]:
        """Translate an interface text into the reply language."""
        return gettext_for(self.language)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a text with a number into the reply language's plural form."""
        return ngettext_for(self.language)(singular, plural, n)

    def say(self, text: str, *rows: list[Button] | tuple[Button, ...], kind: str = "info"
            ) -> Reply:
        """Add a reply with optional rows of buttons; `kind` says what it is
        (docs/conversations.md)."""
        reply = Reply(text=text, buttons=tuple(tuple(row) for row in rows if row),
                      language=self.language, kind=kind)
        self.outcome.replies.append(reply)
        return reply

    def effect(self, kind: str, **data: object) -> None:
        """Ask the transport to carry out a side effect."""
        self.outcome.effects.append(Effect(kind, dict(data)))
