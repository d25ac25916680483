"""Reminders and alerts over the real Application and the fake Bot API, with a fake clock.

The dialogue's day and the reminder worker's clock are set by the test (the worker's own
once-a-minute loop is stopped so that only the test's ticks run); everything else is the
running bot: buttons and commands arrive as updates, messages leave over HTTP.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bench.fake_bot_api import Call, FakeBotApi
from bot.reminders.schedule import ZONE
from content.formatting import format_date
from content.i18n import gettext_for, ngettext_for
from sapar_core.yamlfile import safe_dump, safe_load
from tests.auxil.telegram import (
    button_update,
    handled,
    message,
    person,
    running_bot,
    sent_to,
    text_update,
    wait_for,
)
from tests.test_privacy import id_encodings

LANGUAGES = ["ky", "ru", "en"]
TODAY = date(2026, 4, 15)
ENTRY = date(2026, 3, 1)          # 46 days used on 15 Apr: the last legal day is 29 May
LAST_DAY = date(2026, 5, 29)
OPERATORS = -1001234567890
ADMIN = {"id": 4243, "first_name": "Aida", "last_name": "Admin", "is_bot": False,
         "username": "aida_admin"}
ALERT = Path(__file__).resolve().parents[1] / "content" / "alerts" / "kz-registration-online.yml"


def markup(call: Call) -> str:
    """Return a sent message's buttons as readable text."""
    raw = call.params.get("reply_markup") or ""
    if not isinstance(raw, str):
        return str(raw)
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


async def step(api: FakeBotApi, chat: int, update: dict, until: str) -> list[Call]:
    """Send one update; wait for a reply to this chat whose text or buttons contain `until`."""
    before = len(sent_to(api.calls, chat))
    api.push_update(update)
    calls = await wait_for(api, lambda c: any(
        until in x.params.get("text", "") or until in markup(x)
        for x in sent_to(c, chat)[before:]))
    return sent_to(calls, chat)[before:]


def at_ten(day: date) -> datetime:
    """Return 10:00 Moscow time on a day, as the worker's clock."""
    return datetime.combine(day, time(10), ZONE).astimezone(UTC)


def rows(data_dir: Path, table: str) -> list[tuple]:
    """Return every row of a table, read from the database file."""
    with sqlite3.connect(data_dir / "sapar.db") as db:
        return db.execute(f"SELECT * FROM {table}").fetchall()


async def fake_days(application, runtime) -> object:
    """Stop the worker's own loop and put the dialogue on TODAY; return the worker."""
    worker = application.bot_data["reminders"]
    await worker.stop()
    runtime.dialogue.today = lambda: TODAY
    return worker


def reminders_sent(api: FakeBotApi, chat: int) -> list[Call]:
    """Return the reminders a chat got (each carries the stop button)."""
    return [c for c in sent_to(api.calls, chat) if "remind:stop" in markup(c)
            and "⏰" in c.params.get("text", "")]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_stay_reminders_fire_on_their_days_in_the_language_and_across_a_restart(
        tmp_path: Path, parser, language: str) -> None:
    chat = 9100 + LANGUAGES.index(language)
    _ = gettext_for(language)
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (application, runtime):
            worker = await fake_days(application, runtime)
            await step(api, chat, text_update(chat, f"/start {language}"), "flow:stay")
            await step(api, chat, button_update(chat, "flow:stay"), "menu")
            await step(api, chat, text_update(chat, "01.03.2026"), "stay:prev:no")
            await step(api, chat, button_update(chat, "stay:prev:no"), "stay:contract:no")
            [result] = await step(api, chat, button_update(chat, "stay:contract:no"),
                                  "remind:ask:stay:2026-05-29")
            assert _("Remind me before my last day") in markup(result)
            [consent] = await step(api, chat, button_update(chat, "remind:ask:stay:2026-05-29"),
                                   "remind:yes:stay:2026-05-29")
            assert rows(tmp_path, "reminders") == [], "nothing is stored before the yes"
            assert format_date(LAST_DAY, language) in consent.params["text"]
            [done] = await step(api, chat, button_update(chat, "remind:yes:stay:2026-05-29"),
                                "remind:list")
            assert format_date(LAST_DAY, language) in done.params["text"]
            [stored] = rows(tmp_path, "reminders")
            assert stored[1:4] == ("stay", "2026-05-29", language)
            assert str(chat) not in repr(stored), "the chat id is stored encrypted only"
            fired: dict[date, int] = {}
            day = TODAY
            while day <= LAST_DAY - timedelta(days=7):
                worker.clock = lambda d=day: at_ten(d)
                fired[day] = await worker.tick()
                day += timedelta(days=1)
        # a restart: the new process knows what was sent and goes on from there
        async with running_bot(api, tmp_path, parser) as (application, runtime):
            worker = await fake_days(application, runtime)
            while day <= LAST_DAY + timedelta(days=1):
                worker.clock = lambda d=day: at_ten(d)
                fired[day] = await worker.tick()
                day += timedelta(days=1)
        got = reminders_sent(api, chat)
        assert [d for d, n in fired.items() if n] == [
            LAST_DAY - timedelta(days=n) for n in (14, 7, 3, 1, 0)]
        assert len(got) == 5, [c.params["text"] for c in got]
        for call, left in zip(got, (14, 7, 3, 1), strict=False):
            assert ngettext_for(language)("{n} day left.", "{n} days left.", left).format(
                n=left) in call.params["text"]
            assert format_date(LAST_DAY, language) in call.params["text"]
            assert _("Stop reminders") in markup(call)
        assert _("⏰ <b>Today, {date}, is your last legal day in Russia.</b>").format(
            date=format_date(LAST_DAY, language)) in got[-1].params["text"]
        if language != "en":
            assert "Stop reminders" not in markup(got[0])
        assert rows(tmp_path, "reminders") == [], "nothing is kept after the last day"


