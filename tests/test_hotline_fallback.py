"""Out of hours and after the claim timeout: the fall-back numbers of the person's country, the
emergency number first (never an invented number)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from hotline.hours import BISHKEK
from tests.auxil.hotline import OPERATORS
from tests.auxil.telegram import (
    button_update,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

EMBASSY = {"ru": "Посольство Кыргызской Республики", "ky": "Россия Федерациясындагы элчилиги"}
CLOSED = {"ru": "Сейчас операторы недоступны", "ky": "Азыр операторлор бош эмес"}


def another_day() -> str:
    """Return an office day that is not today in Bishkek (so the desk is closed now)."""
    return str(datetime.now(UTC).astimezone(BISHKEK).isoweekday() % 7 + 1)


@pytest.mark.parametrize("language", ["ru", "ky"])
async def test_out_of_hours_numbers_start_with_the_emergency_line_of_the_persons_country(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9970 + ["ru", "ky"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS),
                               SAPAR_OFFICE_DAYS=another_day()):
            api.push_update(text_update(chat, f"/start {language}"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(button_update(chat, "urgent:country:RU"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 3)
            api.push_update(text_update(chat, "/human"))
            await wait_for(api, lambda c: any("handoff:anon" in str(x.params.get("reply_markup"))
                                              for x in sent_to(c, chat)))
            api.push_update(button_update(chat, "handoff:anon"))
            calls = await wait_for(api, lambda c: any(CLOSED[language] in t
                                                      for t in texts_to(c, chat)))
        text = next(t for t in texts_to(calls, chat) if CLOSED[language] in t)
        numbers = text.split(CLOSED[language], 1)[1]
        assert numbers.index("112") < numbers.index(EMBASSY[language])
        assert "Astana" not in numbers and "Астан" not in numbers
