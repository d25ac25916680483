"""The Telegram HTML subset our texts may use, and a validator for it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "a", "blockquote"}
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<>\"')]+", re.IGNORECASE)


class _Validator(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed in Telegram HTML")
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not (href.startswith("https://") or href.startswith("tel:")):
                self.problems.append(f"link {href!r} is not https")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"closing </{tag}> does not match an open tag")
            return
        self.stack.pop()


def markup_problems(text: str) -> list[str]:
    """Return what is wrong with a Telegram-HTML text (empty when it is fine)."""
    validator = _Validator()
    validator.feed(text)
    validator.close()
    problems = list(validator.problems)
    if validator.stack:
        problems.append(f"unclosed tag(s): {', '.join(validator.stack)}")
    if re.search(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        problems.append("a bare '&' must be written &amp;")
    return problems


def placeholders(text: str) -> set[str]:
    """Return the {name} placeholders a text uses."""
    return set(PLACEHOLDER.findall(text))


def insecure_urls(text: str) -> list[str]:
    """Return every URL in a text that is not https."""
    return [url for url in URL.findall(text) if not url.lower().startswith("https://")]


def strip_markup(text: str) -> str:
    """Turn Telegram HTML into plain text (for the console)."""
    from html import unescape

    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: (
        m.group(2) if m.group(1).startswith("tel:") or m.group(2) in m.group(1)
        else f"{m.group(2)} ({m.group(1)})"), text, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", text))
