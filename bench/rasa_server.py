"""The Rasa server a benchmark compares against: where it is, whether it answers, its process."""

from __future__ import annotations

import os
import secrets
import tempfile
from urllib.parse import urlparse

import httpx
import psutil


def rasa_url() -> str:
    """Return RASA_URL as Sapar's settings read it (with a throw-away data dir)."""
    from bot.settings import load_settings

    with tempfile.TemporaryDirectory() as data_dir:
        environ = {**os.environ, "SAPAR_DATA_DIR": data_dir,
                   "SAPAR_SECRET_KEY": secrets.token_hex(24)}
        return load_settings(environ).rasa_url


def rasa_running(url: str) -> bool:
    """Return True when a Rasa server answers at `url`."""
    try:
        return httpx.get(url.rstrip("/") + "/version", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def listening_process(url: str) -> psutil.Process | None:
    """Return the local process listening on the URL's port (None if it cannot be seen)."""
    port = urlparse(url).port or 80
    try:
        for connection in psutil.net_connections(kind="tcp"):
            if (connection.status == psutil.CONN_LISTEN and connection.laddr
                    and connection.laddr.port == port and connection.pid):
                return psutil.Process(connection.pid)
    except (psutil.Error, OSError):
        return None
    return None
