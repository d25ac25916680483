"""The help directory: hotlines, emergency numbers, embassies and NGOs (content/directory.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape
from urllib.parse import urlsplit

from content import CONTENT_DIR
from sapar_core.yamlfile import safe_load

REGIONS = ("bishkek", "osh", "chui", "batken", "jalal_abad", "issyk_kul", "naryn", "talas")
SERVICES = ("shelter_women", "shelter_men", "shelter_children", "legal_aid", "psychological",
            "return_home")


@dataclass(frozen=True)
class Contact:
    """One organisation or line in the directory."""

    key: str
    kind: str
    country: str
    regions: tuple[str, ...]
    services: tuple[str, ...]
    name: dict[str, str]
    phones: tuple[str, ...]
    short_numbers: tuple[str, ...]
    links: tuple[str, ...]
    messengers: tuple[str, ...]
    hours: dict[str, str] | None
    note: dict[str, str] | None
    operator_chat_id: int | None

    def serves(self, region: str | None) -> bool:
        """Return True when the contact serves a Kyrgyz region (empty regions = everywhere)."""
        return not self.regions or region is None or region in self.regions

    def render(self, language: str) -> str:
        """Return the contact as Telegram HTML: name, numbers, links, hours, note."""
        lines = [f"<b>{escape(self.name[language])}</b>"]
        numbers = [*self.short_numbers, *self.phones]
        if numbers:
            lines.append(" · ".join(escape(n) for n in numbers))
        for link in (*self.links, *self.messengers):
            lines.append(f'<a href="{escape(link)}">{escape(link_text(link))}</a>'
                         if link.startswith("https://") else escape(link))
        if self.hours:
            lines.append(f"<i>{escape(self.hours[language])}</i>")
        if self.note:
            lines.append(f"<i>{escape(self.note[language])}</i>")
        return "\n".join(lines)


def link_text(url: str) -> str:
    """Return a short text for a link: its site name (a long address is unreadable)."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def help_in_country(country: str) -> list[Contact]:
    """Return a country's help lines and Kyrgyz missions there, each once, emergency lines
    left out (the urgent flow gives those)."""
    return [c for c in find(country=country) if c.kind != "emergency"]


def _contact(raw: dict) -> Contact:
    def strings(name: str) -> tuple[str, ...]:
        return tuple(str(v) for v in raw.get(name) or ())

    chat = raw.get("operator_chat_id")
    return Contact(
        key=str(raw["key"]), kind=str(raw["kind"]), country=str(raw.get("country") or ""),
        regions=strings("regions"), services=strings("services"), name=dict(raw["name"]),
        phones=strings("phones"), short_numbers=strings("short_numbers"),
        links=strings("links"), messengers=strings("messengers"),
        hours=dict(raw["hours"]) if raw.get("hours") else None,
        note=dict(raw["note"]) if raw.get("note") else None,
        operator_chat_id=int(chat) if chat else None,
    )


@cache
def load_directory() -> tuple[Contact, ...]:
    """Return every directory entry."""
    data = safe_load((CONTENT_DIR / "directory.yml").read_text(encoding="utf-8"))
    return tuple(_contact(raw) for raw in data["entries"])


def find(kind: str | None = None, country: str | None = None, region: str | None = None,
         service: str | None = None) -> list[Contact]:
    """Return the contacts that match every given filter."""
    return [
        c for c in load_directory()
        if (kind is None or c.kind == kind)
        and (country is None or c.country == country)
        and (region is None or c.serves(region))
        and (service is None or service in c.services)
    ]
