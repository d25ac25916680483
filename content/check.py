"""Validate every answer, the directory and the interface catalogs; name file and key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from content import CONTENT_DIR
from content.answers import ContentError, answers_path, read_answers_file
from content.markup import insecure_urls, markup_problems, placeholders
from nlu.intents import INTENTS, LANGUAGES

SHORT_LIMIT = 600
FAMILY_LIMIT = 600
TITLE_LIMIT = 40
TEXT_FIELDS = ("title", "short", "more", "family")
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


def _check_sources(report: Report, where: object, key: str, sources: object) -> None:
    if not isinstance(sources, list) or not sources:
        report.error(where, key, "has no sources")
        return
    for index, source in enumerate(sources):
        if not isinstance(source, dict) or not str(source.get("name") or "").strip():
            report.error(where, key, f"source #{index + 1} has no name")
            continue
        if "year" not in source:
            report.error(where, key, f"source {source['name']!r} has no year")
        url = source.get("url")
        if url and not str(url).startswith("https://"):
            report.error(where, key, f"source link {url!r} is not https")


def _check_provenance(report: Report, where: object, key: str, raw: dict, today: date,
                      warn_months: int, error_months: int) -> None:
    """Check that an entry says where its facts come from and when they were checked."""
    _check_sources(report, where, key, raw.get("sources"))
    if "last_verified" not in raw:
        report.error(where, key, "has no last_verified date")
    else:
        _check_age(report, where, key, raw["last_verified"], today, warn_months, error_months)


def check_answers(report: Report, today: date, warn_months: int, error_months: int,
                  root: Path = CONTENT_DIR) -> None:
    """Check answers in every language against the intent contract and each other."""
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
        for intent, raw in answers.items():
            if intent not in INTENTS:
                report.error(path, intent, "is not an intent of shared/spec/intents.md")
                continue
            if not isinstance(raw, dict):
                report.error(path, intent, "answer must be a mapping")
                continue
            for required in ("title", "short"):
                if not str(raw.get(required) or "").strip():
                    report.error(path, intent, f"'{required}' is missing or empty")
            _check_provenance(report, path, intent, raw, today, warn_months, error_months)
            limits = {"short": SHORT_LIMIT, "family": FAMILY_LIMIT, "title": TITLE_LIMIT}
            for name in TEXT_FIELDS:
                text = str(raw.get(name) or "")
                if name in limits and len(text.strip()) > limits[name]:
                    report.error(path, f"{intent}.{name}",
                                 f"is {len(text.strip())} characters (limit {limits[name]})")
                for problem in markup_problems(text):
                    report.error(path, f"{intent}.{name}", problem)
                for url in insecure_urls(text):
                    report.error(path, f"{intent}.{name}", f"link {url!r} is not https")
    _check_placeholders_across(report, loaded, root)


def _check_placeholders_across(report: Report, loaded: dict[str, dict], root: Path) -> None:
    if "en" not in loaded:
        return
    for intent, reference in loaded["en"].items():
        if not isinstance(reference, dict):
            continue
        for language, answers in loaded.items():
            other = answers.get(intent)
            if language == "en" or not isinstance(other, dict):
                continue
            for name in TEXT_FIELDS:
                expected = placeholders(str(reference.get(name) or ""))
                found = placeholders(str(other.get(name) or ""))
                if expected != found:
                    report.error(answers_path(language, root), f"{intent}.{name}",
                                 f"placeholders {sorted(found)} differ from en {sorted(expected)}")


def check_directory(report: Report, today: date, warn_months: int, error_months: int,
                    path: Path = CONTENT_DIR / "directory.yml") -> None:
    """Check the help directory: names in every language, E.164 phones, https links."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        _check_provenance(report, path, key, entry, today, warn_months, error_months)


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
               root: Path = CONTENT_DIR) -> Report:
    """Run every content check and return the report."""
    today = today or date.today()
    report = Report()
    check_answers(report, today, warn_months, error_months, root)
    check_directory(report, today, warn_months, error_months, root / "directory.yml")
    if root == CONTENT_DIR:
        check_catalogs(report)
    return report
