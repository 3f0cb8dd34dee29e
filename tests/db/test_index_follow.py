"""Two processes on one database: each index follows the other's changes through the audit log."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.container import build_services
from bot.domain import NewStatement
from bot.services.index_sync import GAP_TTL_S, update_gaps
from bot.services.records import RecordsService, parse_rows
from bot.settings import Settings
from db.models import AuditEntryRow
from tests.conftest import FrozenClock

G = 77


async def test_index_follows_changes_made_by_another_process(
    settings: Settings, engine: AsyncEngine, clock: FrozenClock
) -> None:
    a = build_services(settings, engine, clock=clock)
    b = build_services(settings, engine, clock=clock)
    await b.index.build()
    added = await a.statements.add(
        G, NewStatement(text="We will cut taxes next year.", speaker="Jane Doe", said_on=None), actor_id=1
    )
    assert b.index.index.search(G, "cut taxes next year") == []
    assert await b.index.catch_up() == 1
    assert [m.number for m in b.index.index.search(G, "cut taxes next year")] == [added.number]

    await a.speakers.add_alias(G, "Jane Doe", "Governor Doe", actor_id=1)
    await b.index.catch_up()
    top = b.index.index.search(G, "Governor Doe taxes")
    assert top
    assert top[0].number == added.number

    await a.statements.remove(G, added.number, actor_id=1, reason="duplicate")
    await b.index.catch_up()
    assert b.index.index.search(G, "cut taxes next year") == []
    assert await b.index.catch_up() == 0


async def test_index_follows_a_command_line_import(
    settings: Settings, engine: AsyncEngine, clock: FrozenClock
) -> None:
    bot = build_services(settings, engine, clock=clock)
    await bot.index.build()
    rows = "\n".join(
        json.dumps({"text": f"Budget line {i} is final.", "speaker": "Finance Ministry"}) for i in range(30)
    )
    await RecordsService(bot.sessions).import_rows(G, parse_rows(rows, "jsonl"), actor_id=0)
    assert await bot.index.catch_up(batch=7) == 30
    assert len(bot.index.index.search(G, "budget line final", limit=50)) == 30


def test_update_gaps_tracks_holes_until_seen_or_expired() -> None:
    gaps = update_gaps([], 10, [11, 14, 15], now=100.0)
    assert gaps == [(12, 13, 100.0)]
    gaps = update_gaps(gaps, 15, [13, 16], now=101.0)
    assert gaps == [(12, 12, 100.0)]
    assert update_gaps(gaps, 16, [], now=100.0 + GAP_TTL_S + 1) == []


async def test_index_picks_up_a_change_committed_after_a_newer_one(
    settings: Settings, engine: AsyncEngine, clock: FrozenClock
) -> None:
    """PostgreSQL allocates ids before commit, so entry 2 can become visible after entry 3 was read."""
    a = build_services(settings, engine, clock=clock)
    b = build_services(settings, engine, clock=clock)
    await b.index.build()
    await a.statements.add(
        G, NewStatement(text="First words on record.", speaker="Jo Li", said_on=None), actor_id=1
    )
    await b.index.catch_up()
    await a.statements.add(
        G, NewStatement(text="Second tardy words.", speaker="Jo Li", said_on=None), actor_id=1
    )
    await a.statements.add(
        G, NewStatement(text="Third prompt words.", speaker="Jo Li", said_on=None), actor_id=1
    )
    async with engine.begin() as conn:
        late = (await conn.execute(select(AuditEntryRow).where(AuditEntryRow.id == 2))).one()
        await conn.execute(delete(AuditEntryRow).where(AuditEntryRow.id == 2))
    await b.index.catch_up()

    def found(query: str) -> list[int]:
        return [m.number for m in b.index.index.search(G, query, limit=10)]

    assert 3 in found("third prompt words")
    assert 2 not in found("second tardy words")
    async with engine.begin() as conn:
        await conn.execute(insert(AuditEntryRow).values(**late._mapping))
    await b.index.catch_up()
    assert 2 in found("second tardy words")
