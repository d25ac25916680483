"""Telegram glue: start the reminder and alert workers, and the operators' /alert command.

In the operators' chat (outside the case topics), an administrator sends `/alert` to list the
alert files with their topics' subscriber counts, or `/alert <id>` for a preview: the message
in the three languages as subscribers will get it, and "Send to N subscribers" / "Cancel".
Sending shows its progress by editing that message.
"""

from __future__ import annotations

import logging
from collections import deque
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.reminders.broadcast import Broadcast, BroadcastSender, BroadcastStore, alert_reply
from bot.reminders.effects import cipher_for
from bot.reminders.pacing import Pacer
from bot.reminders.store import ReminderStore, SubscriptionStore
from bot.reminders.topics import topic_label
from bot.reminders.worker import ReminderWorker
from bot.telegram.context import SaparContext, services
from bot.telegram.handlers import REMEMBERED_MESSAGES
from content.alerts import ALERT_ID, AlertError, alert_files, load_alert

logger = logging.getLogger(__name__)
ADMINS = ("administrator", "creator")


def progress_text(broadcast: Broadcast) -> str:
    """Return the sender's view of a broadcast's progress (counts only)."""
    state = {"sending": "Sending", "done": "Done", "cancelled": "Cancelled",
             "preview": "Preview"}.get(broadcast.status, broadcast.status)
    return (f"📣 <b>{state}</b>: alert <code>{escape(broadcast.alert_id)}</code> to "
            f"{escape(topic_label(broadcast.topic, 'en'))}\n"
            f"{broadcast.done} of {broadcast.total} · sent {broadcast.sent} · blocked the bot "
            f"(unsubscribed) {broadcast.blocked} · failed {broadcast.failed}")


async def start_background(application: Application) -> None:
    """Start the reminder worker and the broadcast sender (they resume what was pending)."""
    runtime = services(application).runtime
    pacer = Pacer()
    cipher = cipher_for(runtime.settings.secret_key)
    bot = application.bot

    async def show_progress(broadcast: Broadcast) -> None:
        if broadcast.progress_chat is None or broadcast.progress_message is None:
            return  # sent from the command line: it reads the counts from the database
        try:
            await bot.edit_message_text(progress_text(broadcast), broadcast.progress_chat,
                                        broadcast.progress_message, parse_mode=ParseMode.HTML)
        except TelegramError as error:
            logger.info("broadcast progress not shown (%s)", type(error).__name__)

    def remember(chat_id: int, message_id: int) -> None:
        # as for replies (in memory only): /hide deletes reminders and alerts too
        recent = application.chat_data[chat_id].setdefault(
            "recent", deque(maxlen=REMEMBERED_MESSAGES))
        recent.append(message_id)

    reminders = ReminderWorker(bot, ReminderStore(runtime.db), cipher, pacer, remember=remember)
    sender = BroadcastSender(bot, BroadcastStore(runtime.db), cipher, pacer, show_progress,
                             remember=remember)
    services(application).keep_background(reminders, sender)
    reminders.start()
    sender.start()


async def stop_background(application: Application) -> None:
    """Stop both workers; pending reminders and alerts stay in the database."""
    bot_data = services(application)
    for worker in (bot_data.reminders, bot_data.broadcasts):
        if worker is not None:
            await worker.stop()


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in ADMINS


def _alert_path(alert_id: str, alerts_dir: Path) -> Path | None:
    return alerts_dir / f"{alert_id}.yml" if ALERT_ID.match(alert_id) else None


async def on_alert_command(update: Update, context: SaparContext) -> None:
    """`/alert` lists the alert files; `/alert <id>` previews one with Send and Cancel."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await _is_admin(update, context):
        await message.reply_text("Only an administrator of this chat can send alerts.")
        return
    runtime = context.runtime
    alerts_dir = context.bot_data.alerts_dir
    counts = SubscriptionStore(runtime.db).counts()
    alert_id = (context.args or [""])[0].strip()
    if not alert_id:
        lines = ["Alerts (send one with <code>/alert ID</code>):"]
        for path in alert_files(alerts_dir.parent):
            try:
                alert = load_alert(path)
                lines.append(f"• <code>{escape(alert.id)}</code>: "
                             f"{escape(topic_label(alert.topic, 'en'))}, "
                             f"{counts.get(alert.topic, 0)} subscribers")
            except AlertError as error:
                lines.append(f"• <code>{escape(path.stem)}</code>: cannot be sent "
                             f"({escape('; '.join(error.problems[:3]))})")
        await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
        return
    path = _alert_path(alert_id, alerts_dir)
    if path is None or not path.is_file():
        await message.reply_text("No such alert. /alert lists them.")
        return
    try:
        alert = load_alert(path)
    except AlertError as error:
        await message.reply_text("This alert cannot be sent:\n" + escape(
            "\n".join(f"- {p}" for p in error.problems)), parse_mode=ParseMode.HTML)
        return
    store = BroadcastStore(runtime.db)
    broadcast_id = store.create(alert, origin="operators", progress_chat=chat.id)
    broadcast = store.get(broadcast_id)
    assert broadcast is not None
    for language in ("ky", "ru", "en"):
        reply = alert_reply(broadcast.texts, alert.topic, language)
        await message.reply_text(f"[{language}]\n{reply.text}", parse_mode=ParseMode.HTML,
                                 disable_web_page_preview=True)
    n = counts.get(alert.topic, 0)
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(f"Send to {n} subscribers", callback_data=f"bc:send:{broadcast_id}"),
        InlineKeyboardButton("Cancel", callback_data=f"bc:cancel:{broadcast_id}")]])
    await message.reply_text(
        f"📣 Preview of <code>{escape(alert.id)}</code> for "
        f"{escape(topic_label(alert.topic, 'en'))}: {n} subscribers now. Nothing is sent until "
        "you press Send.", parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_alert_button(update: Update, context: SaparContext) -> None:
    """Send or cancel a previewed alert (administrators only)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or not isinstance(query.data, str) or chat is None:
        return
    if chat.id != context.bot_data.operator_chat_id:
        return  # pressed (or forged) anywhere else: a person's chat answers it as stale
    if not await _is_admin(update, context):
        await query.answer("Only an administrator of this chat can send alerts.")
        return
    _prefix, action, raw_id = ([*query.data.split(":"), "", ""])[:3]
    store = BroadcastStore(context.runtime.db)
    broadcast_id = int(raw_id) if raw_id.isdigit() else -1
    if action == "cancel" and store.cancel(broadcast_id):
        await query.answer("Cancelled")
        await query.edit_message_text("Cancelled: nothing was sent.")
        return
    broadcast = store.confirm(broadcast_id) if action == "send" else None
    if broadcast is None:
        await query.answer("Already sent or cancelled.")
        return
    await query.answer("Sending")
    if query.message is not None:
        store.set_progress_message(broadcast_id, query.message.message_id)
        await query.edit_message_text(progress_text(broadcast), parse_mode=ParseMode.HTML)
    sender = context.bot_data.broadcasts
    if sender is not None:
        sender.notify()


def register_alert_handlers(application: Application, operator_chat_id: int, group: int
                            ) -> None:
    """Register /alert and its buttons for the operators' chat (outside case topics)."""
    chat = filters.Chat(operator_chat_id)
    application.add_handler(CommandHandler(
        "alert", on_alert_command, filters=chat & ~filters.IS_TOPIC_MESSAGE
        & filters.UpdateType.MESSAGE), group=group)
    application.add_handler(CallbackQueryHandler(on_alert_button, pattern=r"^bc:"),
                            group=group)
