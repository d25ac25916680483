"""The check that the operators' chat can hold the hand-off (a forum the bot may manage).

Used by the desk at start-up and every few minutes, and by `python -m bot check`; it lives
apart from the operators' handlers so that the desk does not import them.
"""

from __future__ import annotations

from telegram import Bot, ChatMemberAdministrator, ChatMemberOwner
from telegram.error import TelegramError


async def check_operator_chat(bot: Bot, chat_id: int | None) -> str | None:
    """Return what is wrong with the operators' chat, or None when hand-off can work."""
    if chat_id is None:
        return "not set"
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as error:
        return f"cannot be reached ({type(error).__name__}: {error}); is the bot a member?"
    if chat.type != "supergroup" or not chat.is_forum:
        return "is not a supergroup with topics (forum) enabled"
    if isinstance(member, ChatMemberOwner):
        return None
    if not isinstance(member, ChatMemberAdministrator) or not member.can_manage_topics:
        return "the bot must be an administrator allowed to manage topics"
    return None
