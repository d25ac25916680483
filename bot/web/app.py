"""The web chat's ASGI app (Starlette): pages, form posts, live updates, static files.

Every post works as a plain form (303 back to the page) and, sent by the page's script with
`Accept: application/json`, answers with the new message fragments instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from html import escape
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.ops.routes import ops_routes
from bot.runtime import Runtime
from bot.telegram.desk import NoOperatorDesk
from bot.telegram.flood import FloodGuard
from bot.web.chat import TurnView, WebChat
from bot.web.handoff import CHANNEL, WebHandoff
from bot.web.inbox import Waiters, WebInbox
from bot.web.page import STATIC, bar_html, messages_html, notes_html, page_html
from bot.web.security import (
    HEADERS,
    SESSION_COOKIE,
    Keys,
    looks_like_session_id,
    new_session_id,
)
from bot.web.store import WebMessage, WebStore
from content.i18n import gettext_for, mark
from nlu.intents import LANGUAGES

logger = logging.getLogger(__name__)
MAX_BODY = 64_000  # a 4,096-character message of emoji or Cyrillic, form-encoded, fits
POLL_SECONDS = 25.0
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
FLOOD = mark("You are sending messages very fast. Please wait a few seconds, then write again.")
STALE = mark("This page was out of date, or this browser blocks its cookie. Please reload the "
             "page and try again.")


class Flashes:
    """One-time notes for the next page a session loads (kept in memory only, bounded)."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._notes: OrderedDict[str, list[str]] = OrderedDict()

    def add(self, sid: str, notes: list[str]) -> None:
        """Keep notes for a session's next page."""
        if notes:
            self._notes.setdefault(sid, []).extend(notes)
            while len(self._notes) > self.limit:
                self._notes.popitem(last=False)

    def pop(self, sid: str) -> list[str]:
        """Return and forget a session's notes."""
        return self._notes.pop(sid, [])


