"""The reminders' and broadcasts' background loop: a failed round never ends it, stop ends it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.reminders.background import BackgroundLoop
from bot.reminders.pacing import BACKGROUND


class Flaky(BackgroundLoop):
    """Fails its first round (as a locked database would), then counts rounds."""

    task_name = "flaky"

    def __init__(self) -> None:
        self.rounds = 0
        self.background: list[bool] = []
        self.done = asyncio.Event()

    async def round(self) -> None:
        self.rounds += 1
        self.background.append(BACKGROUND.get())
        if self.rounds == 1:
            raise RuntimeError("database is locked")
        if self.rounds == 3:
            self.done.set()

    async def pause(self) -> None:
        await asyncio.sleep(0)


async def test_a_failed_round_is_logged_and_the_loop_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    loop = Flaky()
    with caplog.at_level(logging.ERROR):
        loop.start()
        await asyncio.wait_for(loop.done.wait(), 5)
        await loop.stop()
    assert loop.rounds >= 3
    assert all(loop.background)  # its sends are paced behind people's replies
    assert any("flaky: a round failed" in r.getMessage() for r in caplog.records)
    rounds = loop.rounds
    await asyncio.sleep(0.01)
    assert loop.rounds == rounds  # stopped: no round after stop()
    await loop.stop()  # stopping twice is harmless
