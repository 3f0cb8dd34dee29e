"""Import speed into SQLite: `python benchmarks/import_speed.py [--rows 50000]`.

Generates rows from the seed statements (varied words, speakers and external ids), then times
parse+validate and the one-transaction import through the same code as `onrecord import`, next to a
baseline in the same run: one ORM `session.add` per row in one transaction (no audit, no index).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.records import RecordsService, parse_rows
from db import migrate
from db.engine import make_engine, make_sessionmaker
from db.models import SpeakerRow, StatementRow

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-statements.jsonl"


def make_rows(n: int) -> str:
    seed = [json.loads(line) for line in SEED.read_text().splitlines()]
    words = " ".join(r["text"] for r in seed).split()
    rng = random.Random(7)
    out = []
    for i in range(n):
        base = dict(seed[i % len(seed)])
        base["text"] = " ".join(rng.choices(words, k=rng.randint(8, 30)))
        base["speaker"] = f"{base['speaker']} {i % 500}"
        base["external_id"] = f"bench-{i}"
        out.append(json.dumps(base))
    return "\n".join(out)


async def run(n: int) -> None:
    data = make_rows(n)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rows = parse_rows(data, "jsonl")
        t_parse = time.perf_counter() - t0

        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/a.db")
        await migrate.upgrade(engine)
        service = RecordsService(make_sessionmaker(engine))
        t0 = time.perf_counter()
        report = await service.import_rows(1, rows, actor_id=0)
        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = await service.import_rows(1, rows, actor_id=0)
        t_reimport = time.perf_counter() - t0
        await engine.dispose()

        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/b.db")
        await migrate.upgrade(engine)
        sessions = make_sessionmaker(engine)
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        t0 = time.perf_counter()
        async with sessions.begin() as session:
            sp = SpeakerRow(guild_id=1, name="x", kind="person", created_at=now, updated_at=now)
            session.add(sp)
            await session.flush()
            for i, r in enumerate(rows):
                s = r.statement
                session.add(
                    StatementRow(
                        guild_id=1,
                        number=i + 1,
                        text=s.text,
                        speaker_id=sp.id,
                        said_on=s.said_on,
                        kind=s.kind,
                        topics=list(s.topics),
                        external_id=s.external_id,
                        status="published",
                        text_key=str(i),
                        added_by=0,
                        created_at=now,
                        edit_count=0,
                    )
                )
        t_orm = time.perf_counter() - t0
        await engine.dispose()

    print(f"\nImport of {n:,} rows into SQLite (one transaction, audit entry per row)\n")
    print("| step | seconds | rows/s |\n|---|---:|---:|")
    print(f"| parse + validate | {t_parse:.2f} | {n / t_parse:,.0f} |")
    print(f"| import (new rows) | {t_import:.2f} | {n / t_import:,.0f} |")
    print(f"| parse + import end to end | {t_parse + t_import:.2f} | {n / (t_parse + t_import):,.0f} |")
    print(f"| re-import (all unchanged) | {t_reimport:.2f} | {n / t_reimport:,.0f} |")
    print(f"| baseline: ORM add per row, no audit | {t_orm:.2f} | {n / t_orm:,.0f} |")
    print(
        f"\ncreated={report.created} speakers={report.speakers_created} unchanged on re-import={again.unchanged}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    asyncio.run(run(parser.parse_args().rows))
