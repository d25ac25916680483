"""Gates that run before any feature handler (handler group -2)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes


async def only_private_or_operators(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from channels, strange groups and other bots before they reach features."""
    chat = update.effective_chat
    user = update.effective_user
    operator_chat_id = context.bot_data.get("operator_chat_id")
    if chat is None:
        raise ApplicationHandlerStop
    if chat.type == ChatType.PRIVATE and (user is None or not user.is_bot):
        return
    if operator_chat_id is not None and chat.id == operator_chat_id:
        return
    raise ApplicationHandlerStop
