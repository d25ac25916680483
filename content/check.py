"""Validate every answer, the directory and the interface catalogs; name file and key."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from content import CONTENT_DIR
from content.answers import COUNTRIES, ContentError, answers_path, read_answers_file
from content.markup import insecure_urls, markup_problems, placeholders
from content.numbers import digit_groups, phone_numbers
from nlu.intents import INTENTS, LANGUAGES
from sapar_core.yamlfile import safe_load

SHORT_LIMIT = 600
FAMILY_LIMIT = 600
TITLE_LIMIT = 40
TEXT_FIELDS = ("title", "short", "more", "family")
LINK_TEXT_LIMIT = 40
CALLING_CODES = {"RU": "7", "KZ": "7", "KG": "996", "TR": "90", "GB": "44", "KR": "82"}
FACTS = Path(os.environ.get("SAPAR_FACTS", "/work/shared/domain/facts.md"))
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SHORT_NUMBER = re.compile(r"^\d[\d -]{0,10}\d$")  # national numbers as dialled: 112, 116 16
PLURAL_HEADERS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
          "(n%100<10 || n%100>=20) ? 1 : 2);",
    "ky": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}


@dataclass
class Report:
    """Problems found: errors fail the check, warnings do not."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, where: object, key: str, problem: str) -> None:
        """Record a failing problem."""
        self.errors.append(f"{where}: {key}: {problem}")

    def warn(self, where: object, key: str, problem: str) -> None:
        """Record a non-failing problem."""
        self.warnings.append(f"{where}: {key}: {problem}")


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (
        1 if later.day < earlier.day else 0)


def _check_age(report: Report, where: object, key: str, value: object, today: date,
               warn_months: int, error_months: int) -> None:
    try:
        verified = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        report.error(where, key, f"last_verified {value!r} is not an ISO date")
        return
    if verified > today:
        report.error(where, key, f"last_verified {verified} is in the future")
        return
    age = _months_between(verified, today)
    if age >= error_months:
        report.error(where, key, f"last_verified {verified} is {age} months old "
                                 f"(limit {error_months}): re-check the sources")
    elif age >= warn_months:
        report.warn(where, key, f"last_verified {verified} is {age} months old: re-check soon")


def _check_source_name(report: Report, where: object, key: str, index: int,
                       name: object) -> bool:
    """A source title is a plain string or a {ky, ru, en} mapping with every language."""
    if isinstance(name, dict):
        missing = [lang for lang in LANGUAGES if not str(name.get(lang) or "").strip()]
        if missing:
            report.error(where, key, f"source #{index + 1} has no {'/'.join(missing)} title")
            return False
        return True
    if not str(name or "").strip():
        report.error(where, key, f"source #{index + 1} has no name")
        return False
    return True


def _check_source_age(report: Report, where: object, key: str, sources: list, today: date,
                      source_warn_years: int) -> None:
    years = [s["year"] for s in sources
             if isinstance(s, dict) and isinstance(s.get("year"), int)]
    if not years:
        report.warn(where, key, "no source has a year: the reader cannot see how old the "
                                "facts are")
    elif today.year - max(years) >= source_warn_years:
        report.warn(where, key, f"the newest source is from {max(years)} "
                                f"({today.year - max(years)} years old): look for a newer one")


def _check_sources(report: Report, where: object, key: str, sources: object) -> None:
    if not isinstance(sources, list) or not sources:
        report.error(where, key, "has no sources")
        return
    for index, source in enumerate(sources):
        if not isinstance(source, dict) or not _check_source_name(
                report, where, key, index, source.get("name")):
            continue
        if "year" not in source:
            report.error(where, key, f"source #{index + 1} has no year")
        url = source.get("url")
        if url and not str(url).startswith("https://"):
            report.error(where, key, f"source link {url!r} is not https")


def _check_provenance(report: Report, where: object, key: str, raw: dict, today: date,
                      warn_months: int, error_months: int, source_warn_years: int = 3) -> None:
    """Check that an entry says where its facts come from and when they were checked."""
    _check_sources(report, where, key, raw.get("sources"))
    if isinstance(raw.get("sources"), list) and raw["sources"]:
        _check_source_age(report, where, key, raw["sources"], today, source_warn_years)
    if "last_verified" not in raw:
        report.error(where, key, "has no last_verified date")
    else:
        _check_age(report, where, key, raw["last_verified"], today, warn_months, error_months)


