"""`/healthz`, `/readyz` and `/metrics` as Starlette routes, for any web server Sapar runs.

Mount them in the web chat's or a webhook server's Starlette app:
`Starlette(routes=[*ops_routes(settings), ...])`. Liveness says the process answers and its
database opens (restart it otherwise); readiness says it can serve now (migrations current, disk
room, the Bot API and operators' chat usable, the model loaded), so a proxy can hold traffic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.ops import metrics
from bot.ops.check import CheckResult, check_database, check_disk, check_telegram
from bot.ops.schema import open_read_only
from bot.settings import Settings

TELEGRAM_CACHE_SECONDS = 60.0  # probes come every few seconds; getMe once a minute is plenty


def liveness(settings: Settings) -> CheckResult:
    """Return whether the database file opens and answers (cheap: no integrity scan)."""
    try:
        connection = open_read_only(settings.database_path)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except Exception as error:  # any failure to read is the answer
        return CheckResult("database", False, f"cannot be opened: {type(error).__name__}")
    return CheckResult("database", True, "opens")


def _response(results: list[CheckResult]) -> JSONResponse:
    ok = all(result.ok for result in results)
    return JSONResponse({"status": "ok" if ok else "fail",
                         "checks": [result.as_dict() for result in results]},
                        status_code=200 if ok else 503)


def ops_routes(settings: Settings, *, telegram: bool = True,
               model_ready: Callable[[], bool] | None = None) -> list[Route]:
    """Return the three routes; `telegram=False` for a web chat that runs without the bot.

    `model_ready`, when given, tells readiness whether the app's parser is loaded.
    """
    cache: dict[str, tuple[float, list[CheckResult]]] = {}

    async def telegram_results() -> list[CheckResult]:
        cached = cache.get("telegram")
        if cached is not None and time.monotonic() - cached[0] < TELEGRAM_CACHE_SECONDS:
            return cached[1]
        results = await check_telegram(settings)
        cache["telegram"] = (time.monotonic(), results)
        return results

    async def healthz(request: Request) -> JSONResponse:
        return _response([await asyncio.to_thread(liveness, settings)])

    async def readyz(request: Request) -> JSONResponse:
        results = [await asyncio.to_thread(check_database, settings, integrity="none"),
                   await asyncio.to_thread(check_disk, settings)]
        if model_ready is not None:
            loaded = model_ready()
            results.append(CheckResult("model", loaded, "loaded" if loaded else "not loaded"))
        if telegram:
            results.extend(await telegram_results())
        return _response(results)

    async def metrics_endpoint(request: Request) -> Response:
        body = await asyncio.to_thread(metrics.render, settings.database_path)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    return [Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"])]