class WebFront:
    """The request handlers, with the chat, limits and keys they share."""

    def __init__(self, runtime: Runtime, desk: Any) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.store = WebStore(runtime.db, runtime.settings.secret_key)
        self.waiters = Waiters()
        self.handoff = WebHandoff(desk)
        if self.handoff.desk is not None:
            self.handoff.desk.user_sides[CHANNEL] = WebInbox(self.store, self.handoff.desk.cases,
                                                             self.waiters)
        self.chat = WebChat(runtime, self.store, self.handoff, self.waiters)
        self.keys = Keys(runtime.settings.secret_key)
        self.per_session = FloodGuard(burst=12, rate=1.0)
        self.per_address = FloodGuard(burst=60, rate=2.0)
        self.resume_tries = FloodGuard(burst=5, rate=1 / 60)
        self.flashes = Flashes()
        self.static = {path.name: path.read_bytes() for path in STATIC.iterdir()}

    # ----- helpers --------------------------------------------------------------------------

    def _sid(self, request: Request) -> str | None:
        value = request.cookies.get(SESSION_COOKIE)
        return value if looks_like_session_id(value) else None

    def _address(self, request: Request) -> str:
        # the hash only: the address itself goes nowhere (uvicorn's access log is off)
        return self.keys.address_hash(request.client.host if request.client else None)

    def _set_cookie(self, request: Request, response: Response, sid: str) -> None:
        response.set_cookie(SESSION_COOKIE, sid, max_age=self.settings.retention_days * 86400,
                            path="/", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")

    def _language(self, request: Request, user_key: str | None) -> str:
        if user_key is not None:
            return self.chat.state(user_key, self.settings.default_language).language
        asked = request.query_params.get("lang", "")
        return asked if asked in LANGUAGES else self.settings.default_language

    @staticmethod
    def _wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    async def _form(self, request: Request) -> dict[str, str] | None:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return None
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=8)
        except (UnicodeDecodeError, ValueError):
            return None
        return {name: values[0] for name, values in fields.items()}

    def _updates(self, user_key: str | None, after: int, csrf: str) -> dict[str, Any]:
        if user_key is None:
            return {"html": "", "last": after, "live": False}
        messages = self.store.messages(user_key, after=after)
        last = messages[-1].id if messages else after
        case_code = self.handoff.case_code(user_key)
        language = self.chat.state(user_key, self.settings.default_language).language
        return {"html": messages_html(messages, csrf), "last": last,
                "live": case_code is not None, "bar": bar_html(language, case_code, csrf)}

    # ----- pages ----------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        """The chat page: the person's messages, or the greeting before they write."""
        sid = self._sid(request)
        fresh = sid is None
        sid = sid or new_session_id()
        user_key = None if fresh else self.chat.user_for(sid)
        language = self._language(request, user_key)
        if user_key is None:
            messages = [WebMessage(-(i + 1), "bot", r.text, r.buttons)
                        for i, r in enumerate(self.chat.welcome(language))]
        else:
            messages = self.store.messages(user_key)
        case_code = self.handoff.case_code(user_key) if user_key else None
        html = page_html(language=language, csrf=self.keys.csrf_token(sid), messages=messages,
                         notes=self.flashes.pop(sid), case_code=case_code,
                         bound=user_key is not None,
                         chosen=language if request.query_params.get("lang") else "")
        response = HTMLResponse(html, headers={"Cache-Control": "no-store"})
        if fresh:
            self._set_cookie(request, response, sid)
        return response

    async def static_file(self, request: Request) -> Response:
        """The stylesheet and the script (long-cached: their URLs carry a version)."""
        name = request.path_params["name"]
        content = self.static.get(name)
        suffix = "." + name.rsplit(".", 1)[-1]
        if content is None or suffix not in STATIC_TYPES:
            return Response(status_code=404)
        return Response(content, media_type=STATIC_TYPES[suffix],
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})

    async def poll(self, request: Request) -> Response:
        """Long polling: answer at once with news, else wait for it (up to 25 s)."""
        sid = self._sid(request)
        if sid is None:
            return JSONResponse({"reload": True})
        user_key = self.chat.user_for(sid)
        if user_key is None:
            return JSONResponse({"reload": True})
        try:
            after = max(0, int(request.query_params.get("after", "0")))
        except ValueError:
            after = 0
        csrf = self.keys.csrf_token(sid)
        news = self._updates(user_key, after, csrf)
        if not news["html"] and await self.waiters.wait(user_key, POLL_SECONDS):
            news = self._updates(user_key, after, csrf)
        return JSONResponse(news, headers={"Cache-Control": "no-store"})

    # ----- posts ----------------------------------------------------------------------------

    async def _post(self, request: Request,
                    act: Callable[[str, dict[str, str], str], Awaitable[TurnView | Response]]
                    ) -> Response:
        """Check cookie, CSRF and limits, run the action, answer as a page or as JSON."""
        sid = self._sid(request)
        form = await self._form(request)
        user_key = self.chat.user_for(sid) if sid else None
        language = self._language(request, user_key)
        if user_key is None and form and form.get("l") in LANGUAGES:
            language = form["l"]
        _ = gettext_for(language)
        if sid is None or form is None or not self.keys.csrf_ok(sid, form.get("csrf")):
            return self._refuse(request, 403, _(STALE))
        allowed, _warn = self.per_address.allow(self._address(request))
        if allowed:
            allowed, _warn = self.per_session.allow(sid)
        if not allowed:
            return self._refuse(request, 429, _(FLOOD))
        try:
            outcome = await act(sid, form, language)
        except Exception:
            logger.exception("web chat: a %s failed", request.url.path)
            outcome = TurnView(notes=[escape(_(
                "Sorry, something went wrong on my side. Please try again, or use /human."))])
        if isinstance(outcome, Response):
            return outcome
        return self._after(request, sid, form, outcome)

    def _after(self, request: Request, sid: str, form: dict[str, str], view: TurnView
               ) -> Response:
        if self._wants_json(request):
            if view.cleared:
                response: Response = JSONResponse({"reload": True,
                                                   "notes": notes_html(view.notes)})
            else:
                try:
                    after = max(0, int(form.get("after", "0")))
                except ValueError:
                    after = 0
                news = self._updates(self.chat.user_for(sid), after, self.keys.csrf_token(sid))
                response = JSONResponse({**news, "notes": notes_html(view.notes)})
        else:
            response = RedirectResponse("/#end", status_code=303)
        if view.cleared:
            fresh = new_session_id()  # the old one is gone; the next page starts clean
            self.flashes.add(fresh, view.notes)
            self._set_cookie(request, response, fresh)
        elif not self._wants_json(request):
            self.flashes.add(sid, view.notes)
        return response

    def _refuse(self, request: Request, status: int, text: str) -> Response:
        if self._wants_json(request):
            return JSONResponse({"notes": notes_html([escape(text)])}, status_code=status)
        body = (f'<!doctype html><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width,initial-scale=1"><title>Sapar</title>'
                f'<p>{escape(text)}</p><p><a href="/">Sapar</a></p>')
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    async def send(self, request: Request) -> Response:
        """A typed message (or a /command)."""
        async def act(sid: str, form: dict[str, str], language: str) -> TurnView:
            return await self.chat.send_text(sid, form.get("text", ""), language)
        return await self._post(request, act)

    async def press(self, request: Request) -> Response:
        """A pressed button, the language picker included."""
        async def act(sid: str, form: dict[str, str], language: str) -> TurnView:
            return await self.chat.press(sid, form.get("a", ""), language)
        return await self._post(request, act)

    async def hide(self, request: Request) -> Response:
        """Clear the page, the cookie and the session's messages."""
        async def act(sid: str, form: dict[str, str], language: str) -> TurnView:
            user_key = self.chat.user_for(sid)
            if user_key is not None:
                self.chat.hide(user_key)
            return TurnView(cleared=True)
        return await self._post(request, act)

    async def new_code(self, request: Request) -> Response:
        """Issue a new one-time resume code (the old one stops working)."""
        async def act(sid: str, form: dict[str, str], language: str) -> TurnView:
            user_key = self.chat.user_for(sid)
            if user_key is None:
                return TurnView()
            return TurnView(notes=[self.chat.resume_note(user_key, language)])
        return await self._post(request, act)

    async def resume(self, request: Request) -> Response:
        """Come back to a chat with a one-time resume code."""
        async def act(sid: str, form: dict[str, str], language: str) -> TurnView | Response:
            _ = gettext_for(language)
            allowed, _warn = self.resume_tries.allow(self._address(request))
            if not allowed:
                return self._refuse(request, 429, _(FLOOD))
            resumed = self.chat.resume(sid, form.get("code", "")[:40])
            if resumed is None:
                return TurnView(notes=[escape(_(
                    "That resume code is not valid. A code works only once; check it and "
                    "try again."))])
            fresh, note = resumed
            response = RedirectResponse("/#end", status_code=303)
            self.flashes.add(fresh, [note])
            self._set_cookie(request, response, fresh)
            return response
        return await self._post(request, act)

    # ----- housekeeping ---------------------------------------------------------------------

    async def expire_forever(self) -> None:
        """Once an hour, drop sessions idle past the retention period."""
        while True:
            try:
                self.chat.expire()
            except Exception:
                logger.exception("web chat: expiring idle sessions failed")
            await asyncio.sleep(3600)


