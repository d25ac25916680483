"""Names of the places people say they are in, in the reply language."""

from __future__ import annotations

from functools import cache

from babel import Locale

from bot.dialogue.model import Situation
from nlu.gazetteer import city_name


@cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(code: str, language: str) -> str:
    """Return a country's name ("Түштүк Корея", "Республика Корея", "South Korea")."""
    return _territories(language).get(code, code)




def place_label(situation: Situation, language: str) -> str | None:
    """Return "Kazan, Russia", "Russia" or None for where the person is."""
    if not situation.country:
        return None
    country = country_name(situation.country, language)
    if situation.city:
        return f"{city_name(situation.city, language)}, {country}"
    return country
