"""The operators' side of a case as operations that return values: claim, close, canned
replies, notes, blocks, and an operator's messages relayed to the person.

No Telegram here: the handlers (hotline/telegram.py) parse a message into `Outgoing` rows, call
these, and tell the operator what came back. Each operation writes the case and its outbox rows
and wakes the relay worker for the side that has something to send.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from content.i18n import gettext_for, mark
from hotline.canned import CANNED
from hotline.cases import BLOCKED_REASON, Case, CaseStore
from hotline.outbox import DESK, USER, Outbox
from hotline.rating import new_question
from hotline.relay import MAX_MESSAGE, utf16_length
from hotline.reminders import operator_answered

SIGNATURE = mark("Hotline operator")  # marked, so that the catalogs translate it


def signed(language: str, text: str) -> str:
    """Sign an operator's text as the hotline, in the user's language (never the name)."""
    return "<b>" + escape(gettext_for(language)(SIGNATURE)) + ":</b>\n" + text


def signed_room(language: str) -> int:
    """Return how much of an operator's text fits in one message once signed."""
    return MAX_MESSAGE - utf16_length(gettext_for(language)(SIGNATURE)) - 2


def split_to_fit(text: str, room: int) -> list[str]:
    """Split a text into parts of at most `room` UTF-16 units, at a line break if possible."""
    parts: list[str] = []
    while utf16_length(text) > room:
        used = cut = 0
        while used + utf16_length(text[cut]) <= room:
            used += utf16_length(text[cut])
            cut += 1
        newline = text.rfind("\n", 0, cut)
        cut = newline if newline > 0 else max(cut, 1)
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return [part for part in parts if part.strip()] or [text]


@dataclass(frozen=True)
class CaseOpened:
    """A case is open for the person (`new`: opened now, else the one already open)."""

    case_code: str
    text: str  # what to tell the person (Telegram HTML)
    new: bool


@dataclass(frozen=True)
class Unavailable:
    """No case: nobody can take it now, the person is blocked, or opened too many lately."""

    reason: str  # for logs and tests, never shown: "no operators' chat", "blocked", ...
    text: str  # what to tell the person (Telegram HTML, with the fall-back numbers)


@dataclass(frozen=True)
class Outgoing:
    """One operator's message for the person: its outbox rows (kind, payload) and the line
    the transcript keeps."""

    rows: list[tuple[str, dict[str, Any]]]
    transcript: str


@dataclass(frozen=True)
class Relayed:
    """The operator's message is queued for the person (in `parts` messages)."""

    parts: int


@dataclass(frozen=True)
class Refused:
    """Nothing was sent; `reason` is what to tell the operator."""

    reason: str