async def test_a_recount_replaces_the_date_outside_hours_it_waits_and_hide_deletes_it(
        tmp_path: Path, parser) -> None:
    chat = 9150
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (application, runtime):
            worker = await fake_days(application, runtime)
            await step(api, chat, text_update(chat, "/start en"), "flow:stay")
            await step(api, chat, button_update(chat, "remind:yes:stay:2026-05-29"),
                       "remind:list")
            await step(api, chat, button_update(chat, "remind:yes:stay:2026-05-20"),
                       "remind:list")
            assert [r[2] for r in rows(tmp_path, "reminders")] == ["2026-05-20"]
            night = datetime.combine(date(2026, 5, 6), time(3), ZONE).astimezone(UTC)
            worker.clock = lambda: night
            assert await worker.tick() == 0, "nobody is woken at 3 a.m."
            handed_out: list[int] = []

            def send_message(params: dict) -> dict:
                sent = api._message(params, text=params.get("text", ""))
                handed_out.append(sent["message_id"])
                return sent

            api.handlers["sendMessage"] = send_message
            worker.clock = lambda: at_ten(date(2026, 5, 6))
            assert await worker.tick() == 1
            assert "14" in reminders_sent(api, chat)[-1].params["text"]
            # someone checks the phone: /hide deletes the reminder too
            reminder_id = handed_out[-1]
            api.push_update(text_update(chat, "/hide"))
            calls = await wait_for(api, lambda c: any(x.method == "deleteMessages" for x in c))
            [deleted] = [x for x in calls if x.method == "deleteMessages"]
            assert reminder_id in json.loads(deleted.params["message_ids"])


async def test_stop_reminders_and_forget_delete_everything(tmp_path: Path, parser) -> None:
    chat = 9160
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (application, runtime):
            worker = await fake_days(application, runtime)
            await step(api, chat, text_update(chat, "/start ru"), "flow:stay")
            await step(api, chat, button_update(chat, "remind:yes:stay:2026-05-29"),
                       "remind:list")
            await step(api, chat, button_update(chat, "remind:yes:registration:2026-04-20"),
                       "remind:list")
            await step(api, chat, button_update(chat, "alerts:on:ru_stay"), "alerts:off:ru_stay")
            [listed] = await step(api, chat, text_update(chat, "/reminders"), "remind:stop")
            assert format_date(LAST_DAY, "ru") in listed.params["text"]
            await step(api, chat, button_update(chat, "remind:stop"), "menu")
            assert rows(tmp_path, "reminders") == []
            assert len(rows(tmp_path, "subscriptions")) == 1, "stop reminders keeps alerts"
            worker.clock = lambda: at_ten(LAST_DAY - timedelta(days=14))
            assert await worker.tick() == 0
            await step(api, chat, button_update(chat, "remind:yes:stay:2026-05-29"),
                       "remind:list")
            await step(api, chat, text_update(chat, "/forget"), "forget:yes")
            await step(api, chat, button_update(chat, "forget:yes"), "menu")
            for table in ("reminders", "subscriptions"):
                assert rows(tmp_path, table) == [], f"{table} kept after /forget"
            assert await worker.tick() == 0


async def test_a_forged_or_past_date_sets_no_reminder(tmp_path: Path, parser) -> None:
    chat = 9170
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser) as (application, runtime):
            await fake_days(application, runtime)
            await step(api, chat, text_update(chat, "/start en"), "flow:stay")
            for action in ("remind:yes:stay:2026-04-01", "remind:yes:stay:2031-01-01",
                           "remind:yes:visa:2026-05-01", "remind:yes:stay:2026-13-45"):
                [reply] = await step(api, chat, button_update(chat, action), "flow:stay")
                assert "cannot be used for a reminder" in reply.params["text"]
            assert rows(tmp_path, "reminders") == []


def operator_update(text: str, user: dict) -> dict:
    """Return a message in the operators' chat, outside any case topic."""
    return {"message": message(OPERATORS, text, user=user, chat_type="supergroup")}


