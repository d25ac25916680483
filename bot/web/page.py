"""The HTML of the web chat: the whole page, and message fragments for live updates."""

from __future__ import annotations

import hashlib
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from bot.web.markup import safe_html
from bot.web.store import WebMessage
from content.i18n import gettext_for

HERE = Path(__file__).parent
STATIC = HERE / "static"
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}


@cache
def template() -> Template:
    """Return the page template."""
    return Template((HERE / "templates" / "page.html").read_text(encoding="utf-8"))


@cache
def static_version() -> str:
    """Return a short hash of the static files (their URLs change when they do)."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def csrf_field(token: str) -> str:
    """Return the hidden field every form posts back."""
    return f'<input type="hidden" name="csrf" value="{escape(token)}">'


def message_html(message: WebMessage, csrf: str, chosen: str = "") -> str:
    """Return one message bubble, with its buttons as a form of buttons.

    `chosen` is the language picked before the first message (it starts the session in it).
    """
    parts = [f'<div class="m {escape(message.side)}" id="m{message.id}">'
             f'<div class="t">{safe_html(message.html)}</div>']
    if message.buttons:
        parts.append(f'<form method="post" action="/press" class="k">{csrf_field(csrf)}')
        if chosen:
            parts.append(f'<input type="hidden" name="l" value="{escape(chosen)}">')
        for row in message.buttons:
            parts.append('<div class="r">' + "".join(
                f'<button name="a" value="{escape(b.action)}">{escape(b.label)}</button>'
                for b in row) + "</div>")
        parts.append("</form>")
    parts.append("</div>")
    return "".join(parts)


def messages_html(messages: list[WebMessage], csrf: str, chosen: str = "") -> str:
    """Return several bubbles."""
    return "\n".join(message_html(m, csrf, chosen) for m in messages)


def notes_html(notes: list[str]) -> str:
    """Return the one-time notes (resume codes, goodbyes): shown now, stored nowhere."""
    if not notes:
        return ""
    return '<div class="notes">' + "".join(
        f'<p class="note">{safe_html(note)}</p>' for note in notes) + "</div>"


def bar_html(language: str, case_code: str | None, csrf: str) -> str:
    """Return the hand-off bar shown while a case is open (with a JS-off refresh link)."""
    if case_code is None:
        return ""
    _ = gettext_for(language)
    status = escape(_("You are chatting with the hotline (case {code}). The operator's "
                      "messages appear here.").format(code=case_code))
    refresh = escape(_("Check for new messages"))
    new_code = escape(_("New resume code"))
    stop = escape(_("End the chat with the operator"))
    token = csrf_field(csrf)
    return (f'<div class="bar"><p>{status}</p>'
            f'<a href="/#end" class="refresh">{refresh}</a>'
            f'<form method="post" action="/code">{token}<button>{new_code}</button></form>'
            f'<form method="post" action="/send">{token}'
            f'<input type="hidden" name="text" value="/stop"><button>{stop}</button></form></div>')


def language_picker(language: str, bound: bool) -> str:
    """Return the language choice: links before the first message, buttons after it."""
    items = []
    for code, name in LANGUAGE_NAMES.items():
        current = ' aria-current="true"' if code == language else ""
        if bound:  # a choice the dialogue remembers (a post)
            items.append(f'<button name="a" value="lang:{code}" lang="{code}"{current}>'
                         f"{name}</button>")
        else:  # nothing stored yet: just show the page in that language
            items.append(f'<a href="/?lang={code}" lang="{code}"{current}>{name}</a>')
    return "".join(items)


def page_html(*, language: str, csrf: str, messages: list[WebMessage], notes: list[str],
              case_code: str | None, bound: bool, chosen: str = "") -> str:
    """Return the whole page; `chosen` is the language picked before the first message."""
    _ = gettext_for(language)
    langs = language_picker(language, bound)
    token = csrf_field(csrf)
    return template().substitute(
        lang=language, chosen=escape(chosen), title=escape(_("Sapar: safe migration help")),
        version=static_version(),
        live=' data-live="1"' if case_code else "", csrf=token, langs=langs,
        hide=escape(_("Hide")),
        hide_title=escape(_("Clears this page and ends the chat's session in this browser")),
        last=str(max([m.id for m in messages] + [0])),
        messages=messages_html(messages, csrf, chosen),
        notes=notes_html(notes), bar=bar_html(language, case_code, csrf),
        placeholder=escape(_("Type your question")), send=escape(_("Send")),
        resume_q=escape(_("Have a resume code?")), resume=escape(_("Continue")),
        privacy=escape(_("This chat asks for no name, number or e-mail and keeps no address. "
                         "Hide clears it from this browser.")))