@dataclass
class CaseDesk:
    """The operations of the operators' side on the cases (the hotline owns these tables)."""

    cases: CaseStore
    outbox: Outbox
    secret_key: bytes
    notify: Callable[[str], None] = field(repr=False)  # wake the relay worker for a side

    def operator_key(self, user_id: int) -> str:
        """Pseudonymise an operator (claims are recorded without Telegram ids)."""
        return hmac.new(self.secret_key, f"operator:{user_id}".encode(),
                        hashlib.sha256).hexdigest()[:16]

    def claim(self, case: Case, user_id: int) -> bool:
        """Claim a case and tell the person an operator is with them; False when taken."""
        if not self.cases.claim(case.case_code, self.operator_key(user_id)):
            return False
        _ = gettext_for(case.language)
        self.outbox.put(case.case_code, USER, "notice", {"text": signed(case.language, escape(_(
            "I am a hotline operator and I am reading your chat now.")))}, case.priority)
        self.cases.add_transcript(case.case_code, "system", "claimed")
        self.notify(USER)
        return True

    def close(self, case: Case, reason: str | None) -> bool:
        """Close a case from the operators' side and tell the person; False when closed."""
        if not self.cases.close(case.case_code, "operator", reason):
            return False
        _ = gettext_for(case.language)
        self.outbox.put(case.case_code, USER, "notice", {"text": escape(_(
            "The hotline operator closed this chat. You can ask for a person again at any time "
            "with /human."))}, case.priority)
        if reason != BLOCKED_REASON and case.channel == "telegram":  # "did this help?", anonymous
            self.outbox.put(case.case_code, USER, "rating",
                            {"token": new_question(self.cases.db)}, case.priority)
        self.outbox.put(case.case_code, DESK, "close_topic", {}, case.priority)
        self.cases.add_transcript(case.case_code, "system", f"closed: {reason or ''}")
        self.notify(USER)
        self.notify(DESK)
        return True

    def block(self, case: Case, reason: str | None) -> None:
        """Keep the case's person from the hand-off and close the case."""
        if case.user_key:
            self.cases.block(case.user_key, reason)
        self.close(case, BLOCKED_REASON)

    def note(self, case: Case, text: str) -> None:
        """Keep a note in the transcript (never sent to the person)."""
        self.cases.add_transcript(case.case_code, "note", text)

    def send_canned(self, case: Case, index: int, user_id: int) -> Relayed | Refused:
        """Send canned reply `index` to the person in their language (claiming a waiting case)."""
        if not 0 <= index < len(CANNED):
            return Refused("There is no such canned reply.")
        if case.status == "closed":
            return Refused("This case is closed.")
        if case.status == "waiting":
            self.claim(case, user_id)
        text = gettext_for(case.language)(CANNED[index])
        self.outbox.put(case.case_code, USER, "op_text",
                        {"text": signed(case.language, escape(text))}, case.priority)
        self.cases.add_transcript(case.case_code, "operator", f"[canned {index + 1}] {text}")
        operator_answered(self.cases, case.case_code)
        self.notify(USER)
        return Relayed(1)

    def text_rows(self, case: Case, text: str, base: dict[str, Any]) -> Outgoing:
        """Return an operator's text as signed parts that each fit one message (a long text
        signed would exceed Telegram's limit); only the first part replies to anything."""
        rows: list[tuple[str, dict[str, Any]]] = []
        for index, part in enumerate(split_to_fit(text, signed_room(case.language))):
            payload = {**base, "text": signed(case.language, escape(part))}
            if index:
                payload["reply_to_desk_message_id"] = None
            rows.append(("op_text", payload))
        return Outgoing(rows, text)

    def relay_to_user(self, case: Case, user_id: int, outgoing: Outgoing | Refused
                      ) -> Relayed | Refused:
        """Queue an operator's message for the person, claiming a waiting case (even when
        what they wrote cannot reach the person: the operator is with the case)."""
        if case.status == "closed":
            return Refused("This case is closed; the message was not sent.")
        if case.status == "waiting":
            self.claim(case, user_id)
        if isinstance(outgoing, Refused):
            return outgoing
        for kind, payload in outgoing.rows:
            self.outbox.put(case.case_code, USER, kind, payload, case.priority)
        self.cases.add_transcript(case.case_code, "operator", outgoing.transcript)
        operator_answered(self.cases, case.case_code)
        self.notify(USER)
        return Relayed(len(outgoing.rows))

    def edit_to_user(self, case: Case, desk_message_id: int, text: str) -> Relayed | Refused:
        """Carry an operator's edit over to the person's copy; an edit too long for one
        message, signed, reaches the person as new messages."""
        if case.status == "closed":
            return Refused("This case is closed.")
        parts = split_to_fit(text, signed_room(case.language))
        for part in parts:
            self.outbox.put(case.case_code, USER, "op_edit" if len(parts) == 1 else "op_text", {
                "desk_message_id": desk_message_id,
                "text": signed(case.language, escape(part))}, case.priority)
        self.cases.add_transcript(case.case_code, "operator", f"(edited) {text}")
        self.notify(USER)
        return Relayed(len(parts))