def _check_text_fields(report: Report, path: Path, key: str, raw: dict) -> None:
    limits = {"short": SHORT_LIMIT, "family": FAMILY_LIMIT, "title": TITLE_LIMIT}
    for name in TEXT_FIELDS:
        text = str(raw.get(name) or "")
        if name in limits and len(text.strip()) > limits[name]:
            report.error(path, f"{key}.{name}",
                         f"is {len(text.strip())} characters (limit {limits[name]})")
        for problem in markup_problems(text):
            report.error(path, f"{key}.{name}", problem)
        for url in insecure_urls(text):
            report.error(path, f"{key}.{name}", f"link {url!r} is not https")


def _check_one(report: Report, path: Path, key: str, raw: dict, today: date, ages: tuple,
               *, variant: bool = False) -> None:
    required = ("short",) if variant else ("title", "short")
    for name in required:
        if not str(raw.get(name) or "").strip():
            report.error(path, key, f"'{name}' is missing or empty")
    _check_provenance(report, path, key, raw, today, *ages)
    _check_text_fields(report, path, key, raw)


def _check_countries(report: Report, path: Path, key: str, raw: dict) -> None:
    countries = raw.get("countries")
    if countries is not None and (not isinstance(countries, list) or any(
            c not in COUNTRIES for c in countries)):
        report.error(path, f"{key}.countries", f"must be a list of {', '.join(COUNTRIES)}")
    variants = raw.get("variants")
    if variants is not None and not isinstance(variants, dict):
        report.error(path, f"{key}.variants", "must map a country code to a variant")


def check_answers(report: Report, today: date, warn_months: int, error_months: int,
                  root: Path = CONTENT_DIR, source_warn_years: int = 3) -> None:
    """Check answers, variants and subtopics in every language against the contract."""
    ages = (warn_months, error_months, source_warn_years)
    loaded: dict[str, dict] = {}
    for language in LANGUAGES:
        path = answers_path(language, root)
        try:
            loaded[language] = read_answers_file(path)
        except ContentError as error:
            report.error(path, "(file)", str(error).split(": ", 1)[-1])
    for language, answers in loaded.items():
        path = answers_path(language, root)
        for intent in INTENTS:
            if intent not in answers:
                report.error(path, intent, "no answer for this intent")
        for key, raw in answers.items():
            if not isinstance(raw, dict):
                report.error(path, key, "answer must be a mapping")
                continue
            if key not in INTENTS:
                parent = raw.get("parent")
                if not parent:
                    report.error(path, key, "is not an intent of shared/spec/intents.md "
                                            "and has no parent (a subtopic needs one)")
                    continue
                if parent not in answers:
                    report.error(path, f"{key}.parent", f"{parent!r} is not an answer here")
            elif raw.get("parent"):
                report.error(path, f"{key}.parent", "an intent's answer cannot be a subtopic")
            _check_one(report, path, key, raw, today, ages)
            _check_countries(report, path, key, raw)
            for code, variant in (raw.get("variants") or {}).items() if isinstance(
                    raw.get("variants"), dict) else ():
                where = f"{key}.variants.{code}"
                if code not in COUNTRIES:
                    report.error(path, where, f"unknown country (use {', '.join(COUNTRIES)})")
                if not isinstance(variant, dict):
                    report.error(path, where, "must be a mapping")
                    continue
                if "title" in variant:
                    report.error(path, where, "a variant keeps its answer's title")
                _check_one(report, path, where, variant, today, ages, variant=True)
    _check_same_keys(report, loaded, root)
    _check_placeholders_across(report, loaded, root)
    _check_numbers_across(report, loaded, root)
    _check_phones(report, loaded, root)


def _units(answers: dict) -> dict[str, dict]:
    """Return every answer and variant as 'key' / 'key.variants.CC' -> raw mapping."""
    units = {}
    for key, raw in answers.items():
        if not isinstance(raw, dict):
            continue
        units[key] = raw
        variants = raw.get("variants")
        for code, variant in (variants.items() if isinstance(variants, dict) else ()):
            if isinstance(variant, dict):
                units[f"{key}.variants.{code}"] = variant
    return units


