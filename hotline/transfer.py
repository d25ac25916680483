"""Hand a case to a partner desk (or back to the hotline), with a note; nothing identifying moves.

The case keeps its code; the new desk gets a new topic with the consented card and the note.
The person's encrypted chat id, pseudonym and earlier messages stay in the database: the new
desk's /transcript starts at the transfer, and the old desk's message links are dropped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from content import directory
from content.i18n import gettext_for
from hotline.card import case_card
from hotline.cases import Case
from hotline.chats import MAIN
from hotline.outbox import DESK, USER

if TYPE_CHECKING:
    from hotline.desk import OperatorDesk

TRANSFERRED = "transferred to "  # the transcript line that starts a desk's part of a case


def desk_name(desk_key: str, language: str) -> str:
    """Return a desk's name for a person (a partner's directory name, or "the hotline")."""
    if desk_key != MAIN:
        for contact in directory.load_directory():
            if contact.key == desk_key:
                return contact.name[language]
    _ = gettext_for(language)
    return _("the hotline")


def desks_text(desk: OperatorDesk, case: Case) -> str:
    """List the desks a case can go to, for the operators."""
    here = desk.chats.desk_of(case.desk_chat_id or 0)
    names = [MAIN, *desk.chats.partners]
    lines = [f"/transfer {name}  ({desk_name(name, 'en')})" for name in names if name != here]
    if not lines:
        return "No other desk is configured (partners need an operator_chat_id in the directory)."
    return "Hand this case to another desk (the person is told; add a note after the name):\n" \
        + "\n".join(lines)


def transfer(desk: OperatorDesk, case: Case, target: str, note: str | None) -> tuple[bool, str]:
    """Move a case to another desk's chat; return whether it moved and what to tell operators."""
    chat = desk.chats.chat_of(target)
    here = desk.chats.desk_of(case.desk_chat_id or 0)
    if case.status == "closed":
        return False, "This case is closed; it cannot be transferred."
    if chat is None:
        return False, "Unknown desk. " + desks_text(desk, case)
    if chat == case.desk_chat_id:
        return False, "The case is already at this desk."
    with desk.cases.db.conn:
        desk.cases.db.conn.execute(
            "UPDATE cases SET desk_chat_id = ?, thread_id = NULL, status = 'waiting', "
            "operator_key = NULL, claimed_at = NULL, topic_state = '' WHERE case_code = ?",
            [chat, case.case_code])
        desk.cases.db.conn.execute("DELETE FROM message_links WHERE case_code = ?",
                                   [case.case_code])
    case.desk_chat_id, case.thread_id, case.status = chat, None, "waiting"
    card = case_card(case) + f"\n\n↪️ <b>Transferred from {escape(desk_name(here or MAIN, 'en'))}"
    card += "</b>" + (f"\nNote: {escape(note)}" if note else "")
    desk.outbox.put(case.case_code, DESK, "open", {"card": card}, case.priority)
    desk.cases.add_transcript(case.case_code, "system", f"{TRANSFERRED}{target}")
    if note:
        desk.cases.add_transcript(case.case_code, "note", note)
    _ = gettext_for(case.language)
    desk.outbox.put(case.case_code, USER, "notice", {"text": escape(_(
        "Your chat was passed to the operators of {desk}, who can help you better. Your case "
        "code stays {code}; they see only what you agreed to share. Write here as before.")
        .format(desk=desk_name(target, case.language), code=case.case_code))}, case.priority)
    desk.notify(DESK)
    desk.notify(USER)
    return True, f"Transferred to {desk_name(target, 'en')}. The person was told; this topic " \
        "is closed."


def since_transfer(lines: list[dict]) -> list[dict]:
    """Return the transcript lines of the current desk (after the last transfer)."""
    starts = [i for i, row in enumerate(lines)
              if row["author"] == "system" and str(row["text"]).startswith(TRANSFERRED)]
    return lines[starts[-1]:] if starts else lines
