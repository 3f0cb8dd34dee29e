"""Engine and session factory. SQLite gets WAL, foreign keys and a busy timeout on every connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import ConfigError
from bot.settings import sqlite_path

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def _set_sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:  # noqa: ANN401  (DBAPI has no types)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache: bulk imports stop spilling
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def check_database_url(url: str) -> None:
    """Raise ConfigError (one line) unless ``url`` names a supported async driver."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a valid database URL; use sqlite+aiosqlite:///./data/onrecord.db "
            "or postgresql+asyncpg://user:password@host/dbname."
        ) from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"DATABASE_URL uses {parsed.drivername!r}; OnRecord supports sqlite+aiosqlite:// and "
            "postgresql+asyncpg:// URLs."
        )


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    check_database_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("postgresql"):
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
