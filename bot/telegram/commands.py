"""Bot commands with descriptions in each language (set_my_commands per language code)."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.ext import Application

from content.i18n import gettext_for, mark
from nlu.intents import LANGUAGES

COMMANDS = (
    ("start", mark("Start, choose a language")),
    ("menu", mark("Topics")),
    ("language", mark("Change the language")),
    ("help", mark("What I can do")),
    ("human", mark("Talk to a hotline operator")),
    ("privacy", mark("What is stored and for how long")),
    ("forget", mark("Delete everything about me")),
    ("hide", mark("Delete recent messages in this chat")),
    ("stop", mark("End the chat with the operator")),
    ("reminders", mark("Reminders before my deadlines")),
    ("alerts", mark("Alerts when the rules change")),
)


def commands_for(language: str) -> list[BotCommand]:
    """Return the command list with descriptions in one language."""
    _ = gettext_for(language)
    return [BotCommand(name, _(description)) for name, description in COMMANDS]


async def publish_commands(application: Application) -> None:
    """Register the commands for private chats, per language, plus a default (Kyrgyz)."""
    scope = BotCommandScopeAllPrivateChats()
    await application.bot.set_my_commands(commands_for("ky"), scope=scope)
    for language in LANGUAGES:
        await application.bot.set_my_commands(commands_for(language), scope=scope,
                                              language_code=language)
