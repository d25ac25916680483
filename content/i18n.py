"""Interface texts through gettext catalogs compiled from content/<lang>/LC_MESSAGES/sapar.po."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache

from content import CONTENT_DIR

DOMAIN = "sapar"


class CatalogMissingError(RuntimeError):
    """A compiled catalog (.mo) is absent: the set-up step compiles them."""


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Return the compiled catalog of one language."""
    try:
        return gettext.translation(DOMAIN, localedir=CONTENT_DIR, languages=[language])
    except FileNotFoundError:
        raise CatalogMissingError(
            f"no compiled catalog for {language!r} in {CONTENT_DIR}; "
            "run `make setup` (or `python -m content compile`)") from None


def gettext_for(language: str) -> Callable[[str], str]:
    """Return `_` for one language."""
    return translations(language).gettext


def ngettext_for(language: str) -> Callable[[str, str, int], str]:
    """Return `ngettext` for one language."""
    return translations(language).ngettext


def mark(message: str) -> str:
    """Mark a string for extraction without translating it (translated later with `_`)."""
    return message