async def test_alerts_subscribe_preview_confirm_send_and_blocked_unsubscribes(
        tmp_path: Path, parser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    alerts_dir = tmp_path / "content" / "alerts"
    alerts_dir.mkdir(parents=True)
    raw = safe_load(ALERT.read_text(encoding="utf-8"))
    raw["last_verified"] = date.today()
    (alerts_dir / ALERT.name).write_text(safe_dump(raw, allow_unicode=True),
                                         encoding="utf-8")
    people = {9201: "ky", 9202: "ru", 9203: "en"}
    blocked = 9204
    with FakeBotApi() as api:
        api.members[ADMIN["id"]] = "administrator"
        api.members[4244] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)
                               ) as (application, runtime):
            application.bot_data["alerts_dir"] = alerts_dir
            for chat, language in {**people, blocked: "en"}.items():
                await step(api, chat, text_update(chat, f"/start {language}"), "flow:stay")
                [listing] = await step(api, chat, text_update(chat, "/alerts"), "alerts:on:kz")
                assert gettext_for(language)("Subscribe: {topic}").format(
                    topic=gettext_for(language)("Kazakhstan")) in markup(listing)
                assert rows(tmp_path, "subscriptions") == [] or chat != 9201
                await step(api, chat, button_update(chat, "alerts:on:kz"), "alerts:off:kz")
            assert len(rows(tmp_path, "subscriptions")) == 4
            # a member who is not an administrator cannot send
            api.push_update(operator_update("/alert kz-registration-online",
                                            {**ADMIN, "id": 4244, "username": "m"}))
            await wait_for(api, lambda c: any("Only an administrator" in x.params.get("text", "")
                                              for x in sent_to(c, OPERATORS)))
            api.push_update(operator_update("/alert kz-registration-online", ADMIN))
            calls = await wait_for(api, lambda c: any("bc:send:" in markup(x)
                                                      for x in sent_to(c, OPERATORS)))
            preview = [x for x in sent_to(calls, OPERATORS) if "bc:send:" in markup(x)][-1]
            assert "4 subscribers" in preview.params["text"]
            assert not any("🔔" in x.params.get("text", "") for chat in people
                           for x in sent_to(api.calls, chat)), "nothing before Send"
            action = next(button["callback_data"] for row in json.loads(
                preview.params["reply_markup"])["inline_keyboard"] for button in row
                if button["callback_data"].startswith("bc:send:"))
            # the same button pressed (or forged) in the administrator's private chat with the
            # bot is stale there and sends nothing: only the operators' chat can send
            before = len(sent_to(api.calls, ADMIN["id"]))
            stale = api.push_update(button_update(ADMIN["id"], action, user=ADMIN))
            await handled(runtime, stale)
            assert any("flow:stay" in markup(x) for x in sent_to(api.calls, ADMIN["id"])[before:])
            assert [r[4] for r in rows(tmp_path, "broadcasts")] == ["preview"]
            api.fail_chat("sendMessage", blocked, "403")
            api.push_update(button_update(OPERATORS, action, user=ADMIN,
                                          chat_type="supergroup"))
            await wait_for(api, lambda c: all(any("🔔" in x.params.get("text", "")
                                                  for x in sent_to(c, chat)) for chat in people)
                           and any("Done" in x.params.get("text", "")
                                   for x in c if x.method == "editMessageText"))
            for chat, language in people.items():
                [alert] = [x for x in sent_to(api.calls, chat) if "🔔" in x.params["text"]]
                assert raw["text"][language].split("\n")[0] in alert.params["text"]
                assert "alerts:off:kz" in markup(alert)
            [progress] = [x for x in api.calls if x.method == "editMessageText"
                          and "Done" in x.params.get("text", "")]
            assert "sent 3" in progress.params["text"] and "blocked the bot (unsubscribed) 1" \
                in progress.params["text"]
            assert len(rows(tmp_path, "subscriptions")) == 3, "403 unsubscribes"
            assert rows(tmp_path, "broadcast_queue") == [], "no per-person rows are kept"
            # pressing Send again sends nothing twice
            before = len(api.calls)
            api.push_update(button_update(OPERATORS, action, user=ADMIN,
                                          chat_type="supergroup"))
            await wait_for(api, lambda c: any(x.method == "answerCallbackQuery"
                                              for x in c[before:]))
            assert not any("🔔" in x.params.get("text", "") for x in api.calls[before:])
        files = b"".join(p.read_bytes() for p in tmp_path.glob("sapar.db*"))
        for chat in [*people, blocked]:
            user = person(chat)
            for value in (user["username"], user["last_name"], str(chat)):
                assert value not in caplog.text, f"{value!r} in the log"
            for value in (user["username"].encode(), user["last_name"].encode()):
                assert value not in files
            # a four-digit id also occurs by chance where a token's last letters meet a date
            # ("...U9" + "2026-12-02"): look for it as a number of its own
            readable = re.compile(rb"(?<![0-9A-Za-z_-])" + id_encodings(chat)[0] + rb"(?![0-9])")
            assert not readable.search(files), f"chat {chat} readable in the database"
