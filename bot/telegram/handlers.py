"""Private-chat handlers: thin callbacks that pass events to the dialogue and deliver replies."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError, TimedOut

from bot.dialogue import Incoming
from bot.ops.metrics import PARSE_SECONDS
from bot.reminders.effects import apply_effects as apply_reminder_effects
from bot.service import TurnResult
from bot.telegram.context import SaparContext
from bot.telegram.outgoing import REMEMBERED_MESSAGES, remember, send_to_person
from bot.telegram.render import keyboard, split_text
from content.i18n import gettext_for
from hotline.notices import Notice, send_notice

logger = logging.getLogger(__name__)
__all__ = ["REMEMBERED_MESSAGES", "remember"]  # kept importable from here


async def deliver(context: SaparContext, chat_id: int, result: TurnResult) -> None:
    """Send the replies (the turn is committed already), then carry out the Telegram effects.

    Storage effects ran in the chat service's transaction; what is left here needs the
    network: deleting messages, telling operators, opening a case's topic. Reminder and alert
    effects are stored (or deleted) first, since they add their confirmation to the replies.
    """
    runtime = context.runtime
    apply_reminder_effects(runtime.db, runtime.settings.secret_key, result.user_key, chat_id,
                           result.state.language, result.outcome, runtime.dialogue.today())
    try:
        for reply in result.outcome.replies:
            parts = split_text(reply.text)
            for index, part in enumerate(parts):
                await send_to_person(context, chat_id, part,
                                     reply_markup=keyboard(reply) if index == len(parts) - 1
                                     else None)
    finally:  # a reply Telegram refused must not keep operators from hearing of a /forget
        await _carry_out_effects(context, chat_id, result)


async def _carry_out_effects(context: SaparContext, chat_id: int, result: TurnResult) -> None:
    desk = context.desk
    for effect in result.outcome.effects:
        if effect.kind == "hide":
            await hide_recent(context, chat_id, result.state.language)
        elif effect.kind == "forget":
            await desk.forget(context, result.user_key, result.erased)  # operators' notice
            context.bot_data.sent_log.forget(result.user_key)  # /hide's ids too
            context.chat_data.clear()
            context.drop_session()
        elif effect.kind == "handoff":
            session = await context.load_session()
            opened = desk.open_case(chat_id, result.user_key, session.state, effect.data)
            await send_notice(context.bot, chat_id, Notice(opened.text, html=True))
            await context.in_db_thread(context.turns.save, session)  # the hand-off status
        elif effect.kind == "end_handoff":
            await desk.close_by_user(context, result.user_key)


async def hide_recent(context: SaparContext, chat_id: int, language: str) -> None:
    """Delete this chat's messages of the last 48 h (both sides), for a person whose phone is
    checked; the ids are kept per pseudonym in the database (hotline.sentlog)."""
    from hotline.sentlog import hide_chat

    await hide_chat(context.bot, context.bot_data.sent_log, chat_id, language)


async def _answer(update: Update, context: SaparContext, incoming: Incoming) -> None:
    chat = update.effective_chat
    assert chat is not None
    turns, session = context.turns, await context.load_session()
    parse = None
    if incoming.text is not None and incoming.command is None:
        with PARSE_SECONDS.time():  # the parse runs in a worker thread: the loop never waits
            parse = await turns.understand_off_loop(session, incoming.text)
    # the dialogue and its one transaction, in the database thread, before any send
    result = await context.in_db_thread(turns.run, session, incoming, parse)
    await deliver(context, chat.id, result)


async def on_command(update: Update, context: SaparContext) -> None:
    """Pass a /command to the dialogue."""
    message = update.effective_message
    assert message is not None and message.text is not None
    addressee = message.text.split(maxsplit=1)[0].partition("@")[2]
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # a command for another bot
    remember(context, message.message_id)
    await _answer(update, context, Incoming.from_text(message.text))


async def on_text(update: Update, context: SaparContext) -> None:
    """Relay to the operator during a hand-off; otherwise let the dialogue answer."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and message.text is not None and chat is not None
    remember(context, message.message_id)
    from hotline.rating import take_comment

    if await take_comment(context, message):  # the comment after "did this help?"
        return
    if await _to_the_desk(context, message):
        return
    await _answer(update, context, Incoming(text=message.text))


async def _to_the_desk(context: SaparContext, message: Message) -> bool:
    """During a hand-off, give the message to the desk and send what it has to say; False
    when the desk did not take it (no open case, or a kind it does not relay)."""
    session = await context.load_session()
    if not session.state.handoff:
        return False
    taken = context.desk.relay_from_user(message, session.user_key, session.state)
    if taken is None:
        return False
    await send_notice(context.bot, message.chat_id, taken.notice)
    return True


async def on_button(update: Update, context: SaparContext) -> None:
    """Answer a button press (forged or stale data is handled by the dialogue)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or chat.type != "private":
        return  # operators' buttons are handled by the hotline
    # the spinner on the button stops while the answer is prepared, not one round trip before
    answering = asyncio.create_task(_stop_spinner(query))
    try:
        data = query.data if isinstance(query.data, str) else None
        await _answer(update, context, Incoming(action=data or "invalid"))
    finally:
        await answering


async def _stop_spinner(query: CallbackQuery) -> None:
    """Answer the callback query; a refusal (a query older than Telegram keeps, after a
    restart) must not cost the person the answer itself."""
    try:
        await query.answer()
    except TelegramError as error:
        logger.info("callback query not answered (%s)", type(error).__name__)


async def on_media(update: Update, context: SaparContext) -> None:
    """Relay photos, files, voice and the rest during a hand-off (hotline.desk decides what);
    explain what the bot can read otherwise."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    remember(context, message.message_id)
    if await _to_the_desk(context, message):
        return
    await _answer(update, context, Incoming(media=media_kind(message)))


def media_kind(message: Message) -> str:
    """Name the kind of non-text message."""
    for kind in ("voice", "video_note", "audio", "sticker", "contact", "location", "venue",
                 "photo", "video", "document", "animation", "poll", "dice"):
        if getattr(message, kind, None):
            return {"video_note": "voice", "audio": "voice", "venue": "location"}.get(kind, kind)
    return "unknown"


async def on_edited(update: Update, context: SaparContext) -> None:
    """Carry an edit over to the operator during a hand-off; otherwise ignore it."""
    message = update.edited_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    session = await context.load_session()
    if session.state.handoff:
        await context.desk.user_edited(context, message, session.user_key)


async def on_error(update: object, context: SaparContext) -> None:
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
    language = context.runtime.settings.default_language
    try:
        language = context.session.state.language
    except Exception:  # the database itself may be the problem
        logger.warning("could not read the user's language for the apology")
    try:
        await send_to_person(context, update.effective_chat.id, gettext_for(language)(
            "Sorry, something went wrong on my side. Please try again, or use /human."),
            parse_mode=None)
    except TelegramError:
        logger.warning("could not send the apology for update %s", update_id)
