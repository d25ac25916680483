"""`python -m bot web`: the web chat alone, or with the Telegram bot in the same process.

With a token, one event loop runs python-telegram-bot's Application (polling or webhook) and
uvicorn serving the web chat; both share the runtime (database, parser, dialogue) and the
hotline desk, so a web case opens in the operators' topic like a Telegram one.
"""

from __future__ import annotations

import asyncio
import logging
from types import FrameType
from urllib.parse import urlparse

import uvicorn
from starlette.applications import Starlette

from bot.runtime import Runtime, build_runtime
from bot.settings import Settings

logger = logging.getLogger(__name__)


def uvicorn_server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    """Return a uvicorn server that never logs addresses (no access log).

    On a stop signal it first answers the pages' waiting long polls, so that the graceful
    shutdown does not have to cancel them.
    """
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning",
                            proxy_headers=True, server_header=False, date_header=False,
                            timeout_graceful_shutdown=5, lifespan="on")
    waiters = app.state.front.waiters

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            asyncio.get_event_loop().call_soon_threadsafe(waiters.close)
            super().handle_exit(sig, frame)

    return Server(config)


async def serve_web(runtime: Runtime, host: str, port: int) -> None:
    """Serve the web chat alone (no operators: a hand-off gives the numbers)."""
    from bot.web.app import build_web_app

    server = uvicorn_server(build_web_app(runtime), host, port)
    logger.info("web chat on http://%s:%s/ (no Telegram token: no hotline hand-off)", host, port)
    await server.serve()


async def serve_both(runtime: Runtime, host: str, port: int) -> None:
    """Run the Telegram bot and the web chat on one event loop until stopped."""
    from telegram import Update

    from bot.telegram.app import _post_init, _post_shutdown, build_application
    from bot.telegram.context import services
    from bot.web.app import build_web_app

    settings = runtime.settings
    application = build_application(runtime)
    web = build_web_app(runtime, desk=services(application).desk)
    server = uvicorn_server(web, host, port)
    async with application:
        await _post_init(application)
        await application.start()
        assert application.updater is not None
        if settings.webhook_url:
            await application.updater.start_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port,
                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES)
        else:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        logger.info("Telegram bot and web chat on http://%s:%s/", host, port)
        try:
            await server.serve()
        finally:
            await application.updater.stop()
            await application.stop()
            await _post_shutdown(application)


def run_web(settings: Settings, host: str | None = None, port: int | None = None) -> int:
    """Serve the web chat (and Telegram when a token is set) until stopped."""
    runtime = build_runtime(settings)
    host = host or settings.web_host
    port = port or settings.web_port
    if settings.telegram_bot_token:
        asyncio.run(serve_both(runtime, host, port))
    else:
        asyncio.run(serve_web(runtime, host, port))
    return 0
