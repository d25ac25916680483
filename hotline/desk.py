"""The operator desk: open cases, relay users' messages, fall back to numbers when nobody is on."""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any, Protocol

from sqlite_utils import Database
from telegram import Message
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from content.i18n import gettext_for
from hotline import chats as chats_module
from hotline.card import case_card
from hotline.cases import Case, CaseStore
from hotline.clock import DeskClock
from hotline.crypto import ChatIdCipher, SealCipher
from hotline.fallback import fallback_text
from hotline.files import IMAGE_MIME_TYPES
from hotline.hours import within_office_hours
from hotline.media import KIND as MEDIA_KIND
from hotline.media import media_of, transcript_line
from hotline.notices import Notice, Taken
from hotline.outbox import DESK, USER, Outbox
from hotline.relay import RelayWorker
from hotline.reminders import person_wrote, remind_desk
from hotline.service import CaseDesk, CaseOpened, Unavailable
from hotline.startup import check_operator_chat
from hotline.window import SlidingWindow
from sapar_core.sqlite import erase_deleted

logger = logging.getLogger(__name__)
RECHECK_EVERY = 10  # periodic runs (minutes) between two checks of a working operators' chat


def partner_desks() -> dict[str, int]:
    """Return the partner NGOs that run their own operators' chat, by directory key."""
    return chats_module.partner_desks()


def choose_desk(default_chat_id: int, region: str | None) -> int:
    """Route to a partner NGO's chat serving the shared region, else to the hotline's chat."""
    chats = chats_module.operator_chats(default_chat_id)
    assert chats is not None
    return chats.route(region)


def ask_before_sending(language: str, row: int, *, location: bool = False) -> Notice:
    """Ask the person before a held file (it may name them) or their location (it shows where
    they are) goes to the operators as it is."""
    _ = gettext_for(language)
    if location:
        text, send = _(
            "Your location shows where you are. Send it to the operator? Only do this if you "
            "want them to know where you are."), _("Send my location")
    else:
        text, send = _(
            "The file itself will be sent to the operator as it is. It may contain your name "
            "or other details about you (for example as the author of a document). Send it?"
        ), _("Send the file")
    return Notice(text, ((send, f"hlfile:send:{row}"), (_("Do not send"), f"hlfile:drop:{row}")))


class DeskHost(Protocol):
    """What the desk is built from (the bot's Runtime is one): the settings and the database."""

    settings: Any  # bot.settings.Settings (the hotline reads the desk's settings from it)
    db: Database


class PersonState(Protocol):
    """What the desk reads of a person's conversation in the turn that reaches it; writing
    `handoff` only tells the rest of that turn (at rest the flag is the cases table's)."""

    language: str
    handoff: str | None

    @property
    def country(self) -> str | None:
        """The country the person is in, when known."""


