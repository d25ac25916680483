"""The web chat in a real browser: Debian's chromium, headless, driven by selenium.

Runs `python -m bot web` with a token against the fake Bot API (operators' side simulated as in
tests/test_hotline_e2e.py). Phone-size screenshots go to reports/screenshots/ (not committed).
Skipped, with the reason, when chromium or chromium-driver is not installed (`.ci/run` and
`make browsers` install them with apt-get).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.fake_bot_api import FakeBotApi
from content.answers import get_answer
from tests.auxil.operators import OPERATOR, OPERATORS
from tests.auxil.telegram import message, sent_to, settings_env, texts_to

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PROJECT = Path(__file__).resolve().parents[1]
SCREENSHOTS = PROJECT / "reports" / "screenshots"
PHONE = (360, 740)  # CSS pixels of a small, cheap Android phone
QUESTIONS = {
    "ky": "Россияга кирүүгө тыюу барбы, кантип текшерем?",
    "ru": "как проверить запрет на въезд в Россию",
    "en": "how do I check a Russian entry ban",
}

try:
    import selenium  # noqa: F401

    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists() and HAVE_SELENIUM),
    reason="browser tests need /usr/bin/chromium and /usr/bin/chromedriver (apt-get install "
           "chromium chromium-driver; .ci/run does it) and selenium (the dev extra)")]


def first_line(text: str) -> str:
    """Return the first line of an answer without markup."""
    return re.sub(r"<[^>]+>", "", text.strip().splitlines()[0])


def free_port() -> int:
    """Return a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, FakeBotApi]]:
    """Run `python -m bot web` with a token and operators; yield its URL and the fake API."""
    data = Path(tempfile.mkdtemp(prefix="sapar-web-"))
    port = free_port()
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        env = {**os.environ, **settings_env(api, data, OPERATOR_CHAT_ID=str(OPERATORS))}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=PROJECT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, process.stderr.read().decode(errors="replace")
                try:
                    httpx.get(url + "/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the web chat did not start"
                    time.sleep(0.2)
            yield url, api
        finally:
            process.terminate()
            _out, errors = process.communicate(timeout=30)
            shutil.rmtree(data, ignore_errors=True)
    assert b"Traceback" not in errors, errors.decode(errors="replace")[-3000:]


def make_browser(javascript: bool = True):  # -> selenium WebDriver
    """Start headless chromium at phone size with a fresh profile and no outside traffic."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="sapar-chromium-")
    for argument in ("--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     f"--user-data-dir={profile}", f"--window-size={PHONE[0]},{PHONE[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_window_size(*PHONE)
    driver.sapar_profile = profile
    return driver


@pytest.fixture
def browser() -> Iterator:
    """A fresh browser with JavaScript on."""
    driver = make_browser()
    yield driver
    driver.quit()
    shutil.rmtree(driver.sapar_profile, ignore_errors=True)


def page_text(driver) -> str:
    """The page's visible text, read inside the page in one go: an element looked up first
    can belong to the document a reload has just replaced (chromedriver then fails with
    "Node with given id does not belong to the document", which is no stale-element error)."""
    return driver.execute_script("return document.body ? document.body.innerText : ''")


def wait_text(driver, needle: str, timeout: float = 30) -> None:
    """Wait until the page shows a text (across a reload)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: needle in page_text(d))


def type_and_send(driver, text: str) -> None:
    """Type into the message box and press Send."""
    box = driver.find_element("css selector", "#say textarea")
    box.clear()
    box.send_keys(text)
    driver.find_element("css selector", "#say button").click()


