"""Digest subscriptions and the per-(subscription, local date) post rows that make posting exactly-once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntryRow, DigestPostRow, DigestSubscriptionRow, SpeakerRow, StatementRow


async def add_subscription(
    session: AsyncSession,
    guild_id: int,
    *,
    number: int,
    channel_id: int,
    post_time: str,
    timezone: str,
    max_items: int,
    sections: Sequence[str],
    post_empty: bool,
    created_by: int,
    now: datetime,
) -> DigestSubscriptionRow:
    row = DigestSubscriptionRow(
        guild_id=guild_id,
        number=number,
        channel_id=channel_id,
        post_time=post_time,
        timezone=timezone,
        max_items=max_items,
        sections=list(sections),
        post_empty=post_empty,
        is_paused=False,
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_subscription(session: AsyncSession, guild_id: int, number: int) -> DigestSubscriptionRow | None:
    stmt = select(DigestSubscriptionRow).where(
        DigestSubscriptionRow.guild_id == guild_id, DigestSubscriptionRow.number == number
    )
    return (await session.scalars(stmt)).first()


async def subscriptions(session: AsyncSession, guild_id: int) -> list[DigestSubscriptionRow]:
    stmt = (
        select(DigestSubscriptionRow)
        .where(DigestSubscriptionRow.guild_id == guild_id)
        .order_by(DigestSubscriptionRow.number)
    )
    return list((await session.scalars(stmt)).all())


async def active_subscriptions_all_guilds(session: AsyncSession) -> list[DigestSubscriptionRow]:
    """Every unpaused subscription of every guild: the scheduler's view (each row carries its guild_id)."""
    stmt = (
        select(DigestSubscriptionRow)
        .where(DigestSubscriptionRow.is_paused.is_(False))
        .order_by(DigestSubscriptionRow.id)
    )
    return list((await session.scalars(stmt)).all())


async def remove_subscription(session: AsyncSession, guild_id: int, number: int) -> bool:
    row = await get_subscription(session, guild_id, number)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def posts_on(
    session: AsyncSession, local_dates: Sequence[date], *, guild_id: int | None = None
) -> dict[tuple[int, date], DigestPostRow]:
    """Post rows for the given local dates, keyed by (subscription id, local date).

    Every guild when ``guild_id`` is None (the scheduler's view); one guild's otherwise (`/digest list`).
    """
    if not local_dates:
        return {}
    stmt = select(DigestPostRow).where(DigestPostRow.local_date.in_(sorted(set(local_dates))))
    if guild_id is not None:
        stmt = stmt.where(DigestPostRow.guild_id == guild_id)
    return {(r.subscription_id, r.local_date): r for r in (await session.scalars(stmt)).all()}


async def latest_post(session: AsyncSession, guild_id: int, subscription_id: int) -> DigestPostRow | None:
    stmt = (
        select(DigestPostRow)
        .where(DigestPostRow.guild_id == guild_id, DigestPostRow.subscription_id == subscription_id)
        .order_by(DigestPostRow.local_date.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def claim(
    session: AsyncSession,
    guild_id: int,
    *,
    subscription_id: int,
    local_date: date,
    claimed_by: str,
    now: datetime,
    is_delayed: bool,
) -> int:
    """Insert the claim row; the (subscription_id, local_date) constraint raises IntegrityError if taken."""
    row = DigestPostRow(
        guild_id=guild_id,
        subscription_id=subscription_id,
        local_date=local_date,
        status="claimed",
        claimed_by=claimed_by,
        claimed_at=now,
        attempts=1,
        is_delayed=is_delayed,
        message_ids=[],
        headline_count=0,
    )
    session.add(row)
    await session.flush()
    return row.id


async def reclaim_stale(
    session: AsyncSession,
    guild_id: int,
    post_id: int,
    *,
    claimed_by: str,
    now: datetime,
    older_than: datetime,
) -> bool:
    """Take over a claim left unfinished by a crash, once: only the process whose UPDATE matched wins."""
    result = await session.execute(
        update(DigestPostRow)
        .where(
            DigestPostRow.guild_id == guild_id,
            DigestPostRow.id == post_id,
            DigestPostRow.status == "claimed",
            DigestPostRow.attempts == 1,
            DigestPostRow.claimed_at < older_than,
        )
        .values(attempts=2, claimed_by=claimed_by, claimed_at=now, is_delayed=True)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def finish(
    session: AsyncSession,
    guild_id: int,
    post_id: int,
    *,
    claimed_by: str,
    status: str,
    now: datetime,
    message_ids: Sequence[int],
    headline_count: int,
    error: str | None,
) -> bool:
    """Record the outcome of a claim this process still holds."""
    result = await session.execute(
        update(DigestPostRow)
        .where(
            DigestPostRow.guild_id == guild_id,
            DigestPostRow.id == post_id,
            DigestPostRow.status == "claimed",
            DigestPostRow.claimed_by == claimed_by,
        )
        .values(
            status=status,
            posted_at=now if status == "posted" else None,
            message_ids=list(message_ids),
            headline_count=headline_count,
            error=error,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def set_last_result(
    session: AsyncSession, guild_id: int, subscription_id: int, result: str, posted_at: datetime | None
) -> None:
    values: dict[str, object] = {"last_result": result}
    if posted_at is not None:
        values["last_posted_at"] = posted_at
    await session.execute(
        update(DigestSubscriptionRow)
        .where(DigestSubscriptionRow.guild_id == guild_id, DigestSubscriptionRow.id == subscription_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def statements_created_between(
    session: AsyncSession, guild_id: int, since: datetime, until: datetime, *, limit: int = 200
) -> list[tuple[StatementRow, SpeakerRow]]:
    """Statements that went on the record in (since, until] — added published, approved from the review
    queue, or restored — and are still published; oldest first, with their speaker."""
    went_on_record = (
        select(AuditEntryRow.statement_id, func.max(AuditEntryRow.at).label("at"))
        .where(
            AuditEntryRow.guild_id == guild_id,
            AuditEntryRow.action.in_(("create", "approve", "restore")),
            AuditEntryRow.at > since,
            AuditEntryRow.at <= until,
        )
        .group_by(AuditEntryRow.statement_id)
        .subquery()
    )
    stmt = (
        select(StatementRow, SpeakerRow)
        .join(went_on_record, went_on_record.c.statement_id == StatementRow.id)
        .join(SpeakerRow, SpeakerRow.id == StatementRow.speaker_id)
        .where(StatementRow.guild_id == guild_id, StatementRow.status == "published")
        .order_by(went_on_record.c.at, StatementRow.number)
        .limit(limit)
    )
    return [(st, sp) for st, sp in (await session.execute(stmt)).all()]


async def statements_by_ids(
    session: AsyncSession, guild_id: int, ids: Sequence[int]
) -> list[tuple[StatementRow, SpeakerRow]]:
    if not ids:
        return []
    stmt = (
        select(StatementRow, SpeakerRow)
        .join(SpeakerRow, SpeakerRow.id == StatementRow.speaker_id)
        .where(
            StatementRow.guild_id == guild_id,
            StatementRow.id.in_(list(ids)),
            StatementRow.status == "published",
        )
    )
    return [(st, sp) for st, sp in (await session.execute(stmt)).all()]
