"""The relay worker: sends outbox rows to the operators' chat and to users, in order, once."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from html import escape
from io import BytesIO
from typing import Any, Protocol

from sqlite_utils.db import NotFoundError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from hotline.cases import Case, CaseStore
from hotline.crypto import ChatIdCipher
from hotline.outbox import DESK, USER, Outbox, OutboxItem

logger = logging.getLogger(__name__)
RETRY_DELAYS = (1, 2, 5, 10, 30, 60)
MAX_MESSAGE = 4096  # Telegram's limit for a text, in UTF-16 code units after entity parsing
EDITED_MARK = "\n(edited)"


def utf16_length(text: str) -> int:
    """Return a text's length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def card_markup(case_code: str) -> InlineKeyboardMarkup:
    """Return the buttons of a case's opening card."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Claim", callback_data=f"hl:claim:{case_code}"),
        InlineKeyboardButton("Close", callback_data=f"hl:close:{case_code}"),
        InlineKeyboardButton("Canned replies", callback_data=f"hl:canned:{case_code}"),
    ]])


def topic_name(case: Case) -> str:
    """Name a case's forum topic by code, priority and language only."""
    mark = "🔴 URGENT " if case.urgent else ""
    return f"{mark}{case.case_code} · {case.language}"[:128]


class UserSide(Protocol):
    """Delivers relays to the people of a case channel other than Telegram (the web chat)."""

    async def deliver(self, case: Case, item: OutboxItem) -> None:
        """Deliver one outbox row of the users' side; raise BadRequest for a row it refuses."""


class RelayWorker:
    """Drain the outbox on both sides, forever, until stopped."""

    def __init__(self, bot: Bot, outbox: Outbox, cases: CaseStore, cipher: ChatIdCipher,
                 user_sides: dict[str, UserSide] | None = None) -> None:
        self.bot = bot
        self.outbox = outbox
        self.cases = cases
        self.cipher = cipher
        self.user_sides = user_sides if user_sides is not None else {}
        self.wake = {DESK: asyncio.Event(), USER: asyncio.Event()}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start one sending loop per side (the operators' side is rate-limited separately)."""
        for side in (DESK, USER):
            self.wake[side].set()
            self._tasks.append(asyncio.create_task(self._loop(side), name=f"relay-{side}"))

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
        failures = 0
        while True:
            await self.wake[side].wait()
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
        batch = self.outbox.next_batch(side)
        if not batch:
            return False
        case = self.cases.get(batch[0].case_code)
        if case is None:  # the user asked us to forget them
            self.outbox.mark_failed(batch, "case deleted")
            return True
        try:
            if side == DESK:
                await self._to_desk(case, batch)
            else:
                await self._to_user(case, batch[0])
        except (BadRequest, Forbidden) as error:
            logger.error("relay %s for case %s refused by Telegram: %s", side, case.case_code,
                         type(error).__name__)
            self.outbox.mark_failed(batch, str(error))
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
        self.outbox.mark_sent(batch)
        return True

    # ----- operators' side ------------------------------------------------------------------

    async def _to_desk(self, case: Case, batch: list[OutboxItem]) -> None:
        head = batch[0]
        chat_id = case.desk_chat_id
        assert chat_id is not None
        if head.kind == "open":
            if case.thread_id is None:
                topic = await self.bot.create_forum_topic(chat_id, topic_name(case))
                self.cases.set_thread(case.case_code, topic.message_thread_id)
                case.thread_id = topic.message_thread_id
            await self.bot.send_message(chat_id, head.payload["card"], parse_mode=ParseMode.HTML,
                                        message_thread_id=case.thread_id,
                                        reply_markup=card_markup(case.case_code))
            return
        if case.thread_id is None:
            raise BadRequest("case has no topic yet")
        thread = case.thread_id
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
                self.cases.link(case.case_code, item.payload["user_message_id"],
                                message.message_id, "to_desk")
        elif head.kind == "user_photo":
            message = await self.bot.send_photo(chat_id, head.payload["file_id"],
                                                message_thread_id=thread)
            self.cases.link(case.case_code, head.payload["user_message_id"], message.message_id,
                            "to_desk")
        elif head.kind == "user_document":
            message = await self._send_document_renamed(chat_id, head.payload, thread)
            self.cases.link(case.case_code, head.payload["user_message_id"], message.message_id,
                            "to_desk")
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
        """Re-upload a user's document under a neutral name (file names can identify)."""
        file = await self.bot.get_file(payload["file_id"])
        content = await file.download_as_bytearray()
        name = "document" + str(payload.get("ext") or "")
        return await self.bot.send_document(chat_id, BytesIO(bytes(content)), filename=name,
                                            message_thread_id=thread)

    # ----- users' side ----------------------------------------------------------------------

    async def _to_user(self, case: Case, item: OutboxItem) -> None:
        side = self.user_sides.get(case.channel)
        if side is not None:  # a case opened from the web chat: its inbox, not a Telegram chat
            await side.deliver(case, item)
            return
        if not case.chat_enc:
            raise BadRequest("case has no chat to relay to")
        chat_id = self.cipher.decrypt(case.chat_enc)
        payload = item.payload
        reply_to = None
        if payload.get("reply_to_desk_message_id"):
            reply_to = self.cases.user_message_for(case.case_code,
                                                   payload["reply_to_desk_message_id"])
        if item.kind in ("op_text", "notice"):
            message = await self.bot.send_message(
                chat_id, payload["text"], parse_mode=ParseMode.HTML,
                reply_to_message_id=reply_to, allow_sending_without_reply=True,
                disable_web_page_preview=True)
        elif item.kind == "op_photo":
            message = await self.bot.send_photo(chat_id, payload["file_id"],
                                                caption=payload["caption"],
                                                parse_mode=ParseMode.HTML)
        elif item.kind == "op_document":
            message = await self._send_document_renamed(chat_id, payload, None)
            await self.bot.send_message(chat_id, payload["caption"], parse_mode=ParseMode.HTML)
        elif item.kind == "op_edit":
            user_id = self.cases.user_message_for(case.case_code, payload["desk_message_id"])
            if user_id is not None:
                await self.bot.edit_message_text(payload["text"], chat_id, user_id,
                                                 parse_mode=ParseMode.HTML)
            return
        else:
            raise BadRequest(f"unknown outbox kind {item.kind}")
        if payload.get("desk_message_id"):
            self.cases.link(case.case_code, message.message_id, payload["desk_message_id"],
                            "to_user")
