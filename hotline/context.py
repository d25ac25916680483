"""What the hotline's Telegram handlers read of their context, as typed attributes.

The bot's typed context (bot/telegram/context.py: SaparContext, with BotServices as its
bot_data) provides all of it; the hotline only declares what it needs, so it imports nothing
of the bot and looks nothing up by a string key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from telegram import Bot, Update

if TYPE_CHECKING:
    from hotline.desk import OperatorDesk, PersonState
    from hotline.sentlog import SentLog


class HotlineServices(Protocol):
    """The services the hotline's handlers use (BotServices is one)."""

    @property
    def desk(self) -> OperatorDesk:
        """The operator desk (the hotline's handlers run only when one is configured)."""
        ...

    @property
    def sent_log(self) -> SentLog | None:
        """The ids of recent messages for /hide (None in an application without one)."""
        ...


class PersonSession(Protocol):
    """A person as loaded once for this update (bot.service.Session is one)."""

    user_key: str
    state: PersonState


class HotlineContext(Protocol):
    """A handler's context as the hotline reads it (SaparContext is one)."""

    chat_data: dict[Any, Any] | None

    @property
    def bot(self) -> Bot:
        """The bot."""
        ...

    @property
    def bot_data(self) -> HotlineServices:
        """The application's services."""
        ...

    @property
    def session(self) -> PersonSession:
        """The person of this update's private chat."""
        ...


async def private_button(update: Update, context: HotlineContext
                         ) -> tuple[int, list[str]] | None:
    """Answer a button a person pressed in their private chat; return the chat and the
    button's data split at ':' (None, unanswered, for any other update)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or chat.type != "private" or not isinstance(
            query.data, str):
        return None
    await query.answer()
    return chat.id, query.data.split(":")
