"""The background loop of the reminder worker and the broadcast sender: one task, started with
the bot and stopped with it, that repeats a round of work and never dies of a failed round."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.reminders.pacing import BACKGROUND

logger = logging.getLogger(__name__)


class BackgroundLoop:
    """A service's background task: `start` runs rounds until `stop`.

    Subclasses name the task, do one round of work in `round` and wait between rounds in
    `pause`; `prepare` runs once inside the task first (its context variables hold for every
    round). A round that raises is logged and the next one runs after the pause.
    """

    task_name = "background"
    failure = "a round failed; trying again"  # logged after the task's name
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the loop in its own task."""
        self._task = asyncio.create_task(self._loop(), name=self.task_name)

    async def stop(self) -> None:
        """Stop the loop and wait for it; what was not done yet is done at the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def prepare(self) -> None:
        """Run once in the task before the first round."""

    async def round(self) -> None:
        """Do one round of work."""
        raise NotImplementedError

    async def pause(self) -> None:
        """Wait before the next round."""
        raise NotImplementedError

    async def _loop(self) -> None:
        BACKGROUND.set(True)  # the pacer gives people's replies priority over this task
        await self.prepare()
        while True:
            try:
                await self.round()
            except Exception:  # the database or a bug: never stop for good
                logger.exception("%s: %s", self.task_name, self.failure)
            await self.pause()
