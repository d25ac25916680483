"""Operator side: commands, buttons and replies inside the operators' forum topics."""

from __future__ import annotations

import logging
from html import escape
from io import BytesIO
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from hotline.canned import CANNED
from hotline.cases import Case
from hotline.chats import MAIN, operator_chats
from hotline.context import HotlineContext, private_button
from hotline.desk import OperatorDesk
from hotline.media import media_of, transcript_line
from hotline.notices import send_notice
from hotline.service import Outgoing, Refused, signed
from hotline.transfer import desk_name, desks_text, since_transfer, transfer

logger = logging.getLogger(__name__)


def _desk(context: HotlineContext) -> OperatorDesk:
    return context.bot_data.desk


def _case_of(context: ContextTypes.DEFAULT_TYPE, message: Message) -> Case | None:
    if not message.is_topic_message or message.message_thread_id is None:
        return None
    return _desk(context).cases.by_thread(message.chat_id, message.message_thread_id)


def canned_markup(case_code: str) -> InlineKeyboardMarkup:
    """Return one button per canned reply (labels in English for operators)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        f"{i + 1}. {text[:40]}…", callback_data=f"hl:send:{case_code}:{i}")]
        for i, text in enumerate(CANNED)])


async def _reply(desk: OperatorDesk, message: Message, text: str, **kwargs: Any) -> None:
    """Answer an operator in the group, inside the group's sliding-window limit."""
    await desk.group_window.acquire()
    await message.reply_text(text, **kwargs)


async def on_operator_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Commands and replies inside a case topic."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or user.is_bot:
        return
    case = _case_of(context, message)
    if case is None:
        return
    desk = _desk(context)
    text = message.text or ""
    command, _space, argument = text.partition(" ")
    command, _at, addressee = command.partition("@") if text.startswith("/") else ("", "", "")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # "/close@othersbot" is for another bot in the group
    command = command.lower()
    service = desk.service
    if command == "/claim":
        won = service.claim(case, user.id)
        await _reply(desk, message, "Claimed: you have this case." if won else
                                 "Someone else already has this case (or it is closed).")
    elif command == "/close":
        done = service.close(case, argument.strip() or None)
        await _reply(desk, message, "Closed. The person was told." if done else
                                 "This case is already closed.")
    elif command == "/note":
        service.note(case, argument.strip())
        await _reply(desk, message, "Note saved (never sent to the person).")
    elif command == "/canned":
        await _reply(desk, message, "Choose a canned reply (sent in the person's language):",
                                 reply_markup=canned_markup(case.case_code))
    elif command == "/transcript":
        await send_transcript(context, desk, case, message)
    elif command == "/transfer":
        await transfer_command(context, desk, case, message, argument)
    elif command == "/block":
        service.block(case, argument.strip() or None)
        await _reply(desk, message, "This person can no longer reach the hand-off. Case closed.")
    elif command:
        await _reply(desk, message, "Unknown command. Use /claim, /close [reason], /note, "
                                 "/canned, /transcript, /transfer or /block.")
    else:
        await relay_to_user(desk, case, message, user.id)


def outgoing_of(desk: OperatorDesk, case: Case, message: Message) -> Outgoing | Refused:
    """Turn an operator's message into the rows that copy it to the person (never a forward)."""
    reply_to = message.reply_to_message.message_id if (
        message.reply_to_message and message.reply_to_message.message_id != case.thread_id
    ) else None
    base = {"desk_message_id": message.message_id, "reply_to_desk_message_id": reply_to}
    caption = signed(case.language, escape(message.caption or ""))
    if message.text:
        return desk.service.text_rows(case, message.text, base)
    if message.photo:
        return Outgoing([("op_photo", {**base, "file_id": message.photo[-1].file_id,
                                       "caption": caption})], "[photo]")
    if message.document:
        return Outgoing([("op_document", {**base, "file_id": message.document.file_id,
                                          "ext": "", "caption": caption})], "[document]")
    if (media := media_of(message)) is not None or message.location is not None:
        if case.channel != "telegram":
            return Refused("The person writes from the web chat: voice notes, stickers and "
                           "locations cannot reach them. Please write.")
        if media is None:
            assert message.location is not None
            media = {"media": "location", "latitude": message.location.latitude,
                     "longitude": message.location.longitude}
        voice = signed(case.language, "") if media["media"] in ("voice", "audio") else None
        return Outgoing([("op_media", {**base, **media, "caption": voice})],
                        transcript_line(media))
    return Refused("Only text, photos, documents, voice and video notes, audio, stickers and "
                   "locations can be sent to the person.")


async def relay_to_user(desk: OperatorDesk, case: Case, message: Message, user_id: int) -> None:
    """Queue an operator's message for the person, signed as the hotline."""
    done = desk.service.relay_to_user(case, user_id, outgoing_of(desk, case, message))
    if isinstance(done, Refused):
        await _reply(desk, message, done.reason)


async def transfer_command(context: ContextTypes.DEFAULT_TYPE, desk: OperatorDesk, case: Case,
                           message: Message, argument: str) -> None:
    """/transfer [desk] [note]: list the desks, or hand the case over and close this topic."""
    target, _space, note = argument.strip().partition(" ")
    if not target:
        await _reply(desk, message, desks_text(desk, case))
        return
    old_chat, old_thread = case.desk_chat_id, case.thread_id
    moved, text = transfer(desk, case, target, note.strip() or None)
    await _reply(desk, message, text)
    if moved and old_chat is not None and old_thread is not None:
        await close_old_topic(context, desk, old_chat, old_thread)


