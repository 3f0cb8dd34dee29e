"""Digest composition speed: 1,000 digests composed from 10,000 stored headlines, with a naive baseline.

Usage (from the repo root):
    .venv/bin/python -m benchmarks.digests
    .venv/bin/python -m benchmarks.digests --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench

The store holds 10 guilds x 1,000 headlines (5 outlets each, spread over 10 days, about a third of them
the same story told by several outlets) and 100 statements per guild in the match index. 1,000 digests are
built as the scheduler builds them (10 guilds x 10 days x 10 subscriptions with different sizes and
sections): read the window from the database, cluster, rank, look up related statements, compose, then
render to Discord embeds and to Markdown. A heavy single digest over 1,000 headlines of one day is timed
too. Baseline: the same digests with clustering replaced by "one headline = one story" (no rapidfuzz), which
bounds what clustering costs. Target: p95 ≤ 100 ms per digest on SQLite (the loop ticks once a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.container import build_services
from bot.domain import NewStatement
from bot.services import digests as digest_module
from bot.services.clustering import Story
from bot.services.digests import DigestHeadline, DigestService
from bot.settings import Settings
from bot.ui.digests import to_markdown, to_messages, within_limits
from db import migrate
from db.engine import make_engine
from db.models import FeedRow, HeadlineRow

GUILDS = 10
HEADLINES_PER_GUILD = 1000
DAYS = 10
SUBSCRIPTIONS = 10
OUTLETS = ("Daily Bugle", "Morning Star", "Evening Post", "The Ledger", "Wire Service")
START = datetime(2024, 7, 1, tzinfo=UTC)
_WORDS = [
    "minister",
    "council",
    "budget",
    "tax",
    "vote",
    "senate",
    "court",
    "police",
    "school",
    "hospital",
    "bridge",
    "harbour",
    "strike",
    "election",
    "climate",
    "housing",
    "water",
    "energy",
    "rail",
    "airport",
    "farmers",
    "border",
    "trade",
    "union",
    "pension",
    "inflation",
    "wages",
    "army",
    "treaty",
    "summit",
    "mayor",
    "governor",
    "flood",
    "storm",
    "fire",
    "drought",
    "prices",
    "rent",
    "doctors",
    "nurses",
    "teachers",
    "students",
]
_VERBS = [
    "backs",
    "rejects",
    "delays",
    "approves",
    "blocks",
    "unveils",
    "cuts",
    "raises",
    "defends",
    "questions",
    "probes",
    "signs",
]


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    n: int
    total_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float


def _title(rng: random.Random) -> str:
    a, b, c = rng.sample(_WORDS, 3)
    return f"{a.title()} {rng.choice(_VERBS)} {b} plan amid {c} row"


def _variant(title: str, rng: random.Random) -> str:
    words = title.split()
    choice = rng.random()
    if choice < 0.4:
        return title + f" - {rng.choice(OUTLETS)}"
    if choice < 0.7:
        return " ".join(words[:-1]) + " dispute"
    return "Live: " + title


async def _seed(database_url: str) -> None:
    engine = make_engine(database_url)
    await migrate.upgrade(engine)
    services = build_services(Settings(database_url=database_url), engine, clock=lambda: START)
    rng = random.Random(42)
    for g in range(1, GUILDS + 1):
        async with services.sessions.begin() as session:
            feeds = []
            for outlet in OUTLETS:
                feed = FeedRow(
                    guild_id=g,
                    url=f"https://{outlet.replace(' ', '').lower()}.example/rss",
                    name=outlet,
                    interval_min=30,
                    added_by=1,
                    created_at=START,
                )
                session.add(feed)
                feeds.append(feed)
            await session.flush()
            made = 0
            while made < HEADLINES_PER_GUILD:
                base = _title(rng)
                copies = rng.choice((1, 1, 1, 2, 3, 4)) if rng.random() < 0.35 else 1
                when = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
                for c in range(min(copies, HEADLINES_PER_GUILD - made)):
                    session.add(
                        HeadlineRow(
                            guild_id=g,
                            feed_id=feeds[(made + c) % len(feeds)].id,
                            entry_key=f"{g}-{made + c}",
                            title=base if c == 0 else _variant(base, rng),
                            link=f"https://news.example/{g}/{made + c}",
                            outlet=None,
                            published_at=when + timedelta(minutes=17 * c),
                            first_seen_at=when + timedelta(minutes=17 * c),
                        )
                    )
                made += copies
        for i in range(100):
            await services.statements.add(
                g,
                NewStatement(
                    text=f"We will {rng.choice(_VERBS)} the {' '.join(rng.sample(_WORDS, 4))} plan, number {i}.",
                    speaker=f"Speaker {i % 12}",
                    said_on=date(2024, 6, 1) + timedelta(days=i % 28),
                ),
                actor_id=1,
            )
        for s in range(SUBSCRIPTIONS):
            await services.digests.setup(
                g,
                channel_id=100 + s,
                post_time=f"{6 + s:02d}:00",
                timezone=("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")[s % 4],
                max_items=(5, 10, 15, 25)[s % 4],
                sections=("headlines statements related", "headlines", "headlines related")[s % 3],
                actor_id=1,
            )
    await services.feeds.close()
    await engine.dispose()


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(name: str, durations: list[float]) -> Row:
    return Row(
        name,
        len(durations),
        sum(durations),
        statistics.median(durations) * 1000,
        _percentile(durations, 0.95) * 1000,
        max(durations) * 1000,
    )


def _one_story_each(headlines: Sequence[DigestHeadline], max_items: int) -> list[Story[DigestHeadline]]:
    ordered = sorted(headlines, key=lambda h: h.published_at, reverse=True)[:max_items]
    return [Story((h,), h, (h.outlet,), h.published_at, h.published_at) for h in ordered]


async def _run(database_url: str, *, baseline: bool) -> tuple[list[float], list[float], int]:
    engine = make_engine(database_url)
    services = build_services(Settings(database_url=database_url), engine)
    await services.index.build()
    service: DigestService = services.digests
    build_times: list[float] = []
    render_times: list[float] = []
    broken = 0
    patch: Callable[..., object] = _one_story_each if baseline else digest_module.top_stories
    with mock.patch.object(digest_module, "top_stories", patch):
        for day in range(1, DAYS + 1):
            local_date = date(2024, 7, day)
            for g in range(1, GUILDS + 1):
                for number in range(1, SUBSCRIPTIONS + 1):
                    started = time.perf_counter()
                    document = await service.preview(g, number, local_date=local_date)
                    built = time.perf_counter()
                    messages = to_messages(document)
                    to_markdown(document)
                    render_times.append(time.perf_counter() - built)
                    build_times.append(built - started)
                    broken += not within_limits(messages)
    await services.feeds.close()
    await engine.dispose()
    return build_times, render_times, broken


async def _heavy(database_url: str) -> float:
    """One digest over 1,000 headlines published on the same day."""
    engine = make_engine(database_url)
    services = build_services(Settings(database_url=database_url), engine)
    rng = random.Random(7)
    day = START + timedelta(days=DAYS + 2)
    g = GUILDS + 1
    async with services.sessions.begin() as session:
        feed = FeedRow(
            guild_id=g,
            url="https://heavy.example/rss",
            name="Heavy",
            interval_min=30,
            added_by=1,
            created_at=START,
        )
        session.add(feed)
        await session.flush()
        for i in range(1000):
            title = _title(rng)
            session.add(
                HeadlineRow(
                    guild_id=g,
                    feed_id=feed.id,
                    entry_key=f"h{i}",
                    title=title if i % 3 else _variant(title, rng),
                    link=None,
                    outlet=None,
                    published_at=day + timedelta(minutes=i),
                    first_seen_at=day,
                )
            )
    started = time.perf_counter()
    await services.digests.preview(g, local_date=(day + timedelta(days=1)).date())
    elapsed = time.perf_counter() - started
    await services.feeds.close()
    await engine.dispose()
    return elapsed


async def _main(database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        print(
            f"seeding {GUILDS * HEADLINES_PER_GUILD:,} headlines, {GUILDS * 100} statements, "
            f"{GUILDS * SUBSCRIPTIONS} subscriptions …",
            flush=True,
        )
        started = time.perf_counter()
        await _seed(url)
        print(f"seeded in {time.perf_counter() - started:.1f} s\n", flush=True)
        build, render, broken = await _run(url, baseline=False)
        base_build, _, _ = await _run(url, baseline=True)
        heavy = await _heavy(url)
    rows = [
        _row("read + cluster + related + compose", build),
        _row("render (embeds + Markdown)", render),
        _row("total per digest", [a + b for a, b in zip(build, render, strict=True)]),
        _row("baseline: no clustering (read + compose)", base_build),
    ]
    print(f"## Composing {len(build):,} digests from {GUILDS * HEADLINES_PER_GUILD:,} stored headlines\n")
    print("| phase | digests | total s | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.name} | {r.n:,} | {r.total_s:.2f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.max_ms:.1f} |")
    print(f"\nheavy digest (1,000 headlines in one day): {heavy * 1000:.0f} ms")
    print(f"digests breaking Discord's limits: {broken}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    asyncio.run(_main(args.database))


if __name__ == "__main__":
    main()
