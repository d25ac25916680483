"""Turn the dialogue's Telegram HTML (<b> <i> <u> <s> <code> <blockquote> <a>) into safe HTML.

Everything else is escaped as text: a tag we do not know, an attribute, a script, a link that
is not https or tel. The result is what Telegram would show, nothing more.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ALLOWED = {"b", "i", "u", "s", "code", "blockquote", "a"}


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.out.append(escape(self.get_starttag_text() or ""))
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not (href.startswith("https://") or href.startswith("tel:")):
                self.out.append(escape(self.get_starttag_text() or ""))
                return
            self.out.append(f'<a href="{escape(href)}" rel="noopener noreferrer">')
        else:
            self.out.append(f"<{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:  # close whatever was left open inside it, too
                inner = self.open.pop()
                self.out.append(f"</{inner}>")
                if inner == tag:
                    break
        else:
            self.out.append(escape(f"</{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(escape(self.get_starttag_text() or ""))

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(escape(f"<!--{data}-->", quote=False))

    def handle_decl(self, decl: str) -> None:
        self.out.append(escape(f"<!{decl}>", quote=False))

    def handle_pi(self, data: str) -> None:
        self.out.append(escape(f"<?{data}>", quote=False))

    def unknown_decl(self, data: str) -> None:
        self.out.append(escape(f"<![{data}]>", quote=False))


def safe_html(text: str) -> str:
    """Return Telegram HTML as HTML a browser may show as it is."""
    sanitiser = _Sanitiser()
    sanitiser.feed(text)
    sanitiser.close()
    rawdata = sanitiser.rawdata  # an unfinished tag at the end stays as text
    if rawdata:
        sanitiser.out.append(escape(rawdata, quote=False))
    sanitiser.out.extend(f"</{tag}>" for tag in reversed(sanitiser.open))
    return "".join(sanitiser.out)
