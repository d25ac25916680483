"""Private-chat handlers: thin callbacks that pass events to the dialogue and deliver replies."""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.dialogue import Incoming
from bot.ops.metrics import PARSE_SECONDS
from bot.reminders.effects import apply_effects as apply_reminder_effects
from bot.runtime import Runtime
from bot.service import TurnResult
from bot.storage import erase_deleted
from bot.telegram.desk import HandoffDesk
from bot.telegram.render import keyboard, split_text
from content.i18n import gettext_for

logger = logging.getLogger(__name__)
REMEMBERED_MESSAGES = 100  # how many recent message ids /hide can delete


def _runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.bot_data["runtime"]


def _desk(context: ContextTypes.DEFAULT_TYPE) -> HandoffDesk:
    return context.bot_data["desk"]


def remember(context: ContextTypes.DEFAULT_TYPE, message_id: int) -> None:
    """Keep a message id (in memory only) so that /hide can delete it later."""
    sent = context.chat_data.setdefault("recent", deque(maxlen=REMEMBERED_MESSAGES))
    sent.append(message_id)


async def deliver(context: ContextTypes.DEFAULT_TYPE, chat_id: int, result: TurnResult) -> None:
    """Send the replies, then carry out the effects."""
    runtime = _runtime(context)
    apply_reminder_effects(runtime.db, runtime.settings.secret_key, result.user_key, chat_id,
                           result.state.language, result.outcome, runtime.dialogue.today())
    for reply in result.outcome.replies:
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            message = await context.bot.send_message(
                chat_id, part, parse_mode=ParseMode.HTML, disable_web_page_preview=True,
                reply_markup=keyboard(reply) if index == len(parts) - 1 else None)
            remember(context, message.message_id)
    desk = _desk(context)
    for effect in result.outcome.effects:
        if effect.kind == "hide":
            await hide_recent(context, chat_id, result.state.language)
        elif effect.kind == "forget":
            await desk.forget(context, result.user_key)
            context.bot_data["sent_log"].forget(result.user_key)  # /hide's ids too
            erase_deleted(runtime.db)  # the hotline's rows too
            context.chat_data.clear()
        elif effect.kind == "handoff":
            state = result.state
            await desk.open_case(context, chat_id, result.user_key, state, effect.data)
            runtime.service.users.save_state(result.user_key, state.to_dict())
        elif effect.kind == "end_handoff":
            await desk.close_by_user(context, result.user_key)


async def hide_recent(context: ContextTypes.DEFAULT_TYPE, chat_id: int, language: str) -> None:
    """Delete this chat's messages of the last 48 h (both sides), for a person whose phone is
    checked; the ids are kept per pseudonym in the database (hotline.sentlog)."""
    from hotline.sentlog import hide_chat

    await hide_chat(context.bot, context.bot_data["sent_log"], chat_id, language)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming
                  ) -> None:
    chat = update.effective_chat
    assert chat is not None
    runtime = _runtime(context)
    parse = None
    if incoming.text is not None:
        _key, state = runtime.service.state_for(chat.id)
        with PARSE_SECONDS.time():
            parse = await asyncio.to_thread(runtime.dialogue.understand, incoming.text, state)
    result = runtime.service.handle(chat.id, incoming, parse)
    await deliver(context, chat.id, result)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pass a /command to the dialogue."""
    message = update.effective_message
    assert message is not None and message.text is not None
    addressee = message.text.split(maxsplit=1)[0].partition("@")[2]
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # a command for another bot
    remember(context, message.message_id)
    await _answer(update, context, Incoming.from_text(message.text))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relay to the operator during a hand-off; otherwise let the dialogue answer."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and message.text is not None and chat is not None
    remember(context, message.message_id)
    from hotline.rating import take_comment

    if await take_comment(context, message):  # the comment after "did this help?"
        return
    user_key, state = _runtime(context).service.state_for(chat.id)
    if state.handoff and await _desk(context).relay_from_user(context, message, user_key, state):
        return
    await _answer(update, context, Incoming(text=message.text))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button press (forged or stale data is handled by the dialogue)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or chat.type != "private":
        return  # operators' buttons are handled by the hotline
    await query.answer()
    data = query.data if isinstance(query.data, str) else None
    await _answer(update, context, Incoming(action=data or "invalid"))


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relay photos, files, voice and the rest during a hand-off (hotline.desk decides what);
    explain what the bot can read otherwise."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    remember(context, message.message_id)
    user_key, state = _runtime(context).service.state_for(chat.id)
    if state.handoff and await _desk(context).relay_from_user(context, message, user_key, state):
        return
    await _answer(update, context, Incoming(media=media_kind(message)))


def media_kind(message: Message) -> str:
    """Name the kind of non-text message."""
    for kind in ("voice", "video_note", "audio", "sticker", "contact", "location", "venue",
                 "photo", "video", "document", "animation", "poll", "dice"):
        if getattr(message, kind, None):
            return {"video_note": "voice", "audio": "voice", "venue": "location"}.get(kind, kind)
    return "unknown"


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Carry an edit over to the operator during a hand-off; otherwise ignore it."""
    message = update.edited_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    user_key, state = _runtime(context).service.state_for(chat.id)
    if state.handoff:
        await _desk(context).user_edited(context, message, user_key)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the update id and the traceback only (no user data), then apologise."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, TimedOut):
        # the reply may well have arrived, only late: an apology after it would confuse
        logger.warning("a request for update %s timed out: no apology sent", update_id)
        return
    if update.effective_chat.type != "private":
        return
    language = "ky"
    try:
        _key, state = _runtime(context).service.state_for(update.effective_chat.id)
        language = state.language
    except Exception:  # the database itself may be the problem
        logger.warning("could not read the user's language for the apology")
    try:
        await context.bot.send_message(update.effective_chat.id, gettext_for(language)(
            "Sorry, something went wrong on my side. Please try again, or use /human."))
    except TelegramError:
        logger.warning("could not send the apology for update %s", update_id)
