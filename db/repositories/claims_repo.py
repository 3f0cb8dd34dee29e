"""The claim-check log: one row per check, read back by moderators and the daily digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ClaimCheckRow, StatementRow


def record(
    session: AsyncSession,
    guild_id: int,
    *,
    user_id: int,
    claim: str,
    best_statement_id: int | None,
    best_score: float | None,
    verdict: str,
    checked_at: datetime,
) -> None:
    session.add(
        ClaimCheckRow(
            guild_id=guild_id,
            user_id=user_id,
            claim=claim,
            best_statement_id=best_statement_id,
            best_score=best_score,
            verdict=verdict,
            checked_at=checked_at,
        )
    )


async def recent(session: AsyncSession, guild_id: int, limit: int) -> list[tuple[ClaimCheckRow, int | None]]:
    """The latest checks of a guild, newest first, each with the #number of its best statement."""
    stmt = (
        select(ClaimCheckRow, StatementRow.number)
        .outerjoin(
            StatementRow,
            (StatementRow.id == ClaimCheckRow.best_statement_id) & (StatementRow.guild_id == guild_id),
        )
        .where(ClaimCheckRow.guild_id == guild_id)
        .order_by(ClaimCheckRow.checked_at.desc(), ClaimCheckRow.id.desc())
        .limit(limit)
    )
    return [(row, number) for row, number in (await session.execute(stmt)).all()]


async def count_since(session: AsyncSession, guild_id: int, since: datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(ClaimCheckRow)
        .where(ClaimCheckRow.guild_id == guild_id, ClaimCheckRow.checked_at >= since)
    )
    return int(await session.scalar(stmt) or 0)
