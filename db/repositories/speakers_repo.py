"""Speakers and their aliases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.text import name_key
from db.models import SpeakerAliasRow, SpeakerRow, StatementRow


async def get(session: AsyncSession, guild_id: int, speaker_id: int) -> SpeakerRow | None:
    row = await session.get(SpeakerRow, speaker_id)
    if row is None or row.guild_id != guild_id or row.merged_into_id is not None:
        return None
    return row


async def by_alias(session: AsyncSession, guild_id: int, name: str) -> SpeakerRow | None:
    stmt = (
        select(SpeakerRow)
        .join(SpeakerAliasRow, SpeakerAliasRow.speaker_id == SpeakerRow.id)
        .where(SpeakerAliasRow.guild_id == guild_id, SpeakerAliasRow.alias_key == name_key(name))
    )
    return (await session.scalars(stmt)).first()


async def aliases(session: AsyncSession, guild_id: int, speaker_id: int) -> list[str]:
    stmt = (
        select(SpeakerAliasRow.alias)
        .where(
            SpeakerAliasRow.guild_id == guild_id,
            SpeakerAliasRow.speaker_id == speaker_id,
            SpeakerAliasRow.is_canonical.is_(False),
        )
        .order_by(SpeakerAliasRow.alias_key)
    )
    return list((await session.scalars(stmt)).all())


async def aliases_for(
    session: AsyncSession, guild_id: int, speaker_ids: Sequence[int]
) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {sid: [] for sid in speaker_ids}
    if not speaker_ids:
        return out
    stmt = select(SpeakerAliasRow.speaker_id, SpeakerAliasRow.alias).where(
        SpeakerAliasRow.guild_id == guild_id,
        SpeakerAliasRow.speaker_id.in_(speaker_ids),
        SpeakerAliasRow.is_canonical.is_(False),
    )
    for sid, alias in (await session.execute(stmt)).all():
        out.setdefault(sid, []).append(alias)
    return out


async def create(
    session: AsyncSession, guild_id: int, name: str, kind: str, description: str | None, now: datetime
) -> SpeakerRow:
    row = SpeakerRow(
        guild_id=guild_id, name=name, kind=kind, description=description, created_at=now, updated_at=now
    )
    session.add(row)
    await session.flush()
    session.add(
        SpeakerAliasRow(
            guild_id=guild_id, speaker_id=row.id, alias=name, alias_key=name_key(name), is_canonical=True
        )
    )
    await session.flush()
    return row


async def alias_owner(session: AsyncSession, guild_id: int, alias: str) -> SpeakerAliasRow | None:
    stmt = select(SpeakerAliasRow).where(
        SpeakerAliasRow.guild_id == guild_id, SpeakerAliasRow.alias_key == name_key(alias)
    )
    return (await session.scalars(stmt)).first()


async def add_alias(session: AsyncSession, guild_id: int, speaker_id: int, alias: str) -> None:
    session.add(
        SpeakerAliasRow(
            guild_id=guild_id,
            speaker_id=speaker_id,
            alias=alias,
            alias_key=name_key(alias),
            is_canonical=False,
        )
    )
    await session.flush()


async def remove_alias(session: AsyncSession, row: SpeakerAliasRow) -> None:
    await session.delete(row)
    await session.flush()


async def rename(session: AsyncSession, guild_id: int, row: SpeakerRow, new_name: str) -> None:
    """Make ``new_name`` canonical; the old canonical name stays as an alias."""
    existing = await alias_owner(session, guild_id, new_name)
    await session.execute(
        update(SpeakerAliasRow)
        .where(SpeakerAliasRow.guild_id == guild_id, SpeakerAliasRow.speaker_id == row.id)
        .values(is_canonical=False)
    )
    if existing is None:
        session.add(
            SpeakerAliasRow(
                guild_id=guild_id,
                speaker_id=row.id,
                alias=new_name,
                alias_key=name_key(new_name),
                is_canonical=True,
            )
        )
    else:
        existing.is_canonical = True
        existing.alias = new_name
    row.name = new_name
    await session.flush()


async def move_aliases(session: AsyncSession, guild_id: int, source_id: int, target_id: int) -> None:
    await session.execute(
        update(SpeakerAliasRow)
        .where(SpeakerAliasRow.guild_id == guild_id, SpeakerAliasRow.speaker_id == source_id)
        .values(speaker_id=target_id, is_canonical=False)
    )


async def search_names(
    session: AsyncSession, guild_id: int, fragment: str, limit: int
) -> list[tuple[int, str]]:
    """(speaker id, name or alias) whose key starts with, then contains, ``fragment``."""
    key = name_key(fragment)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    base = select(SpeakerAliasRow.speaker_id, SpeakerAliasRow.alias).where(
        SpeakerAliasRow.guild_id == guild_id
    )
    rows = list(
        (
            await session.execute(
                base.where(SpeakerAliasRow.alias_key.like(f"{escaped}%", escape="\\"))
                .order_by(SpeakerAliasRow.alias_key)
                .limit(limit)
            )
        ).all()
    )
    if len(rows) < limit and key:
        more = await session.execute(
            base.where(
                SpeakerAliasRow.alias_key.like(f"%{escaped}%", escape="\\"),
                SpeakerAliasRow.alias_key.not_like(f"{escaped}%", escape="\\"),
            )
            .order_by(SpeakerAliasRow.alias_key)
            .limit(limit - len(rows))
        )
        rows.extend(more.all())
    return [(int(sid), str(alias)) for sid, alias in rows]


async def all_names(session: AsyncSession, guild_id: int) -> list[tuple[int, str, bool]]:
    stmt = select(SpeakerAliasRow.speaker_id, SpeakerAliasRow.alias, SpeakerAliasRow.is_canonical).where(
        SpeakerAliasRow.guild_id == guild_id
    )
    return [(int(a), str(b), bool(c)) for a, b, c in (await session.execute(stmt)).all()]


async def page(
    session: AsyncSession, guild_id: int, offset: int, limit: int
) -> tuple[list[tuple[SpeakerRow, int]], int]:
    counts = (
        select(StatementRow.speaker_id, func.count().label("n"))
        .where(StatementRow.guild_id == guild_id, StatementRow.status == "published")
        .group_by(StatementRow.speaker_id)
        .subquery()
    )
    stmt = (
        select(SpeakerRow, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.speaker_id == SpeakerRow.id)
        .where(SpeakerRow.guild_id == guild_id, SpeakerRow.merged_into_id.is_(None))
        .order_by(func.coalesce(counts.c.n, 0).desc(), SpeakerRow.name)
        .offset(offset)
        .limit(limit)
    )
    rows = [(r, int(n)) for r, n in (await session.execute(stmt)).all()]
    total = await session.scalar(
        select(func.count())
        .select_from(SpeakerRow)
        .where(SpeakerRow.guild_id == guild_id, SpeakerRow.merged_into_id.is_(None))
    )
    return rows, int(total or 0)


async def get_any(session: AsyncSession, guild_id: int, speaker_id: int) -> SpeakerRow | None:
    """A speaker row even if merged away (statements keep pointing at live speakers, but history may not)."""
    row = await session.get(SpeakerRow, speaker_id)
    return row if row is not None and row.guild_id == guild_id else None


async def bulk_create(
    session: AsyncSession, guild_id: int, new: Sequence[tuple[str, str]], now: datetime
) -> dict[str, int]:
    """Insert new speakers (name, kind) with their canonical alias in two statements; ids by name key."""
    await session.execute(
        insert(SpeakerRow),
        [
            {
                "guild_id": guild_id,
                "name": name,
                "kind": kind,
                "description": None,
                "merged_into_id": None,
                "created_at": now,
                "updated_at": now,
            }
            for name, kind in new
        ],
    )
    rows = await session.execute(
        select(SpeakerRow.name, SpeakerRow.id).where(
            SpeakerRow.guild_id == guild_id, SpeakerRow.created_at == now
        )
    )
    wanted = {name_key(name) for name, _ in new}
    ids = {name_key(name): sid for name, sid in rows.all() if name_key(name) in wanted}
    await session.execute(
        insert(SpeakerAliasRow),
        [
            {
                "guild_id": guild_id,
                "speaker_id": ids[name_key(name)],
                "alias": name,
                "alias_key": name_key(name),
                "is_canonical": True,
            }
            for name, _ in new
        ],
    )
    return ids
