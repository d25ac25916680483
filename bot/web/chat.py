"""One web person's turn: the same chat service as Telegram, with the web's own effects.

A session id (random, in a cookie) stands for a pseudonym; a resume code can bind a new
session to the same pseudonym. Replies are kept as page messages; hide and forget clear them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from html import escape
from typing import Any

from bot.dialogue import ConversationState, Incoming, Reply
from bot.reminders.effects import apply_effects as apply_reminder_effects
from bot.runtime import Runtime
from bot.web.handoff import WebHandoff
from bot.web.inbox import Waiters
from bot.web.security import clean_text, new_session_id
from bot.web.store import WebStore
from content.i18n import gettext_for
from nlu.intents import LANGUAGES
from nlu.types import Parse
from sapar_core.sqlite import erase_deleted

logger = logging.getLogger(__name__)


@dataclass
class TurnView:
    """What a post changed for the page."""

    cleared: bool = False  # the page, the cookie and the messages are gone (hide, forget)
    notes: list[str] = field(default_factory=list)  # shown once, never stored (codes, goodbyes)


class WebChat:
    """Sessions, turns and effects of the web chat."""

    def __init__(self, runtime: Runtime, store: WebStore, handoff: WebHandoff,
                 waiters: Waiters) -> None:
        self.runtime = runtime
        self.service = runtime.service
        self.store = store
        self.handoff = handoff
        self.waiters = waiters
        self._locks: dict[str, asyncio.Lock] = {}

    # ----- who is this ----------------------------------------------------------------------

    def user_for(self, sid: str) -> str | None:
        """Return the pseudonym of a session, or None when it has not written yet."""
        return self.store.user_for(sid)

    def state(self, user_key: str | None, language: str) -> ConversationState:
        """Return the saved state, or a fresh one in the page's language."""
        if user_key is None:
            return ConversationState(language=language)
        return self.service.state_of(user_key)

    def welcome(self, language: str) -> list[Reply]:
        """Return the greeting for someone who has not written yet (nothing is stored)."""
        state = ConversationState(language=language if language in LANGUAGES else
                                  self.runtime.settings.default_language)
        return self.runtime.dialogue.handle(state, Incoming(command="start")).replies

    def _start(self, sid: str, language: str) -> str:
        """Bind a new session to a new pseudonym and store the greeting it was shown."""
        user_key = self.runtime.pseudonymizer.user_key(f"web:{sid}")
        self.store.bind(sid, user_key)
        args = language if language in LANGUAGES else ""
        result = self.service.handle_key(user_key, Incoming(command="start", args=args))
        for reply in result.outcome.replies:
            self.store.add_reply(user_key, reply)
        return user_key

    def _lock(self, user_key: str) -> asyncio.Lock:
        if len(self._locks) > 10_000:
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(user_key, asyncio.Lock())

    # ----- turns ----------------------------------------------------------------------------

    async def send_text(self, sid: str, raw: str, language: str) -> TurnView:
        """Handle a typed message: to the operator during a hand-off, else to the dialogue."""
        text = clean_text(raw)
        if not text:
            return TurnView()
        user_key = self.user_for(sid) or self._start(sid, language)
        async with self._lock(user_key):
            self.store.seen(sid)
            message_id = self.store.add(user_key, "me", escape(text, quote=False))
            state = self.service.state_of(user_key)
            incoming = Incoming.from_text(text)
            if (incoming.command is None and state.handoff
                    and self.handoff.relay(user_key, state, text, message_id)):
                return TurnView()
            parse = None
            if incoming.text is not None:
                parse = await asyncio.to_thread(self.runtime.dialogue.understand, text, state)
            return await self._turn(sid, user_key, incoming, parse)

    async def press(self, sid: str, action: str, language: str) -> TurnView:
        """Handle a pressed button (forged or stale actions are answered by the dialogue)."""
        user_key = self.user_for(sid) or self._start(sid, language)
        async with self._lock(user_key):
            self.store.seen(sid)
            return await self._turn(sid, user_key, Incoming(action=action[:64] or "invalid"))

    async def _turn(self, sid: str, user_key: str, incoming: Incoming,
                    parse: Parse | None = None) -> TurnView:
        result = self.service.handle_key(user_key, incoming, parse)
        apply_reminder_effects(self.runtime.db, self.runtime.settings.secret_key, user_key,
                               None, result.state.language, result.outcome,
                               self.runtime.dialogue.today())
        view = TurnView()
        forgetting = result.outcome.effect("forget") is not None
        for reply in result.outcome.replies:
            if forgetting:
                view.notes.append(reply.text)
            else:
                self.store.add_reply(user_key, reply)
        for effect in result.outcome.effects:
            if effect.kind == "hide":
                self.hide(user_key)
                view.cleared = True
            elif effect.kind == "forget":
                await self.forget(user_key, result.erased)
                view.cleared = True
            elif effect.kind == "handoff":
                state = result.state
                opened, text = self.handoff.open(user_key, state, effect.data)
                self.service.users.save_state(user_key, state.to_dict())
                self.store.add(user_key, "bot", text)
                if opened:
                    view.notes.append(self.resume_note(user_key, state.language))
            elif effect.kind == "end_handoff":
                await self.handoff.close(user_key)
        return view

    # ----- hide, forget, resume -------------------------------------------------------------

    def hide(self, user_key: str) -> None:
        """Clear the page and end its sessions; keep an open case reachable by resume code."""
        self.store.clear(user_key)
        self.store.end_sessions(user_key)
        if self.handoff.case_code(user_key) is None:
            # no case to come back to: nobody could ever reach this pseudonym again
            self.store.forget(user_key)
            self.service.users.forget(user_key)
        erase_deleted(self.runtime.db)

    async def forget(self, user_key: str, erased: list[Any] | None = None) -> None:
        """Delete everything about the person, cases included (`erased`: the cases the chat
        service's /forget transaction deleted already)."""
        await self.handoff.forget(user_key, erased)
        self.store.forget(user_key)
        self.service.users.forget(user_key)
        erase_deleted(self.runtime.db)

    def resume_note(self, user_key: str, language: str) -> str:
        """Issue a new one-time resume code and return the note that shows it."""
        _ = gettext_for(language)
        code = self.store.new_resume_code(user_key)
        return _("Your resume code is <b>{code}</b>. Write it down: with it you can come back "
                 "to this chat from any browser, even after pressing Hide. It works once; "
                 "you then get a new one.").format(code=code)

    def resume(self, sid: str, code: str) -> tuple[str, str] | None:
        """Bind a fresh session to the person of a resume code; return (sid, note) or None."""
        user_key = self.store.use_resume_code(code)
        if user_key is None:
            return None
        self.store.end_sessions(user_key)
        fresh = new_session_id()
        self.store.bind(fresh, user_key)
        language = self.service.state_of(user_key).language
        _ = gettext_for(language)
        note = _("Welcome back.") + " " + self.resume_note(user_key, language)
        return fresh, note

    def expire(self) -> int:
        """Drop web sessions idle past the retention period, and people nobody can reach."""
        days = self.runtime.settings.retention_days
        gone = 0
        for user_key in self.store.purge_idle(days):
            reachable = self.store.db.execute(
                "SELECT 1 FROM web_sessions WHERE user_key = ? UNION "
                "SELECT 1 FROM web_resume WHERE user_key = ?", [user_key, user_key]).fetchone()
            if reachable is None and self.handoff.case_code(user_key) is None:
                self.store.forget(user_key)
                self.service.users.forget(user_key)
                gone += 1
        if gone:
            erase_deleted(self.runtime.db)
        return gone
