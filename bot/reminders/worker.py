"""The reminder worker: each minute, send the reminders whose day has come; forget past ones."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Bot

from bot.reminders.background import BackgroundLoop
from bot.reminders.pacing import Pacer
from bot.reminders.schedule import due_now, local_day, reminded_up_to, sending_hours
from bot.reminders.sending import Delivery, Remember, send_reply
from bot.reminders.store import ReminderStore, forget_person, iso_week
from bot.reminders.texts import reminder_reply
from hotline.crypto import ChatIdCipher

logger = logging.getLogger(__name__)
TICK_SECONDS = 60.0
FIRST_TICK_SECONDS = 5.0  # after a start, people's updates are answered first


def utc_now() -> datetime:
    """Return the current moment (tests pass a fake clock instead)."""
    return datetime.now(UTC)


class ReminderWorker(BackgroundLoop):
    """Send due reminders within the background budget; delete the ones whose date passed."""

    task_name = "reminders"
    failure = "a tick failed"

    def __init__(self, bot: Bot, store: ReminderStore, cipher: ChatIdCipher, pacer: Pacer,
                 clock: Callable[[], datetime] = utc_now, remember: Remember | None = None
                 ) -> None:
        self.bot = bot
        self.store = store
        self.cipher = cipher
        self.pacer = pacer
        self.clock = clock
        self.remember = remember

    async def prepare(self) -> None:
        """The first tick comes a few seconds after the start (people's updates first)."""
        await asyncio.sleep(FIRST_TICK_SECONDS)

    async def round(self) -> None:
        """One tick (a minute apart; nothing is lost while stopped: what is due goes out at
        the next start)."""
        await self.tick()

    async def pause(self) -> None:
        """Wait for the next minute's tick."""
        await asyncio.sleep(TICK_SECONDS)

    async def tick(self) -> int:
        """Send what is due now; return how many reminders went out."""
        moment = self.clock()
        today = local_day(moment)
        self.store.purge_past(today)
        if not sending_hours(moment):
            return 0
        sent = 0
        for reminder in self.store.due_by(reminded_up_to(today)):
            left, settles = due_now(reminder, today)
            if left is None:
                continue
            reply = reminder_reply(reminder.kind, reminder.due, left, reminder.language)
            outcome, _wait = await send_reply(self.bot, self.pacer, self.cipher,
                                              reminder.chat_enc, reply, self.remember)
            if outcome is Delivery.RETRY:
                continue  # the next tick tries again
            if outcome is Delivery.BLOCKED:
                # the person blocked the bot: nothing of theirs can reach them any more
                forget_person(self.store.db, reminder.user_key)
                continue
            counted = iso_week(today) if outcome is Delivery.SENT else None
            self.store.mark_sent(reminder, settles, counted)
            sent += outcome is Delivery.SENT
        return sent


