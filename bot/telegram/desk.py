"""The seam between the bot and the hotline: who takes a hand-off and how messages relay."""

from __future__ import annotations

from typing import Any, Protocol

from telegram import Message
from telegram.ext import ContextTypes

from bot.dialogue import ConversationState
from content.i18n import gettext_for
from hotline.notices import Taken
from hotline.service import CaseOpened, Unavailable


class HandoffDesk(Protocol):
    """What the Telegram handlers need from the hotline side."""

    def open_case(self, chat_id: int, user_key: str, state: ConversationState,
                  request: dict[str, Any]) -> CaseOpened | Unavailable:
        """Open (or reuse) a case for a hand-off, or say why not; each with the person's text
        (Telegram HTML) for the caller to send."""

    def relay_from_user(self, message: Message, user_key: str, state: ConversationState
                        ) -> Taken | None:
        """Give a user's message to their open case, with what to tell them; None when there
        is no case or the desk does not relay that kind (the dialogue answers it)."""

    async def user_edited(self, context: ContextTypes.DEFAULT_TYPE, message: Message,
                          user_key: str) -> None:
        """Carry a user's edit over to the operator side."""

    async def close_by_user(self, context: ContextTypes.DEFAULT_TYPE, user_key: str) -> None:
        """Close the user's open case because they ended it."""

    async def forget(self, context: ContextTypes.DEFAULT_TYPE, user_key: str,
                     erased: list[Any] | None = None) -> None:
        """Tell operators a user's cases are gone; `erased`: the cases the chat service's
        /forget transaction deleted already (None: delete them here first)."""


def fallback_contacts(language: str, region: str | None = None, country: str | None = None
                      ) -> str:
    """Return the help numbers to give when no operator can take the chat (emergency first)."""
    from hotline.fallback import fallback_text

    return fallback_text(language, country, region)


class NoOperatorDesk:
    """Used when no operators' chat is configured: give the numbers instead of a person."""

    def open_case(self, chat_id: int, user_key: str, state: ConversationState,
                  request: dict[str, Any]) -> CaseOpened | Unavailable:
        """No operator is connected to this bot: the numbers instead."""
        _ = gettext_for(state.language)
        state.handoff = None
        return Unavailable("no operators' chat", _(
            "No hotline operator is connected to this bot right now.") + "\n\n"
            + fallback_contacts(state.language, request.get("region"), state.country))

    def relay_from_user(self, message: Message, user_key: str, state: ConversationState
                        ) -> Taken | None:
        """There are no cases to relay to."""
        return None

    async def user_edited(self, context: ContextTypes.DEFAULT_TYPE, message: Message,
                          user_key: str) -> None:
        """Nothing to carry over."""

    async def close_by_user(self, context: ContextTypes.DEFAULT_TYPE, user_key: str) -> None:
        """Nothing to close."""

    async def forget(self, context: ContextTypes.DEFAULT_TYPE, user_key: str,
                     erased: list[Any] | None = None) -> None:
        """Nobody to tell."""
