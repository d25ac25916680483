"""Alerts on rule changes: one YAML file per alert in content/alerts/, checked before sending.

An alert names its topic, says where its facts come from (`sources`, each with a name, a year
and an https link) and when they were checked (`last_verified`), and carries the text in
Kyrgyz, Russian and English (Telegram HTML). The only placeholder is {last_verified}, filled
with the date in the reader's language; the three texts must give the same numbers.

    id: kz-registration-online          # the file's name without .yml
    topic: kz                           # one of TOPICS
    last_verified: 2026-12-01
    sources:
      - name: "Kazinform: registration rules for immigrants change"
        year: 2025
        url: https://www.inform.kz/...
    text:
      ky: "..."
      ru: "..."
      en: "..."
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from content import CONTENT_DIR
from content.answers import Source
from content.markup import insecure_urls, markup_problems, placeholders
from content.numbers import digit_groups
from nlu.intents import LANGUAGES
from sapar_core.yamlfile import safe_load

ALERTS_DIR = CONTENT_DIR / "alerts"
# The topics people can follow (ids go into buttons; labels are interface texts).
TOPICS = ("ru_stay", "ru_ban", "kz", "kr", "tr", "uk")
ALLOWED_PLACEHOLDERS = frozenset({"last_verified"})
ALERT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,40}$")
TEXT_LIMIT = 3000  # Telegram's 4,096 less the source line, in any language
SEND_MAX_AGE_DAYS = 60  # an alert checked longer ago than this is not sent


class AlertError(ValueError):
    """An alert file that may not be sent; `problems` says everything wrong with it."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Alert:
    """A checked alert, ready to preview and send."""

    id: str
    topic: str
    last_verified: date
    sources: tuple[Source, ...]
    text: dict[str, str]


def _read(path: Path) -> tuple[dict, list[str]]:
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return {}, [f"cannot be read ({error})"]
    except yaml.YAMLError as error:
        return {}, [f"is not valid YAML ({str(error).splitlines()[0]})"]
    if not isinstance(raw, dict):
        return {}, ["is not a mapping of id, topic, last_verified, sources and text"]
    return raw, []


def _sources(raw: object, problems: list[str]) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("has no sources")
        return ()
    sources = []
    for index, source in enumerate(raw, 1):
        if not isinstance(source, dict) or not str(source.get("name") or "").strip():
            problems.append(f"source #{index} has no name")
            continue
        if not isinstance(source.get("year"), int):
            problems.append(f"source #{index} has no year")
        url = str(source.get("url") or "")
        if not url.startswith("https://"):
            problems.append(f"source #{index} has no https link")
        sources.append(Source(str(source["name"]), source.get("year") or "n.d.", url or None))
    return tuple(sources)


def _texts(raw: object, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append("has no text in ky, ru and en")
        return {}
    texts = {}
    for language in LANGUAGES:
        text = str(raw.get(language) or "").strip()
        if not text:
            problems.append(f"has no {language} text")
            continue
        texts[language] = text
        if len(text) > TEXT_LIMIT:
            problems.append(f"the {language} text is longer than {TEXT_LIMIT} characters")
        problems += [f"{language}: {problem}" for problem in markup_problems(text)]
        problems += [f"{language}: link {url} is not https" for url in insecure_urls(text)]
        unknown = placeholders(text) - ALLOWED_PLACEHOLDERS
        if unknown:
            problems.append(f"{language}: unknown placeholder(s) "
                            + ", ".join("{" + name + "}" for name in sorted(unknown)))
    if len(texts) == len(LANGUAGES):
        if len({frozenset(placeholders(text)) for text in texts.values()}) > 1:
            problems.append("the three texts do not have the same placeholders")
        found = {language: digit_groups(text) for language, text in texts.items()}
        every = set().union(*found.values())
        for language, groups in found.items():
            if every - groups:
                problems.append(f"the {language} text lacks the number(s) "
                                f"{', '.join(sorted(every - groups))} that another gives")
    return texts


def load_alert(path: Path, today: date | None = None, *, for_sending: bool = True) -> Alert:
    """Read and check an alert file; raise AlertError listing every problem.

    `for_sending` also refuses an alert whose facts were checked more than SEND_MAX_AGE_DAYS
    ago (the content check only warns about that: an old alert file is history, not an error).
    """
    today = today or date.today()
    raw, problems = _read(path)
    if problems:
        raise AlertError(path, problems)
    alert_id = str(raw.get("id") or "")
    if not ALERT_ID.match(alert_id):
        problems.append("id must be 3-41 lower-case letters, digits and dashes")
    elif alert_id != path.stem:
        problems.append(f"id {alert_id!r} is not the file's name {path.stem!r}")
    topic = str(raw.get("topic") or "")
    if topic not in TOPICS:
        problems.append(f"topic {topic!r} is not one of {', '.join(TOPICS)}")
    verified = raw.get("last_verified")
    if not isinstance(verified, date):
        try:
            verified = date.fromisoformat(str(verified))
        except ValueError:
            problems.append("has no last_verified date (YYYY-MM-DD)")
            verified = None
    if verified is not None:
        if verified > today:
            problems.append(f"last_verified {verified} is in the future")
        elif for_sending and (today - verified).days > SEND_MAX_AGE_DAYS:
            problems.append(f"last_verified {verified} is more than {SEND_MAX_AGE_DAYS} days "
                            "old: check the sources again before sending")
    sources = _sources(raw.get("sources"), problems)
    texts = _texts(raw.get("text"), problems)
    if problems:
        raise AlertError(path, problems)
    assert verified is not None
    return Alert(alert_id, topic, verified, sources, texts)


def alert_files(root: Path = CONTENT_DIR) -> list[Path]:
    """Return the alert files under a content root, by name."""
    return sorted((root / "alerts").glob("*.yml"))


def check_alerts(report: object, today: date, root: Path = CONTENT_DIR) -> None:
    """Add every alert file's problems to a content-check report (old ones only warn)."""
    for path in alert_files(root):
        try:
            alert = load_alert(path, today, for_sending=False)
        except AlertError as error:
            for problem in error.problems:
                report.error(path, "alert", problem)  # type: ignore[attr-defined]
            continue
        if (today - alert.last_verified).days > SEND_MAX_AGE_DAYS:
            report.warn(path, "alert", f"checked on {alert.last_verified}: it cannot be "  # type: ignore[attr-defined]
                        f"sent before its sources are checked again")
