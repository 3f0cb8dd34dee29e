"""Feeds and their headlines: per-guild CRUD, the polling queue and insert-or-ignore headline storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FeedRow, HeadlineRow

_INSERT_CHUNK = 200


async def add(
    session: AsyncSession,
    guild_id: int,
    *,
    url: str,
    name: str | None,
    interval_min: int,
    added_by: int,
    now: datetime,
) -> FeedRow:
    """Insert a feed; the (guild_id, url) constraint raises IntegrityError for a duplicate."""
    row = FeedRow(
        guild_id=guild_id,
        url=url,
        name=name,
        interval_min=interval_min,
        status="ok",
        consecutive_failures=0,
        disabled_notice_pending=False,
        added_by=added_by,
        created_at=now,
        next_fetch_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get(session: AsyncSession, guild_id: int, feed_id: int) -> FeedRow | None:
    stmt = select(FeedRow).where(FeedRow.guild_id == guild_id, FeedRow.id == feed_id)
    return (await session.scalars(stmt)).first()


async def by_url(session: AsyncSession, guild_id: int, url: str) -> FeedRow | None:
    stmt = select(FeedRow).where(FeedRow.guild_id == guild_id, FeedRow.url == url)
    return (await session.scalars(stmt)).first()


async def list_for_guild(session: AsyncSession, guild_id: int) -> list[FeedRow]:
    stmt = select(FeedRow).where(FeedRow.guild_id == guild_id).order_by(FeedRow.id)
    return list((await session.scalars(stmt)).all())


async def remove(session: AsyncSession, guild_id: int, feed_id: int) -> bool:
    row = await get(session, guild_id, feed_id)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def headline_counts(session: AsyncSession, guild_id: int) -> dict[int, int]:
    stmt = (
        select(HeadlineRow.feed_id, func.count())
        .where(HeadlineRow.guild_id == guild_id)
        .group_by(HeadlineRow.feed_id)
    )
    return {int(feed_id): int(n) for feed_id, n in (await session.execute(stmt)).all()}


async def due(
    session: AsyncSession, guild_id: int | None, now: datetime, *, limit: int = 500
) -> list[FeedRow]:
    """Enabled feeds whose next fetch time has come; every guild when ``guild_id`` is None (the poller)."""
    stmt = select(FeedRow).where(
        FeedRow.status != "disabled",
        or_(FeedRow.next_fetch_at.is_(None), FeedRow.next_fetch_at <= now),
    )
    if guild_id is not None:
        stmt = stmt.where(FeedRow.guild_id == guild_id)
    stmt = stmt.order_by(FeedRow.next_fetch_at.nulls_first(), FeedRow.id).limit(limit)
    return list((await session.scalars(stmt)).all())


async def lease(
    session: AsyncSession, guild_id: int, feed_id: int, expected_next: datetime | None, until: datetime
) -> bool:
    """Move ``next_fetch_at`` forward only if nobody else did: the winner of a race fetches the feed."""
    cond = (
        FeedRow.next_fetch_at.is_(None) if expected_next is None else FeedRow.next_fetch_at == expected_next
    )
    result = await session.execute(
        update(FeedRow)
        .where(FeedRow.guild_id == guild_id, FeedRow.id == feed_id, FeedRow.status != "disabled", cond)
        .values(next_fetch_at=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def insert_headlines(
    session: AsyncSession, guild_id: int, feed_id: int, rows: Sequence[dict[str, Any]]
) -> int:
    """Store headlines once per (feed, entry key); returns how many were new."""
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    added = 0
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = [{**r, "guild_id": guild_id, "feed_id": feed_id} for r in rows[start : start + _INSERT_CHUNK]]
        stmt = (
            insert(HeadlineRow)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=["feed_id", "entry_key"])
            .returning(HeadlineRow.id)
        )
        added += len((await session.execute(stmt)).all())
    return added


async def headlines_between(
    session: AsyncSession, guild_id: int, since: datetime, until: datetime, *, limit: int = 5000
) -> list[tuple[HeadlineRow, str | None]]:
    """Headlines of a guild published in [since, until], newest first, with their feed's display name."""
    stmt = (
        select(HeadlineRow, FeedRow.name)
        .join(FeedRow, FeedRow.id == HeadlineRow.feed_id)
        .where(
            HeadlineRow.guild_id == guild_id,
            HeadlineRow.published_at >= since,
            HeadlineRow.published_at <= until,
        )
        .order_by(HeadlineRow.published_at.desc(), HeadlineRow.id.desc())
        .limit(limit)
    )
    return [(h, name) for h, name in (await session.execute(stmt)).all()]


async def pending_disable_notices(session: AsyncSession, guild_id: int | None = None) -> list[FeedRow]:
    stmt = select(FeedRow).where(FeedRow.disabled_notice_pending.is_(True))
    if guild_id is not None:
        stmt = stmt.where(FeedRow.guild_id == guild_id)
    return list((await session.scalars(stmt.order_by(FeedRow.id))).all())


async def take_disable_notice(session: AsyncSession, guild_id: int, feed_id: int) -> bool:
    """Clear the pending-notice flag; True only for the one process that cleared it."""
    result = await session.execute(
        update(FeedRow)
        .where(
            FeedRow.guild_id == guild_id,
            FeedRow.id == feed_id,
            FeedRow.disabled_notice_pending.is_(True),
        )
        .values(disabled_notice_pending=False)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def requeue_disable_notice(session: AsyncSession, guild_id: int, feed_id: int) -> None:
    """Put an undelivered notice back, unless the feed was turned on again meanwhile."""
    await session.execute(
        update(FeedRow)
        .where(FeedRow.guild_id == guild_id, FeedRow.id == feed_id, FeedRow.status == "disabled")
        .values(disabled_notice_pending=True)
        .execution_options(synchronize_session=False)
    )
