"""Process settings, read from the environment; the only module that reads ``os.environ``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/onrecord.db"
DEFAULT_SEMANTIC_CACHE = Path("data/semantic-cache.db")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the process needs to start; build it directly in tests."""

    discord_token: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    feed_timeout_s: float = 20.0
    feed_max_concurrency: int = 8
    fetch_allow_hosts: frozenset[str] = field(default_factory=frozenset)
    semantic_model: str | None = None
    semantic_cache: Path | None = None  # where statement embeddings are kept between runs; None: nowhere
    digest_tick_s: float = 60.0
    feed_poll_tick_s: float = 60.0
    index_sync_s: float = 2.0

    def require_token(self) -> str:
        if not self.discord_token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env "
                "(copy .env.example) or export it, then run `make run` again."
            )
        return self.discord_token


def _int_or_none(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a Discord id (digits only), got {raw!r}.")
    return int(raw)


def _float(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {raw!r}.")
    return value


def _semantic_cache(raw: str) -> Path | None:
    value = raw.strip()
    if value.lower() == "off":
        return None
    return Path(value).expanduser() if value else DEFAULT_SEMANTIC_CACHE


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build Settings from an environment mapping; raises ConfigError with one clear line."""
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {level!r}.")
    allow = frozenset(
        h.strip().lower() for h in env.get("ONRECORD_FETCH_ALLOW_HOSTS", "").split(",") if h.strip()
    )
    return Settings(
        discord_token=env.get("DISCORD_TOKEN", "").strip(),
        database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        dev_guild_id=_int_or_none(env, "DEV_GUILD_ID"),
        log_level=level,
        feed_timeout_s=_float(env, "FEED_TIMEOUT_S", 20.0, 1.0),
        feed_max_concurrency=int(_float(env, "FEED_MAX_CONCURRENCY", 8, 1)),
        fetch_allow_hosts=allow,
        semantic_model=env.get("ONRECORD_SEMANTIC_MODEL", "").strip() or None,
        semantic_cache=_semantic_cache(env.get("ONRECORD_SEMANTIC_CACHE", "")),
        index_sync_s=_float(env, "INDEX_SYNC_S", 2.0, 0.2),
        digest_tick_s=_float(env, "DIGEST_TICK_S", 60.0, 1.0),
        feed_poll_tick_s=_float(env, "FEED_POLL_TICK_S", 60.0, 1.0),
    )


def sqlite_path(database_url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other engines and in-memory databases."""
    prefix = "sqlite+aiosqlite:///"
    if not database_url.startswith(prefix):
        return None
    rest = database_url[len(prefix) :].split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


log = logging.getLogger(__name__)
