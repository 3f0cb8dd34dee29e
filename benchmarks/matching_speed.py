"""Claim-matching speed and memory at 10k / 100k / 1M statements, with baselines measured in the same run.

Usage (from the repo root):
    .venv/bin/python -m benchmarks.matching_speed --sizes 10000
    .venv/bin/python -m benchmarks.matching_speed                       # 10k, 100k, 1M (a few minutes)

Corpora are recombined clauses of the real dev statements (``benchmarks/_corpus.py``) spread over 20 guilds
(the largest guild, which is searched, holds ~28%); queries are real tweets. Baselines:
(a) rapidfuzz ``process.extract`` with the same scorer (token-set ratio) over every statement of the guild,
(b) SQLite FTS5 (in memory, porter tokenizer) ``bm25()`` top-100 with the same guild filter.
Targets at 1M on one core: p50 ≤ 10 ms, p95 ≤ 30 ms, ≥ 100x faster than (a), index ≤ 1.5 GB RSS,
incremental add ≤ 1 ms per statement.
"""

from __future__ import annotations

import argparse
import gc
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._corpus import synthetic_corpus, synthetic_queries
from bot.services.matching import MatchIndex, analyze, clean_query

GUILD = 1  # the largest guild


@dataclass(frozen=True, slots=True)
class Timing:
    p50_ms: float
    p95_ms: float
    n: int


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def time_queries(search: Callable[[str], object], queries: Sequence[str]) -> Timing:
    times = []
    for q in queries:
        start = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return Timing(times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))], len(times))


def bench_index(size: int, queries: Sequence[str]) -> dict[str, float]:
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    index = MatchIndex()
    index.add_many(synthetic_corpus(size))
    build_s = time.perf_counter() - start
    gc.collect()
    memory = rss_mb() - before
    for q in queries[:20]:  # warm caches (idf, page faults)
        index.search(GUILD, q)
    timing = time_queries(lambda q: index.search(GUILD, q, limit=5), queries)

    # Incremental changes on the full index: one upsert then a search (the search commits first).
    extra = list(synthetic_corpus(400, seed=99))
    fresh = [replace(d, statement_id=size + 1 + i, guild_id=GUILD) for i, d in enumerate(extra)]
    start = time.perf_counter()
    for doc in fresh[:200]:
        index.upsert(doc)
    upsert_us = (time.perf_counter() - start) / 200 * 1e6
    index.commit()
    single = []
    for doc in fresh[200:250]:
        start = time.perf_counter()
        index.upsert(doc)
        index.commit()
        single.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    for doc in fresh[250:400]:
        index.upsert(doc)
    index.commit()
    batch_ms = (time.perf_counter() - start) / 150 * 1000
    probe = fresh[-1]
    visible = any(m.statement_id == probe.statement_id for m in index.search(GUILD, probe.text, limit=5))
    return {
        "build_s": build_s,
        "memory_mb": memory,
        "p50": timing.p50_ms,
        "p95": timing.p95_ms,
        "upsert_us": upsert_us,
        "single_commit_ms": statistics.median(single),
        "batch_ms": batch_ms,
        "visible": float(visible),
        "docs": float(len(index)),
    }


def bench_rapidfuzz(size: int, queries: Sequence[str]) -> Timing:
    choices = [utils.default_process(d.text) for d in synthetic_corpus(size) if d.guild_id == GUILD]

    def search(query: str) -> object:
        return process.extract(
            utils.default_process(query), choices, scorer=fuzz.token_set_ratio, processor=None, limit=5
        )

    return time_queries(search, queries)


_FTS_SAFE = re.compile(r"[^0-9a-z]+")


def bench_sqlite(size: int, queries: Sequence[str]) -> tuple[Timing, float, float]:
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE st USING fts5(body, guild_id UNINDEXED, tokenize='porter unicode61')")
    db.executemany(
        "INSERT INTO st(rowid, body, guild_id) VALUES (?, ?, ?)",
        ((d.statement_id, f"{d.text}\n{d.context or ''}", d.guild_id) for d in synthetic_corpus(size)),
    )
    db.commit()
    build_s = time.perf_counter() - start
    memory = rss_mb() - before

    def search(query: str) -> object:
        words = {w for w in (_FTS_SAFE.sub(" ", t) for t in analyze(clean_query(query))) for w in w.split()}
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in sorted(words))
        sql = "SELECT rowid, bm25(st) FROM st WHERE st MATCH ? AND guild_id = ? ORDER BY bm25(st) LIMIT 100"
        return db.execute(sql, (match, GUILD)).fetchall()

    timing = time_queries(search, queries)
    db.close()
    return timing, build_s, memory


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated corpus sizes")
    parser.add_argument("--queries", type=int, default=300, help="queries timed per system")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    queries = synthetic_queries(args.queries)

    rows = []
    for size in sizes:
        print(f"… {size:,} statements", flush=True)
        ours = bench_index(size, queries)
        gc.collect()
        rf_queries = queries[:5] if size >= 1_000_000 else queries[:30] if size >= 100_000 else queries[:100]
        rf = bench_rapidfuzz(size, rf_queries)
        gc.collect()
        sq = bench_sqlite(size, queries) if not args.skip_sqlite else None
        gc.collect()
        rows.append((size, ours, rf, sq))

    print("\n## Query latency (guild with ~28% of the statements; top-5 fused for MatchIndex)\n")
    print(
        "| statements | MatchIndex p50 / p95 ms | rapidfuzz extract p50 / p95 ms (n) | speed-up p50 | "
        "SQLite FTS5 bm25 p50 / p95 ms |"
    )
    print("|---|---|---|---|---|")
    for size, ours, rf, sq in rows:
        sq_cell = f"{sq[0].p50_ms:.2f} / {sq[0].p95_ms:.2f}" if sq else "skipped"
        print(
            f"| {size:,} | {ours['p50']:.2f} / {ours['p95']:.2f} | {rf.p50_ms:.1f} / {rf.p95_ms:.1f} ({rf.n}) | "
            f"{rf.p50_ms / ours['p50']:.0f}x | {sq_cell} |"
        )
    print("\n## Build, memory and incremental changes\n")
    print(
        "| statements | MatchIndex build s | MatchIndex RSS Δ MB | FTS5 build s | FTS5 RSS Δ MB | "
        "upsert µs (buffered) | upsert + commit ms (one) | upsert + commit ms/stmt (batch 150) | visible |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size, ours, _, sq in rows:
        fts = f"{sq[1]:.1f} | {sq[2]:.0f}" if sq else "– | –"
        print(
            f"| {size:,} | {ours['build_s']:.1f} | {ours['memory_mb']:.0f} | {fts} | {ours['upsert_us']:.0f} | "
            f"{ours['single_commit_ms']:.2f} | {ours['batch_ms']:.3f} | {'yes' if ours['visible'] else 'NO'} |"
        )


if __name__ == "__main__":
    main()
