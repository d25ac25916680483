"""The web chat without a browser: form posts as with JavaScript off, and the JSON updates."""

from __future__ import annotations

import gzip
import logging
import re
from pathlib import Path

import pytest

from bot.runtime import build_runtime
from bot.settings import SettingsError, load_settings
from bot.web.app import build_web_app
from bot.web.markup import safe_html
from bot.web.page import STATIC
from bot.web.security import MAX_TEXT, clean_text
from content.answers import get_answer
from tests.auxil.database import seed_database
from tests.auxil.telegram import TEST_SECRET_KEY
from tests.auxil.web import WebPerson, web_runtime_dump

QUESTIONS = {
    "ky": "Россияга кирүүгө тыюу барбы, кантип текшерем?",
    "ru": "как проверить запрет на въезд в Россию",
    "en": "how do I check a Russian entry ban",
}
ADDRESS = "198.51.100.23"


@pytest.fixture
def runtime(data_dir: Path, parser):
    """Return a runtime on a fresh data dir with the real parser, no Telegram."""
    settings = load_settings(
        {"SAPAR_DATA_DIR": str(data_dir), "SAPAR_SECRET_KEY": TEST_SECRET_KEY}, env_file=None)
    seed_database(settings.database_path)
    built = build_runtime(settings, parser=parser)
    yield built
    built.db.close()


@pytest.fixture
def app(runtime):
    """Return the web app without operators."""
    return build_web_app(runtime)


def first_line(text: str) -> str:
    """Return the first line of an answer, without markup (enough to recognise it)."""
    return re.sub(r"<[^>]+>", "", text.strip().splitlines()[0])


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
async def test_a_question_in_each_language_gets_the_answer_with_buttons(app, language) -> None:
    async with WebPerson(app) as person:
        await person.open(f"/?lang={language}")
        assert f'<html lang="{language}">' in person.page
        await person.say(QUESTIONS[language])
        expected = first_line(get_answer("entry_ban", language).short)
        assert expected in person.text()
        assert QUESTIONS[language] in person.text()  # the person's own message is shown
        assert 'name="a" value="more:entry_ban' in person.page  # buttons are buttons
        await person.press(next(a for a in re.findall(r'value="(more:entry_ban[^"]*)"',
                                                      person.page)))
        assert "Source" in person.text() or "Булак" in person.text() or \
            "Источник" in person.text()


