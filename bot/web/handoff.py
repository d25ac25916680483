"""The web chat's side of the hand-off: the hotline's desk, called without Telegram.

With operators connected (hotline.desk.OperatorDesk) a web case opens in the operators' forum
topic exactly as a Telegram one, with channel "web"; otherwise the person gets the numbers.
"""

from __future__ import annotations

from typing import Any

from bot.dialogue import ConversationState
from bot.telegram.desk import fallback_contacts
from content.i18n import gettext_for
from hotline.service import CaseOpened

CHANNEL = "web"


class WebHandoff:
    """Open, feed, close and forget the web person's case through the shared desk."""

    def __init__(self, desk: Any) -> None:
        self.desk = desk if hasattr(desk, "open_for") else None

    @property
    def connected(self) -> bool:
        """Return True when operators can take web cases."""
        return self.desk is not None

    def open(self, user_key: str, state: ConversationState, request: dict[str, Any]
             ) -> tuple[bool, str]:
        """Open (or reuse) the case; return whether one is open and what to tell the person."""
        if self.desk is None:
            _ = gettext_for(state.language)
            state.handoff = None
            return False, (_("No hotline operator is connected to this bot right now.")
                           + "\n\n" + fallback_contacts(state.language, request.get("region")))
        result = self.desk.open_for(user_key, state, request, chat_enc=None, channel=CHANNEL)
        return isinstance(result, CaseOpened), result.text

    def relay(self, user_key: str, state: ConversationState, text: str, message_id: int
              ) -> bool:
        """Queue the person's text for the operator; False when no case is open any more."""
        if self.desk is None:
            state.handoff = None
            return False
        return self.desk.queue_from_user(user_key, state, "user_text",
                                         {"user_message_id": message_id, "text": text}, text)

    def case_code(self, user_key: str) -> str | None:
        """Return the code of the person's open case, if any."""
        if self.desk is None:
            return None
        case = self.desk.cases.open_for_user(user_key)
        return case.case_code if case else None

    async def close(self, user_key: str) -> None:
        """Close the case because the person ended it."""
        if self.desk is not None:
            await self.desk.close_by_user(None, user_key)

    async def forget(self, user_key: str, erased: list[Any] | None = None) -> None:
        """Close and delete every case of the person (`erased`: deleted already, tell only)."""
        if self.desk is not None:
            await self.desk.forget(None, user_key, erased)
