"""/healthz, /readyz and /metrics served by Starlette, as the web chat or a webhook mounts them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from bench.fake_bot_api import FakeBotApi
from bot.ops.routes import ops_routes
from bot.settings import Settings, load_settings
from bot.storage import open_database
from tests.auxil.operators import OPERATORS
from tests.auxil.telegram import settings_env


def settings_for(api: FakeBotApi, data: Path) -> Settings:
    """Return settings of a bot on the fake API, with a migrated database."""
    settings = load_settings(settings_env(api, data, OPERATOR_CHAT_ID=str(OPERATORS)),
                             env_file=None)
    open_database(settings.database_path).close()
    return settings


def client(settings: Settings, **options: object) -> TestClient:
    """Return a test client for an app that mounts the ops routes."""
    return TestClient(Starlette(routes=ops_routes(settings, **options)))  # type: ignore[arg-type]


def test_ready_installation_is_live_and_ready(tmp_path: Path) -> None:
    with FakeBotApi() as api:
        settings = settings_for(api, tmp_path / "data")
        with client(settings, model_ready=lambda: True) as web:
            live = web.get("/healthz")
            ready = web.get("/readyz")
            assert web.get("/readyz").status_code == 200
    assert live.status_code == 200 and live.json()["status"] == "ok"
    assert ready.status_code == 200, ready.json()
    names = [check["name"] for check in ready.json()["checks"]]
    assert names == ["database", "disk", "model", "bot API", "operators' chat"]
    assert len(api.calls_of("getChat")) == 1, "Telegram is asked once a minute, not per probe"


def test_not_ready_when_the_operators_chat_is_unusable(tmp_path: Path) -> None:
    with FakeBotApi(operator_chat={"id": OPERATORS, "type": "supergroup", "title": "Ops",
                                   "is_forum": False}) as api:
        settings = settings_for(api, tmp_path / "data")
        with client(settings) as web:
            live = web.get("/healthz")
            ready = web.get("/readyz")
    assert live.status_code == 200, "a Telegram problem is no reason to restart the process"
    assert ready.status_code == 503
    failing = [check for check in ready.json()["checks"] if not check["ok"]]
    assert [check["name"] for check in failing] == ["operators' chat"]
    assert "forum" in failing[0]["detail"]


def test_pending_migrations_make_it_unready_and_a_missing_database_not_live(
        tmp_path: Path) -> None:
    with FakeBotApi() as api:
        settings = settings_for(api, tmp_path / "data")
        with sqlite3.connect(settings.database_path) as db:
            db.execute("DELETE FROM _sqlite_migrations WHERE migration_set = 'hotline'")
        with client(settings, telegram=False, model_ready=lambda: False) as web:
            ready = web.get("/readyz").json()
            assert web.get("/healthz").status_code == 200
            settings.database_path.unlink()
            for side in ("-wal", "-shm"):
                Path(f"{settings.database_path}{side}").unlink(missing_ok=True)
            gone = web.get("/healthz")
    failing = {check["name"]: check["detail"] for check in ready["checks"] if not check["ok"]}
    assert set(failing) == {"database", "model"} and "pending" in failing["database"]
    assert gone.status_code == 503


def test_metrics_route_serves_prometheus_text(tmp_path: Path) -> None:
    with FakeBotApi() as api:
        settings = settings_for(api, tmp_path / "data")
        with client(settings, telegram=False) as web:
            response = web.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'sapar_relay_queue_depth{to="user"} 0.0' in response.text
    assert 'sapar_cases{priority="urgent",status="waiting"} 0.0' in response.text
