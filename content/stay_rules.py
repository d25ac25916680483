"""The rule table behind the stay calculator (content/stay_rules.yml), with its sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from content import CONTENT_DIR
from content.answers import Source, newest_year, source_name
from sapar_core.yamlfile import safe_load


@dataclass(frozen=True)
class StayRules:
    """Russia's stay limits for Kyrgyz citizens and what an overstay can bring."""

    limit_days: int
    rule_since: date
    contract_gap_days: int
    overstay_bans: tuple[tuple[int, int], ...]  # (more than N days, years of ban), longest first
    sources: tuple[Source, ...]
    last_verified: date

    @property
    def newest_source_year(self) -> int | None:
        """Return the year of the newest dated source."""
        return newest_year(self.sources)

    def ban_years(self, overstay_days: int) -> int | None:
        """Return the entry-ban length an overstay of this many days can bring, or None."""
        for more_than, years in self.overstay_bans:
            if overstay_days > more_than:
                return years
        return None


@cache
def stay_rules(language: str = "en") -> StayRules:
    """Load the stay rule table, its source titles in a language."""
    raw = safe_load((CONTENT_DIR / "stay_rules.yml").read_text(encoding="utf-8"))
    bans = sorted(((int(row["more_than"]), int(row["years"])) for row in raw["overstay_bans"]),
                  reverse=True)
    return StayRules(
        limit_days=int(raw["limit_days"]), rule_since=raw["rule_since"],
        contract_gap_days=int(raw["contract_gap_days"]), overstay_bans=tuple(bans),
        sources=tuple(Source(source_name(s["name"], language), s.get("year", "n.d."),
                             s.get("url")) for s in raw["sources"]),
        last_verified=raw["last_verified"],
    )
