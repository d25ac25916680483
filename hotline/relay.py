"""The relay worker: sends outbox rows to the operators' chat and to users, in order, once."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from html import escape
from io import BytesIO
from typing import Any, Protocol

from sqlite_utils.db import NotFoundError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from content.i18n import gettext_for
from hotline.card import case_card
from hotline.cases import Case, CaseStore
from hotline.crypto import ChatIdCipher, SealCipher
from hotline.fallback import fallback_text
from hotline.files import IMAGE_KINDS, extension, sniff, strip_image
from hotline.media import send_media
from hotline.outbox import DESK, USER, Outbox, OutboxItem
from hotline.rating import question
from hotline.window import SlidingWindow
from sapar_core.retry import NO_RETRY

logger = logging.getLogger(__name__)
RETRY_DELAYS = (1, 2, 5, 10, 30, 60)
LANES = 4  # sending loops per side: a slow answer for one case does not hold up the others
MAX_MESSAGE = 4096  # Telegram's limit for a text, in UTF-16 code units after entity parsing
EDITED_MARK = "\n(edited)"
Link = tuple[int, int, str]  # (user-side message id, operators'-side message id, direction)
TELL_EVERY = 600.0  # seconds between two alerts about refused relays of one case and side
PERSON_KINDS = ("open", "user_text", "user_photo", "user_document", "user_edit", "user_media")


# what Telegram answers for a topic operators deleted, closed or that is otherwise unusable
TOPIC_GONE = ("message thread not found", "thread not found", "topic_deleted", "topic_closed",
              "topic_id_invalid")
RECREATE_AFTER_ATTEMPTS = 3  # a relay refused this often even in new topics fails for good


def topic_gone(error: TelegramError) -> bool:
    """Return True when Telegram refused a request because the forum topic is unusable."""
    return isinstance(error, BadRequest) and any(
        part in error.message.lower() for part in TOPIC_GONE)


def utf16_length(text: str) -> int:
    """Return a text's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def card_markup(case_code: str) -> InlineKeyboardMarkup:
    """Return the buttons of a case's opening card."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Claim", callback_data=f"hl:claim:{case_code}"),
        InlineKeyboardButton("Close", callback_data=f"hl:close:{case_code}"),
        InlineKeyboardButton("Canned replies", callback_data=f"hl:canned:{case_code}"),
        InlineKeyboardButton("Transfer", callback_data=f"hl:transfer:{case_code}"),
    ]])


def topic_name(case: Case) -> str:
    """Name a case's forum topic by code, priority and language only."""
    mark = "🔴 URGENT " if case.urgent else ""
    return f"{mark}{case.case_code} · {case.language}"[:128]


class FileRefused(BadRequest):
    """A file that may not leave as it is (not an image, and the person did not confirm)."""


class CaseGoneError(Exception):
    """The case was deleted (/forget) or closed while its relay waited: nothing may go out."""


# what still goes to a closed case
AFTER_CLOSE = ("notice", "close_topic", "general_notice", "rating")
# (case code, kind) of the relay in flight, per sending loop (each loop is its own task)
SENDING: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "sapar_relay_sending", default=None)


class UserSide(Protocol):
    """Delivers relays to the people of a case channel other than Telegram (the web chat)."""

    async def deliver(self, case: Case, item: OutboxItem) -> None:
        """Deliver one outbox row of the users' side; raise BadRequest for a row it refuses."""


