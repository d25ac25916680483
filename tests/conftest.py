"""Shared fixtures: compiled catalogs, a fresh data dir, an in-memory database, a writable
copy of the content, one TLS context; the slow tests kept together on one parallel worker."""

from __future__ import annotations

import shutil
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.settings import Settings, load_settings
from bot.storage import connect, open_database
from content import CONTENT_DIR
from nlu.intents import LANGUAGES
from nlu.types import Parser
from tests.auxil.workers import one_worker_at_a_time


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the slow tests on one worker, one after another, when the suite runs in parallel
    (pytest-xdist, `-n 2 --dist loadgroup` in pyproject.toml): they start and kill bot
    processes, drive a browser, wait out 429 windows and time queues, and two of them at once
    on a two-core machine would only race each other's time-outs. The fast tests spread over
    both workers."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.xdist_group("slow"))


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compile the .po catalogs once, exactly as the set-up step does."""
    from content.catalogs import catalogs_are_stale, compile_catalogs

    with one_worker_at_a_time(tmp_path_factory, "catalogs"):
        if catalogs_are_stale():
            compile_catalogs()


@pytest.fixture(scope="session", autouse=True)
def one_tls_context() -> Iterator[None]:
    """Build the default TLS context once for all the HTTP clients the tests make.

    httpx builds a TLS context for every client it makes, even one that only ever talks
    http:// to the local fake Bot API, and parsing the CA bundle into it costs ~20 ms. The
    tests make a few hundred clients (python-telegram-bot: two per Application), which was
    several seconds of the fast suite. A context is safe to share between clients (httpx
    recommends it); only the default one (verify=True, no client certificate) is shared, built
    by httpx itself, so every client still verifies TLS exactly as it would.
    """
    from httpx._transports import default as transports

    build = getattr(transports, "create_ssl_context", None)
    if build is None:  # a newer httpx: nothing to share
        yield
        return
    shared: dict[bool, ssl.SSLContext] = {}

    def create_ssl_context(verify: object = True, cert: object = None,
                           trust_env: bool = True) -> ssl.SSLContext:
        if verify is not True or cert is not None:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        if trust_env not in shared:
            shared[trust_env] = build(verify=True, cert=None, trust_env=trust_env)
        return shared[trust_env]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transports, "create_ssl_context", create_ssl_context)
        yield


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return an empty data directory."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Return settings for a fresh data dir and no Telegram token."""
    return load_settings({"SAPAR_DATA_DIR": str(data_dir)}, env_file=None)


@pytest.fixture(scope="session")
def migrated_in_memory() -> Iterator[Database]:
    """Return one migrated in-memory database to copy from (migrating costs ~15 ms)."""
    template = open_database(None)
    yield template
    template.close()


@pytest.fixture
def db(migrated_in_memory: Database) -> Iterator[Database]:
    """Return a migrated in-memory database: a copy of the session's, on a connection with
    the bot's pragmas."""
    database = connect(":memory:")
    migrated_in_memory.conn.backup(database.conn)
    yield database
    database.close()


@pytest.fixture(scope="session")
def parser(tmp_path_factory: pytest.TempPathFactory) -> Parser:
    """Return the real embedded parser (trained once from nlu/data if no artefact exists)."""
    from nlu.parser import load_parser

    with one_worker_at_a_time(tmp_path_factory, "model"):
        return load_parser("embedded")


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """Return a writable copy of the answers and the directory."""
    root = tmp_path / "content"
    for language in LANGUAGES:
        (root / language).mkdir(parents=True)
        shutil.copy(CONTENT_DIR / language / "answers.yml", root / language / "answers.yml")
    shutil.copy(CONTENT_DIR / "directory.yml", root / "directory.yml")
    return root
