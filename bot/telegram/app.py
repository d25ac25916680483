"""Build the python-telegram-bot Application: every handler is registered in one place."""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from urllib.parse import urlparse

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.dbworker import DatabaseWorker
from bot.ops.metrics import CountingRateLimiter, count_update
from bot.quarantine import Quarantine
from bot.reminders.telegram import register_alert_handlers, start_background, stop_background
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from bot.storage import EXIT_STORAGE, StorageError
from bot.telegram import handlers
from bot.telegram.commands import COMMANDS, publish_commands
from bot.telegram.context import CONTEXT_TYPES, services
from bot.telegram.desk import HandoffDesk, NoOperatorDesk
from bot.telegram.flood import FloodGuard, slow_down_floods
from bot.telegram.gates import only_private_or_operators
from bot.telegram.inbox import Inbox, InboxQueue
from bot.telegram.ordering import PerChatUpdateProcessor
from bot.telegram.poison import ScreeningApplicationBuilder, ScreeningBot
from hotline.sentlog import SentLog, sent_hook

logger = logging.getLogger(__name__)

SENT_GROUP = -4
METRICS_GROUP = -3
GATE_GROUP = -2
FLOOD_GROUP = -1
USER_GROUP = 0
OPERATOR_GROUP = 1


def register_handlers(application: Application, operator_chat_id: int | None) -> None:
    """Register every handler. Order matters: gates first, then users, then operators."""
    from hotline.sentlog import remember_incoming

    application.add_handler(TypeHandler(Update, remember_incoming), group=SENT_GROUP)
    application.add_handler(TypeHandler(Update, count_update), group=METRICS_GROUP)
    application.add_handler(TypeHandler(Update, only_private_or_operators), group=GATE_GROUP)
    application.add_handler(TypeHandler(Update, slow_down_floods), group=FLOOD_GROUP)

    private = filters.ChatType.PRIVATE
    new = filters.UpdateType.MESSAGE  # an old message edited into "/stop" must not run it
    commands = [name for name, _description in COMMANDS]
    application.add_handler(CommandHandler(commands, handlers.on_command,
                                           filters=private & new), group=USER_GROUP)
    application.add_handler(MessageHandler(private & new & filters.COMMAND,
                                           handlers.on_command), group=USER_GROUP)
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, handlers.on_edited),
        group=USER_GROUP)
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & filters.TEXT, handlers.on_text),
        group=USER_GROUP)
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.TEXT, handlers.on_media),
        group=USER_GROUP)
    if operator_chat_id is not None:
        from hotline.telegram import on_file_choice

        application.add_handler(CallbackQueryHandler(on_file_choice, pattern=r"^hlfile:"),
                                group=USER_GROUP)
        from hotline.rating import on_rating

        application.add_handler(CallbackQueryHandler(on_rating, pattern=r"^hlrate:"),
                                group=USER_GROUP)
    application.add_handler(CallbackQueryHandler(handlers.on_button), group=USER_GROUP)

    if operator_chat_id is not None:
        from hotline.telegram import register_operator_handlers

        register_operator_handlers(application, operator_chat_id, group=OPERATOR_GROUP)
        register_alert_handlers(application, operator_chat_id, group=OPERATOR_GROUP)
    application.add_error_handler(handlers.on_error)


def make_desk(runtime: Runtime) -> HandoffDesk:
    """Return the hotline desk, or the numbers-only desk when no operators' chat is set."""
    if runtime.settings.operator_chat_id is None:
        return NoOperatorDesk()
    from hotline.desk import OperatorDesk

    return OperatorDesk(runtime)


async def _post_init(application: Application) -> None:
    if isinstance(application.update_queue, InboxQueue):  # before polling fetches new ones
        await application.update_queue.replay(application)
    await publish_commands(application)
    desk = services(application).desk
    startup = getattr(desk, "startup", None)
    if startup is not None:
        await startup(application)
    await start_background(application)  # reminders and alerts


async def _post_shutdown(application: Application) -> None:
    await stop_background(application)
    shutdown = getattr(services(application).desk, "shutdown", None)
    if shutdown is not None:
        await shutdown()
    services(application).db_worker.close()


def _finish_with(queue: InboxQueue) -> Callable[[object], Awaitable[None]]:
    """Mark an update done and store the message ids its handlers left for /hide, in one
    commit."""
    async def finish(update: object) -> None:
        rows = SentLog.take_batch()
        await queue.done(update, lambda db: SentLog.write(db, rows))
    return finish


def build_application(runtime: Runtime, *, updater: bool = True, rate_limiter: bool = True
                      ) -> Application:
    """Build the Application against the configured Bot API (TELEGRAM_API_BASE_URL).

    `rate_limiter=False` is for benchmarks against a local fake API only: against Telegram the
    the rate limiter keeps the bot inside ~30 messages/s overall and ~20/min per group, and
    waits out a 429 for the chat that got it only.
    """
    settings = runtime.settings
    assert settings.telegram_bot_token is not None
    worker = DatabaseWorker(settings.database_path)  # people's turns: off the event loop
    queue = InboxQueue(Inbox(worker.db, settings.secret_key), worker)
    builder = (
        ScreeningApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot", 1))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .connect_timeout(10).read_timeout(15).write_timeout(15).pool_timeout(10)
        .get_updates_read_timeout(40)
        .update_queue(queue)
        .concurrent_updates(PerChatUpdateProcessor(on_done=_finish_with(queue),
                                                   on_start=SentLog.start_batch))
        .context_types(CONTEXT_TYPES)
    )
    if rate_limiter:
        builder = builder.rate_limiter(CountingRateLimiter(max_retries=3))
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    if isinstance(application.bot, ScreeningBot):
        application.bot.set_quarantine(Quarantine(runtime.db, settings.secret_key).put)
        application.bot.set_update_store(queue.store)
    from hotline.chats import operator_chats

    sent_log = SentLog(runtime.db, runtime.pseudonymizer.user_key)
    if isinstance(application.bot, ScreeningBot):
        application.bot.set_sent_hook(sent_hook(sent_log))
    application.bot_data.update(runtime=runtime, operator_chat_id=settings.operator_chat_id,
                                operator_chats=operator_chats(settings.operator_chat_id),
                                sent_log=sent_log, desk=make_desk(runtime),
                                flood_guard=FloodGuard(), db_worker=worker,
                                turns=runtime.service.on_connection(worker.db))
    register_handlers(application, settings.operator_chat_id)
    return application


GIL_SWITCH_SECONDS = 0.001
"""How long a thread running Python may keep the GIL from a waiting one (Python's default is
5 ms). Beside the event loop, the parsing threads and the database thread run Python; every
Bot API answer resumes its coroutine only when the loop gets the GIL back. Measured with 64
chats in flight: 138 -> 159 mixed updates/s on a machine busy with other work, no difference
to tell on a quiet one."""


def prefer_the_event_loop() -> None:
    """Let the event loop take the GIL back sooner (see GIL_SWITCH_SECONDS)."""
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def run_bot(settings: Settings) -> int:
    """Run the bot until stopped: webhook when SAPAR_WEBHOOK_URL is set, else long polling.

    Exit codes a supervisor should not restart on (see SECURITY.md): 3 = the database cannot
    be opened or written, 4 = another instance runs on the same data directory.
    """
    try:  # the caller holds the data directory's lock (bot.ops.lock)
        runtime = build_runtime(settings)
    except StorageError as error:
        print(f"database error: {error}", file=sys.stderr)
        return EXIT_STORAGE
    application = build_application(runtime)
    prefer_the_event_loop()
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen, port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
