"""Drive the web chat like a browser without JavaScript: form posts with the page's token."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from bot.runtime import Runtime

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TAG = re.compile(r"<[^>]+>")
INLINE = re.compile(r"</?(b|i|u|s|a|code)\b[^>]*>")


def visible_text(page: str) -> str:
    """Return a page's text as a person reads it (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"\s+", " ", TAG.sub(" ", INLINE.sub("", page))))


class WebPerson:
    """One browser: a cookie jar, the last page, and its CSRF token."""

    def __init__(self, app: Any, address: str = "198.51.100.23") -> None:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        self.client = httpx.AsyncClient(transport=transport, base_url="http://sapar.test")
        self.page = ""

    async def __aenter__(self) -> WebPerson:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    @property
    def csrf(self) -> str:
        """Return the token of the last page."""
        found = CSRF.search(self.page)
        assert found, "the page has no form token"
        return found.group(1)

    async def open(self, path: str = "/") -> httpx.Response:
        """Load a page (following the redirect after a post)."""
        response = await self.client.get(path)
        self.page = response.text
        return response

    async def post(self, path: str, **fields: str) -> httpx.Response:
        """Post a form of the last page as a browser without JavaScript; load the next page."""
        response = await self.client.post(path, data={"csrf": self.csrf, **fields})
        if response.status_code == 303:
            return await self.open(response.headers["location"].split("#")[0])
        self.page = response.text
        return response

    async def say(self, text: str) -> httpx.Response:
        """Type a message and press Send (with the form's hidden language field)."""
        chosen = re.search(r'name="l" value="([^"]*)"', self.page)
        return await self.post("/send", text=text, l=chosen.group(1) if chosen else "")

    async def press(self, action: str) -> httpx.Response:
        """Press a button of the page (it must be on the page)."""
        assert f'value="{html.escape(action)}"' in self.page, f"no button {action!r} on the page"
        return await self.post("/press", a=action)

    def text(self) -> str:
        """Return what the page shows."""
        return visible_text(self.page)


def web_runtime_dump(runtime: Runtime) -> str:
    """Return every row of every table as text (to look for what must not be stored)."""
    rows = []
    for table in runtime.db.table_names():
        rows.extend(str(row) for row in runtime.db[table].rows)
    return "\n".join(rows)
