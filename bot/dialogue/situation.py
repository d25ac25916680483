"""Keep the person's situation across turns: where they are, for whom they ask, contract.

Read from the parser's entities (country, city) and from cue phrases (bot.dialogue.cues), and
forgotten after `ttl_days` without a message: a location is sensitive and is kept only while
the conversation lives.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.dialogue import cues
from bot.dialogue.model import ConversationState, Situation
from nlu.types import Parse

DEFAULT_TTL_DAYS = 7
SHORT_PLACE_WORDS = 8


def refresh(state: ConversationState, today: date, ttl_days: int = DEFAULT_TTL_DAYS) -> None:
    """Forget a situation last seen more than `ttl_days` ago."""
    seen = state.situation.seen
    if seen and date.fromisoformat(seen) < today - timedelta(days=ttl_days):
        state.situation = Situation()


def mark_seen(state: ConversationState, today: date) -> None:
    """Date a situation that holds anything, so that it expires after the conversation."""
    kept = state.situation
    kept.seen = None
    if kept != Situation():
        kept.seen = today.isoformat()


# Messages about these say where things happen to the person now ("they took my passport in
# Kazan"); other mentions of a country may be a destination ("can I go to Korea?").
WHERE_IT_HAPPENS = frozenset({"urgent_danger", "passport_taken", "unpaid_wages"})


def is_where_they_are(parse: Parse, text: str) -> bool:
    """Return True when the places a message names are where the person (or their relative)
    is now, not where they want to go or ask about."""
    place_words = " ".join(e.text for e in parse.entities if e.entity in PLACE_ENTITIES)
    return (says_only_where(parse, text) or parse.intent in WHERE_IT_HAPPENS
            or cues.says_present_place(text, place_words))


def observe(state: ConversationState, parse: Parse, text: str) -> None:
    """Update the situation from one message."""
    situation = state.situation
    cities = parse.entity_values("city")
    countries = parse.entity_values("country")
    if countries and is_where_they_are(parse, text):
        situation.country = str(countries[-1])
        situation.city = str(cities[-1]) if cities else None
    elif (parse.entity_values("region") and not countries
          and cues.word_count(text) <= SHORT_PLACE_WORDS and is_where_they_are(parse, text)):
        situation.country, situation.city = "KG", None  # "мен Бишкектемин": at home
    relative = cues.relative_in(text)
    if relative:
        situation.relative = relative
        state.family_mode = True
    contract = cues.contract_status(text)
    if contract:
        situation.contract = contract


def mentions_place(parse: Parse) -> bool:
    """Return True when a message names a country or city."""
    return bool(parse.entity_values("country") or parse.entity_values("city")
                or parse.entity_values("region"))


PLACE_ENTITIES = ("country", "city", "region")


def says_only_where(parse: Parse, text: str) -> bool:
    """Return True for a short message that just tells where someone is ("я в Подольске",
    "мен Казандамын", "Стамбулда"), not one that tells what happened there."""
    others = [e for e in parse.entities if e.entity not in PLACE_ENTITIES]
    place_words = " ".join(e.text for e in parse.entities if e.entity in PLACE_ENTITIES)
    return (mentions_place(parse) and not others and cues.word_count(text) <= SHORT_PLACE_WORDS
            and cues.sounds_like_location(text, place_words))
