"""A hand-off from the web chat: the case opens in the operators' forum topic as from Telegram,
operator replies come back to the page, and a one-time code brings the person back."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from bot.web.app import build_web_app
from tests.auxil.operators import OPERATOR, OPERATORS
from tests.auxil.telegram import message, running_bot, sent_to, texts_to, wait_for
from tests.auxil.web import WebPerson

ADDRESS = "203.0.113.77"
RESUME = re.compile(r"<b>([A-Z0-9]{5}-[A-Z0-9]{5})</b>")


def operator_says(api: FakeBotApi, thread: int, text: str) -> None:
    """Push an operator's message in the case topic."""
    api.push_update({"message": message(OPERATORS, text, user=OPERATOR, chat_type="supergroup",
                                        thread_id=thread)})


async def poll_until(person: WebPerson, after: int, needle: str, timeout: float = 20) -> dict:
    """Long-poll as the page's script does until a fragment holds `needle`."""
    deadline = asyncio.get_running_loop().time() + timeout
    seen = ""
    while asyncio.get_running_loop().time() < deadline:
        response = await person.client.get(f"/poll?after={after}",
                                           headers={"accept": "application/json"}, timeout=40)
        news = response.json()
        seen += news.get("html", "")
        after = news.get("last", after)
        if needle in seen:
            return {"html": seen, "last": after}
    raise AssertionError(f"{needle!r} never reached the page; got {seen[-500:]!r}")


async def test_web_hand_off_reaches_the_operators_and_their_replies_reach_the_page(
        tmp_path: Path, parser) -> None:
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)) as (
                application, runtime):
            app = build_web_app(runtime, desk=application.bot_data["desk"])
            async with WebPerson(app, address=ADDRESS) as person:
                await person.open("/?lang=ru")
                await person.say("/human")
                await person.press("handoff:anon")
                assert "оператор" in person.text().lower()
                code = RESUME.search(person.page)
                assert code, "the page shows a resume code when the case opens"
                case_code = re.search(r"\b([A-Z0-9]{2}-[A-Z0-9]{4})\b", person.text())
                assert case_code
                calls = await wait_for(api, lambda c: any(
                    x.method == "createForumTopic" for x in c) and sent_to(c, OPERATORS))
                topic = next(c for c in calls if c.method == "createForumTopic")
                assert "ru" in topic.params["name"]
                card = sent_to(calls, OPERATORS)[0]
                assert "hl:claim:" in str(card.params["reply_markup"])
                thread = int(topic.params.get("message_thread_id") or 50)

                await person.say("меня уволили, паспорт у них <b>")
                await wait_for(api, lambda c: any("паспорт у них &lt;b&gt;" in t
                                                  for t in texts_to(c, OPERATORS)))
                last = int(re.search(r'data-last="(\d+)"', person.page).group(1))

                operator_says(api, thread, "/claim")
                operator_says(api, thread, "Где вы сейчас? <script>x</script>")
                news = await poll_until(person, last, "Где вы сейчас?")
                assert "&lt;script&gt;" in news["html"] and "<script>" not in news["html"]
                assert "Nurgul" not in news["html"]
                await person.open("/")  # with JavaScript off: the reply is there on reload
                assert "Где вы сейчас?" in person.text()
                assert case_code.group(1) in person.text()  # the hand-off bar
                await person.post("/hide")
                assert "Где вы сейчас?" not in person.text()
                assert runtime.db["web_messages"].count == 0

            blob = json.dumps([c.params for c in api.calls], ensure_ascii=False, default=str)
            assert ADDRESS not in blob

            # the person comes back elsewhere with the one-time code
            async with WebPerson(app, address="192.0.2.9") as elsewhere:
                await elsewhere.open("/")
                await elsewhere.post("/resume", code=code.group(1).lower().replace("-", " "))
                assert case_code.group(1) in elsewhere.text()  # the case is still open
                fresh = RESUME.search(elsewhere.page)
                assert fresh and fresh.group(1) != code.group(1)
                await elsewhere.say("я в Москве")
                await wait_for(api, lambda c: any("я в Москве" in t
                                                  for t in texts_to(c, OPERATORS)))
                operator_says(api, thread, "/close resolved")
                last = int(re.search(r'data-last="(\d+)"', elsewhere.page).group(1))
                await poll_until(elsewhere, last, "/human")

            async with WebPerson(app) as stranger:
                await stranger.open("/")
                await stranger.post("/resume", code=code.group(1))
                assert "not valid" in stranger.text() or "жараксыз" in stranger.text()


async def test_operator_files_become_a_note_and_forget_closes_the_topic(tmp_path: Path,
                                                                         parser) -> None:
    with FakeBotApi() as api:
        api.members[OPERATOR["id"]] = "member"
        async with running_bot(api, tmp_path, parser, OPERATOR_CHAT_ID=str(OPERATORS)) as (
                application, runtime):
            app = build_web_app(runtime, desk=application.bot_data["desk"])
            async with WebPerson(app) as person:
                await person.open("/?lang=en")
                await person.say("/human")
                await person.press("handoff:anon")
                calls = await wait_for(api, lambda c: sent_to(c, OPERATORS))
                card = sent_to(calls, OPERATORS)[0]
                assert "Channel: web" in card.params["text"]
                thread = int(card.params["message_thread_id"])
                last = int(re.search(r'data-last="(\d+)"', person.page).group(1))
                api.push_update({"message": message(
                    OPERATORS, None, user=OPERATOR, chat_type="supergroup", thread_id=thread,
                    photo=[{"file_id": "ph1", "file_unique_id": "u1", "width": 9,
                            "height": 9}], caption="the leaflet")})
                news = await poll_until(person, last, "Files cannot be shown")
                assert "the leaflet" in news["html"]
                api.push_update({"message": message(
                    OPERATORS, None, user=OPERATOR, chat_type="supergroup", thread_id=thread,
                    voice={"file_id": "v1", "file_unique_id": "v1u", "duration": 5})})
                await wait_for(api, lambda c: any("from the web chat" in t
                                                  for t in texts_to(c, OPERATORS)))

                await person.say("/forget")
                await person.press("forget:yes")
                assert "deleted" in person.text()
                await wait_for(api, lambda c: any(x.method == "deleteForumTopic" for x in c)
                               and any("deleted their data" in t
                                       for t in texts_to(c, OPERATORS)))
                assert runtime.db["cases"].count == 0
                assert runtime.db["web_messages"].count == 0
                assert runtime.db["users"].count == 0
