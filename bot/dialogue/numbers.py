"""A country's emergency and help numbers, and the countries the pickers offer.

Its own module because the danger block, the answers (a topic not written for the person's
country) and "find help" all give them, and none of those should import another for it.
"""

from __future__ import annotations

from bot.dialogue.context import Turn
from bot.dialogue.places import country_name
from content.directory import find

COUNTRIES = ("RU", "KG", "KZ", "TR", "GB", "KR")
MFA_KEY = "kg_mfa_consular"


def country_names(turn: Turn) -> dict[str, str]:
    """Return the country names offered in the picker, in the reply language."""
    return {code: country_name(code, turn.language) for code in COUNTRIES}


def numbers_for(turn: Turn, country: str) -> str:
    """Return the emergency and help lines of one country as Telegram HTML; for a country
    without checked numbers, say so and give the Kyrgyz MFA's consular line."""
    contacts = find(kind="emergency", country=country) + find(kind="hotline", country=country)
    if not contacts:
        mfa = [c for c in find(country="KG") if c.key == MFA_KEY]
        note = turn._("I have no checked emergency numbers for {country}. Call the local "
                      "emergency number, and the Kyrgyz Foreign Ministry's consular line:"
                      ).format(country=country_name(country, turn.language))
        return "\n\n".join([note, *(c.render(turn.language) for c in mfa)])
    return "\n\n".join(contact.render(turn.language) for contact in contacts)