class RelayWorker:
    """Drain the outbox on both sides, forever, until stopped."""

    def __init__(self, bot: Bot, outbox: Outbox, cases: CaseStore, cipher: ChatIdCipher,
                 group_window: SlidingWindow | None = None,
                 user_sides: dict[str, UserSide] | None = None,
                 sealer: SealCipher | None = None) -> None:
        self.bot = bot
        self.sealer = sealer
        self.outbox = outbox
        self.cases = cases
        self.cipher = cipher
        # every request into the operators' group (topic creation included) passes this
        self.group_window = group_window or SlidingWindow()
        self.user_sides = user_sides if user_sides is not None else {}
        self.wake = {DESK: asyncio.Event(), USER: asyncio.Event()}
        self._told: dict[tuple[str, str], float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._busy: dict[str, set[str]] = {DESK: set(), USER: set()}  # cases being sent

    def start(self) -> None:
        """Start LANES sending loops per side: different cases' relays travel side by side
        (one case's one after another); every request into the operators' group still waits
        for the group's window."""
        for side in (DESK, USER):
            self.wake[side].set()
            for lane in range(LANES):
                self._tasks.append(asyncio.create_task(self._loop(side),
                                                       name=f"relay-{side}-{lane}"))

    async def stop(self) -> None:
        """Stop the loops; whatever is pending stays in the outbox for the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def notify(self, side: str) -> None:
        """Tell a loop that new rows are waiting."""
        self.wake[side].set()

    async def drain(self, side: str) -> None:
        """Send everything pending on one side (used by tests and at shutdown)."""
        while await self.send_next(side):
            pass

    async def _loop(self, side: str) -> None:
        NO_RETRY.set(True)  # a 429 comes back here at once: one chat waits, not the whole side
        failures = 0
        while True:
            deferred = self.outbox.next_ready_in(side)
            with contextlib.suppress(TimeoutError):  # a held-back case may send again
                await asyncio.wait_for(self.wake[side].wait(), deferred)
            self.wake[side].clear()
            while True:
                try:
                    sent = await self.send_next(side)
                except RetryAfter as error:
                    delay = error.retry_after
                    wait = delay.total_seconds() if hasattr(delay, "total_seconds") else delay
                    logger.warning("relay to %s rate-limited: waiting %s s", side, wait)
                    await asyncio.sleep(float(wait))
                    continue
                except TelegramError as error:
                    failures += 1
                    delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS)) - 1]
                    logger.warning("relay to %s failed (%s): retrying in %s s", side,
                                   type(error).__name__, delay)
                    await asyncio.sleep(delay)
                    continue
                except Exception:  # a bug or the database: never let the relays stop for good
                    failures += 1
                    delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS)) - 1]
                    logger.exception("relay to %s failed unexpectedly: retrying in %s s", side,
                                     delay)
                    await asyncio.sleep(delay)
                    continue
                failures = 0
                if not sent:
                    break

    async def send_next(self, side: str) -> bool:
        """Send the next batch of one side; return False when nothing is pending."""
        batch = self.outbox.next_batch(side, self._busy[side])
        if not batch:
            return False
        busy = self._busy[side]
        busy.add(batch[0].case_code)
        try:
            return await self._send_batch(side, batch)
        finally:
            busy.discard(batch[0].case_code)

    async def _send_batch(self, side: str, batch: list[OutboxItem]) -> bool:
        case = self.cases.get(batch[0].case_code)
        if case is None:  # the user asked us to forget them
            self.outbox.mark_failed(batch, "case deleted")
            return True
        SENDING.set((case.case_code, batch[0].kind))
        links: list[Link] = []  # message-id pairs to record once Telegram has accepted
        try:
            self._recheck()
            if side == DESK:
                await self._to_desk(case, batch, links)
            else:
                await self._to_user(case, batch[0], links)
        except CaseGoneError:
            logger.info("case %s was closed or deleted while a relay waited: not sent",
                        case.case_code)
            self.outbox.mark_failed(batch, "case closed or deleted before sending")
            return True
        except RetryAfter as error:
            self.outbox.mark_retry(batch, str(error))
            if side == DESK:
                raise  # one chat (the operators' group) for every case: the side waits
            delay = error.retry_after
            wait = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            logger.warning("relay to a person's chat rate-limited (case %s): that case waits "
                           "%s s, the others go on", case.case_code, wait)
            self.outbox.defer(case.case_code, side, wait)
            return True
        except (BadRequest, Forbidden) as error:
            if side == DESK and self._topic_lost(case, batch, error):
                return True  # the same relay goes again, into a new topic
            logger.error("relay %s for case %s refused by Telegram: %s", side, case.case_code,
                         type(error).__name__)
            self.outbox.mark_failed(batch, str(error))
            self.cases.count_failed_relays(case.case_code, len(batch))
            self._tell_failure(case, side, batch[0].kind, type(error).__name__)
            return True
        except TelegramError as error:
            self.outbox.mark_retry(batch, str(error))
            raise
        except (sqlite3.IntegrityError, NotFoundError):
            if self.cases.get(case.case_code) is not None:
                raise
            logger.info("case %s was deleted (/forget) while a relay was on its way",
                        case.case_code)
            return True
        # Telegram accepted it: record that first, retrying until the disk takes it, so a
        # full or read-only disk can never make the same relay go out again
        await self._persist("a sent relay", lambda: self.outbox.mark_sent(batch))
        for user_id, desk_id, direction in links:
            await self._persist("a message link", lambda u=user_id, d=desk_id, w=direction:
                                self.cases.link(case.case_code, u, d, w))
        return True

    async def _persist(self, what: str, write: Callable[[], None]) -> None:
        """Run a database write after a send until it succeeds (the relay is not re-sent)."""
        delay = 0.5
        while True:
            try:
                write()
                return
            except (sqlite3.IntegrityError, NotFoundError):
                return  # the case was deleted meanwhile (/forget): nothing left to record
            except sqlite3.Error as error:
                logger.warning("could not record %s (%s): retrying in %s s", what,
                               type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _recheck(self) -> None:
        """Just before a request to Telegram: is the relay's case still there, still open?"""
        sending = SENDING.get()
        if sending is None:
            return
        code, kind = sending
        case = self.cases.get(code)
        if case is None or (case.status == "closed" and kind not in AFTER_CLOSE):
            raise CaseGoneError(code)

    def _topic_lost(self, case: Case, batch: list[OutboxItem], error: TelegramError) -> bool:
        """A deleted or closed topic: keep the relay pending and have the topic re-created."""
        if (not topic_gone(error) or case.status == "closed" or case.thread_id is None
                or batch[0].kind in ("general_notice", "close_topic")
                or batch[0].attempts >= RECREATE_AFTER_ATTEMPTS):
            return False
        logger.warning("the topic of case %s is gone (%s): re-creating it", case.case_code,
                       type(error).__name__)
        self.outbox.mark_retry(batch, str(error))
        self.cases.lose_topic(case.case_code, case.thread_id)
        return True

    async def _ensure_topic(self, case: Case, chat_id: int) -> bool:
        """Re-create a lost topic and post the card again; return True when it did.

        Each step is recorded before the next: a kill repeats at most the step in flight, and
        a topic recorded as created is never created twice.
        """
        if case.topic_state not in ("lost", "card"):
            return False
        if case.topic_state == "lost":
            await self.group_window.acquire()
            self._recheck()
            topic = await self.bot.create_forum_topic(chat_id, topic_name(case))
            await self._persist("a re-created topic", lambda: self.cases.topic_recreated(
                case.case_code, topic.message_thread_id))
            case.thread_id, case.topic_state = topic.message_thread_id, "card"
        replayed = self.outbox.pending_in_topic(case.case_code)
        note = (f"\n\n⚠️ <b>Topic re-created</b>: the case's old topic was deleted or closed. "
                f"{replayed} message(s) that had not arrived are replayed below, in order; "
                "earlier ones are in /transcript.")
        await self.group_window.acquire()
        self._recheck()
        await self.bot.send_message(chat_id, case_card(case) + note, parse_mode=ParseMode.HTML,
                                    message_thread_id=case.thread_id,
                                    reply_markup=card_markup(case.case_code))
        await self._persist("a re-posted card", lambda: self.cases.topic_ready(case.case_code))
        case.topic_state = ""
        return True

    def _tell_failure(self, case: Case, side: str, kind: str, reason: str) -> None:
        """Nobody is left without knowing: the person (in their language) and the desk."""
        if kind in ("general_notice", "close_topic"):
            return  # the alert itself failed (the bot was removed): the log line is all
        clock = time.monotonic()
        if clock - self._told.get((case.case_code, side), -TELL_EVERY) < TELL_EVERY:
            return  # told a few minutes ago (a deleted topic refuses every relay)
        self._told[(case.case_code, side)] = clock
        if side == DESK and kind in PERSON_KINDS and case.status != "closed":
            _ = gettext_for(case.language)
            self.outbox.put(case.case_code, USER, "notice", {"text": escape(_(
                "Your last message could not be passed to the operator because of a technical "
                "problem. The operators have been told. Please send it again in a few minutes, "
                "or use one of these numbers:")) + "\n\n" + fallback_text(
                    case.language, case.country, case.region)}, case.priority)
            self.notify(USER)
        elif side == USER and case.thread_id is not None:
            self.outbox.put(case.case_code, DESK, "notice", {"text": (
                "⚠️ The last message could not be delivered to the person (Telegram: "
                f"{escape(reason)}); they may have blocked the bot.")}, case.priority)
        self.outbox.put(case.case_code, DESK, "general_notice", {"text": (
            f"⚠️ A relay {'to the operators' if side == DESK else 'to the person'} of case "
            f"{case.case_code} was refused by Telegram ({escape(reason)}). Check the topic and "
            "the bot's rights.")}, case.priority)
        self.notify(DESK)

    # ----- operators' side ------------------------------------------------------------------

    async def _to_desk(self, case: Case, batch: list[OutboxItem], links: list[Link]) -> None:
        head = batch[0]
        chat_id = case.desk_chat_id
        assert chat_id is not None
        if head.kind != "general_notice" and await self._ensure_topic(case, chat_id) and (
                head.kind == "open"):
            return  # the card just posted is the opening card
        if head.kind == "open":
            if case.thread_id is None:
                await self.group_window.acquire()
                self._recheck()
                topic = await self.bot.create_forum_topic(chat_id, topic_name(case))
                await self._persist("a new topic", lambda: self.cases.set_thread(
                    case.case_code, topic.message_thread_id))
                case.thread_id = topic.message_thread_id
            await self.group_window.acquire()
            self._recheck()
            await self.bot.send_message(chat_id, head.payload["card"], parse_mode=ParseMode.HTML,
                                        message_thread_id=case.thread_id,
                                        reply_markup=card_markup(case.case_code))
            return
        if head.kind == "general_notice":  # the group's General topic, not the case's
            await self.group_window.acquire()
            await self.bot.send_message(chat_id, head.payload["text"], parse_mode=ParseMode.HTML)
            return
        if case.thread_id is None:
            raise BadRequest("case has no topic yet")
        thread = case.thread_id
        if head.kind in ("user_text", "user_photo", "user_document", "user_edit", "notice",
                         "close_topic", "user_media"):
            await self.group_window.acquire()
            self._recheck()
        if head.kind == "user_text":
            text = "\n\n".join(escape(item.payload["text"]) for item in batch)
            reply_to = None
            if head.payload.get("reply_to_user_message_id"):
                reply_to = self.cases.desk_message_for(
                    case.case_code, head.payload["reply_to_user_message_id"])
            message = await self.bot.send_message(
                chat_id, text, message_thread_id=thread, parse_mode=ParseMode.HTML,
                reply_to_message_id=reply_to, allow_sending_without_reply=True)
            for item in batch:
                links.append((item.payload["user_message_id"], message.message_id, "to_desk"))
        elif head.kind == "user_photo":
            message = await self.bot.send_photo(chat_id, head.payload["file_id"],
                                                message_thread_id=thread)
            links.append((head.payload["user_message_id"], message.message_id, "to_desk"))
        elif head.kind == "user_document":
            message = await self._send_document_renamed(chat_id, head.payload, thread)
            links.append((head.payload["user_message_id"], message.message_id, "to_desk"))
        elif head.kind == "user_media":
            payload = head.payload
            if "sealed" in payload:  # a location, encrypted while it waited
                assert self.sealer is not None
                latitude, longitude = json.loads(self.sealer.unseal(payload["sealed"]))
                payload = {**payload, "latitude": latitude, "longitude": longitude}
            message = await send_media(self.bot, chat_id, payload, thread=thread)
            links.append((head.payload["user_message_id"], message.message_id, "to_desk"))
        elif head.kind == "user_edit":
            desk_id = self.cases.desk_message_for(case.case_code,
                                                  head.payload["user_message_id"])
            text = escape(head.payload["text"])
            if utf16_length(head.payload["text"] + EDITED_MARK) <= MAX_MESSAGE:
                text += "\n<i>" + EDITED_MARK.strip() + "</i>"
            if desk_id is None or self.cases.merged_into(case.case_code, desk_id) > 1:
                # a copy that merged a burst must keep the burst's other messages
                await self.bot.send_message(chat_id, text, message_thread_id=thread,
                                            parse_mode=ParseMode.HTML,
                                            reply_to_message_id=desk_id,
                                            allow_sending_without_reply=True)
            else:
                await self.bot.edit_message_text(text, chat_id, desk_id,
                                                 parse_mode=ParseMode.HTML)
        elif head.kind == "notice":
            await self.bot.send_message(chat_id, head.payload["text"], message_thread_id=thread,
                                        parse_mode=ParseMode.HTML)
        elif head.kind == "close_topic":
            await self.bot.close_forum_topic(chat_id, thread)
        else:
            raise BadRequest(f"unknown outbox kind {head.kind}")

    async def _send_document_renamed(self, chat_id: int, payload: dict[str, Any],
                                     thread: int | None) -> Any:
        """Re-upload a document under a neutral name, images without their metadata.

        The name and extension never come from the sender's file name (it can be a name);
        the extension comes from the sniffed type, from a short allow-list.
        """
        file = await self.bot.get_file(payload["file_id"])
        content = bytes(await file.download_as_bytearray())
        kind = sniff(content)
        name = "document" + extension(kind)
        if kind in IMAGE_KINDS:
            try:
                content, suffix = strip_image(content)
                name = "image" + suffix
            except ValueError:
                kind = "other"
        if kind not in IMAGE_KINDS and not payload.get("confirmed"):
            raise FileRefused("a file that is not an image was not confirmed by the person")
        self._recheck()  # the download took a while
        return await self.bot.send_document(chat_id, BytesIO(content), filename=name,
                                            message_thread_id=thread)

    # ----- users' side ----------------------------------------------------------------------

    async def _to_user(self, case: Case, item: OutboxItem, links: list[Link]) -> None:
        side = self.user_sides.get(case.channel)
        if side is not None:  # a case opened from the web chat: its inbox, not a Telegram chat
            self._recheck()
            await side.deliver(case, item)
            return
        if not case.chat_enc:
            raise BadRequest("case has no chat to relay to")
        chat_id = self.cipher.decrypt(case.chat_enc)
        payload = item.payload
        self._recheck()
        reply_to = None
        if payload.get("reply_to_desk_message_id"):
            reply_to = self.cases.user_message_for(case.case_code,
                                                   payload["reply_to_desk_message_id"])
        if item.kind in ("op_text", "notice"):
            message = await self.bot.send_message(
                chat_id, payload["text"], parse_mode=ParseMode.HTML,
                reply_to_message_id=reply_to, allow_sending_without_reply=True,
                disable_web_page_preview=True)
        elif item.kind == "rating":
            text, markup = question(case.language, payload["token"])
            message = await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                                  reply_markup=markup)
        elif item.kind == "op_photo":
            message = await self.bot.send_photo(chat_id, payload["file_id"],
                                                caption=payload["caption"],
                                                parse_mode=ParseMode.HTML)
        elif item.kind == "op_document":
            # operators' files: images stripped too; other files as the operator chose them
            message = await self._send_document_renamed(chat_id, {**payload, "confirmed": True},
                                                        None)
            await self.bot.send_message(chat_id, payload["caption"], parse_mode=ParseMode.HTML)
        elif item.kind == "op_media":
            message = await send_media(self.bot, chat_id, payload, caption=payload.get("caption"))
        elif item.kind == "op_edit":
            user_id = self.cases.user_message_for(case.case_code, payload["desk_message_id"])
            if user_id is not None:
                await self.bot.edit_message_text(payload["text"], chat_id, user_id,
                                                 parse_mode=ParseMode.HTML)
            return
        else:
            raise BadRequest(f"unknown outbox kind {item.kind}")
        if payload.get("desk_message_id"):
            links.append((message.message_id, payload["desk_message_id"], "to_user"))
