"""Shared fixtures: a real Redis, real databases (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web, web_app
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import create_app
from bot.config import ServiceConfig, load_config
from bot.core.clock import Clock
from bot.core.engine import ConversationEngine
from bot.embedded_redis import EmbeddedRedis
from bot.settings import PROJECT_ROOT, Settings
from bot.storage import migrate
from bot.storage.db import create_engine
from bot.storage.models import Base
from bot.understanding.normalise import Converter, simplified_converter
from bot.understanding.tokens import Dictionary, load_dictionary
from bot.understanding.understander import Understander
from tests.staff import CHEAPEST_PASSWORD_COST
from workers.settings import in_process_worker

pytest_plugins = ("tests.network_guard",)

SHANGHAI = ZoneInfo("Asia/Shanghai")


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def _in_thread(function: Callable[[], None]) -> None:
    """Alembic's env.py runs its own event loop, so run it away from pytest's."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            function()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(autouse=True)
def _closed_apps_are_freed() -> Iterator[None]:
    """Forget, after each test, the middleware chains aiohttp cached for its apps.

    aiohttp keeps the last 1,024 (handler, apps) chains in a module-level cache, and each entry
    holds its application, and so the test's whole ``Resources`` (engines with their statement
    caches, the pipeline, Redis clients), alive. A worker then carries about a hundred finished
    tests' apps, and every full garbage collection walks them all: seconds of a loaded CI
    machine's time with the event loop stopped, so a batch held its conversation's lock past its
    life and a customer's message went unanswered for more than 10 s late in the suite."""
    yield
    cache = getattr(web_app, "_cached_build_middleware", None)
    if cache is not None:
        cache.cache_clear()


@pytest.fixture(scope="session")
def service_config() -> ServiceConfig:
    return load_config(PROJECT_ROOT / "config")


@pytest.fixture(scope="session")
def jieba_dictionary() -> Dictionary:
    return load_dictionary()


@pytest.fixture(scope="session")
def converter() -> Converter:
    return simplified_converter()


@pytest.fixture(scope="session")
def understander(service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter) -> Understander:
    """One understander for the whole run: loading the language tools takes about a second."""
    return Understander.from_config(service_config, dictionary=jieba_dictionary, converter=converter)


@pytest.fixture(scope="session")
def conversation_engine(service_config: ServiceConfig, understander: Understander) -> ConversationEngine:
    return ConversationEngine(service_config, understander)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("TEST_REDIS_URL")
    if configured and not _XDIST_WORKER:  # parallel workers each start their own: pub/sub is server-wide
        yield configured
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), persistent=False)
    asyncio.run(server.start())
    yield server.url
    asyncio.run(server.stop())


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    _in_thread(lambda: migrate.upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield None
        return
    if _XDIST_WORKER:
        url = asyncio.run(_worker_database(url, _XDIST_WORKER))

    async def reset() -> None:
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(reset())
    _in_thread(lambda: migrate.upgrade(url))
    yield url


_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
"""Under ``pytest -n N`` (pytest-xdist) each worker gets its own PostgreSQL database and Redis."""


async def _worker_database(url: str, worker: str) -> str:
    """``url``'s database with the worker's name appended, created when missing."""
    parsed = make_url(url)
    worker_url = parsed.set(database=f"{parsed.database}_{worker}")
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": worker_url.database}
            )
            if not exists:
                await connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    finally:
        await engine.dispose()
    return worker_url.render_as_string(hide_password=False)


def _database_params() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests, and tests marked ``one_database``, run on one database, not on each: the
    pages' API runs on every database in the API tests, so browser tests take SQLite (always
    there); the fault tests of separate processes check production's setup (PostgreSQL when
    configured)."""
    production = _database_params()[-1]
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        param = callspec.params.get("database_url") if callspec is not None else None
        wanted = "sqlite" if item.get_closest_marker("browser") else None
        if item.get_closest_marker("one_database"):
            wanted = production
        (dropped if wanted is not None and param is not None and param != wanted else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=_database_params())
async def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, postgres_url: str | None, tmp_path: Path
) -> str:
    """A migrated, empty database of each configured kind."""
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    assert postgres_url is not None
    engine = create_engine(postgres_url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    return postgres_url


@pytest.fixture
def clock() -> FixedClock:
    # A Monday afternoon in Shanghai: 2026-11-23 14:00.
    return FixedClock(dt.datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI).astimezone(dt.UTC))


@pytest.fixture
def settings(database_url: str, redis_url: str, tmp_path: Path, redis: Redis) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        config_dir=PROJECT_ROOT / "config",
        var_dir=tmp_path / "var",
        in_process_worker=False,
        # The suite signs in thousands of times, and argon2's default cost is a tenth of a second
        # of a core per hash and per check. The cost is argon2's parameter, not a behaviour under
        # test; the tests whose subject is a hash's cost ask for the default one explicitly.
        password_cost=CHEAPEST_PASSWORD_COST,
    )


AppFactory = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def make_client(
    settings: Settings,
    service_config: ServiceConfig,
    clock: FixedClock,
    conversation_engine: ConversationEngine,
    understander: Understander,
) -> AsyncIterator[AppFactory]:
    """Start app instances (each its own server) sharing the test Redis and database."""
    clients: list[TestClient[web.Request, web.Application]] = []
    default_clock = clock

    async def factory(
        *,
        config: ServiceConfig | None = None,
        clock: Clock | None = None,
        port: int | None = None,
        **overrides: object,
    ) -> TestClient[web.Request, web.Application]:
        overrides.setdefault("instance_id", f"test-{len(clients)}")
        overrides.setdefault("sms_stub", False)
        app = create_app(
            settings.with_overrides(**overrides),
            service_config if config is None else config,
            default_clock if clock is None else clock,
            worker=in_process_worker,
            engine=conversation_engine if config is None else ConversationEngine(config, understander),
        )
        server = TestServer(app, port=port) if port else TestServer(app)
        client: TestClient[web.Request, web.Application] = TestClient(server)
        await client.start_server()
        clients.append(client)
        return client

    yield factory
    for client in reversed(clients):
        await client.close()


def database_kind(url: str) -> str:
    return make_url(url).get_backend_name()
