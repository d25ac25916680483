"""The real Application against a local fake Bot API: start, answers, buttons, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from content.answers import get_answer
from tests.auxil.telegram import (
    button_update,
    message,
    running_bot,
    sent_to,
    text_update,
    texts_to,
    wait_for,
)

QUESTIONS = {
    "ky": "Россияга кирүүгө тыюу барбы, кантип текшерем?",
    "ru": "как проверить запрет на въезд в Россию",
    "en": "how do I check a Russian entry ban",
}


def first_line(text: str) -> str:
    """Return the first line of an answer (enough to recognise it)."""
    return text.strip().splitlines()[0]


async def test_start_commands_and_answers_in_each_language(tmp_path: Path, parser) -> None:
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            calls = await wait_for(api, lambda c: len([x for x in c
                                                       if x.method == "setMyCommands"]) >= 4)
            commands = [c.params for c in calls if c.method == "setMyCommands"]
            assert {c.get("language_code") for c in commands} >= {"ky", "ru", "en"}
            for index, (language, question) in enumerate(QUESTIONS.items()):
                chat = 9000 + index
                api.push_update(text_update(chat, f"/start {language}"))
                await wait_for(api, lambda c, chat=chat: len(sent_to(c, chat)) >= 2)
                api.push_update(text_update(chat, question))
                expected = first_line(get_answer("entry_ban", language).short)
                calls = await wait_for(api, lambda c, chat=chat, e=expected: any(
                    e in t for t in texts_to(c, chat)))
                answer = next(c for c in sent_to(calls, chat) if expected in c.params["text"])
                assert answer.params["parse_mode"] == "HTML"
                assert "more:entry_ban" in str(answer.params["reply_markup"])


async def test_buttons_forged_data_and_media_get_clear_replies(tmp_path: Path, parser) -> None:
    chat = 9100
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.push_update(text_update(chat, "/start en"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(button_update(chat, "topic:stay_rule"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 3)
            api.push_update(button_update(chat, "topic:' OR 1=1 --"))
            api.push_update(button_update(chat, "x" * 64))
            api.push_update({"message": message(chat, None, voice={
                "file_id": "v1", "file_unique_id": "v1u", "duration": 3})})
            api.push_update({"message": message(chat, None, sticker={
                "file_id": "s1", "file_unique_id": "s1u", "type": "regular", "width": 512,
                "height": 512, "is_animated": False, "is_video": False})})
            api.push_update(text_update(chat, "я" * 5000))
            calls = await wait_for(api, lambda c: len(sent_to(c, chat)) >= 11)
            assert len(api.calls_of("answerCallbackQuery")) >= 3
            assert not any("something went wrong" in t for t in texts_to(calls, chat)), \
                "a handler failed on bad input"
            texts = texts_to(calls, chat)
            assert any("voice" in t.lower() for t in texts)
            assert sum("no longer valid" in t for t in texts) >= 2


async def test_a_press_telegram_no_longer_lets_us_acknowledge_still_gets_its_answer(
        tmp_path: Path, parser) -> None:
    """A press replayed after a restart is older than Telegram keeps callback queries: the
    acknowledgement is refused (400), and the person must still get the answer, no apology."""
    chat = 9150
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.push_update(text_update(chat, "/start en"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.fail("answerCallbackQuery", "400")
            api.push_update(button_update(chat, "topic:stay_rule"))
            expected = first_line(get_answer("stay_rule", "en").short)
            calls = await wait_for(api, lambda c: any(expected in t for t in texts_to(c, chat)))
            assert [c.method for c in calls].count("answerCallbackQuery!400") == 1
            assert not any("something went wrong" in t for t in texts_to(calls, chat))


async def test_groups_and_channels_are_ignored(tmp_path: Path, parser) -> None:
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.push_update({"message": message(-100555, "hello bot", chat_type="supergroup")})
            api.push_update({"channel_post": {
                "message_id": 1, "date": 0, "text": "post",
                "chat": {"id": -100777, "type": "channel", "title": "News"}}})
            api.push_update(text_update(9200, "salam"))
            calls = await wait_for(api, lambda c: len(sent_to(c, 9200)) >= 1)
            assert not sent_to(calls, -100555) and not sent_to(calls, -100777)


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_hide_deletes_recent_messages(tmp_path: Path, parser, language: str) -> None:
    chat = 9300
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            api.push_update(text_update(chat, f"/start {language}"))
            await wait_for(api, lambda c: len(sent_to(c, chat)) >= 2)
            api.push_update(text_update(chat, "/hide"))
            calls = await wait_for(api, lambda c: bool(api.calls_of("deleteMessages")))
            deleted = [m for c in api.calls_of("deleteMessages") for m in c.params["message_ids"]]
            sent_ids = len(sent_to(calls, chat))
            assert len(deleted) >= sent_ids + 2  # the bot's messages and the person's


@pytest.mark.slow
def test_python_m_bot_with_a_token_runs_the_telegram_bot(tmp_path: Path) -> None:
    """`python -m bot` (no subcommand) with a token answers /start and a question per language."""
    from tests.auxil.launch import BotProcess
    from tests.auxil.telegram import settings_env

    with FakeBotApi() as api:
        process = BotProcess(settings_env(api, tmp_path), tmp_path / "bot.log", command=())
        try:
            for index, (language, question) in enumerate(QUESTIONS.items()):
                chat = 9400 + index
                api.push_update(text_update(chat, "/start"))
                api.wait_for(lambda c, chat=chat: len(sent_to(c, chat)) >= 2, timeout=60)
                api.push_update(text_update(chat, question))
                expected = first_line(get_answer("entry_ban", language).short)
                api.wait_for(lambda c, chat=chat, e=expected: any(
                    e in t for t in texts_to(c, chat)), timeout=30)
        finally:
            process.stop()
    assert "Traceback" not in process.output()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post_update(port: int, update: dict, secret: str) -> int:
    """POST one update to the bot's webhook as Telegram would; return the HTTP status."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/tg/hook", data=json.dumps(update).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_webhook_mode_registers_the_hook_and_answers_only_signed_updates(tmp_path: Path) -> None:
    """With SAPAR_WEBHOOK_URL set, `python -m bot` registers the webhook with its secret, answers
    updates posted with that secret and refuses forged ones."""
    import os
    import subprocess
    import sys
    import time

    from tests.auxil.telegram import WEBHOOK_SECRET, settings_env

    project = Path(__file__).resolve().parents[1]
    port = _free_port()
    with FakeBotApi() as api:
        env = {**os.environ, **settings_env(api, tmp_path),
               "SAPAR_WEBHOOK_URL": "https://sapar.example.org/tg/hook",
               "SAPAR_WEBHOOK_LISTEN": "127.0.0.1", "SAPAR_WEBHOOK_PORT": str(port),
               "SAPAR_WEBHOOK_SECRET": WEBHOOK_SECRET}
        process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=project, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            calls = api.wait_for(lambda c: any(x.method == "setWebhook" for x in c), timeout=60)
            hook = next(x for x in calls if x.method == "setWebhook").params
            assert hook["url"] == "https://sapar.example.org/tg/hook"
            assert hook["secret_token"] == WEBHOOK_SECRET
            assert not api.calls_of("getUpdates")

            deadline = time.monotonic() + 30
            status = None
            while status is None and time.monotonic() < deadline:
                try:
                    status = _post_update(port, {"update_id": 1, **text_update(9601, "/start")},
                                          WEBHOOK_SECRET)
                except OSError:
                    time.sleep(0.2)
            assert status == 200
            api.wait_for(lambda c: len(sent_to(c, 9601)) >= 2, timeout=30)

            forged = {"update_id": 2, **text_update(9602, "/start")}
            assert _post_update(port, forged, "wrong-secret") == 403
            question = {"update_id": 3, **text_update(9601, QUESTIONS["ru"])}
            assert _post_update(port, question, WEBHOOK_SECRET) == 200
            expected = first_line(get_answer("entry_ban", "ru").short)
            api.wait_for(lambda c: any(expected in t for t in texts_to(c, 9601)), timeout=30)
            assert sent_to(api.calls_of("sendMessage"), 9602) == []
        finally:
            process.terminate()
            _, errors = process.communicate(timeout=20)
    assert b"Traceback" not in errors, errors.decode(errors="replace")[-2000:]
