"""A sample of the whole conversations through the real Telegram Application and the fake Bot
API: what the person sees in Telegram meets the same expectations as through the core.

The bot answers with today's date, so the sample leaves out conversations that depend on the
date (the stay calculator's); those are played through the core in test_conversations.py.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bench.fake_bot_api import FakeBotApi
from bot.conversations import Conversation, check_outcome, find_button
from bot.dialogue import ConversationState, Dialogue, Incoming, Outcome, Reply
from bot.dialogue.model import Button
from content.markup import strip_markup
from nlu.parser import CLARIFY_BELOW
from nlu.types import Parser
from tests.auxil.telegram import button_update, running_bot, sent_to, text_update, wait_for
from tests.test_conversations import CONVERSATIONS

DATED_KINDS = ("stay", "contract_end")
PER_LANGUAGE = 3


def undated(conversation: Conversation) -> bool:
    """Return True when no turn's expectations depend on the calendar."""
    wanted = " ".join(str(turn.expect.get("kind", "")) for turn in conversation.turns)
    return not any(kind in wanted for kind in DATED_KINDS) and not any(
        any(ch.isdigit() for ch in (turn.user or "")) for turn in conversation.turns)


def sample() -> list[Conversation]:
    """Return the first few undated conversations of each language."""
    chosen: list[Conversation] = []
    for language in ("ky", "ru", "en"):
        fit = [c for c in CONVERSATIONS
               if c.language == language and undated(c) and not c.known_gap]
        chosen += fit[:PER_LANGUAGE]
    return chosen


def as_replies(calls: list) -> list[Reply]:
    """Turn the messages Telegram received back into replies (text and buttons)."""
    replies = []
    for call in calls:
        markup = call.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = tuple(tuple(Button(b["text"], b.get("callback_data", "")) for b in row)
                     for row in markup.get("inline_keyboard", []))
        replies.append(Reply(text=call.params.get("text", ""), buttons=rows))
    return replies


SAMPLE = sample()


@pytest.mark.skipif(not SAMPLE, reason="no conversation files yet")
async def test_a_sample_of_conversations_through_telegram(tmp_path: Path, parser: Parser
                                                          ) -> None:
    with FakeBotApi() as api:
        async with running_bot(api, tmp_path, parser):
            for number, conversation in enumerate(SAMPLE):
                await play_over_telegram(api, 9100 + number, conversation, parser)


async def play_over_telegram(api: FakeBotApi, chat: int, conversation: Conversation, parser: Parser
                             ) -> None:
    """Play a conversation in Telegram, mirrored by the core to know how many replies come."""
    mirror = Dialogue(parser, clarify_below=CLARIFY_BELOW, today=date.today)
    state = ConversationState(language=conversation.language)
    seen: list[Reply] = []
    turns = []
    if conversation.chosen_language:
        turns.append(("command", f"/start {conversation.chosen_language}", {}))
    turns += [("press", t.press, t.expect) if t.press is not None else
              ("command", t.command, t.expect) if t.command is not None else
              ("user", t.user or "", t.expect) for t in conversation.turns]
    for kind, value, expect in turns:
        if kind == "press":
            action = find_button(seen, value)
            assert action, f"{conversation.name}: no button {value!r} in Telegram"
            update, incoming = button_update(chat, action), Incoming(action=action)
        else:
            update, incoming = text_update(chat, value), Incoming.from_text(value)
        expected = mirror.handle(state, incoming)
        before = len(sent_to(api.calls, chat))
        api.push_update(update)
        last = strip_markup(expected.replies[-1].text)[:40] if expected.replies else ""
        calls = await wait_for(api, lambda c, b=before, t=last: any(
            t in strip_markup(x.params.get("text", "")) for x in sent_to(c, chat)[b:]))
        seen = as_replies(sent_to(calls, chat)[before:])
        # kinds are the core's to tell; what the person reads is Telegram's
        kinds = {key: expect[key] for key in ("kind", "not_kind") if key in expect}
        phrases = {key: item for key, item in expect.items() if key not in kinds}
        problems = check_outcome(expected, kinds) + check_outcome(Outcome(replies=seen), phrases)
        assert not problems, f"{conversation.name}: {value!r}: {problems}"