async def _no_content(request: Request) -> Response:
    return Response(status_code=204)


class SecurityHeaders:
    """Add the strict headers (CSP and friends) to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Pass the request on; add our headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def build_web_app(runtime: Runtime, desk: Any = None) -> Starlette:
    """Return the web chat app; `desk` is the Telegram bot's hotline desk when there is one."""
    front = WebFront(runtime, desk if desk is not None else NoOperatorDesk())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(front.expire_forever(), name="web-expire")
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    app = Starlette(routes=[
        Route("/", front.page, methods=["GET"]),
        Route("/send", front.send, methods=["POST"]),
        Route("/press", front.press, methods=["POST"]),
        Route("/hide", front.hide, methods=["POST"]),
        Route("/code", front.new_code, methods=["POST"]),
        Route("/resume", front.resume, methods=["POST"]),
        Route("/poll", front.poll, methods=["GET"]),
        Route("/static/{name}", front.static_file, methods=["GET"]),
        Route("/favicon.ico", _no_content, methods=["GET"]),
        # liveness, readiness (database, disk, parser and, with a bot, Telegram) and metrics
        *ops_routes(runtime.settings, telegram=runtime.settings.telegram_bot_token is not None,
                    model_ready=lambda: runtime.parser is not None),
    ], middleware=[Middleware(SecurityHeaders), Middleware(GZipMiddleware, minimum_size=400)],
        lifespan=lifespan)
    app.state.front = front
    return app
