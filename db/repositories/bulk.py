"""Bulk inserts of plain rows, fast on SQLite (the imports' hot path) and portable elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

_Processor = Callable[[Any], Any] | None  # SQLAlchemy's bind processor for a column, if it has one


def _plan(table: Table, columns: Sequence[str], dialect: Dialect) -> tuple[str, list[_Processor]]:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    processors: list[_Processor] = [table.c[c].type.bind_processor(dialect) for c in columns]
    # Table and column names come from our own metadata, never from input.
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', processors  # noqa: S608


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], chunk: int = 5000
) -> None:
    """Insert ``rows`` (all with the same keys) inside the session's transaction.

    On SQLite the values go through SQLAlchemy's own bind processors (so dates, timestamps and JSON are stored
    exactly as the ORM stores them) and then straight to the driver's ``executemany``; other engines use
    SQLAlchemy's executemany."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        for start in range(0, len(rows), chunk):
            await session.execute(insert(table), list(rows[start : start + chunk]))
        return
    columns = list(rows[0])
    sql, processors = _plan(table, columns, dialect)
    processed = [(i, p) for i, p in enumerate(processors) if p is not None]
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:  # pragma: no cover - aiosqlite always has one
        raise RuntimeError("no driver connection")
    for start in range(0, len(rows), chunk):
        params = [[row[c] for c in columns] for row in rows[start : start + chunk]]
        for i, process in processed:
            for values in params:
                values[i] = process(values[i])
        await driver.executemany(sql, params)
