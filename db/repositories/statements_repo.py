"""Statements: lookups by per-guild number, filtered listings, bulk reads for the match index."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SpeakerRow, StatementRow


async def by_number(session: AsyncSession, guild_id: int, number: int) -> StatementRow | None:
    stmt = select(StatementRow).where(StatementRow.guild_id == guild_id, StatementRow.number == number)
    return (await session.scalars(stmt)).first()


async def by_external_ids(
    session: AsyncSession, guild_id: int, external_ids: Sequence[str]
) -> dict[str, StatementRow]:
    out: dict[str, StatementRow] = {}
    for start in range(0, len(external_ids), 5000):  # well under both engines' bound-parameter limits
        chunk = external_ids[start : start + 5000]
        stmt = select(StatementRow).where(
            StatementRow.guild_id == guild_id, StatementRow.external_id.in_(chunk)
        )
        for row in (await session.scalars(stmt)).all():
            if row.external_id is not None:
                out[row.external_id] = row
    return out


async def by_ids(session: AsyncSession, guild_id: int, ids: Sequence[int]) -> list[StatementRow]:
    if not ids:
        return []
    stmt = select(StatementRow).where(StatementRow.guild_id == guild_id, StatementRow.id.in_(ids))
    return list((await session.scalars(stmt)).all())


def _filtered(
    guild_id: int,
    *,
    status: str,
    speaker_id: int | None,
    date_from: date | None,
    date_to: date | None,
    kind: str | None,
) -> Select[StatementRow]:
    stmt = select(StatementRow).where(StatementRow.guild_id == guild_id, StatementRow.status == status)
    if speaker_id is not None:
        stmt = stmt.where(StatementRow.speaker_id == speaker_id)
    if date_from is not None:
        stmt = stmt.where(StatementRow.said_on >= date_from)
    if date_to is not None:
        stmt = stmt.where(StatementRow.said_on <= date_to)
    if kind is not None:
        stmt = stmt.where(StatementRow.kind == kind)
    return stmt


async def page(
    session: AsyncSession,
    guild_id: int,
    *,
    status: str = "published",
    speaker_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int = 5,
) -> tuple[list[StatementRow], int]:
    stmt = _filtered(
        guild_id, status=status, speaker_id=speaker_id, date_from=date_from, date_to=date_to, kind=kind
    )
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    ordered = stmt.order_by(StatementRow.said_on.desc().nulls_last(), StatementRow.number.desc())
    rows = (await session.scalars(ordered.offset(offset).limit(limit))).all()
    return list(rows), int(total or 0)


async def random_one(session: AsyncSession, guild_id: int, speaker_id: int | None) -> StatementRow | None:
    stmt = _filtered(
        guild_id, status="published", speaker_id=speaker_id, date_from=None, date_to=None, kind=None
    )
    return (await session.scalars(stmt.order_by(func.random()).limit(1))).first()


async def count(session: AsyncSession, guild_id: int | None = None, status: str = "published") -> int:
    stmt = select(func.count()).select_from(StatementRow).where(StatementRow.status == status)
    if guild_id is not None:
        stmt = stmt.where(StatementRow.guild_id == guild_id)
    return int(await session.scalar(stmt) or 0)


async def speaker_stats(
    session: AsyncSession, guild_id: int, speaker_id: int
) -> tuple[int, date | None, date | None]:
    stmt = select(func.count(), func.min(StatementRow.said_on), func.max(StatementRow.said_on)).where(
        StatementRow.guild_id == guild_id,
        StatementRow.speaker_id == speaker_id,
        StatementRow.status == "published",
    )
    n, first, last = (await session.execute(stmt)).one()
    return int(n), first, last


async def with_same_words(
    session: AsyncSession, guild_id: int, speaker_id: int, text_key: str
) -> StatementRow | None:
    stmt = select(StatementRow).where(
        StatementRow.guild_id == guild_id,
        StatementRow.speaker_id == speaker_id,
        StatementRow.text_key == text_key,
        StatementRow.status == "published",
    )
    return (await session.scalars(stmt.limit(1))).first()


async def stream_published(
    session: AsyncSession, guild_id: int | None = None, batch: int = 5000
) -> AsyncIterator[StatementRow]:
    """Published statements in id order, all guilds when ``guild_id`` is None (index build at start)."""
    stmt = select(StatementRow).where(StatementRow.status == "published")
    if guild_id is not None:
        stmt = stmt.where(StatementRow.guild_id == guild_id)
    result = await session.stream_scalars(stmt.order_by(StatementRow.id).execution_options(yield_per=batch))
    async for row in result:
        yield row


async def stream_guild(
    session: AsyncSession, guild_id: int, batch: int = 2000
) -> AsyncIterator[tuple[StatementRow, SpeakerRow]]:
    stmt = (
        select(StatementRow, SpeakerRow)
        .join(SpeakerRow, SpeakerRow.id == StatementRow.speaker_id)
        .where(StatementRow.guild_id == guild_id)
        .order_by(StatementRow.number)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(stmt)
    async for st, sp in result:
        yield st, sp
