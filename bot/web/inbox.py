"""The hotline's user side for web cases: operator replies land on the person's page.

The relay worker calls `deliver` for every outbox row of a case whose channel is "web"
(hotline.relay.UserSide); the row becomes a message in the web store and any page waiting
for news (long polling) is woken.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from telegram.error import BadRequest

from bot.web.store import WebStore
from content.i18n import gettext_for
from hotline.cases import Case, CaseStore
from hotline.outbox import OutboxItem


class Waiters:
    """Wake the long-polling requests of a person when their page has news."""

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)
        self.closing = False

    def close(self) -> None:
        """Answer every waiting request now and no longer wait (the server is stopping)."""
        self.closing = True
        for user_key in list(self._events):
            self.notify(user_key)

    def notify(self, user_key: str) -> None:
        """Wake every request waiting for this person."""
        for event in self._events.pop(user_key, set()):
            event.set()

    async def wait(self, user_key: str, timeout: float) -> bool:
        """Wait until woken or the timeout passes; return True when woken."""
        if self.closing:
            return False
        event = asyncio.Event()
        self._events[user_key].add(event)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiting = self._events.get(user_key)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._events[user_key]


class WebInbox:
    """Deliver operator replies and notices of web cases to the person's page."""

    def __init__(self, store: WebStore, cases: CaseStore, waiters: Waiters) -> None:
        self.store = store
        self.cases = cases
        self.waiters = waiters

    async def deliver(self, case: Case, item: OutboxItem) -> None:
        """Add one relay to the page (texts as they are; files as a note: the page shows none)."""
        if not case.user_key:
            raise BadRequest("case has no person to relay to")
        payload = item.payload
        _ = gettext_for(case.language)
        if item.kind in ("op_text", "notice"):
            html = payload["text"]
        elif item.kind in ("op_photo", "op_document"):
            note = _("The operator sent a file. Files cannot be shown in the web chat; "
                     "ask the operator to write it as text.")
            caption = payload.get("caption") or ""
            html = f"{caption}\n<i>{note}</i>" if caption else f"<i>{note}</i>"
        elif item.kind == "op_edit":
            message_id = self.cases.user_message_for(case.case_code, payload["desk_message_id"])
            if message_id is not None and self.store.replace(case.user_key, message_id,
                                                             payload["text"]):
                self.waiters.notify(case.user_key)
            return
        else:
            raise BadRequest(f"unknown outbox kind {item.kind}")
        message_id = self.store.add(case.user_key, "operator", html)
        if payload.get("desk_message_id"):
            self.cases.link(case.case_code, message_id, payload["desk_message_id"], "to_user")
        self.waiters.notify(case.user_key)
