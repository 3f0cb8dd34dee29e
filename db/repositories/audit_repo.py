"""The audit trail: one row per create, edit, remove, restore, approve, reject, merge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime
from db.models import AuditEntryRow, SpeakerRow, StatementRow


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


async def last_id(session: AsyncSession) -> int:
    """The newest audit entry id of all guilds (0 when there is none)."""
    return int(await session.scalar(select(func.max(AuditEntryRow.id))) or 0)


async def changes_since(
    session: AsyncSession, after_id: int, limit: int, gaps: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, int | None, int | None]]:
    """(id, guild_id, statement_id, speaker_id) of audit entries newer than ``after_id`` or inside one of the
    ``gaps`` (id ranges not seen yet), oldest first.

    Every change to the record writes an audit entry, so this is the change feed other processes follow."""
    wanted = or_(AuditEntryRow.id > after_id, *(AuditEntryRow.id.between(lo, hi) for lo, hi in gaps))
    stmt = (
        select(AuditEntryRow.id, AuditEntryRow.guild_id, AuditEntryRow.statement_id, AuditEntryRow.speaker_id)
        .where(wanted)
        .order_by(AuditEntryRow.id)
        .limit(limit)
    )
    return [(int(a), int(g), s, p) for a, g, s, p in (await session.execute(stmt)).all()]


async def record_creates(
    session: AsyncSession,
    guild_id: int,
    first_number: int,
    count: int,
    *,
    actor_id: int,
    at: datetime,
    reason: str,
) -> None:
    """One "create" entry, with the statement's values as "after", for statements #first … #first+count-1.

    Built by the database in one INSERT … SELECT, which is what keeps bulk imports fast."""
    is_sqlite = session.get_bind().dialect.name == "sqlite"
    build = func.json_object if is_sqlite else func.json_build_object
    topics = func.json(StatementRow.topics) if is_sqlite else StatementRow.topics
    after = build(
        "text", StatementRow.text,
        "speaker", SpeakerRow.name,
        "speaker_title", StatementRow.speaker_title,
        "said_on", StatementRow.said_on,
        "kind", StatementRow.kind,
        "context", StatementRow.context,
        "source_url", StatementRow.source_url,
        "source_name", StatementRow.source_name,
        "topics", topics,
        "status", StatementRow.status,
    )  # fmt: skip
    rows = (
        select(
            StatementRow.guild_id,
            StatementRow.id,
            literal("create"),
            literal(actor_id, BigInteger()),
            literal(at, UTCDateTime()),
            after,
            literal(reason),
        )
        .join(SpeakerRow, SpeakerRow.id == StatementRow.speaker_id)
        .where(
            StatementRow.guild_id == guild_id,
            StatementRow.number >= first_number,
            StatementRow.number < first_number + count,
        )
    )
    columns = ["guild_id", "statement_id", "action", "actor_id", "at", "after", "reason"]
    await session.execute(insert(AuditEntryRow).from_select(columns, rows))
