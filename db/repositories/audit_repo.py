"""The audit trail: one row per create, edit, remove, restore, approve, reject, merge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntryRow


def record(
    session: AsyncSession,
    guild_id: int,
    *,
    action: str,
    actor_id: int,
    at: datetime,
    statement_id: int | None = None,
    speaker_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        AuditEntryRow(
            guild_id=guild_id,
            statement_id=statement_id,
            speaker_id=speaker_id,
            action=action,
            actor_id=actor_id,
            at=at,
            before=before,
            after=after,
            reason=reason,
        )
    )


async def for_statement(session: AsyncSession, guild_id: int, statement_id: int) -> list[AuditEntryRow]:
    stmt = (
        select(AuditEntryRow)
        .where(AuditEntryRow.guild_id == guild_id, AuditEntryRow.statement_id == statement_id)
        .order_by(AuditEntryRow.at, AuditEntryRow.id)
    )
    return list((await session.scalars(stmt)).all())
