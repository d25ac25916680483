"""Extract, update and compile the interface catalogs with Babel."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from content import CONTENT_DIR
from content.i18n import DOMAIN, translations
from nlu.intents import LANGUAGES

PROJECT_DIR = CONTENT_DIR.parent
SOURCE_DIRS = ("bot", "hotline", "content")
KEYWORDS = {"_": None, "mark": None, "ngettext": (1, 2), "N_": (1, 2)}


def po_path(language: str) -> Path:
    """Return the editable catalog of one language."""
    return CONTENT_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    """Return the compiled catalog of one language."""
    return po_path(language).with_suffix(".mo")


def read_catalog(language: str) -> Catalog:
    """Read one language's .po file."""
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def extract_template() -> Catalog:
    """Collect every marked interface string from the source tree."""
    template = Catalog(project="sapar", domain=DOMAIN)
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, _context in extract_from_dir(
            PROJECT_DIR / directory, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            template.add(message, locations=[(f"{directory}/{filename}", lineno)],
                         auto_comments=comments)
    return template


def update_catalogs() -> dict[str, int]:
    """Merge the extracted template into each .po; return how many entries each still lacks."""
    template = extract_template()
    missing: dict[str, int] = {}
    for language in LANGUAGES:
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            catalog = read_catalog(language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="sapar")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == "en":
            for message in catalog:
                if message.id and not _translated(message.string):
                    message.string = message.id
        with path.open("wb") as handle:
            write_po(handle, catalog, width=99, omit_header=False, sort_output=True)
        missing[language] = sum(1 for m in catalog if m.id and not _translated(m.string))
    return missing


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def compile_catalogs() -> list[Path]:
    """Compile every .po to .mo (the set-up step does this; .mo files are never committed)."""
    written = []
    for language in LANGUAGES:
        catalog = read_catalog(language)
        with mo_path(language).open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo_path(language))
    translations.cache_clear()
    return written


def catalogs_are_stale() -> bool:
    """Return True when any .mo is missing or older than its .po."""
    return any(
        not mo_path(lang).exists() or mo_path(lang).stat().st_mtime < po_path(lang).stat().st_mtime
        for lang in LANGUAGES
    )
