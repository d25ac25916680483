"""The typed context every Telegram handler gets: the bot's services and this update's session.

python-telegram-bot's ContextTypes pattern (examples/contexttypesbot.py): a CallbackContext
subclass with typed properties instead of string keys into bot_data. PTB builds one context
per update and hands it to every handler group, so the person's session is loaded once (in
the flood gate's group, the first that needs it) and every later handler reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from content.alerts import ALERTS_DIR

if TYPE_CHECKING:
    from bot.dbworker import DatabaseWorker
    from bot.reminders.broadcast import BroadcastSender
    from bot.reminders.worker import ReminderWorker
    from bot.runtime import Runtime
    from bot.service import ChatService, Session
    from bot.telegram.desk import HandoffDesk
    from bot.telegram.flood import FloodGuard
    from hotline.chats import OperatorChats
    from hotline.sentlog import SentLog

T = TypeVar("T")


class BotServices(dict[str, Any]):
    """The application's bot_data: the services built once at start, as typed attributes.

    It stays a dict (PTB copies and persists bot_data as one) and the keys live here only.
    """

    @property
    def runtime(self) -> Runtime:
        """Settings, database, parser, dialogue and chat service."""
        return self["runtime"]

    @property
    def desk(self) -> HandoffDesk:
        """Who takes a hand-off (the hotline, or the numbers-only desk)."""
        return self["desk"]

    @property
    def db_worker(self) -> DatabaseWorker:
        """The thread (and connection) where people's turns read and write."""
        return self["db_worker"]

    @property
    def turns(self) -> ChatService:
        """The chat service on the database thread's connection."""
        return self["turns"]

    @property
    def flood_guard(self) -> FloodGuard:
        """The per-person token buckets."""
        return self["flood_guard"]

    @property
    def operator_chat_id(self) -> int | None:
        """The hotline operators' chat, if one is configured."""
        return self.get("operator_chat_id")

    @property
    def operator_chats(self) -> OperatorChats | None:
        """Every chat whose members act as operators (hotline.chats: the one list)."""
        return self.get("operator_chats")

    @property
    def sent_log(self) -> SentLog | None:
        """The ids of recent messages in people's chats, for /hide."""
        return self.get("sent_log")

    @property
    def reminders(self) -> ReminderWorker | None:
        """The reminder worker, once the background loops run."""
        return self.get("reminders")

    @property
    def broadcasts(self) -> BroadcastSender | None:
        """The alerts' sender, once the background loops run."""
        return self.get("broadcasts")

    def keep_background(self, reminders: ReminderWorker, broadcasts: BroadcastSender) -> None:
        """Keep the background loops once started, for their stop."""
        self.update(reminders=reminders, broadcasts=broadcasts)

    @property
    def alerts_dir(self) -> Path:
        """Where `/alert <id>` finds its alert files (tests put their own)."""
        return self.get("alerts_dir", ALERTS_DIR)


class SaparContext(CallbackContext[ExtBot, dict[Any, Any], dict[Any, Any], BotServices]):
    """A CallbackContext with the services and the session of this update's private chat."""

    _session: Session | None = None

    @property
    def runtime(self) -> Runtime:
        """Settings, database, parser, dialogue and chat service."""
        return self.bot_data.runtime

    @property
    def desk(self) -> HandoffDesk:
        """Who takes a hand-off."""
        return self.bot_data.desk

    @property
    def turns(self) -> ChatService:
        """The chat service; call it through `in_db_thread`."""
        return self.bot_data.turns

    async def in_db_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Run a database call in the database thread (the event loop never waits on SQLite)."""
        return await self.bot_data.db_worker.run(function, *args)

    async def load_session(self) -> Session:
        """Load the person of this private chat once (the flood gate's group does it)."""
        if self._session is None:
            chat_id = self._chat_id
            if chat_id is None:
                raise RuntimeError("this update comes from no chat: it has no session")
            self._session = await self.in_db_thread(self.turns.load, chat_id)
        return self._session

    @property
    def session(self) -> Session:
        """The person of this private chat, as `load_session` loaded it.

        A handler that runs without the flood gate before it (the error handler) loads it here,
        on the event loop's connection.
        """
        if self._session is None:
            chat_id = self._chat_id
            if chat_id is None:
                raise RuntimeError("this update comes from no chat: it has no session")
            self._session = self.runtime.service.load(chat_id)
        return self._session

    @property
    def has_session(self) -> bool:
        """Whether the session was loaded already (the error handler must not load it)."""
        return self._session is not None

    def drop_session(self) -> None:
        """Forget the loaded session (after /forget the stored one is gone)."""
        self._session = None


CONTEXT_TYPES = ContextTypes(context=SaparContext, bot_data=BotServices)


def services(application: Application) -> BotServices:
    """Return an application's typed bot_data."""
    data = application.bot_data
    assert isinstance(data, BotServices)
    return data