def _check_same_keys(report: Report, loaded: dict[str, dict], root: Path) -> None:
    """Every subtopic and variant exists in all three languages."""
    all_units = {language: set(_units(answers)) for language, answers in loaded.items()}
    every = set().union(*all_units.values()) if all_units else set()
    for language, units in all_units.items():
        for missing in sorted(every - units):
            report.error(answers_path(language, root), missing,
                         "exists in another language but not in this one")


def _check_numbers_across(report: Report, loaded: dict[str, dict], root: Path) -> None:
    """A number in one language's text but not in the others' is an error, for every answer,
    variant and subtopic: the three languages of a text state the same facts."""
    if len(loaded) < len(LANGUAGES):
        return
    per_language = {language: _units(answers) for language, answers in loaded.items()}
    for unit in per_language["en"]:
        if not all(unit in units for units in per_language.values()):
            continue
        found = {language: digit_groups(" ".join(str(units[unit].get(name) or "")
                                                 for name in TEXT_FIELDS if name != "title"))
                 for language, units in per_language.items()}
        every = set().union(*found.values())
        for language, groups in found.items():
            missing = sorted(every - groups, key=lambda g: (len(g), g))
            if missing:
                report.error(answers_path(language, root), unit,
                             f"lacks the number(s) {', '.join(missing)} that another language"
                             " gives")


def _check_placeholders_across(report: Report, loaded: dict[str, dict], root: Path) -> None:
    if "en" not in loaded:
        return
    reference_units = _units(loaded["en"])
    for unit, reference in reference_units.items():
        for language, answers in loaded.items():
            other = _units(answers).get(unit)
            if language == "en" or other is None:
                continue
            for name in TEXT_FIELDS:
                expected = placeholders(str(reference.get(name) or ""))
                found = placeholders(str(other.get(name) or ""))
                if expected != found:
                    report.error(answers_path(language, root), f"{unit}.{name}",
                                 f"placeholders {sorted(found)} differ from en {sorted(expected)}")


def _directory_numbers(root: Path) -> set[str]:
    try:
        data = safe_load((root / "directory.yml").read_text(encoding="utf-8"))
    except (FileNotFoundError, yaml.YAMLError):
        return set()
    numbers = set()
    for entry in (data or {}).get("entries") or []:
        for number in entry.get("phones") or []:
            numbers.add(re.sub(r"\D", "", str(number)))
        for number in entry.get("short_numbers") or []:
            digits = re.sub(r"\D", "", str(number))
            numbers.add(digits)
            code = CALLING_CODES.get(str(entry.get("country") or ""))
            if code:  # a short number dialled from abroad: +82 1345
                numbers.add(code + digits)
    return numbers


def _check_phones(report: Report, loaded: dict[str, dict], root: Path) -> None:
    """Every phone number written in an answer is one the directory lists."""
    from content.numbers import known_number

    known = _directory_numbers(root)
    for language, answers in loaded.items():
        for unit, raw in _units(answers).items():
            for name in TEXT_FIELDS:
                for digits in phone_numbers(str(raw.get(name) or "")):
                    if not known_number(digits, known):
                        report.error(answers_path(language, root), f"{unit}.{name}",
                                     f"phone {digits} is not in directory.yml "
                                     "(add it there with its source, or remove it)")


