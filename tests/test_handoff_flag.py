"""The hand-off flag has one store, the hotline's cases: a person's turn reads it from there.

A stale flag saved with the conversation (a crash, an older version, an operator's close that
never touched the bot's tables) must neither keep relaying a person whose case is closed nor
hide an open case from the turn.
"""

from __future__ import annotations

from bot.runtime import build_runtime
from bot.settings import Settings
from hotline.cases import CaseStore
from nlu.types import Parser

CHAT = 5550001


def _open_case(cases: CaseStore, user_key: str) -> str:
    return cases.create(user_key=user_key, chat_enc=None, priority="normal", language="ru",
                        topic="talk_to_human", region=None, consent="anon", summary=None,
                        desk_chat_id=-100123).case_code


def test_an_open_case_is_seen_even_when_the_saved_state_says_none(settings: Settings,
                                                                   parser: Parser) -> None:
    runtime = build_runtime(settings, parser)
    service = runtime.service
    user_key = service.load(CHAT).user_key
    service.users.touch(user_key, "ru")
    service.users.save_turn(user_key, "ru", {"handoff": None})
    cases = CaseStore(runtime.db)
    code = _open_case(cases, user_key)
    assert service.load(CHAT).state.handoff == "waiting"
    assert cases.claim(code, "op1")
    assert service.load(CHAT).state.handoff == "active"


def test_a_closed_case_ends_the_hand_off_whatever_the_saved_state_says(settings: Settings,
                                                                       parser: Parser) -> None:
    runtime = build_runtime(settings, parser)
    service = runtime.service
    user_key = service.load(CHAT).user_key
    service.users.touch(user_key, "ru")
    service.users.save_turn(user_key, "ru", {"handoff": "active"})  # left by a crash
    assert service.load(CHAT).state.handoff is None
    cases = CaseStore(runtime.db)
    code = _open_case(cases, user_key)
    assert cases.close(code, "operator", None)
    assert service.load(CHAT).state.handoff is None
    assert service.on_connection(runtime.db).load(CHAT).state.handoff is None
