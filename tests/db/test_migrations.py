from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db import migrate
from db.base import Base


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_upgrade_head_matches_models_without_autogenerate_diff(engine: AsyncEngine) -> None:
    # The fixture database was migrated to head; the models must match it exactly.
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    assert await migrate.current(engine) == migrate.head()


async def test_downgrade_base_removes_every_table_and_upgrade_restores_them(engine: AsyncEngine) -> None:
    await migrate.downgrade(engine, "base")
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) == set()
    assert await migrate.current(engine) is None
    await migrate.upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) == set(Base.metadata.tables)
        assert await conn.run_sync(_diff) == []


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_guild_owned_tables_have_indexed_guild_id(table: str) -> None:
    t = Base.metadata.tables[table]
    if "guild_id" not in t.c:
        assert table in {"bot_state"}
        return
    indexed = {next(c.name for c in ix.columns) for ix in t.indexes} | {
        next(c.name for c in uq.columns) for uq in t.constraints if hasattr(uq, "columns") and uq.columns
    }
    assert "guild_id" in indexed or t.c.guild_id.primary_key
