"""After /close: one anonymous "did this help?" (1-5, optional comment), stored without the
pseudonym or the case code, counted in the weekly statistics with small cells suppressed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from hotline.__main__ import main as hotline_main
from tests.auxil.hotline import OPERATORS, in_topic, open_case
from tests.auxil.telegram import (
    button_update,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

ASKED = {"ru": "Помог ли вам", "ky": "жардам бердиби"}
STALE = {"ru": "Эта кнопка больше не работает", "ky": "Бул баскыч мындан ары иштебейт"}
SAVED = {"ru": "комментарий сохранён", "ky": "пикириңиз сакталды"}


@pytest.mark.parametrize("language", ["ru", "ky"])
async def test_closing_asks_once_anonymously_and_the_answer_keeps_no_link(
        tmp_path: Path, parser, language: str, capsys: pytest.CaptureFixture[str]) -> None:
    chat = 9990 + ["ru", "ky"].index(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)):
            thread = await open_case(api, chat, language)
            api.push_update(in_topic(thread, "/close resolved"))
            calls = await wait_for(api, lambda c: any(ASKED[language] in t
                                                      for t in texts_to(c, chat)))
            asked = next(c for c in sent_to(calls, chat) if ASKED[language] in
                         c.params.get("text", ""))
            markup = str(asked.params["reply_markup"])
            token = markup.split("hlrate:")[1].split(":")[0]
            for score in range(1, 6):
                assert f"hlrate:{token}:{score}" in markup
            api.push_update(button_update(chat, f"hlrate:{token}:4"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) > len(sent_to(calls, chat)))
            api.push_update(text_update(chat, "помогли быстро, мой номер +7 916 123 45 67"))
            await wait_for(api, lambda c: any(SAVED[language] in t for t in texts_to(c, chat)))
            api.push_update(button_update(chat, f"hlrate:{token}:1"))  # the same buttons again
            await wait_for(api, lambda c: any(STALE[language] in t for t in texts_to(c, chat)))
        assert not any("помогли" in t for t in texts_to(api.calls, OPERATORS))
        with sqlite3.connect(tmp_path / "sapar.db") as db:
            rows = db.execute("SELECT * FROM ratings").fetchall()
            columns = [d[0] for d in db.execute("SELECT * FROM ratings").description]
            codes = [r[0] for r in db.execute("SELECT case_code FROM cases")]
        assert columns == ["id", "week", "score", "comment"]
        assert len(rows) == 1 and rows[0][2] == 4
        assert "916" not in rows[0][3] and "помогли быстро" in rows[0][3]
        assert not any(code in str(rows) for code in codes)
        out = tmp_path / "report"
        assert hotline_main(["stats", "--db", str(tmp_path / "sapar.db"), "--out", str(out)]
                            ) == 0
        csv = (out / "hotline_cases_by_week.csv").read_text()
        rating = [line for line in csv.splitlines() if ",rating," in line]
        assert rating and all(line.endswith(",<5") for line in rating), "one answer: hidden"


def test_five_answers_of_a_week_are_shown(tmp_path: Path) -> None:
    from bot.storage import open_database

    db = open_database(tmp_path / "sapar.db")
    for score in (5, 5, 5, 5, 5, 2):
        db["ratings"].insert({"week": "2026-11-30", "score": score})
    db.close()
    out = tmp_path / "report"
    assert hotline_main(["stats", "--db", str(tmp_path / "sapar.db"), "--out", str(out)]) == 0
    csv = (out / "hotline_cases_by_week.csv").read_text().splitlines()
    assert "2026-11-30,rating,5,5" in csv and "2026-11-30,rating,2,<5" in csv