async def close_old_topic(context: ContextTypes.DEFAULT_TYPE, desk: OperatorDesk, chat: int,
                          thread: int) -> None:
    """Close the topic a case left (a failure is only logged: the case has moved)."""
    try:
        await desk.group_window.acquire()
        await context.bot.close_forum_topic(chat, thread)
    except TelegramError:
        logger.warning("could not close the old topic of a transferred case")


def transfer_markup(desk: OperatorDesk, case: Case) -> InlineKeyboardMarkup | None:
    """Return one button per desk the case can go to (None when there is no other desk)."""
    here = desk.chats.desk_of(case.desk_chat_id or 0)
    names = [name for name in (MAIN, *desk.chats.partners) if name != here]
    if not names:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        desk_name(name, "en")[:60], callback_data=f"hl:to:{case.case_code}:{name}"[:64])]
        for name in names])


async def on_operator_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Carry an operator's edit over to the person's copy."""
    message = update.edited_message
    if message is None or not message.text or message.text.startswith("/"):
        return
    case = _case_of(context, message)
    if case is not None:
        _desk(context).service.edit_to_user(case, message.message_id, message.text)


async def send_transcript(context: ContextTypes.DEFAULT_TYPE, desk: OperatorDesk, case: Case,
                          message: Message) -> None:
    """Send the case's transcript to its topic as a text file."""
    lines = [f"Case {case.case_code} · {case.priority} · {case.language} · {case.topic}"]
    lines += [f"[{row['at']}] {row['author']}: {row['text']}"
              for row in since_transfer(desk.cases.transcript(case.case_code))]
    await desk.group_window.acquire()
    await context.bot.send_document(
        message.chat_id, BytesIO("\n".join(lines).encode()),
        filename=f"transcript-{case.case_code}.txt", message_thread_id=case.thread_id)


async def on_operator_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Claim, close and canned-reply buttons on a case card."""
    query = update.callback_query
    if query is None or not isinstance(query.data, str) or query.message is None:
        return
    desk = _desk(context)
    if query.message.chat.id not in desk_chat_ids(desk):
        return
    parts = query.data.split(":")
    case = desk.cases.get(parts[2]) if len(parts) >= 3 and parts[0] == "hl" else None
    if case is None or case.desk_chat_id != query.message.chat.id:
        await query.answer("This button is no longer valid.")
        return
    action = parts[1]
    service = desk.service
    if action == "claim":
        won = service.claim(case, query.from_user.id)
        await query.answer("Claimed: you have this case." if won else
                           "Someone else already has this case.", show_alert=not won)
    elif action == "close":
        done = service.close(case, None)
        await query.answer("Closed." if done else "Already closed.")
    elif action == "transfer":
        await query.answer()
        await desk.group_window.acquire()
        await context.bot.send_message(query.message.chat.id, desks_text(desk, case),
                                       message_thread_id=case.thread_id,
                                       reply_markup=transfer_markup(desk, case))
    elif action == "to" and len(parts) == 4:
        old_chat, old_thread = case.desk_chat_id, case.thread_id
        moved, text = transfer(desk, case, parts[3], None)
        await query.answer(text, show_alert=not moved)
        if moved and old_chat is not None and old_thread is not None:
            await close_old_topic(context, desk, old_chat, old_thread)
    elif action == "canned":
        await query.answer()
        await desk.group_window.acquire()
        await context.bot.send_message(query.message.chat.id, "Choose a canned reply:",
                                       message_thread_id=case.thread_id,
                                       reply_markup=canned_markup(case.case_code))
    elif action == "send" and len(parts) == 4 and parts[3].isdecimal() \
            and int(parts[3]) < len(CANNED):
        sent = service.send_canned(case, int(parts[3]), query.from_user.id)
        await query.answer(sent.reason if isinstance(sent, Refused) else "Sent.")
    else:
        await query.answer("This button is no longer valid.")


async def on_file_choice(update: Update, context: HotlineContext) -> None:
    """The person's answer to "the file itself will be sent, send it?"."""
    pressed = await private_button(update, context)
    if pressed is None:
        return
    chat_id, parts = pressed
    session = context.session
    valid = len(parts) == 3 and parts[1] in ("send", "drop") and parts[2].isdecimal()
    row = int(parts[2][:18]) if valid else -1
    notice = context.bot_data.desk.file_choice(session.user_key, session.state.language, row,
                                               valid and parts[1] == "send")
    await send_notice(context.bot, chat_id, notice)


def desk_chat_ids(desk: OperatorDesk) -> frozenset[int]:
    """Return every chat whose members act as operators (hotline.chats: the one list)."""
    return desk.chats.ids


def register_operator_handlers(application: Application, operator_chat_id: int,
                               group: int) -> None:
    """Register the operator side for the hotline's chat and partner NGOs' chats."""
    desks = operator_chats(operator_chat_id)
    assert desks is not None
    chats = filters.Chat(sorted(desks.ids))
    application.add_handler(
        MessageHandler(chats & filters.UpdateType.EDITED_MESSAGE, on_operator_edit),
        group=group)
    application.add_handler(
        MessageHandler(chats & filters.UpdateType.MESSAGE & filters.IS_TOPIC_MESSAGE,
                       on_operator_message), group=group)
    application.add_handler(CallbackQueryHandler(on_operator_button, pattern=r"^hl:"),
                            group=group)
