"""The operator desk: open cases, relay users' messages, fall back to numbers when nobody is on."""

from __future__ import annotations

import logging
import mimetypes
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import PurePath
from typing import Any

from telegram import Message
from telegram.ext import Application, ContextTypes

from bot.dialogue import ConversationState
from bot.runtime import Runtime
from bot.storage import erase_deleted
from bot.telegram.desk import fallback_contacts
from content.directory import load_directory
from content.i18n import gettext_for
from hotline.cases import Case, CaseStore
from hotline.crypto import ChatIdCipher
from hotline.hours import within_office_hours
from hotline.outbox import DESK, USER, Outbox
from hotline.relay import RelayWorker

logger = logging.getLogger(__name__)


def case_card(case: Case) -> str:
    """Return the consented summary shown to operators when a case opens."""
    lines = [f"<b>Case {case.case_code}</b> · {'URGENT' if case.urgent else 'normal'} · "
             f"language: {case.language}",
             f"Topic: {escape(case.topic)}",
             f"Consent: {escape(case.consent)}"]
    if case.region:
        lines.append(f"Region (shared by the person): {escape(case.region)}")
    if case.summary:
        lines.append(f"Check-up (shared by the person): {escape(case.summary)}")
    if case.channel != "telegram":
        lines.append(f"Channel: {escape(case.channel)} chat (text only: files do not reach "
                     "the person)")
    lines.append("Commands in this topic: /claim, /close [reason], /note text, /canned, "
                 "/transcript, /block")
    return "\n".join(lines)


def partner_desks() -> dict[str, int]:
    """Return the partner NGOs that run their own operators' chat, by directory key."""
    return {c.key: c.operator_chat_id for c in load_directory() if c.operator_chat_id}


def choose_desk(default_chat_id: int, region: str | None) -> int:
    """Route to a partner NGO's chat serving the shared region, else to the hotline's chat."""
    if region:
        for contact in load_directory():
            if contact.operator_chat_id and contact.regions and region in contact.regions:
                return contact.operator_chat_id
    return default_chat_id


