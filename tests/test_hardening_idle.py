"""Cases nobody closes are closed after SAPAR_IDLE_CLOSE_DAYS, so that retention applies; the
free-text reasons of old blocks are purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from bench.fake_bot_api import FakeBotApi
from tests.auxil.operators import OPERATORS, open_case
from tests.auxil.telegram import running_bot, text_update, texts_to, wait_for


def days_ago(days: int) -> str:
    """Return an ISO time some days back."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


async def test_an_idle_case_is_closed_and_its_texts_then_expire(tmp_path: Path, parser) -> None:
    idle, busy = 9900, 9901
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS),
                               SAPAR_IDLE_CLOSE_DAYS="7") as (application, runtime):
            desk = application.bot_data["desk"]
            await open_case(api, idle, "ru")
            api.push_update(text_update(idle, "мне страшно, меня зовут Айбек"))
            await wait_for(api, lambda c: any("Айбек" in t for t in texts_to(c, OPERATORS)))
            await open_case(api, busy, "en")
            await wait_for(api, lambda c: len(api.calls_of("createForumTopic")) >= 2)
            db = runtime.db
            idle_code = next(r["case_code"] for r in db["cases"].rows_where(
                "language = 'ru'"))
            db.execute("UPDATE cases SET created_at = ? WHERE case_code = ?",
                       [days_ago(9), idle_code])
            db.execute("UPDATE transcripts SET at = ? WHERE case_code = ?",
                       [days_ago(8), idle_code])
            desk.cases.block("someone-else", "threatened operator Nurgul, phone +996555000111")
            db.execute("UPDATE blocked SET blocked_at = ?", [days_ago(40)])
            db.conn.commit()

            await desk.periodic(SimpleNamespace(bot=application.bot))
            calls = await wait_for(api, lambda c: any("закрыт" in t for t in texts_to(c, idle)))
            statuses = {r["language"]: r["status"] for r in db["cases"].rows}
            reasons = [r["reason"] for r in db["blocked"].rows]
            later = datetime.now(UTC) + timedelta(days=31)
            assert desk.cases.purge_expired(runtime.settings.retention_days, at=later) == 1
            assert not list(db["transcripts"].rows_where("case_code = ?", [idle_code]))
    assert statuses == {"ru": "closed", "en": "waiting"}
    assert reasons == [""], "a block's free-text reason must not be kept for ever"
    notice = next(t for t in texts_to(calls, idle) if "закрыт" in t)
    assert "7" in notice and "/human" in notice
