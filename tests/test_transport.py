"""The Bot API client (bot/telegram/transport.py) against the fake Bot API over HTTP: what is
sent arrives whole, and every failure on the way is a TimedOut or NetworkError that
python-telegram-bot's callers already handle, never one that carries the bot's token."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from bench.fake_bot_api import FakeBotApi
from bot.telegram.poison import ScreeningApplicationBuilder
from bot.telegram.transport import AiohttpRequest

TOKEN = "123456:TRANSPORT-secret"
CHAT = 4242


def _bot(base_url: str, **timeouts: float) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(**timeouts),
               get_updates_request=AiohttpRequest(connection_pool_size=1))


@pytest.fixture
async def api_and_bot() -> AsyncIterator[tuple[FakeBotApi, Bot]]:
    with FakeBotApi() as api:
        bot = _bot(api.base_url, read_timeout=2.0)
        async with bot:
            yield api, bot


async def test_a_kyrgyz_message_with_buttons_arrives_as_sent(api_and_bot: tuple[FakeBotApi, Bot]
                                                             ) -> None:
    api, bot = api_and_bot
    text = "Кыргызстандын элчилиги кайда? Ң, Ө, Ү & 100% = ?"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ооба ✅", callback_data="yes:1")]])
    sent = await bot.send_message(CHAT, text, reply_markup=markup)
    call = api.calls_of("sendMessage")[-1]
    assert call.params["text"] == text
    assert '"callback_data":"yes:1"' in call.params["reply_markup"].replace(" ", "")
    assert sent.message_id == call.result["message_id"]


async def test_a_file_goes_up_as_multipart_with_its_name(api_and_bot: tuple[FakeBotApi, Bot]
                                                         ) -> None:
    api, bot = api_and_bot
    content = "transcript: Кейс SAP-1\n".encode() * 200
    await bot.send_document(CHAT, content, filename="case-SAP-1.txt", caption="Кейс")
    call = api.calls_of("sendDocument")[-1]
    assert call.params["document"] == {"filename": "case-SAP-1.txt", "content": content}
    assert call.params["caption"] == "Кейс"


async def test_a_refusal_of_the_api_is_its_own_error(api_and_bot: tuple[FakeBotApi, Bot]
                                                     ) -> None:
    api, bot = api_and_bot
    api.fail("sendMessage", "400")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(CHAT, "hello")


async def test_an_answer_later_than_the_read_timeout_is_timed_out() -> None:
    with FakeBotApi() as api:
        api.fail("sendMessage", "slow:2")
        async with _bot(api.base_url, read_timeout=0.3) as bot:
            with pytest.raises(TimedOut):
                await bot.send_message(CHAT, "hello")
            assert (await bot.send_message(CHAT, "again")).text == "again"  # the pool lives on


async def test_no_server_is_a_network_error_without_the_token() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage")
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut)
    assert TOKEN not in str(raised.value) and "TRANSPORT-secret" not in str(raised.value)


async def test_a_request_before_initialize_is_refused_clearly() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/botX/getMe", "POST")


def test_the_application_builder_uses_it_with_the_configured_timeouts() -> None:
    application = (ScreeningApplicationBuilder().token(TOKEN).connect_timeout(7)
                   .read_timeout(11).pool_timeout(3).get_updates_read_timeout(40)
                   .updater(None).build())
    request, polling = application.bot._request[1], application.bot._request[0]
    assert isinstance(request, AiohttpRequest) and isinstance(polling, AiohttpRequest)
    assert request.read_timeout == 11 and polling.read_timeout == 40


UNREACHABLE_API = "http://api.telegram.invalid/bot"  # .invalid never resolves


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
async def test_the_proxy_of_the_environment_carries_the_requests(
        monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FakeBotApi() as proxy:  # as a forward proxy it sees the full URL and answers it
        monkeypatch.setenv(variable, proxy.base_url.split("/bot")[0])
        async with _bot(UNREACHABLE_API) as bot:
            await bot.send_message(CHAT, "through the proxy")
            await bot.send_message(CHAT, "and again")
        assert [c.params["text"] for c in proxy.calls_of("sendMessage")] == [
            "through the proxy", "and again"]


async def test_no_proxy_sends_that_host_past_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeBotApi() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url.split("/bot")[0])
        monkeypatch.setenv("NO_PROXY", "api.telegram.invalid")
        request = AiohttpRequest(connect_timeout=2.0)
        await request.initialize()
        try:
            with pytest.raises(NetworkError) as raised:
                await Bot(TOKEN, base_url=UNREACHABLE_API, request=request).get_me()
        finally:
            await request.shutdown()
        assert not proxy.calls_of("getMe")
        assert TOKEN not in str(raised.value)
