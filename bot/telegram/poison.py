"""Poison updates: one update the library cannot parse must not stop the bot for everyone.

python-telegram-bot parses a getUpdates batch as a whole: one update in a shape it does not know
(a Bot API server newer or older than the library) fails the batch, the offset never moves, the
same batch comes back forever, and the library logs the raw batch (names, ids) at CRITICAL.
Here each update is parsed on its own first; one that fails is quarantined (encrypted), logged
by its update id only, and replaced by an empty update with the same id, so the offset moves on
and no handler sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DefaultValue
from telegram.ext import ApplicationBuilder, ExtBot
from telegram.request import BaseRequest

from bot.telegram.transport import AiohttpRequest

logger = logging.getLogger(__name__)
Quarantiner = Callable[[int | None, Any, BaseException], None]


def screen_updates(bot: Any, raw: list[Any], quarantine: Quarantiner | None) -> list[Any]:
    """Return the batch with every update that fails to parse replaced by a bare update id."""
    screened: list[Any] = []
    for item in raw:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        try:
            Update.de_json(item, bot)
        except Exception as error:
            logger.error("update %s could not be parsed (%s): quarantined and skipped",
                         update_id, type(error).__name__)
            if quarantine is not None:
                try:
                    quarantine(update_id if isinstance(update_id, int) else None, item, error)
                except Exception as store_error:  # the database may be the problem
                    logger.error("could not quarantine update %s (%s)", update_id,
                                 type(store_error).__name__)
            if isinstance(update_id, int):
                screened.append({"update_id": update_id})
            continue
        screened.append(item)
    return screened


class ScreeningBot(ExtBot):
    """An ExtBot whose getUpdates skips (and quarantines) updates it cannot parse."""

    __slots__ = ("_polled", "quarantine", "sent_hook", "update_store")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_quarantine(None)
        self.set_sent_hook(None)
        self.set_update_store(None)
        with self._unfrozen():
            self._polled: list[dict[str, Any]] = []

    def set_update_store(self, store: Callable[[list[dict[str, Any]]], Awaitable[Any]] | None
                         ) -> None:
        """Say what commits each getUpdates batch (as received: the JSON objects) before the
        Updater queues it: the durable inbox, one transaction per batch."""
        with self._unfrozen():
            self.update_store = store

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        polled, self._polled = self._polled, []
        if self.update_store is not None and polled:
            await self.update_store(polled)
        return updates

    def set_sent_hook(self, hook: Callable[[str, Any, Any], None] | None) -> None:
        """Say who learns of each accepted request (hotline.sentlog records messages for /hide)."""
        with self._unfrozen():
            self.sent_hook = hook

    def set_quarantine(self, quarantine: Quarantiner | None) -> None:
        """Say where unparsable updates go (None: they are only skipped)."""
        with self._unfrozen():
            self.quarantine = quarantine

    async def _post(self, endpoint: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            self._polled = screen_updates(self, result, self.quarantine)
            return self._polled
        if self.sent_hook is not None:
            self.sent_hook(endpoint, data, result)
        return result


class ScreeningApplicationBuilder(ApplicationBuilder):
    """The ApplicationBuilder, building a ScreeningBot (on bot.telegram.transport's aiohttp
    client) instead of an ExtBot on httpx."""

    def _build_request(self, get_updates: bool) -> BaseRequest:
        prefix = "_get_updates_" if get_updates else "_"
        given = getattr(self, f"{prefix}request")
        if not isinstance(given, DefaultValue):
            return given
        timeouts = {name: getattr(self, f"{prefix}{name}_timeout")
                    for name in ("connect", "read", "write", "pool")}
        pool = DefaultValue.get_value(getattr(self, f"{prefix}connection_pool_size"))
        return AiohttpRequest(
            connection_pool_size=pool or (1 if get_updates else 256),
            proxy=DefaultValue.get_value(getattr(self, f"{prefix}proxy")) or None,
            **{f"{name}_timeout": value for name, value in timeouts.items()
               if not isinstance(value, DefaultValue)})

    def _build_ext_bot(self) -> ExtBot:
        # python-telegram-bot's own _build_ext_bot (22.x), with the bot class swapped
        if isinstance(self._token, DefaultValue):
            raise RuntimeError("No bot token was set.")
        return ScreeningBot(
            token=self._token,
            base_url=DefaultValue.get_value(self._base_url),
            base_file_url=DefaultValue.get_value(self._base_file_url),
            private_key=DefaultValue.get_value(self._private_key),
            private_key_password=DefaultValue.get_value(self._private_key_password),
            defaults=DefaultValue.get_value(self._defaults),
            arbitrary_callback_data=DefaultValue.get_value(self._arbitrary_callback_data),
            request=self._build_request(get_updates=False),
            get_updates_request=self._build_request(get_updates=True),
            rate_limiter=DefaultValue.get_value(self._rate_limiter),
            local_mode=DefaultValue.get_value(self._local_mode),
        )
