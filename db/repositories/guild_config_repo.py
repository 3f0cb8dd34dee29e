"""Per-guild settings and counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditEntryRow,
    ClaimCheckRow,
    DigestPostRow,
    DigestSubscriptionRow,
    FeedRow,
    GuildConfigRow,
    HeadlineRow,
    SpeakerAliasRow,
    SpeakerRow,
    StatementRow,
)


async def ensure(session: AsyncSession, guild_id: int, now: datetime) -> None:
    """Create the guild's settings row if it is missing; safe under concurrency on both engines."""
    values = {
        "guild_id": guild_id,
        "timezone": "UTC",
        "next_statement_number": 1,
        "next_subscription_number": 1,
        "created_at": now,
        "updated_at": now,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(GuildConfigRow).values(**values).on_conflict_do_nothing())


async def get(session: AsyncSession, guild_id: int) -> GuildConfigRow | None:
    return await session.get(GuildConfigRow, guild_id)


async def reserve_statement_numbers(session: AsyncSession, guild_id: int, count: int, now: datetime) -> int:
    """Reserve ``count`` consecutive per-guild statement numbers and return the first."""
    await ensure(session, guild_id, now)
    result = await session.execute(
        update(GuildConfigRow)
        .where(GuildConfigRow.guild_id == guild_id)
        .values(next_statement_number=GuildConfigRow.next_statement_number + count)
        .returning(GuildConfigRow.next_statement_number)
    )
    return int(result.scalar_one()) - count


async def reserve_subscription_number(session: AsyncSession, guild_id: int, now: datetime) -> int:
    await ensure(session, guild_id, now)
    result = await session.execute(
        update(GuildConfigRow)
        .where(GuildConfigRow.guild_id == guild_id)
        .values(next_subscription_number=GuildConfigRow.next_subscription_number + 1)
        .returning(GuildConfigRow.next_subscription_number)
    )
    return int(result.scalar_one()) - 1


async def all_guild_ids(session: AsyncSession) -> list[int]:
    return list((await session.scalars(select(GuildConfigRow.guild_id))).all())


async def delete_guild(session: AsyncSession, guild_id: int) -> dict[str, int]:
    """Hard-delete every row of one guild, children first; returns the rows deleted per table."""
    counts: dict[str, int] = {}
    for model in (
        ClaimCheckRow,
        AuditEntryRow,
        DigestPostRow,
        DigestSubscriptionRow,
        HeadlineRow,
        FeedRow,
        StatementRow,
        SpeakerAliasRow,
    ):
        result = await session.execute(delete(model).where(model.guild_id == guild_id))
        counts[model.__tablename__] = int(getattr(result, "rowcount", 0) or 0)
    await session.execute(
        update(SpeakerRow).where(SpeakerRow.guild_id == guild_id).values(merged_into_id=None)
    )
    result = await session.execute(delete(SpeakerRow).where(SpeakerRow.guild_id == guild_id))
    counts["speakers"] = int(getattr(result, "rowcount", 0) or 0)
    await session.execute(delete(GuildConfigRow).where(GuildConfigRow.guild_id == guild_id))
    return counts
