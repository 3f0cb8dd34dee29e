"""Process-wide key/value state kept in the database (e.g. the last command-sync hash)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock, utc_now
from db.models import BotState


class BotStateService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, clock: Clock = utc_now) -> None:
        self._sessions = sessions
        self._clock = clock

    async def get(self, key: str) -> str | None:
        async with self._sessions.begin() as session:
            row = await session.get(BotState, key)
            return None if row is None else row.value

    async def set(self, key: str, value: str) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(BotState, key)
            if row is None:
                session.add(BotState(key=key, value=value, updated_at=self._clock()))
            else:
                row.value, row.updated_at = value, self._clock()