def press(driver, action_prefix: str, last: bool = True) -> None:
    """Press a button whose action starts with a prefix (the newest one by default)."""
    buttons = driver.find_elements("css selector", f'button[value^="{action_prefix}"]')
    assert buttons, f"no button {action_prefix!r} on the page"
    button = buttons[-1] if last else buttons[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def shot(driver, name: str) -> None:
    """Save a phone-size screenshot for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def assert_clean_console(driver) -> None:
    """Fail on any script error or Content-Security-Policy violation the page caused."""
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]
    assert not problems, problems


def bubbles(driver) -> int:
    """Return how many messages the page shows."""
    return len(driver.find_elements("css selector", "#log .m"))


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_choose_a_language_ask_and_press_a_button(served, browser, language) -> None:
    url, _api = served
    browser.get(url + "/")
    browser.find_element("css selector", f'.langs a[lang="{language}"]').click()
    assert browser.find_element("tag name", "html").get_attribute("lang") == language
    shot(browser, f"{language}-1-welcome")
    type_and_send(browser, QUESTIONS[language])
    wait_text(browser, first_line(get_answer("entry_ban", language).short))
    assert "#end" not in browser.current_url  # answered in place, by the script
    shot(browser, f"{language}-2-answer")
    before = bubbles(browser)
    press(browser, "more:entry_ban")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: bubbles(d) > before)
    shot(browser, f"{language}-3-more")
    assert_clean_console(browser)


def test_stay_calculator(served, browser) -> None:
    url, _api = served
    browser.get(url + "/?lang=ru")
    press(browser, "flow:stay")
    wait_text(browser, "Когда вы въехали")  # it asks for the entry date
    type_and_send(browser, "10.01.2026")
    for _step in range(4):
        time.sleep(0.3)
        noes = browser.find_elements("css selector", 'button[value^="stay:"][value$=":no"]')
        if "2026 году" in browser.find_element("tag name", "body").text or not noes:
            break
        count = bubbles(browser)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", noes[-1])
        noes[-1].click()
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(browser, 30).until(lambda d, n=count: bubbles(d) > n)
    wait_text(browser, "пребывание в 2026 году")
    shot(browser, "ru-4-stay")


def test_hand_off_operator_reply_arrives_live_then_hide(served, browser) -> None:
    url, api = served
    browser.get(url + "/?lang=ky")
    type_and_send(browser, "/human")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements("css selector", 'button[value="handoff:anon"]'))
    press(browser, "handoff:anon")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements("css selector", ".note b"))
    shot(browser, "ky-4-resume-code")
    card = api.wait_for(lambda c: any(x.method == "createForumTopic" for x in c)
                        and sent_to(c, OPERATORS), timeout=30)
    thread = int(sent_to(card, OPERATORS)[-1].params["message_thread_id"])
    type_and_send(browser, "Салам, паспортумду беришпей жатат")
    api.wait_for(lambda c: any("паспортумду" in t for t in texts_to(c, OPERATORS)), timeout=30)
    for text in ("/claim", "Салам! Сиз азыр кайсы шаардасыз?"):
        api.push_update({"message": message(OPERATORS, text, user=OPERATOR,
                                            chat_type="supergroup", thread_id=thread)})
    wait_text(browser, "Сиз азыр кайсы шаардасыз?", timeout=40)  # no reload: long polling
    assert "Nurgul" not in browser.page_source
    assert browser.page_source.count("паспортумду беришпей") == 1  # shown once, not per update
    shot(browser, "ky-5-operator-reply")
    browser.find_element("css selector", ".hide button").click()
    # the page comes back fresh: the greeting again, the operator's reply gone
    WebDriverWait(browser, 30).until(lambda d: "Салам! Мен Сапармын" in page_text(d)
                                     and "кайсы шаардасыз" not in page_text(d))
    assert "кайсы шаардасыз" not in page_text(browser)
    assert_clean_console(browser)
    shot(browser, "ky-6-after-hide")


def test_without_javascript_the_forms_still_work(served) -> None:
    url, _api = served
    driver = make_browser(javascript=False)
    try:
        driver.get(url + "/?lang=en")
        type_and_send(driver, QUESTIONS["en"])
        wait_text(driver, first_line(get_answer("entry_ban", "en").short))
        assert driver.current_url.endswith("/#end")  # a plain post and redirect
        shot(driver, "en-7-no-javascript")
    finally:
        driver.quit()
        shutil.rmtree(driver.sapar_profile, ignore_errors=True)


NETWORKS = {  # name: (latency each way in ms, download and upload in bytes/s)
    "bad 3G": (400, 50 * 1024, 25 * 1024),
    "2G": (800, 12 * 1024, 6 * 1024),
}


@pytest.mark.parametrize("network", list(NETWORKS))
def test_throttled_connection_figures(served, browser, network) -> None:
    """Print the time to the page and to the first answer on a slow link (no assertion on
    time: a figure for the README)."""
    url, _api = served
    latency, down, up = NETWORKS[network]
    browser.set_network_conditions(offline=False, latency=latency, download_throughput=down,
                                   upload_throughput=up)
    started = time.monotonic()
    browser.get(url + "/?lang=ru")
    loaded = time.monotonic() - started
    started = time.monotonic()
    type_and_send(browser, QUESTIONS["ru"])
    wait_text(browser, first_line(get_answer("entry_ban", "ru").short), timeout=90)
    answered = time.monotonic() - started
    print(f"\n{network} ({latency} ms latency, {down // 1024} KB/s down, {up // 1024} KB/s up): "
          f"page {loaded:.2f} s, first answer {answered:.2f} s after Send")