class OperatorDesk:
    """Hand-offs to operators in forum supergroups (one topic per case)."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        assert settings.operator_chat_id is not None
        self.runtime = runtime
        self.settings = settings
        self.cases = CaseStore(runtime.db)
        self.outbox = Outbox(runtime.db)
        self.cipher = ChatIdCipher(settings.secret_key)
        self.worker: RelayWorker | None = None
        self.available = True
        self.unavailable_reason = ""
        self.bot: Any = None
        # front ends other than Telegram register how their people get relays (see relay.UserSide)
        self.user_sides: dict[str, Any] = {}

    # ----- lifecycle ------------------------------------------------------------------------

    async def startup(self, application: Application) -> None:
        """Check the operators' chat, start the relay worker and the periodic jobs."""
        from hotline.telegram import check_operator_chat

        problem = await check_operator_chat(application.bot, self.settings.operator_chat_id)
        if problem:
            self.available = False
            self.unavailable_reason = problem
            logger.error("hand-off disabled: OPERATOR_CHAT_ID %s: %s",
                         self.settings.operator_chat_id, problem)
        self.bot = application.bot
        self.worker = RelayWorker(application.bot, self.outbox, self.cases, self.cipher,
                                  self.user_sides)
        self.worker.start()
        if application.job_queue is not None:
            application.job_queue.run_repeating(self.periodic, interval=60, first=5,
                                                name="hotline-periodic")

    async def shutdown(self) -> None:
        """Stop the relay worker (pending relays stay in the outbox)."""
        if self.worker is not None:
            await self.worker.stop()

    def _notify(self, side: str) -> None:
        if self.worker is not None:
            self.worker.notify(side)

    # ----- user side ------------------------------------------------------------------------

    async def open_case(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_key: str,
                        state: ConversationState, request: dict[str, Any]) -> bool:
        """Open a case (or reuse the open one) and tell the person what happens next."""
        opened, text = self.open_for(user_key, state, request,
                                     chat_enc=self.cipher.encrypt(chat_id))
        await context.bot.send_message(chat_id, text, parse_mode="HTML",
                                       disable_web_page_preview=True)
        return opened

    def open_for(self, user_key: str, state: ConversationState, request: dict[str, Any], *,
                 chat_enc: str | None, channel: str = "telegram") -> tuple[bool, str]:
        """Open a case (or reuse the open one) for any front end.

        Return whether a case is open and what to tell the person (Telegram HTML). Replies
        reach a "telegram" case's encrypted chat, or the front end registered in user_sides.
        """
        _ = gettext_for(state.language)
        if not self.available or self.cases.is_blocked(user_key):
            state.handoff = None
            return False, (_("No hotline operator is connected to this bot right now.") + "\n\n"
                           + fallback_contacts(state.language, request.get("region")))
        case = self.cases.open_for_user(user_key)
        if case is not None:
            if request.get("priority") == "urgent" and not case.urgent:
                self.make_urgent(case)
            state.handoff = case.status
            return True, escape(_(
                "Your chat with the hotline is already open (case {code}). Write here.").format(
                code=case.case_code))
        case = self.cases.create(
            user_key=user_key, chat_enc=chat_enc,
            priority=str(request.get("priority") or "normal"), language=state.language,
            topic=str(request.get("topic") or "talk_to_human"), region=request.get("region"),
            consent=str(request.get("consent") or "anon"), summary=request.get("summary"),
            desk_chat_id=choose_desk(self.settings.operator_chat_id, request.get("region")),
            channel=channel)
        self.outbox.put(case.case_code, DESK, "open", {"card": case_card(case)}, case.priority)
        self._notify(DESK)
        state.handoff = "waiting"
        text = _("Your case code is {code}. An operator will answer in this chat; they will "
                 "not see your name or number.").format(code=case.case_code)
        if not within_office_hours(self.settings.office_hours, self.settings.office_days):
            text += "\n\n" + self.fallback_text(state.language, case)
            self.cases.mark_fallback_sent(case.case_code)
        return True, text

    def fallback_text(self, language: str, case: Case) -> str:
        """Explain that operators are not available now, with numbers; the case stays open."""
        _ = gettext_for(language)
        return (_("Operators are not available right now. Your case stays open and an operator "
                  "will write to you here when available. If you need help sooner:")
                + "\n\n" + fallback_contacts(language, case.region))

    def make_urgent(self, case: Case) -> None:
        """Raise a case to urgent and move its relays to the front."""
        self.cases.raise_priority(case.case_code)
        self.outbox.raise_priority(case.case_code)
        self.outbox.put(case.case_code, DESK, "notice",
                        {"text": "⚠️ <b>URGENT</b>: the person may be in danger now."},
                        "urgent")
        self._notify(DESK)

    async def relay_from_user(self, context: ContextTypes.DEFAULT_TYPE, message: Message,
                              user_key: str, state: ConversationState) -> bool:
        """Queue a copy of the user's message for their case (text, photo or document)."""
        case = self.cases.open_for_user(user_key)
        if case is None:
            state.handoff = None
            self.runtime.service.users.save_state(user_key, state.to_dict())
            return False
        if self.outbox.has_user_message(case.case_code, message.message_id):
            return True  # the same update delivered again after a restart
        base = {"user_message_id": message.message_id}
        if message.reply_to_message is not None:
            base["reply_to_user_message_id"] = message.reply_to_message.message_id
        if message.text:
            payload, kind, line = {**base, "text": message.text}, "user_text", message.text
        elif message.photo:
            payload, kind = {**base, "file_id": message.photo[-1].file_id}, "user_photo"
            line = "[photo]"
        elif message.document:
            suffix = PurePath(message.document.file_name or "").suffix[:8] or (
                mimetypes.guess_extension(message.document.mime_type or "") or "")
            payload = {**base, "file_id": message.document.file_id, "ext": suffix}
            kind, line = "user_document", "[document]"
        else:
            return False
        return self.queue_from_user(user_key, state, kind, payload, line)

    def queue_from_user(self, user_key: str, state: ConversationState, kind: str,
                        payload: dict[str, Any], line: str) -> bool:
        """Queue one message of a person for their open case; return False when there is none.

        payload["user_message_id"] must be unique within the case (the front end's message id).
        """
        case = self.cases.open_for_user(user_key)
        if case is None:
            state.handoff = None
            self.runtime.service.users.save_state(user_key, state.to_dict())
            return False
        self.cases.add_transcript(case.case_code, "user", line)
        self.outbox.put(case.case_code, DESK, kind, payload, case.priority)
        self._notify(DESK)
        return True

    async def user_edited(self, context: ContextTypes.DEFAULT_TYPE, message: Message,
                          user_key: str) -> None:
        """Carry the user's edit over to the operators' copy."""
        case = self.cases.open_for_user(user_key)
        if case is None or not message.text:
            return
        self.cases.add_transcript(case.case_code, "user", f"(edited) {message.text}")
        self.outbox.put(case.case_code, DESK, "user_edit",
                        {"user_message_id": message.message_id, "text": message.text},
                        case.priority)
        self._notify(DESK)

    async def close_by_user(self, context: ContextTypes.DEFAULT_TYPE, user_key: str) -> None:
        """Close the user's case and tell the operators."""
        case = self.cases.open_for_user(user_key)
        if case is None or not self.cases.close(case.case_code, "user", "ended by the person"):
            return
        self.outbox.put(case.case_code, DESK, "notice",
                        {"text": "The person ended the chat. Case closed."}, case.priority)
        self.outbox.put(case.case_code, DESK, "close_topic", {}, case.priority)
        self._notify(DESK)

    async def forget(self, context: ContextTypes.DEFAULT_TYPE, user_key: str) -> None:
        """Close and delete every case of the user; operators learn only that it was closed."""
        bot = context.bot if context is not None else self.bot
        for case in self.cases.forget_user(user_key):
            if case.thread_id is not None and case.desk_chat_id is not None and bot is not None:
                try:
                    await bot.send_message(
                        case.desk_chat_id, "The person deleted their data. This case is closed "
                        "and its messages are deleted.", message_thread_id=case.thread_id)
                    await bot.close_forum_topic(case.desk_chat_id, case.thread_id)
                except Exception:  # a closed or deleted topic must not stop the forgetting
                    logger.warning("could not close the topic of a forgotten case")

    # ----- periodic -------------------------------------------------------------------------

    async def periodic(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Give fall-back numbers for unclaimed cases; delete texts past the retention period."""
        cutoff = datetime.now(UTC) - timedelta(minutes=self.settings.claim_timeout_minutes)
        for case in self.cases.waiting_unclaimed_since(cutoff):
            self.outbox.put(case.case_code, USER, "notice",
                            {"text": self.fallback_text(case.language, case)}, case.priority)
            self.cases.mark_fallback_sent(case.case_code)
            self._notify(USER)
        purged = self.cases.purge_expired(self.settings.retention_days)
        self.outbox.purge_sent()
        if purged:
            erase_deleted(self.runtime.db)
            logger.info("retention: deleted the messages of %s closed case(s)", purged)
