"""The topics people can follow for alerts on rule changes, with their names per language."""

from __future__ import annotations

from content.alerts import TOPICS
from content.i18n import gettext_for, mark

TOPIC_LABELS: dict[str, str] = {
    "ru_stay": mark("Russia: stay and documents"),
    "ru_ban": mark("Russia: entry bans and the control list"),
    "kz": mark("Kazakhstan"),
    "kr": mark("Korea"),
    "tr": mark("Türkiye"),
    "uk": mark("United Kingdom"),
}
assert set(TOPIC_LABELS) == set(TOPICS)


def topic_label(topic: str, language: str) -> str:
    """Return a topic's name in one language."""
    return gettext_for(language)(TOPIC_LABELS[topic])
