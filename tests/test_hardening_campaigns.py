"""Campaign tags only from an allow-list; /forget removes what could be tied to the person."""

from __future__ import annotations

from pathlib import Path

from bench.fake_bot_api import FakeBotApi
from bot.pseudonym import Pseudonymizer
from bot.quarantine import Quarantine
from bot.storage import open_database
from bot.users import UserStore
from tests.auxil.telegram import TEST_SECRET_KEY, running_bot, sent_to, text_update, wait_for


async def test_only_allow_listed_tags_are_stored(tmp_path: Path, parser) -> None:
    payloads = {9500: "osh_poster", 9501: "5550001", 9502: "aibek_t", 9503: "996555123456",
                9504: "bishkek_radio"}
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser,
                               SAPAR_CAMPAIGN_TAGS="osh_poster,bishkek_radio") as (_a, runtime):
            for chat, payload in payloads.items():
                api.push_update(text_update(chat, f"/start {payload}"))
            await wait_for(api, lambda c: all(len(sent_to(c, chat)) >= 2 for chat in payloads))
            counts = {r["tag"]: r["count"] for r in runtime.db["campaign_counts"].rows}
    assert counts == {"osh_poster": 1, "bishkek_radio": 1, "other": 3}


def test_tags_stored_before_the_allow_list_are_folded_into_other(tmp_path: Path) -> None:
    db = open_database(tmp_path / "sapar.db")
    users = UserStore(db)
    for tag in ("osh_poster", "5550001", "aibek_t", "996555123456"):
        users.count_campaign(tag)
    assert users.fold_campaigns(frozenset({"osh_poster"})) == 3
    assert {r["tag"]: r["count"] for r in db["campaign_counts"].rows} == {
        "osh_poster": 1, "other": 3}
    db.close()


def test_forget_deletes_the_persons_quarantined_updates(tmp_path: Path) -> None:
    db = open_database(tmp_path / "sapar.db")
    key = TEST_SECRET_KEY.encode()
    quarantine = Quarantine(db, key)
    mine = {"update_id": 1, "message": {"chat": {"id": 9510, "type": "private"}, "poll": {}}}
    theirs = {"update_id": 2, "callback_query": {"from": {"id": 9511}, "data": "x"}}
    quarantine.put(1, mine, TypeError())
    quarantine.put(2, theirs, TypeError())
    UserStore(db).forget(Pseudonymizer(key).user_key(9510))
    assert [row["update_id"] for row in quarantine.read()] == [2]
    db.close()
