"""Speaker autocomplete and resolution with 10,000 speakers: `python benchmarks/speakers.py [--speakers N]`.

Times `SpeakerService.autocomplete` (what Discord calls on every keystroke; it must answer well inside
3 seconds, ideally in a few milliseconds) and `resolve` (exact, alias, fuzzy "Did you mean"), on SQLite. Baseline in the same run: rapidfuzz
`process.extract` over every name for each keystroke.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.records import RecordsService, parse_rows
from bot.services.speakers import SpeakerService
from db import migrate
from db.engine import make_engine, make_sessionmaker

FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "Lloyd",
    "Sabrina",
    "Joe",
    "Kamala",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Austin",
    "Singh",
    "Biden",
    "Harris",
]


def names(n: int) -> list[str]:
    rng = random.Random(3)
    out: set[str] = set()
    while len(out) < n:
        out.add(f"{rng.choice(FIRST)} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(LAST)} {len(out)}")
    return sorted(out)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def run(url: str, label: str, n: int) -> list[str]:
    engine = make_engine(url)
    await migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    all_names = names(n)
    rows = "\n".join(json.dumps({"text": f"Statement {i}", "speaker": s}) for i, s in enumerate(all_names))
    await RecordsService(sessions).import_rows(1, parse_rows(rows, "jsonl"), actor_id=0)
    speakers = SpeakerService(sessions)
    typed = ["l", "ll", "llo", "lloy", "lloyd", "lloyd a", "sing", "biden 12", "x", ""]
    auto: list[float] = []
    for _ in range(20):
        for t in typed:
            start = time.perf_counter()
            got = await speakers.autocomplete(1, t)
            auto.append((time.perf_counter() - start) * 1000)
            assert len(got) <= 25
    resolve: list[float] = []
    for name in random.Random(5).sample(all_names, 50):
        for query in (name, name.replace(".", ""), name[:-1] + "x"):
            start = time.perf_counter()
            await speakers.resolve(1, query)
            resolve.append((time.perf_counter() - start) * 1000)
    base: list[float] = []
    for t in typed[:6]:
        start = time.perf_counter()
        process.extract(t, all_names, scorer=fuzz.WRatio, processor=utils.default_process, limit=25)
        base.append((time.perf_counter() - start) * 1000)
    await engine.dispose()
    return [
        f"| {label} | autocomplete | {statistics.median(auto):.1f} | {pct(auto, 95):.1f} | {len(auto)} |",
        f"| {label} | resolve (exact / alias / fuzzy) | {statistics.median(resolve):.1f} | {pct(resolve, 95):.1f} | {len(resolve)} |",
        f"| {label} | baseline: rapidfuzz over all names | {statistics.median(base):.1f} | {pct(base, 95):.1f} | {len(base)} |",
    ]


async def main(n: int) -> None:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        lines += await run(f"sqlite+aiosqlite:///{Path(tmp) / 's.db'}", "SQLite", n)
    print(f"\nSpeakers: {n:,} in one server\n")
    print("| engine | operation | p50 ms | p95 ms | calls |\n|---|---|---:|---:|---:|")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speakers", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().speakers))
