"""Fetch + parse throughput over 200 locally served feeds, bounded concurrency against a sequential baseline.

Serves feeds from ../shared/data/feeds (all of realistic/, topped up from wellformed/) on a loopback aiohttp
server in the same process, then runs, in one go:

* sequential:        one feed after another (the baseline);
* concurrent:        ``--concurrency`` fetches in flight, parsing in worker threads (``parse_feed_async``);
* concurrent, 304:   the same again with the stored ETag / Last-Modified, so every answer is 304 Not Modified.

Run: ``.venv/bin/python -m benchmarks.feeds_fetch [--feeds 200] [--concurrency 8]``.
The server shares the event loop with the client, so absolute numbers understate a real deployment.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.feed_parse import parse_feed_async
from bot.services.fetch import FetchError, FetchResult, GuardedFetcher, NotModified
from tests.unit.feedserver import CORPUS_ROOT, FeedServer

SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json"}


@dataclass(frozen=True, slots=True)
class Outcome:
    seconds: float
    headlines: int
    status: str
    validators: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    total_s: float
    outcomes: Sequence[Outcome]


def pick_feeds(count: int) -> list[str]:
    realistic = sorted(p for p in (CORPUS_ROOT / "realistic").rglob("*") if p.suffix in SUFFIXES)
    wellformed = sorted(p for p in (CORPUS_ROOT / "wellformed" / "rss").rglob("*") if p.suffix in SUFFIXES)
    chosen = (realistic + wellformed)[:count]
    return [str(p.relative_to(CORPUS_ROOT)) for p in chosen]


async def fetch_and_parse(
    fetcher: GuardedFetcher, url: str, validators: tuple[str | None, str | None], now: datetime
) -> Outcome:
    started = time.perf_counter()
    try:
        result = await fetcher.fetch(url, etag=validators[0], last_modified=validators[1])
    except FetchError as exc:
        return Outcome(time.perf_counter() - started, 0, type(exc).__name__)
    if isinstance(result, NotModified):
        return Outcome(time.perf_counter() - started, 0, "304", (result.etag, result.last_modified))
    assert isinstance(result, FetchResult)
    feed = await parse_feed_async(result.body, headers=result.headers, url=result.final_url, now=now)
    return Outcome(
        time.perf_counter() - started,
        len(feed.headlines),
        str(result.status),
        (result.etag, result.last_modified),
    )


async def run_all(name: str, jobs: Sequence[Callable[[], Awaitable[Outcome]]], *, concurrency: int) -> Run:
    semaphore = asyncio.Semaphore(concurrency)

    async def bounded(job: Callable[[], Awaitable[Outcome]]) -> Outcome:
        async with semaphore:
            return await job()

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(bounded(job) for job in jobs))
    return Run(name, time.perf_counter() - started, outcomes)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def print_table(runs: Sequence[Run]) -> None:
    header = f"{'pass':<26}{'feeds':>6}{'total s':>9}{'feeds/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'headlines':>10}  statuses"
    print(header)
    print("-" * len(header))
    for run in runs:
        seconds = [o.seconds * 1000 for o in run.outcomes]
        statuses: dict[str, int] = {}
        for outcome in run.outcomes:
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        print(
            f"{run.name:<26}{len(run.outcomes):>6}{run.total_s:>9.2f}{len(run.outcomes) / run.total_s:>9.1f}"
            f"{statistics.median(seconds):>8.1f}{percentile(seconds, 0.95):>8.1f}"
            f"{sum(o.headlines for o in run.outcomes):>10}  "
            + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
        )


async def main(feed_count: int, concurrency: int) -> None:
    feeds = pick_feeds(feed_count)
    now = datetime.now(UTC)
    async with (
        FeedServer() as server,
        GuardedFetcher(allow_hosts=frozenset({"127.0.0.1"}), timeout_s=20) as fetcher,
    ):
        urls = [server.url(f"feeds/{feed}") for feed in feeds]
        await fetch_and_parse(fetcher, urls[0], (None, None), now)  # warm-up: session, connector, imports
        no_validators = (None, None)
        sequential = await run_all(
            "sequential (baseline)",
            [lambda u=url: fetch_and_parse(fetcher, u, no_validators, now) for url in urls],
            concurrency=1,
        )
        concurrent = await run_all(
            f"concurrent ({concurrency})",
            [lambda u=url: fetch_and_parse(fetcher, u, no_validators, now) for url in urls],
            concurrency=concurrency,
        )
        stored = [o.validators for o in concurrent.outcomes]
        revalidate = await run_all(
            f"concurrent ({concurrency}), 304",
            [
                lambda u=url, v=v: fetch_and_parse(fetcher, u, v, now)
                for url, v in zip(urls, stored, strict=True)
            ],
            concurrency=concurrency,
        )
    print(f"{len(feeds)} feeds from {CORPUS_ROOT} served on 127.0.0.1; fetch + parse per feed")
    print_table([sequential, concurrent, revalidate])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.feeds, arguments.concurrency))
