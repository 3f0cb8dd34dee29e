"""Shared fixtures: a migrated database on SQLite and, when ONRECORD_TEST_POSTGRES_URL is set, PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.container import Services, build_services
from bot.settings import Settings
from db import migrate
from db.base import Base
from db.engine import make_engine

POSTGRES_URL = os.environ.get("ONRECORD_TEST_POSTGRES_URL", "").strip()
REQUIRE_POSTGRES = os.environ.get("ONRECORD_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
_ran_on_postgres = False
T = TypeVar("T")


class FrozenClock:
    """A settable clock for services: starts at a fixed instant and moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2024, 7, 12, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def _run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop (session fixtures may be set up inside a running loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


async def _pg_database(name: str) -> str:
    """Create (if needed) a per-worker database next to the configured one and return its URL."""
    base = make_url(POSTGRES_URL)
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(engine)
        await engine.dispose()

    _run_in_thread(build())
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("ONRECORD_TEST_POSTGRES_URL is not set")
    name = f"onrecord_test_{_worker()}_{os.getpid()}"  # one database per run: parallel runs never collide

    async def prepare() -> str:
        url = await _pg_database(name)
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await migrate.upgrade(engine)
        await engine.dispose()
        return url

    try:
        url = _run_in_thread(prepare())
    except OSError as exc:
        if REQUIRE_POSTGRES:
            pytest.exit(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}", returncode=1)
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    yield url
    _run_in_thread(_drop_pg_database(name))


async def _drop_pg_database(name: str) -> None:
    admin = create_async_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def _truncate(engine: AsyncEngine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=ENGINES)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty, migrated database: SQLite always, PostgreSQL when configured."""
    global _ran_on_postgres
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "onrecord.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    _ran_on_postgres = True
    engine = make_engine(url)
    await _truncate(engine)
    await engine.dispose()
    yield url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(discord_token="test-token", database_url=db_url)


@pytest.fixture
def services(settings: Settings, engine: AsyncEngine, clock: FrozenClock) -> Services:
    return build_services(settings, engine, clock=clock)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a run in which no PostgreSQL test ran is a failure, not a silent success."""
    if REQUIRE_POSTGRES and exitstatus == 0 and not _ran_on_postgres and _worker() != "main":
        return
    if REQUIRE_POSTGRES and exitstatus == 0 and _worker() == "main" and not _any_pg_passed(session):
        session.exitstatus = 1


def _any_pg_passed(session: pytest.Session) -> bool:
    stats = session.config.pluginmanager.get_plugin("terminalreporter")
    if stats is None:
        return _ran_on_postgres
    passed = stats.stats.get("passed", [])
    return any("postgresql" in getattr(r, "nodeid", "") for r in passed)
