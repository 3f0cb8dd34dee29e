"""Per-guild settings (timezone, moderator role, match thresholds) with an explicit cache, and data deletion."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dates import local_today, parse_date
from bot.domain import GuildConfig
from bot.errors import ValidationError
from bot.services.clock import Clock, utc_now
from bot.services.matching import DEFAULT_RELATED_THRESHOLD, DEFAULT_STRONG_THRESHOLD
from db.models import (
    GuildConfigRow,
)
from db.repositories import guild_config_repo

log = logging.getLogger(__name__)
# Calibrated on the claim-matching benchmark (see README, Claim matching).
CACHE_TTL = timedelta(seconds=30)
DEFAULT_STRONG = DEFAULT_STRONG_THRESHOLD
DEFAULT_RELATED = DEFAULT_RELATED_THRESHOLD


def check_timezone(name: str) -> str:
    """Return the IANA name or raise a clear ValidationError."""
    cleaned = name.strip()
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"`{cleaned[:60]}` is not a time zone; pick one like `Europe/Berlin` or `UTC`."
        ) from None
    if not cleaned:
        raise ValidationError("Give a time zone such as `UTC` or `America/New_York`.")
    return cleaned


_ZONES: list[str] = []


def timezone_choices(fragment: str, limit: int = 25) -> list[str]:
    """IANA zone names for autocomplete: prefix matches first, then substring matches."""
    if not _ZONES:
        _ZONES.extend(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))
    key = fragment.strip().lower().replace(" ", "_")
    starts = [z for z in _ZONES if z.lower().startswith(key) or z.lower().split("/")[-1].startswith(key)]
    rest = [z for z in _ZONES if key in z.lower() and z not in starts]
    return (starts + rest)[:limit]


class GuildConfigService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, clock: Clock = utc_now) -> None:
        self._sessions = sessions
        self._clock = clock
        self._cache: dict[int, tuple[GuildConfig, datetime]] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's settings; cached briefly, so a change made by another bot process applies within
        ``CACHE_TTL`` (changes made here apply at once)."""
        now = self._clock()
        cached = self._cache.get(guild_id)
        if cached is not None and now - cached[1] < CACHE_TTL:
            return cached[0]
        async with self._sessions.begin() as session:
            row = await guild_config_repo.get(session, guild_id)
            config = _to_config(guild_id, row)
        self._cache[guild_id] = (config, now)
        return config

    async def today(self, guild_id: int) -> date:
        """Today's date in the guild's time zone (what "yesterday" and "last Thursday" count from)."""
        config = await self.get(guild_id)
        return local_today(self._clock(), config.timezone)

    async def date_range(
        self, guild_id: int, raw_from: str | None, raw_to: str | None
    ) -> tuple[date | None, date | None]:
        """Typed `from`/`to` dates, relative to today in the guild's time zone; `from` must not follow `to`."""
        if not raw_from and not raw_to:
            return None, None
        today = await self.today(guild_id)
        start = parse_date(raw_from, today) if raw_from else None
        end = parse_date(raw_to, today) if raw_to else None
        if start and end and start > end:
            raise ValidationError(
                f"The `from` date ({start.isoformat()}) is after the `to` date ({end.isoformat()})."
            )
        return start, end

    async def _update(self, guild_id: int, **values: object) -> GuildConfig:
        async with self._sessions.begin() as session:
            now = self._clock()
            await guild_config_repo.ensure(session, guild_id, now)
            row = await guild_config_repo.get(session, guild_id)
            if row is None:  # pragma: no cover - ensure() created it
                raise ValidationError("Could not save the settings; try again.")
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
            config = _to_config(guild_id, row)
        self._cache[guild_id] = (config, self._clock())
        return config

    async def set_moderator_role(self, guild_id: int, role_id: int | None) -> GuildConfig:
        return await self._update(guild_id, moderator_role_id=role_id)

    async def set_timezone(self, guild_id: int, name: str) -> GuildConfig:
        return await self._update(guild_id, timezone=check_timezone(name))

    async def set_thresholds(self, guild_id: int, strong: float, related: float) -> GuildConfig:
        if not 0 <= related < strong <= 100:
            raise ValidationError("Thresholds must satisfy 0 ≤ related < strong ≤ 100.")
        return await self._update(guild_id, match_strong=strong, match_related=related)

    async def delete_guild_data(self, guild_id: int) -> dict[str, int]:
        """Hard-delete everything stored for a guild (the bot was removed and the owner asked for it)."""
        async with self._sessions.begin() as session:
            counts = await guild_config_repo.delete_guild(session, guild_id)
        self._cache.pop(guild_id, None)
        log.info("deleted all data of guild %d", guild_id)
        return counts


def _to_config(guild_id: int, row: GuildConfigRow | None) -> GuildConfig:
    if row is None:
        return GuildConfig(guild_id, match_strong=DEFAULT_STRONG, match_related=DEFAULT_RELATED)
    return GuildConfig(
        guild_id=guild_id,
        timezone=row.timezone or "UTC",
        moderator_role_id=row.moderator_role_id,
        match_strong=row.match_strong if row.match_strong is not None else DEFAULT_STRONG,
        match_related=row.match_related if row.match_related is not None else DEFAULT_RELATED,
    )