def check_directory(report: Report, today: date, warn_months: int, error_months: int,
                    path: Path = CONTENT_DIR / "directory.yml", source_warn_years: int = 3
                    ) -> None:
    """Check the help directory: names in every language, E.164 phones, https links."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.error(path, "(file)", "file is missing")
        return
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        report.error(path, "entries", "expected a non-empty list")
        return
    seen: set[str] = set()
    for entry in entries:
        key = str(entry.get("key") or "(no key)")
        if key in seen:
            report.error(path, key, "duplicate key")
        seen.add(key)
        for field_name in ("name", "hours", "note"):
            value = entry.get(field_name)
            if value is None and field_name != "name":
                continue
            if not isinstance(value, dict):
                report.error(path, f"{key}.{field_name}", "must map ky/ru/en to text")
                continue
            for language in LANGUAGES:
                if not str(value.get(language) or "").strip():
                    report.error(path, f"{key}.{field_name}", f"missing the {language} text")
        for phone in entry.get("phones") or []:
            if not E164.match(str(phone)):
                report.error(path, key, f"phone {phone!r} is not in E.164 (+<country><number>)")
        for number in entry.get("short_numbers") or []:
            if not SHORT_NUMBER.match(str(number)):
                report.error(path, key,
                             f"short number {number!r} must be digits (spaces/dashes allowed)")
        for link in entry.get("links") or []:
            if not str(link).startswith("https://"):
                report.error(path, key, f"link {link!r} is not https")
        for link in entry.get("messengers") or []:
            if "://" in str(link) and not str(link).startswith("https://"):
                report.error(path, key, f"messenger link {link!r} is not https")
        for label in (entry.get("link_texts") or {}).values() if isinstance(
                entry.get("link_texts"), dict) else ():
            if len(str(label)) > LINK_TEXT_LIMIT:
                report.error(path, f"{key}.link_texts", f"{label!r} is longer than "
                                                        f"{LINK_TEXT_LIMIT} characters")
        _check_provenance(report, path, key, entry, today, warn_months, error_months,
                          source_warn_years)


def fact_numbers(facts: Path) -> set[str]:
    """Return every number written in the fact dossier, as digits only."""
    text = facts.read_text(encoding="utf-8")
    return {re.sub(r"\D", "", m) for m in re.findall(r"\+?\d[\d -]*\d|\d", text)}


def check_directory_against_facts(report: Report, path: Path, facts: Path) -> None:
    """Every phone and short number in the directory appears in the fact dossier."""
    from content.numbers import known_number

    known = fact_numbers(facts)
    data = safe_load(path.read_text(encoding="utf-8")) or {}
    for entry in data.get("entries") or []:
        for number in [*(entry.get("phones") or []), *(entry.get("short_numbers") or [])]:
            digits = re.sub(r"\D", "", str(number))
            if not known_number(digits, known) and not any(
                    known_number(digits[len(cc):], known) for cc in ("7", "44", "82", "90",
                                                                     "996", "77")
                    if digits.startswith(cc)):
                report.error(path, str(entry.get("key")),
                             f"number {number} is not in {facts.name}")


def check_catalogs(report: Report) -> None:
    """Check each .po: present, no empty or fuzzy entries, consistent plural header."""
    from content.catalogs import po_path, read_catalog

    for language in LANGUAGES:
        path = po_path(language)
        if not path.exists():
            report.error(path, "(file)", "catalog is missing")
            continue
        catalog = read_catalog(language)
        header = catalog.plural_forms.replace(" ", "")
        if header != PLURAL_HEADERS[language].replace(" ", ""):
            report.error(path, "Plural-Forms", f"is {catalog.plural_forms!r}, expected "
                                               f"{PLURAL_HEADERS[language]!r}")
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                report.error(path, msgid, "entry is fuzzy")
            if not all(strings):
                report.error(path, msgid, "entry is not translated")
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            expected = set().union(*(placeholders(i) for i in ids))
            for string in strings:
                if placeholders(string) != expected:
                    report.error(path, msgid, f"placeholders {sorted(placeholders(string))} "
                                              f"differ from {sorted(expected)}")
                for problem in markup_problems(string):
                    report.error(path, msgid, problem)


def run_checks(today: date | None = None, warn_months: int = 12, error_months: int = 18,
               root: Path = CONTENT_DIR, source_warn_years: int = 3,
               facts: Path | None = FACTS) -> Report:
    """Run every content check and return the report.

    `facts` is the fact dossier: when the file is there, every directory number must be in it.
    """
    today = today or date.today()
    report = Report()
    check_answers(report, today, warn_months, error_months, root, source_warn_years)
    check_directory(report, today, warn_months, error_months, root / "directory.yml",
                    source_warn_years)
    if facts is not None and facts.is_file():
        check_directory_against_facts(report, root / "directory.yml", facts)
    from content.alerts import check_alerts

    check_alerts(report, today, root)
    if root == CONTENT_DIR:
        check_catalogs(report)
    return report