class OperatorDesk:
    """Hand-offs to operators in forum supergroups (one topic per case)."""

    def __init__(self, runtime: DeskHost) -> None:
        settings = runtime.settings
        assert settings.operator_chat_id is not None
        self.runtime = runtime
        self.settings = settings
        self.db = runtime.db  # the event loop's connection (the rating, retention)
        self.cases = CaseStore(runtime.db)
        self.outbox = Outbox(runtime.db)
        self.cipher = ChatIdCipher(settings.secret_key)
        self.sealer = SealCipher(settings.secret_key)
        self.clock = DeskClock()
        self.unusable_partners: frozenset[int] = frozenset()  # partner chats failing the check
        self.chats = chats_module.operator_chats(settings.operator_chat_id)
        assert self.chats is not None
        self.worker: RelayWorker | None = None
        self.group_window = SlidingWindow(settings.group_messages_per_minute, 60.0)
        self._relayed: dict[str, deque[float]] = {}  # case -> times of its last relays
        self._slowed: set[str] = set()  # cases told to slow down in the current minute
        self.available = True
        self.unavailable_reason = ""
        self._checks = 0  # periodic runs since the operators' chat was last checked
        self.bot: Any = None
        # front ends other than Telegram register how their people get relays (see relay.UserSide)
        self.user_sides: dict[str, Any] = {}
        self.service = CaseDesk(self.cases, self.outbox, settings.secret_key, self.notify)

    # ----- lifecycle ------------------------------------------------------------------------

    async def startup(self, application: Application) -> None:
        """Check the operators' chat, start the relay worker and the periodic jobs."""
        await self.check_chat(application.bot)
        self.bot = application.bot
        self.worker = RelayWorker(application.bot, self.outbox, self.cases, self.cipher,
                                  self.group_window, self.user_sides, sealer=self.sealer)
        self.worker.start()
        if application.job_queue is not None:
            application.job_queue.run_repeating(self.periodic, interval=60, first=5,
                                                name="hotline-periodic")

    async def check_chat(self, bot: Any) -> bool:
        """Check the operators' chat; switch the hand-off off or back on; return whether on."""
        self._checks = 0
        problem = await check_operator_chat(bot, self.settings.operator_chat_id)
        if problem and (self.available or problem != self.unavailable_reason):
            logger.error("hand-off disabled: OPERATOR_CHAT_ID %s: %s (checked again every "
                         "minute)", self.settings.operator_chat_id, problem)
        elif not problem and not self.available:
            logger.warning("hand-off enabled again: the operators' chat passes its check")
        self.available = problem is None
        self.unavailable_reason = problem or ""
        unusable = set()
        for key, chat in self.chats.partners.items():  # a partner's chat that fails: main
            partner_problem = await check_operator_chat(bot, chat)
            if partner_problem:
                unusable.add(chat)
                if chat not in self.unusable_partners:
                    logger.error("partner desk %s (chat %s): %s; its region's cases go to the "
                                 "hotline's chat", key, chat, partner_problem)
        self.unusable_partners = frozenset(unusable)
        return self.available

    async def shutdown(self) -> None:
        """Stop the relay worker (pending relays stay in the outbox)."""
        if self.worker is not None:
            await self.worker.stop()

    def notify(self, side: str) -> None:
        """Wake the relay worker for a side that has new outbox rows."""
        if self.worker is not None:
            self.worker.notify(side)

    # ----- user side ------------------------------------------------------------------------

    def open_case(self, chat_id: int, user_key: str, state: PersonState,
                  request: dict[str, Any]) -> CaseOpened | Unavailable:
        """Open a case (or reuse the open one) for a Telegram chat; the result carries what
        to tell the person (the Telegram layer sends it)."""
        return self.open_for(user_key, state, request, chat_enc=self.cipher.encrypt(chat_id))

    def open_for(self, user_key: str, state: PersonState, request: dict[str, Any], *,
                 chat_enc: str | None, channel: str = "telegram") -> CaseOpened | Unavailable:
        """Open a case (or reuse the open one) for any front end.

        Return the case opened (or the one already open) or why there is none, each with what
        to tell the person (Telegram HTML). Replies reach a "telegram" case's encrypted chat,
        or the front end registered in user_sides.
        """
        _ = gettext_for(state.language)
        if not self.available or self.cases.is_blocked(user_key):
            state.handoff = None
            return Unavailable(
                "blocked" if self.available else "no operators' chat",
                _("No hotline operator is connected to this bot right now.") + "\n\n"
                + fallback_text(state.language, state.country, request.get("region")))
        case = self.cases.open_for_user(user_key)
        if case is not None:
            if request.get("priority") == "urgent" and not case.urgent:
                self.make_urgent(case)
            state.handoff = case.status
            return CaseOpened(case.case_code, escape(_(
                "Your chat with the hotline is already open (case {code}). Write here.").format(
                code=case.case_code)), new=False)
        if self.cases.opened_since(user_key, datetime.now(UTC) - timedelta(hours=1)
                                   ) >= self.settings.cases_per_hour:
            state.handoff = None
            return Unavailable("too many cases", _(
                "You have asked for an operator several times in the last hour. Please wait a "
                "little before you open a new chat. If you need help now:") + "\n\n"
                + fallback_text(state.language, state.country, request.get("region")))
        case = self.cases.create(
            user_key=user_key, chat_enc=chat_enc,
            priority=str(request.get("priority") or "normal"), language=state.language,
            topic=str(request.get("topic") or "talk_to_human"), region=request.get("region"),
            consent=str(request.get("consent") or "anon"), summary=request.get("summary"),
            desk_chat_id=self.chats.route(request.get("region"), self.unusable_partners),
            channel=channel, country=state.country)
        self.outbox.put(case.case_code, DESK, "open", {"card": case_card(case)}, case.priority)
        self.notify(DESK)
        state.handoff = "waiting"
        text = _("Your case code is {code}. An operator will answer in this chat; they will "
                 "not see your name or number.").format(code=case.case_code)
        if not within_office_hours(self.settings.office_hours, self.settings.office_days):
            text += "\n\n" + self.fallback_text(state.language, case)
            self.cases.mark_fallback_sent(case.case_code)
        return CaseOpened(case.case_code, text, new=True)

    def fallback_text(self, language: str, case: Case) -> str:
        """Explain that operators are not available now, with numbers; the case stays open."""
        _ = gettext_for(language)
        return (_("Operators are not available right now. Your case stays open and an operator "
                  "will write to you here when available. If you need help sooner:")
                + "\n\n" + fallback_text(language, case.country, case.region))

    def make_urgent(self, case: Case) -> None:
        """Raise a case to urgent and move its relays to the front."""
        self.cases.raise_priority(case.case_code)
        self.outbox.raise_priority(case.case_code)
        self.outbox.put(case.case_code, DESK, "notice",
                        {"text": "⚠️ <b>URGENT</b>: the person may be in danger now."},
                        "urgent")
        self.notify(DESK)

    def relay_from_user(self, message: Message, user_key: str, state: PersonState
                        ) -> Taken | None:
        """Queue a copy of the user's message for their case (text, media, a file or a
        location held for their yes); None when there is no case or the kind is not relayed
        (the dialogue answers it then)."""
        case = self.cases.open_for_user(user_key)
        if case is None:
            state.handoff = None
            return None
        if self.outbox.has_user_message(case.case_code, message.message_id):
            return Taken()  # the same update delivered again after a restart
        if not self._within_rate(case.case_code):
            if case.case_code in self._slowed:
                return Taken()
            self._slowed.add(case.case_code)
            _ = gettext_for(state.language)
            return Taken(Notice(_(
                "You are writing faster than the operator can read. Your earlier messages "
                "were passed on; please wait a minute, then send the rest again.")))
        base = {"user_message_id": message.message_id}
        if message.reply_to_message is not None:
            base["reply_to_user_message_id"] = message.reply_to_message.message_id
        if message.text:
            payload, kind, line = {**base, "text": message.text}, "user_text", message.text
        elif message.photo:
            payload, kind = {**base, "file_id": message.photo[-1].file_id}, "user_photo"
            line = "[photo]"
        elif message.document:
            # the name never travels (it can be the person's name); the type is sniffed later
            payload = {**base, "file_id": message.document.file_id}
            kind, line = "user_document", "[document]"
            if (message.document.mime_type or "") not in IMAGE_MIME_TYPES:
                self.cases.add_transcript(case.case_code, "user", line)
                row = self.outbox.put(case.case_code, DESK, kind, payload, case.priority,
                                      held=True)
                return Taken(ask_before_sending(state.language, row))
        elif (media := media_of(message)) is not None:
            payload, kind, line = {**base, **media}, MEDIA_KIND, transcript_line(media)
        elif message.location is not None:  # it identifies the person: only after a button
            place = json.dumps([message.location.latitude, message.location.longitude])
            row = self.outbox.put(case.case_code, DESK, MEDIA_KIND, {
                **base, "media": "location", "sealed": self.sealer.seal(place)},
                case.priority, held=True)  # never readable in the database
            return Taken(ask_before_sending(state.language, row, location=True))
        elif message.contact is not None:
            _ = gettext_for(state.language)
            return Taken(Notice(_(
                "I did not pass the contact card on: it would show the operator a name and a "
                "phone number. If you want to give a number, type only what you choose to "
                "share.")))
        else:
            return None
        return Taken() if self.queue_from_user(user_key, state, kind, payload, line) else None

    def queue_from_user(self, user_key: str, state: PersonState, kind: str,
                        payload: dict[str, Any], line: str) -> bool:
        """Queue one message of a person for their open case; return False when there is none.

        payload["user_message_id"] must be unique within the case (the front end's message id).
        """
        case = self.cases.open_for_user(user_key)
        if case is None:
            state.handoff = None
            return False
        self.cases.add_transcript(case.case_code, "user", line)
        self.outbox.put(case.case_code, DESK, kind, payload, case.priority)
        person_wrote(self.cases, case.case_code, self.clock.now())
        self.notify(DESK)
        return True

    def _within_rate(self, case_code: str) -> bool:
        """Count one message of a case; False when it is over the per-minute cap."""
        clock = time.monotonic()
        recent = self._relayed.setdefault(case_code, deque())
        while recent and recent[0] <= clock - 60:
            recent.popleft()
        if len(recent) >= self.settings.handoff_messages_per_minute:
            return False
        recent.append(clock)
        self._slowed.discard(case_code)
        if len(self._relayed) > 10_000:  # forget the quiet cases
            for code in [c for c, times in self._relayed.items() if not times]:
                del self._relayed[code]
        return True

    def file_choice(self, user_key: str, language: str, row: int, send: bool) -> Notice:
        """Carry out the person's answer about a held file or location; return what to tell
        them."""
        _ = gettext_for(language)
        case = self.cases.open_for_user(user_key)
        held = self.outbox.held_payload(row, case.case_code) if case is not None else None
        if case is None or not self.outbox.release(row, case.case_code, send=send):
            return Notice(_("That button is no longer valid."))
        if held is not None and held.get("media") == "location":
            if send:
                self.cases.add_transcript(case.case_code, "user", transcript_line(held))
                self.notify(DESK)
            return Notice(_("Your location is on its way to the operator.") if send else _(
                "Your location was not sent."))
        if send:
            self.notify(DESK)
            return Notice(_("The file is on its way to the operator."))
        return Notice(_("The file was not sent."))

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
        self.notify(DESK)

    async def close_by_user(self, context: ContextTypes.DEFAULT_TYPE, user_key: str) -> None:
        """Close the user's case and tell the operators."""
        case = self.cases.open_for_user(user_key)
        if case is None or not self.cases.close(case.case_code, "user", "ended by the person"):
            return
        self.outbox.put(case.case_code, DESK, "notice",
                        {"text": "The person ended the chat. Case closed."}, case.priority)
        self.outbox.put(case.case_code, DESK, "close_topic", {}, case.priority)
        self.notify(DESK)

    async def forget(self, context: ContextTypes.DEFAULT_TYPE, user_key: str,
                     erased: list[Case] | None = None) -> None:
        """Delete every case of the user, then delete the operators' copies (or say what stays).

        `erased`: the open cases the chat service's /forget transaction already deleted (the
        notices go out after that commit); None deletes them here first.
        """
        cases = self.forget_rows(user_key) if erased is None else erased
        await self.tell_forgotten(context.bot if context is not None else self.bot, cases)

    def forget_rows(self, user_key: str) -> list[Case]:
        """Delete every case of a user from the database (one transaction); return the open
        ones, whose topics `tell_forgotten` deletes once the deletion is committed."""
        return self.cases.forget_user(user_key)

    async def tell_forgotten(self, bot: Any, cases: list[Case]) -> None:
        """Delete each forgotten case's topic (all its messages); where Telegram refuses, say
        in the topic what stays. A failure here never undoes the forgetting."""
        for case in cases:
            if case.thread_id is None or case.desk_chat_id is None or bot is None:
                continue
            chat, thread = case.desk_chat_id, case.thread_id
            try:
                await self.group_window.acquire()
                await bot.delete_forum_topic(chat, thread)
                await self.group_window.acquire()
                await bot.send_message(chat, f"Case {case.case_code}: the person deleted their "
                                       "data. Its topic was deleted with every message in it, "
                                       "and the bot's database keeps nothing of the case.")
                continue
            except TelegramError as error:
                reason = type(error).__name__
            try:
                await self.group_window.acquire()
                await bot.send_message(
                    chat, "The person deleted their data. The case is deleted from the bot's "
                    f"database, but Telegram did not let the bot delete this topic ({reason}): "
                    "the messages above stay in this group until an admin deletes the topic.",
                    message_thread_id=thread)
                await bot.close_forum_topic(chat, thread)
            except TelegramError:  # a deleted topic must not stop the forgetting
                logger.warning("could not tell the operators about a forgotten case")

    def close_idle(self) -> int:
        """Close cases nobody wrote in for SAPAR_IDLE_CLOSE_DAYS, so that retention applies."""
        days = self.settings.idle_close_days
        closed = 0
        for case in self.cases.idle_open(datetime.now(UTC) - timedelta(days=days)):
            if not self.cases.close(case.case_code, "system", "idle"):
                continue
            closed += 1
            _ = gettext_for(case.language)
            self.outbox.put(case.case_code, USER, "notice", {"text": escape(_(
                "This chat with the hotline was closed because nobody wrote in it for {days} "
                "days. You can ask for a person again at any time with /human.").format(
                    days=days))}, case.priority)
            self.outbox.put(case.case_code, DESK, "notice", {
                "text": f"No messages for {days} days: case closed automatically."},
                case.priority)
            self.outbox.put(case.case_code, DESK, "close_topic", {}, case.priority)
            self.cases.add_transcript(case.case_code, "system", "closed: idle")
        if closed:
            logger.info("closed %s idle case(s)", closed)
            self.notify(USER)
            self.notify(DESK)
        return closed

    # ----- periodic -------------------------------------------------------------------------

    def check_clock(self) -> int:
        """Queue the desk's due reminders (unclaimed cases, unanswered messages)."""
        sent = remind_desk(self.cases, self.outbox, self.settings, self.clock.now())
        if sent:
            self.notify(DESK)
        return sent

    async def periodic(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Re-check the operators' chat (every minute while it fails, else every 10), give
        fall-back numbers for unclaimed cases, delete texts past the retention period."""
        self._checks += 1
        if not self.available or self._checks >= RECHECK_EVERY:
            await self.check_chat(context.bot)
        self.check_clock()
        cutoff = self.clock.now() - timedelta(minutes=self.settings.claim_timeout_minutes)
        for case in self.cases.waiting_unclaimed_since(cutoff):
            self.outbox.put(case.case_code, USER, "notice",
                            {"text": self.fallback_text(case.language, case)}, case.priority)
            self.cases.mark_fallback_sent(case.case_code)
            self.notify(USER)
        self.close_idle()
        self.cases.purge_block_reasons(self.settings.retention_days)
        purged = self.cases.purge_expired(self.settings.retention_days)
        self.outbox.purge_sent()
        if purged:
            erase_deleted(self.db)
            logger.info("retention: deleted the messages of %s closed case(s)", purged)
