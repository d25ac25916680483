"""The Bot API's HTTP client: python-telegram-bot's BaseRequest on aiohttp instead of httpx.

With many chats in flight, httpx (over anyio and httpcore's pool) cost about 1.7 ms of CPU per
request on this machine, aiohttp 0.15 ms (both against the fake Bot API, 16 requests at once).
A button press makes two or three requests, so the client was half of the bot's work per
update; `python -m bench bot` shows the difference. Requests and errors mean what they mean
with HTTPXRequest: the same fields (as JSON; multipart when a file goes up), TimedOut for a
timeout, NetworkError for anything else on the way; the proxy variables (HTTPS_PROXY ...) are
honoured, read once per host (aiohttp's trust_env reads them and ~/.netrc in a worker thread
before every request: that was a third of the client's cost per request).
"""

from __future__ import annotations

import logging
import urllib.request

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

logger = logging.getLogger(__name__)


class AiohttpRequest(BaseRequest):
    """Send Bot API requests with one aiohttp session (a pool of keep-alive connections).

    The timeouts are python-telegram-bot's four: `pool` (waiting for a free connection) and
    `connect` together bound getting a connection, `read` the wait for each piece of the
    answer; aiohttp has no write timeout, so the four together also bound the whole request.
    """

    __slots__ = ("_connection_pool_size", "_defaults", "_media_write_timeout", "_proxy",
                 "_routes", "_session")

    def __init__(self, connection_pool_size: int = 256, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0,
                 proxy: str | None = None) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._connection_pool_size = connection_pool_size
        self._defaults = {"read": read_timeout, "write": write_timeout,
                          "connect": connect_timeout, "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._routes: dict[tuple[str, str], tuple[URL | None, aiohttp.BasicAuth | None]] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (get_updates adds its long-polling time to it)."""
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the session (inside the running event loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connection_pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector, proxy=self._proxy)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _route(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The environment's proxy for `url` (HTTPS_PROXY/HTTP_PROXY by scheme, else
        ALL_PROXY; none when a proxy was given or NO_PROXY covers the host), looked up at the
        first request to its host."""
        target = URL(url)
        key = (target.scheme, target.host or "")
        route = self._routes.get(key)
        if route is None:
            route = (None, None) if self._proxy else _environment_proxy(target)
            self._routes[key] = route
        return route

    def _timeout(self, files: bool, read: ODVInput[float], write: ODVInput[float],
                 connect: ODVInput[float], pool: ODVInput[float]) -> aiohttp.ClientTimeout:
        def pick(given: ODVInput[float], name: str) -> float | None:
            if not isinstance(given, DefaultValue):
                return given
            if name == "write" and files:
                return self._media_write_timeout
            return self._defaults[name]

        read_s, write_s = pick(read, "read"), pick(write, "write")
        connect_s, pool_s = pick(connect, "connect"), pick(pool, "pool")
        parts = (read_s, write_s, connect_s, pool_s)
        total = None if any(part is None for part in parts) else sum(parts)  # type: ignore[arg-type]
        getting = None if connect_s is None or pool_s is None else connect_s + pool_s
        return aiohttp.ClientTimeout(total=total, connect=getting, sock_connect=connect_s,
                                     sock_read=read_s)

    @staticmethod
    def _body(request_data: RequestData | None) -> aiohttp.FormData | bytes | None:
        """JSON, or a multipart form when a file goes up (each value as python-telegram-bot
        encodes it: the same shapes a form would carry; JSON spares urlencoding long texts)."""
        if request_data is None:
            return None
        if not request_data.contains_files:
            return request_data.json_payload
        form = aiohttp.FormData(request_data.json_parameters)
        for name, part in request_data.multipart_data.items():
            filename, content, *mimetype = part
            form.add_field(name, content, filename=filename,
                           content_type=mimetype[0] if mimetype else None)
        return form

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         ) -> tuple[int, bytes]:
        """Send one request; return the HTTP status and the body (BaseRequest parses it)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = self._timeout(bool(request_data and request_data.contains_files),
                                read_timeout, write_timeout, connect_timeout, pool_timeout)
        try:
            body = self._body(request_data)
            headers = {"User-Agent": self.USER_AGENT}
            if isinstance(body, bytes):
                headers["Content-Type"] = "application/json"
            proxy, proxy_auth = self._route(url)
            async with self._session.request(method, url, data=body, timeout=timeout,
                                             headers=headers, proxy=proxy,
                                             proxy_auth=proxy_auth) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut("Timed out getting a connection to the Bot API (pool or connect "
                           "timeout): the request was not sent") from error
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {_without_url(error)}"
                               ) from error


def _environment_proxy(target: URL) -> tuple[URL | None, aiohttp.BasicAuth | None]:
    """The proxy the environment names for `target`, with its credentials apart."""
    if target.host and urllib.request.proxy_bypass(target.host):
        return None, None
    proxies = urllib.request.getproxies()
    named = proxies.get(target.scheme) or proxies.get("all")
    if not named:
        return None, None
    proxy = URL(named if "://" in named else f"http://{named}")
    if proxy.user is None:
        return proxy, None
    auth = aiohttp.BasicAuth(proxy.user, proxy.password or "")
    return proxy.with_user(None), auth


def _without_url(error: aiohttp.ClientError) -> str:
    """The error's text, unless it quotes a request URL (which carries the bot's token)."""
    text = str(error)
    return "(text withheld: it quotes the request URL)" if "/bot" in text else text
