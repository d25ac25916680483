"""Who to call when no operator can answer: by the person's country, the emergency number first.

Only numbers from content/directory.yml (checked against the sources it cites) are given.
"""

from __future__ import annotations

from content.directory import Contact, find, load_directory
from content.i18n import gettext_for

HOME_LINES = ("kg_mfa_consular", "kg_mlssm_lines")  # Kyrgyz lines that help from abroad too
MAX_CONTACTS = 6


def fallback_list(country: str | None, region: str | None = None) -> list[Contact]:
    """Return the contacts to give, in order: the country's emergency lines, its help lines,
    the Kyrgyz missions there, the Kyrgyz lines for citizens abroad, the region's NGOs."""
    picked: list[Contact] = []
    if country:
        picked += find(kind="emergency", country=country)[:2]
        picked += find(kind="hotline", country=country)[:2]
        picked += [c for c in find(country=country) if c.kind in ("embassy", "consulate")][:2]
    else:
        picked += find(kind="embassy")[:1]
    picked += [c for c in load_directory() if c.key in HOME_LINES]
    if region:
        picked += [c for c in find(country="KG", region=region) if c.kind == "ngo" and c.regions]
    unique = list({c.key: c for c in picked}.values())  # each once, first place kept
    return unique[:MAX_CONTACTS]


def fallback_text(language: str, country: str | None, region: str | None = None) -> str:
    """Return the fall-back contacts as Telegram HTML in the person's language."""
    _ = gettext_for(language)
    head = _("You can call or write to these lines:")
    if not country:
        head = _("If you are in danger now, call the emergency number of the country you are "
                 "in.") + "\n\n" + head
    body = "\n\n".join(c.render(language) for c in fallback_list(country, region))
    return head + "\n\n" + body