async def test_language_picker_and_menu_button(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        assert 'href="/?lang=ru"' in person.page  # before writing: links, nothing stored
        await person.say("hello")
        await person.press("lang:ru")
        assert '<html lang="ru">' in person.page and "Поговорить с человеком" in person.text()
        await person.press("lang:pick")
        assert "Выберите язык" in person.text() or "язык" in person.text().lower()


async def test_the_stay_calculator_runs_with_buttons_and_typed_dates(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        await person.say("/start en")
        await person.press("flow:stay")
        await person.say("10.01.2026")
        for _step in range(4):  # answer the calculator's yes/no questions with "no"
            noes = re.findall(r'value="(stay:[a-z_]+:no)"', person.page)
            if not noes:
                break
            await person.press(noes[-1])
        assert "Your stay in 2026" in person.text()


async def test_page_headers_cookie_and_weight(app) -> None:
    async with WebPerson(app) as person:
        response = await person.open("/")
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert not re.search(r'(src|href)="(https?:)?//', person.page), "no third-party assets"
        assert "style=" not in person.page and "<script>" not in person.page
        css = (STATIC / "app.css").read_bytes()
        js = (STATIC / "app.js").read_bytes()
        weight = sum(len(gzip.compress(part, 9)) for part in (person.page.encode(), css, js))
        assert weight < 60_000
        static = await person.client.get("/static/app.js", headers={"accept-encoding": "gzip"})
        assert static.headers["content-encoding"] == "gzip"


async def test_posts_without_the_page_token_change_nothing(app, runtime) -> None:
    async with WebPerson(app) as person, WebPerson(app) as other:
        await person.open("/?lang=en")
        await other.open("/?lang=en")
        forged = await person.client.post("/send", data={"text": "hello"})
        assert forged.status_code == 403
        stolen = await person.client.post("/send", data={"csrf": other.csrf, "text": "hello"})
        assert stolen.status_code == 403
        no_cookie = await person.client.post("/send", data={"csrf": person.csrf, "text": "x"},
                                             headers={"cookie": "sapar_s=forged"})
        assert no_cookie.status_code == 403
        assert runtime.db["web_messages"].count == 0 and runtime.db["users"].count == 0


async def test_html_control_characters_and_long_texts_are_handled_as_on_telegram(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        await person.say('<img src=x onerror="alert(1)"> <b>hi</b>\x00\x07\u202e ok')
        assert "<img" not in person.page and "&lt;img src=x" in person.page
        assert "\x00" not in person.page and "\u202e" not in person.page
        response = await person.say("я" * 6000)
        assert response.status_code == 200
        assert "я" * MAX_TEXT in person.page and "я" * (MAX_TEXT + 1) not in person.page
        bad = await person.client.post("/send", content=b"csrf=%ff%fe&text=%00",
                                       headers={"content-type":
                                                "application/x-www-form-urlencoded"})
        assert bad.status_code == 403
        huge = await person.client.post("/send", data={"csrf": person.csrf, "text": "a" * 70000})
        assert huge.status_code == 403


def test_bot_markup_is_rendered_safely() -> None:
    assert safe_html("<b>x</b> <i>y</i>") == "<b>x</b> <i>y</i>"
    assert safe_html('<a href="https://e.org/">e</a>') == \
        '<a href="https://e.org/" rel="noopener noreferrer">e</a>'
    assert "<script" not in safe_html("<script>alert(1)</script>")
    assert "<a" not in safe_html('<a href="javascript:alert(1)">x</a>')
    assert safe_html("<b>open") == "<b>open</b>"
    assert safe_html('<b onclick="x">y</b>') == "<b>y</b>"
    assert clean_text("a\r\nb\x1b[31m\u200f") == "a\nb[31m"


async def test_flooding_is_slowed_down_with_a_clear_message(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        statuses = []
        for _n in range(16):
            response = await person.client.post("/press", data={"csrf": person.csrf,
                                                                "a": "menu", "l": "en"})
            statuses.append(response.status_code)
        assert 429 in statuses and statuses[0] == 303
        assert "very fast" in response.text


async def test_hide_clears_the_page_the_cookie_and_the_messages(app, runtime) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        await person.say(QUESTIONS["en"])
        old_cookie = person.client.cookies["sapar_s"]
        assert runtime.db["web_messages"].count > 0
        await person.post("/hide")
        assert person.client.cookies["sapar_s"] != old_cookie
        assert QUESTIONS["en"] not in person.text()
        assert runtime.db["web_messages"].count == 0
        assert runtime.db["web_sessions"].count == 0
        assert runtime.db["users"].count == 0  # no case to come back to: nothing is kept


async def test_hand_off_without_operators_gives_the_numbers(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        await person.say("/human")
        await person.press("handoff:anon")
        assert "No hotline operator is connected" in person.text()
        assert "Embassy of the Kyrgyz Republic" in person.text()


async def test_no_address_is_stored_or_logged(app, runtime, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    async with WebPerson(app, address=ADDRESS) as person:
        await person.open("/?lang=ru")
        await person.say(QUESTIONS["ru"])
        await person.say("/forget")
        await person.press("forget:yes")
        assert "удалено" in person.text().lower()
        assert runtime.db["web_messages"].count == 0 and runtime.db["users"].count == 0
    assert ADDRESS not in web_runtime_dump(runtime)
    assert ADDRESS not in caplog.text


async def test_the_json_api_returns_new_fragments_only(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        response = await person.client.post(
            "/send", data={"csrf": person.csrf, "text": QUESTIONS["en"], "after": "0", "l": "en"},
            headers={"accept": "application/json"})
        news = response.json()
        assert news["last"] > 0 and 'class="m me"' in news["html"]
        again = await person.client.post(
            "/press", data={"csrf": person.csrf, "a": "menu", "after": str(news["last"])},
            headers={"accept": "application/json"})
        assert 'class="m me"' not in again.json()["html"]
        assert "Talk to a person" in again.json()["html"]


def test_web_settings_are_validated(data_dir: Path) -> None:
    settings = load_settings({"SAPAR_DATA_DIR": str(data_dir)}, env_file=None)
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)
    with pytest.raises(SettingsError, match="SAPAR_WEB_PORT"):
        load_settings({"SAPAR_DATA_DIR": str(data_dir), "SAPAR_WEB_PORT": "99999"},
                      env_file=None)


async def test_idle_sessions_expire_with_their_messages(app, runtime) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=en")
        await person.say(QUESTIONS["en"])
        front = app.state.front
        assert front.chat.expire() == 0  # in use: kept
        for table, column in (("web_sessions", "last_seen"), ("web_messages", "at"),
                              ("web_resume", "created_at")):
            runtime.db.execute(f"UPDATE {table} SET {column} = '2020-01-01T00:00:00+00:00'")
        runtime.db.conn.commit()
        assert front.chat.expire() == 1
        assert runtime.db["web_messages"].count == 0 and runtime.db["users"].count == 0
        await person.open("/")
        assert QUESTIONS["en"] not in person.text()  # the old cookie leads nowhere


async def test_the_web_server_serves_health_readiness_and_metrics_without_identity(app) -> None:
    async with WebPerson(app) as person:
        await person.open("/?lang=ru")
        await person.say("меня зовут Айбек, мой номер +996555123456, как проверить запрет")
        for path in ("/healthz", "/readyz"):
            response = await person.client.get(path)
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "ok"
        metrics = await person.client.get("/metrics")
        assert metrics.status_code == 200 and "sapar_cases" in metrics.text
        assert "Айбек" not in metrics.text and "996555123456" not in metrics.text
