"""Gates that run before any feature handler (handler group -2)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import SaparContext


def _business(update: Update) -> bool:
    """A business account's chats with its customers: the bot would speak as the business."""
    return any(getattr(update, kind, None) is not None for kind in (
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages"))


async def only_private_or_operators(update: Update, context: SaparContext) -> None:
    """Stop updates from channels, strange groups, other bots and business accounts' chats
    before they reach features."""
    chat = update.effective_chat
    user = update.effective_user
    operator_chats = context.bot_data.operator_chats or ()  # hotline.chats: one list
    if chat is None or _business(update):
        raise ApplicationHandlerStop
    if chat.type == ChatType.PRIVATE and (user is None or not user.is_bot):
        return
    if chat.id in operator_chats:
        return
    raise ApplicationHandlerStop
